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
    fn words_are_unique_and_ordered() {
        assert_eq!(words("khai sinh đăng ký khai"), vec!["khai", "sinh", "dang", "ky"]);
    }
}
