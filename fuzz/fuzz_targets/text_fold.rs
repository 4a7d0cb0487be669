//! Search normalisation of whatever citizens type: `text::fold`, `text::words`,
//! `text::sort_key`, and `Level::parse` which folds (crates/core/src/text.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_core::catalogue::Level;
use motcua_core::text::{fold, sort_key, words};
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Every letter of the Vietnamese alphabet in both cases, precomposed (NFC), built here
/// from the base vowels and the five tone marks rather than copied from core.
fn vietnamese_letters() -> &'static [char] {
    static L: OnceLock<Vec<char>> = OnceLock::new();
    L.get_or_init(|| {
        let bases = [
            "a", "a\u{306}", "a\u{302}", "e", "e\u{302}", "i", "o", "o\u{302}", "o\u{31b}", "u",
            "u\u{31b}", "y",
        ];
        let tones = ["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"];
        let mut v = vec!['đ', 'Đ'];
        for b in bases {
            for t in tones {
                let s: String = format!("{b}{t}").nfc().collect();
                let mut cs = s.chars();
                let c = cs.next().unwrap();
                assert!(cs.next().is_none(), "{b}{t} is one precomposed letter");
                v.push(c);
                v.extend(c.to_uppercase());
            }
        }
        v.extend(('a'..='z').chain('A'..='Z').chain('0'..='9'));
        v.extend([
            ' ', ',', '.', '-', '\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}',
        ]);
        v
    })
}

fn is_vietnamese_or_ascii(c: char) -> bool {
    c.is_ascii() || ('\u{300}'..='\u{36f}').contains(&c) || vietnamese_letters().contains(&c)
}

fn check_fold(s: &str) {
    let f = fold(s);
    // Lower-case ASCII words separated by single spaces.
    assert!(
        f.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b' '),
        "fold({s:?}) = {f:?}"
    );
    assert!(
        !f.starts_with(' ') && !f.ends_with(' ') && !f.contains("  "),
        "fold({s:?}) = {f:?}"
    );
    assert_eq!(fold(&f), f, "fold is idempotent on {s:?}");
    assert_eq!(
        fold(&s.to_ascii_uppercase()),
        f,
        "ASCII case does not matter"
    );
    // Precomposed and decomposed Vietnamese fold alike.
    if s.chars().all(is_vietnamese_or_ascii) {
        assert_eq!(fold(&s.nfd().collect::<String>()), f, "NFD of {s:?}");
        let nfc: String = s.nfc().collect();
        if nfc.chars().all(is_vietnamese_or_ascii) {
            assert_eq!(fold(&nfc), f, "NFC of {s:?}");
        }
    }
    let w = words(s);
    let fw: Vec<&str> = f.split(' ').filter(|x| !x.is_empty()).collect();
    for (i, x) in w.iter().enumerate() {
        assert!(
            !x.is_empty() && fw.contains(&x.as_str()),
            "word {x:?} of {s:?}"
        );
        assert!(!w[..i].contains(x), "words are unique: {w:?}");
    }
    assert!(
        fw.iter().all(|x| w.iter().any(|y| y == x)),
        "every folded word is kept: {w:?}"
    );
    assert_eq!(words(&w.join(" ")), w, "words of the words");
    assert_eq!(Level::parse(s), Level::parse(&f), "Level::parse folds");
}

fn check_sort_key(s: &str) {
    let k = sort_key(s);
    let n = k.iter().position(|&x| x == 0).expect("letters end with 0");
    assert_eq!(k.len(), 2 * n + 1, "one tone per letter");
    assert!(k[n + 1..].iter().all(|&t| t <= 5), "six tones");
    assert_eq!(sort_key(&s.to_lowercase()), k, "case does not matter");
    assert_eq!(
        sort_key(&s.to_uppercase().to_lowercase()),
        sort_key(&s.to_uppercase()),
        "upper/lower"
    );
}

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        check_fold(s);
        check_sort_key(s);
    }
    // The same bytes read as letters of the Vietnamese alphabet, so every letter and
    // every combination of marks is reached.
    let letters = vietnamese_letters();
    let t: String = data
        .iter()
        .map(|&b| letters[b as usize % letters.len()])
        .collect();
    check_fold(&t);
    check_sort_key(&t);
});
