//! Ranking of catalogue search results: citizens type a few words without diacritics, in
//! any order; the procedure whose name says what they typed comes first.

use super::procedure::Procedure;
use crate::text::fold;

/// A procedure's searchable text, folded once (the catalogue is searched far more often
/// than it changes).
#[derive(Debug, Clone)]
pub struct Searchable {
    name: String,
    name_words: Vec<String>,
    field: String,
    code: String,
}

impl Searchable {
    pub fn of(p: &Procedure) -> Searchable {
        let name = fold(&p.name);
        let name_words = name.split(' ').map(String::from).collect();
        Searchable { name, name_words, field: fold(&p.field), code: p.code.to_ascii_lowercase() }
    }
}

/// How well a procedure matches the folded query words (higher is better; 0 = no match:
/// some word is found nowhere).
pub fn relevance(words: &[String], p: &Procedure) -> u32 {
    relevance_of(words, &words.join(" "), &Searchable::of(p))
}

/// [`relevance`] over pre-folded text; `phrase` is the words joined by spaces.
pub fn relevance_of(words: &[String], phrase: &str, s: &Searchable) -> u32 {
    if words.is_empty() {
        return 1;
    }
    let mut score = 0;
    let mut whole_words = 0;
    for w in words {
        let points = if s.name_words.iter().any(|n| n == w) {
            whole_words += 1;
            10
        } else if s.name_words.iter().any(|n| n.starts_with(w.as_str())) {
            6
        } else if s.name.contains(w.as_str()) {
            3
        } else if s.field.contains(w.as_str()) || s.code.contains(w.as_str()) {
            2
        } else {
            return 0;
        };
        score += points;
    }
    // A name made of just the words typed is the one meant: short exact names beat long
    // names that merely mention them.
    let n = s.name_words.len().max(1) as u32;
    score += 30 * whole_words.min(n) / n;
    // The words in the order typed, together, is what people mean by a name.
    if s.name.starts_with(phrase) {
        score += 20;
    } else if s.name.contains(phrase) {
        score += 12;
    }
    score
}

/// Sorts matching procedures best first (ties: shorter name, then code) and drops the rest.
pub fn rank<'a>(words: &[String], procedures: impl IntoIterator<Item = &'a Procedure>) -> Vec<&'a Procedure> {
    let phrase = words.join(" ");
    sort_scored(procedures.into_iter().map(|p| (relevance_of(words, &phrase, &Searchable::of(p)), p)).filter(|(s, _)| *s > 0).collect())
}

/// [`rank`] over procedures with their pre-folded text.
pub fn rank_indexed<'a>(words: &[String], items: impl IntoIterator<Item = (&'a Procedure, &'a Searchable)>) -> Vec<&'a Procedure> {
    let phrase = words.join(" ");
    sort_scored(items.into_iter().map(|(p, s)| (relevance_of(words, &phrase, s), p)).filter(|(s, _)| *s > 0).collect())
}

fn sort_scored(mut scored: Vec<(u32, &Procedure)>) -> Vec<&Procedure> {
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.name.len().cmp(&b.1.name.len())).then(a.1.code.cmp(&b.1.code)));
    scored.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{parse_file, Procedure};
    use crate::text::words;

    fn catalogue() -> Vec<Procedure> {
        let rows = parse_file(
            r#"[{"code":"1.001193","name":"Đăng ký khai sinh","field":"Hộ tịch","level":"xã","agency":"UBND xã","same_day":true,"processing_working_days":0,"online":"full","result":"R","legal_basis":"L"},
               {"code":"2.000001","name":"Đăng ký khai sinh có yếu tố nước ngoài","field":"Hộ tịch","level":"xã","agency":"UBND xã","processing_working_days":3,"online":"full","result":"R","legal_basis":"L"},
               {"code":"1.000656","name":"Đăng ký khai tử","field":"Hộ tịch","level":"xã","agency":"UBND xã","same_day":true,"processing_working_days":0,"online":"full","result":"R","legal_basis":"L"},
               {"code":"9.1","name":"Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế","field":"Hộ tịch","level":"xã","agency":"UBND xã","processing_working_days":3,"online":"full","result":"R","legal_basis":"L"}]"#,
            480,
        )
        .unwrap();
        rows.into_iter().map(|r| r.result.unwrap()).collect()
    }

    #[test]
    fn diacritics_case_and_word_order_do_not_matter_and_the_exact_name_comes_first() {
        let all = catalogue();
        for q in ["dang ky khai sinh", "khai sinh đăng ký", "ĐĂNG KÝ KHAI SINH"] {
            let ranked = rank(&words(q), &all);
            assert_eq!(ranked.first().map(|p| p.code.as_str()), Some("1.001193"), "{q}");
            assert!(!ranked.iter().any(|p| p.code == "1.000656"), "{q}: khai tử does not match 'sinh'");
            assert_eq!(ranked.len(), 3, "{q}");
        }
    }

    #[test]
    fn partial_words_and_codes_match() {
        let all = catalogue();
        assert_eq!(rank(&words("khai t"), &all).first().map(|p| p.code.as_str()), Some("1.000656"));
        assert_eq!(rank(&words("1.000656"), &all).len(), 1);
        assert!(rank(&words("ho chieu"), &all).is_empty());
    }
}
