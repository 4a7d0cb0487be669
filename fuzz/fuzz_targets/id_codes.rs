//! Codes typed in lookups, forms and catalogue files: `AgencyCode::parse`,
//! `AgencyCode::parse_any` (reversed national form), `AgencyCode::parent`,
//! `DossierCode::parse` and `DossierCodeFormat::issue` (crates/core/src/ids).
#![no_main]

use chrono::{Datelike, NaiveDate};
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use motcua_core::ids::{AgencyCode, DossierCode, DossierCodeFormat};

/// The documented rule of the current form: groups joined by dots, the first a capital
/// letter and two digits, the others non-empty runs of digits and capital letters; at most
/// 35 characters.
fn well_formed_agency(s: &str) -> bool {
    let mut groups = s.split('.');
    let first = groups.next().unwrap_or("").as_bytes();
    s.len() <= 35
        && first.len() == 3
        && first[0].is_ascii_uppercase()
        && first[1..].iter().all(u8::is_ascii_digit)
        && groups.all(|g| {
            !g.is_empty()
                && g.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        })
}

fn check_agency(a: &AgencyCode) {
    let v = a.as_str();
    assert!(
        well_formed_agency(v),
        "agency {v:?} accepted but not well formed"
    );
    assert_eq!(
        AgencyCode::parse(&a.to_string()).as_ref(),
        Ok(a),
        "Display re-parses"
    );
    assert_eq!(
        AgencyCode::parse_any(v).as_ref(),
        Ok(a),
        "parse_any agrees on the current form"
    );
    match a.parent() {
        Some(p) => {
            assert!(
                v.starts_with(&format!("{}.", p.as_str())),
                "parent {p:?} of {v:?}"
            );
            assert_eq!(
                AgencyCode::parse(p.as_str()).as_ref(),
                Ok(&p),
                "parent is a valid code"
            );
        }
        None => assert!(!v.contains('.'), "{v:?} has a parent"),
    }
}

fn check_dossier(s: &str) {
    let Ok(c) = DossierCode::parse(s) else { return };
    let v = c.as_str();
    assert_eq!(v, s.trim());
    assert_eq!(
        DossierCode::parse(&c.to_string()).as_ref(),
        Ok(&c),
        "Display re-parses"
    );
    // <agency>-<YYMMDD>-<sequence of at least 4 digits>
    let mut parts = v.rsplitn(3, '-');
    let (seq, date, agency) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    // The agency part is itself a well-formed agency code, as written (no padding).
    assert!(
        well_formed_agency(agency),
        "dossier code {v:?} accepted with agency part {agency:?}"
    );
    let agency = AgencyCode::parse(agency)
        .unwrap_or_else(|e| panic!("dossier {v:?}: agency {agency:?}: {e}"));
    assert!(
        date.len() == 6 && date.bytes().all(|b| b.is_ascii_digit()),
        "dossier {v:?}: date"
    );
    assert!(
        (4..=12).contains(&seq.len()) && seq.bytes().all(|b| b.is_ascii_digit()),
        "dossier {v:?}: sequence"
    );
    let n = |i: usize| date[i..i + 2].parse::<u32>().unwrap();
    let day = NaiveDate::from_ymd_opt(2000 + n(0) as i32, n(2), n(4))
        .unwrap_or_else(|| panic!("dossier {v:?}: no such day"));
    // A plain code re-issues to itself.
    if let Ok(q) = seq.parse::<u32>() {
        if format!("{q:04}") == seq {
            assert_eq!(
                DossierCodeFormat::default().issue(&agency, day, q),
                c,
                "re-issue of {v:?}"
            );
        }
    }
}

fn constructive(u: &mut Unstructured<'_>) -> libfuzzer_sys::arbitrary::Result<()> {
    // An agency code built by the rule is accepted; its reversed, zero-padded national
    // form turns back into it.
    let mut groups = vec![format!(
        "{}{}{}",
        (b'A' + u.int_in_range(0..=25)?) as char,
        u.int_in_range(0..=9)?,
        u.int_in_range(0..=9)?
    )];
    for _ in 0..u.int_in_range(0..=4)? {
        let len = u.int_in_range(1..=5)?;
        let mut g = String::new();
        for _ in 0..len {
            let k: u8 = u.int_in_range(0..=35)?;
            g.push(if k < 10 {
                (b'0' + k) as char
            } else {
                (b'A' + k - 10) as char
            });
        }
        groups.push(g);
    }
    let code = groups.join(".");
    let parsed = AgencyCode::parse(&code);
    assert_eq!(parsed.is_ok(), code.len() <= 35, "agency {code:?}");
    let Ok(agency) = parsed else { return Ok(()) };
    check_agency(&agency);
    if groups.len() <= 4
        && groups[1..]
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_digit()) && g.bytes().any(|b| b != b'0'))
    {
        // `000.00.12.H28` ↔ `H28.12`: digit groups reversed, padded with all-zero groups.
        let mut rev: Vec<String> = groups.iter().rev().cloned().collect();
        while rev.len() < 4 {
            rev.insert(0, "0".repeat(u.int_in_range(1..=3)?));
        }
        let national = rev.join(".");
        assert_eq!(
            AgencyCode::parse_any(&national).as_ref(),
            Ok(&agency),
            "reversed {national:?}"
        );
    }
    // Issued codes parse, for any reception day and sequence, plain or with a platform prefix.
    let day = NaiveDate::from_num_days_from_ce_opt(u.int_in_range(730_120..=767_000)?).unwrap(); // 2000..2100
    let seq: u32 = u.arbitrary()?;
    let prefix = if u.arbitrary()? {
        Some(format!("{:02}", u.int_in_range(0..=99)?))
    } else {
        None
    };
    let issued = DossierCodeFormat {
        platform_prefix: prefix,
    }
    .issue(&agency, day, seq);
    assert_eq!(
        DossierCode::parse(issued.as_str()).as_ref(),
        Ok(&issued),
        "issued {issued:?} (day {day})"
    );
    check_dossier(issued.as_str());
    assert!(issued.as_str().contains(&format!(
        "-{:02}{:02}{:02}-",
        day.year() % 100,
        day.month(),
        day.day()
    )));
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(a) = AgencyCode::parse(s) {
            assert_eq!(a.as_str(), s.trim());
            check_agency(&a);
        }
        if let Ok(a) = AgencyCode::parse_any(s) {
            check_agency(&a);
        }
        check_dossier(s);
    }
    let _ = constructive(&mut Unstructured::new(data));
});
