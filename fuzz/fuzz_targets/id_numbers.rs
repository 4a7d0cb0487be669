//! Personal and organisation numbers typed by applicants and officers:
//! `Cccd::parse`, `TaxCode::parse`, `Phone::parse` (crates/core/src/ids).
//!
//! The input is the raw text given to every parser; the same bytes also drive a
//! constructive check that builds a number by the documented rule and expects it accepted.
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use motcua_core::ids::{Cccd, IdError, Phone, TaxCode};

/// Province codes of birth registration, Thông tư 07/2016/TT-BCA (63 provinces before the
/// 2025 merger), written out here as the oracle rather than read from core.
const PROVINCES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// Tax-code check digit (Thông tư 105/2020/TT-BTC): weights 31 29 23 19 17 13 7 5 3,
/// check = 10 − (sum mod 11); a remainder of 0 gives no valid code.
fn tax_check(d: &[u32]) -> Option<u32> {
    const W: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];
    let sum: u32 = W.iter().zip(d).map(|(w, x)| w * x).sum();
    let c = 10 - sum % 11;
    (c != 10).then_some(c)
}

fn check_cccd(s: &str) {
    for year in [1950, 2026, 2399] {
        if let Ok(c) = Cccd::parse(s, year) {
            let t = c.as_str();
            assert_eq!(t, s.trim(), "Cccd keeps the trimmed text");
            assert!(t.len() == 12 && all_digits(t), "Cccd {t:?} is 12 digits");
            let prov: u16 = t[..3].parse().unwrap();
            assert!(
                PROVINCES.contains(&prov),
                "Cccd {t:?}: province {prov} unknown"
            );
            let by = c.birth_year();
            let century = (t.as_bytes()[3] - b'0') as i32;
            assert_eq!(
                by,
                1900 + century / 2 * 100 + t[4..6].parse::<i32>().unwrap()
            );
            assert!(by <= year, "Cccd {t:?}: birth {by} after {year}");
            assert_eq!(
                Cccd::parse(&c.to_string(), year),
                Ok(c.clone()),
                "Display re-parses"
            );
            // Accepted this year, accepted every later year.
            assert!(Cccd::parse(s, year + 1).is_ok());
        }
    }
}

fn check_tax(s: &str) {
    if let Ok(t) = TaxCode::parse(s) {
        let v = t.as_str();
        assert_eq!(v, s.trim());
        let (main, branch) = v.split_once('-').map_or((v, None), |(m, b)| (m, Some(b)));
        assert!(
            main.len() == 10 && all_digits(main),
            "tax code {v:?}: 10 digits"
        );
        if let Some(b) = branch {
            assert!(
                b.len() == 3 && all_digits(b) && b != "000",
                "tax code {v:?}: branch"
            );
        }
        let d: Vec<u32> = main.bytes().map(|b| (b - b'0') as u32).collect();
        assert_eq!(
            tax_check(&d[..9]),
            Some(d[9]),
            "tax code {v:?}: check digit"
        );
        assert_eq!(
            TaxCode::parse(&t.to_string()),
            Ok(t.clone()),
            "Display re-parses"
        );
    }
}

fn check_phone(s: &str) {
    if let Ok(p) = Phone::parse(s) {
        let v = p.as_str();
        assert!(v.len() == 10 && all_digits(v), "phone {v:?}: 10 digits");
        assert!(
            v.starts_with('0') && !v[1..].starts_with('0'),
            "phone {v:?}: 0 then a non-zero digit"
        );
        // The national form is a fixed point, and its international forms mean the same.
        assert_eq!(Phone::parse(v), Ok(p.clone()));
        assert_eq!(Phone::parse(&format!("+84{}", &v[1..])), Ok(p.clone()));
        assert_eq!(
            Phone::parse(&format!("+84 {} {} {}", &v[1..4], &v[4..7], &v[7..])),
            Ok(p.clone())
        );
        // Every digit of the input is kept (apart from a leading 84 country code).
        let typed: String = s.chars().filter(char::is_ascii_digit).collect();
        assert!(
            typed == v || format!("84{}", &v[1..]) == typed,
            "phone {s:?} -> {v:?}"
        );
    }
}

fn constructive(u: &mut Unstructured<'_>) -> libfuzzer_sys::arbitrary::Result<()> {
    // CCCD: any 12 digits are accepted iff the province is known and the birth year is
    // not after the current one.
    let mut d = [0u8; 12];
    for x in d.iter_mut() {
        *x = u.int_in_range(0..=9)?;
    }
    let s: String = d.iter().map(|x| (b'0' + x) as char).collect();
    let year = u.int_in_range(1900..=2400)?;
    let prov = d[0] as u16 * 100 + d[1] as u16 * 10 + d[2] as u16;
    let birth = 1900 + (d[3] / 2) as i32 * 100 + (d[4] * 10 + d[5]) as i32;
    let expected = if !PROVINCES.contains(&prov) {
        Err(IdError::CccdProvince(s[..3].to_string()))
    } else if birth > year {
        Err(IdError::CccdFutureBirth(birth))
    } else {
        Ok(())
    };
    assert_eq!(
        Cccd::parse(&s, year).map(|_| ()),
        expected,
        "Cccd {s} in {year}"
    );

    // Tax code: 9 digits, the check digit computed here, an optional branch.
    let mut t = [0u32; 10];
    for x in t.iter_mut().take(9) {
        *x = u.int_in_range(0..=9)?;
    }
    let check = tax_check(&t[..9]);
    t[9] = check.unwrap_or(u.int_in_range(0..=9)?);
    let mut code: String = t
        .iter()
        .map(|x| char::from_digit(*x, 10).unwrap())
        .collect();
    let branch: u16 = u.int_in_range(0..=1999)?;
    if branch < 1000 {
        code.push_str(&format!("-{branch:03}"));
    }
    let ok = check.is_some() && t[2..9].iter().any(|&x| x != 0) && branch != 0;
    assert_eq!(TaxCode::parse(&code).is_ok(), ok, "tax code {code}");

    // Phone: 9 digits after a 0, the first non-zero, in any usual spelling.
    let mut p = String::from("0");
    p.push(char::from_digit(u.int_in_range(1..=9)?, 10).unwrap());
    for _ in 0..8 {
        p.push(char::from_digit(u.int_in_range(0..=9)?, 10).unwrap());
    }
    let spelled = match u.int_in_range(0..=3)? {
        0 => p.clone(),
        1 => format!("+84{}", &p[1..]),
        2 => format!("84{}", &p[1..]),
        _ => format!(" ({}) {}.{}-{} ", &p[..4], &p[4..7], &p[7..8], &p[8..]),
    };
    assert_eq!(
        Phone::parse(&spelled).map(|x| x.to_string()),
        Ok(p.clone()),
        "phone {spelled:?}"
    );
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        check_cccd(s);
        check_tax(s);
        check_phone(s);
    }
    let _ = constructive(&mut Unstructured::new(data));
});
