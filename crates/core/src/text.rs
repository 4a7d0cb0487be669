//! Vietnamese text folding for search: diacritics and case do not matter to users
//! typing on phones without a Vietnamese keyboard.

/// Folds a Vietnamese string to lowercase ASCII words: "ĐĂNG KÝ Khai sinh" → "dang ky khai sinh".
/// Non-alphanumeric characters become single spaces.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for ch in input.chars() {
        if ('\u{300}'..='\u{36f}').contains(&ch) {
            continue; // combining marks of decomposed text belong to the letter before
        }
        let base = fold_char(ch);
        if base.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(base.to_ascii_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// The search words of a query, folded, de-duplicated, in order.
pub fn words(input: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for w in fold(input).split(' ').filter(|w| !w.is_empty()) {
        if !seen.iter().any(|s| s == w) {
            seen.push(w.to_string());
        }
    }
    seen
}

fn fold_char(ch: char) -> char {
    if ch.is_ascii() {
        return ch;
    }
    // Precomposed Vietnamese letters, grouped by base letter.
    const GROUPS: &[(char, &str)] = &[
        ('a', "àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"),
        ('e', "èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ"),
        ('i', "ìíỉĩịÌÍỈĨỊ"),
        ('o', "òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"),
        ('u', "ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ"),
        ('y', "ỳýỷỹỵỲÝỶỸỴ"),
        ('d', "đĐ"),
    ];
    for (base, letters) in GROUPS {
        if letters.contains(ch) {
            return *base;
        }
    }
    ' '
}

/// A key that sorts Vietnamese text in dictionary order: letters first (a < ă < â < b …
/// d < đ …, case ignored), then tones (ngang, huyền, hỏi, ngã, sắc, nặng) to break ties.
/// Byte order would put "Đăng ký" after "Xây dựng" and "Căn cước" after "Chứng thực".
pub fn sort_key(input: &str) -> Vec<u16> {
    const ALPHABET: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";
    // Each vowel with its tones in Unicode's usual order: none, grave, acute, hook, tilde, dot.
    const TONED: [&str; 12] = ["aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "eèéẻẽẹ", "êềếểễệ", "iìíỉĩị", "oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ", "uùúủũụ", "ưừứửữự", "yỳýỷỹỵ"];
    // Dictionary tone order for those positions.
    const TONE_RANK: [u16; 6] = [0, 1, 4, 2, 3, 5];
    let mut letters = Vec::with_capacity(input.len());
    let mut tones = Vec::with_capacity(input.len());
    for ch in input.chars().flat_map(char::to_lowercase) {
        let (base, tone) = TONED
            .iter()
            .find_map(|set| set.chars().position(|c| c == ch).map(|i| (set.chars().next().unwrap_or(ch), TONE_RANK[i])))
            .unwrap_or((ch, 0));
        let rank = if let Some(i) = ALPHABET.chars().position(|c| c == base) {
            100 + i as u16
        } else if base.is_ascii_digit() {
            10 + (base as u16 - '0' as u16)
        } else if base.is_whitespace() {
            1
        } else {
            continue;
        };
        letters.push(rank);
        tones.push(tone);
    }
    letters.push(0);
    letters.extend(tones);
    letters
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_diacritics_case_and_punctuation() {
        assert_eq!(fold("ĐĂNG KÝ KHAI SINH"), "dang ky khai sinh");
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("  Chứng thực  bản sao, giấy tờ "), "chung thuc ban sao giay to");
        assert_eq!(fold("Hòa Thuỷ"), "hoa thuy");
    }

    #[test]
    fn folds_decomposed_marks() {
        // "ký" written as k + y + combining acute
        assert_eq!(fold("ky\u{301}"), "ky");
        assert_eq!(fold("đa\u{300}ng ky\u{301}"), "dang ky");
    }

    #[test]
    fn sorts_in_vietnamese_dictionary_order() {
        let mut v = vec!["Đăng ký, quản lý cư trú", "Chứng thực", "Căn cước", "Dân tộc", "Xây dựng", "an ninh", "Ăn uống", "Ân xá", "ba", "bà", "bả", "bã", "bá", "bạ"];
        v.sort_by_key(|s| sort_key(s));
        assert_eq!(v, ["an ninh", "Ăn uống", "Ân xá", "ba", "bà", "bả", "bã", "bá", "bạ", "Căn cước", "Chứng thực", "Dân tộc", "Đăng ký, quản lý cư trú", "Xây dựng"]);
    }

    #[test]
    fn words_are_unique_and_ordered() {
        assert_eq!(words("khai sinh đăng ký khai"), vec!["khai", "sinh", "dang", "ky"]);
    }
}
