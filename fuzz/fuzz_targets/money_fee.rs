//! Amounts of đồng typed at the counter and the counter's reception form:
//! `reception::parse_amount`, `Money::display_vnd`, `reception::check`
//! (crates/core/src/reception.rs, crates/core/src/money.rs).
//!
//! Input: lines `fee`, `sets`, `receipt`, then one `form<TAB>count` line per paper.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_core::calendar::ProcessingTime;
use motcua_core::catalogue::{DocumentKind, Level, OnlineLevel, Procedure, RequiredDocument};
use motcua_core::reception::{check, parse_amount, ChecklistLine};
use motcua_core::Money;

/// The documented reading, done independently: digits, with `.`, `,`, spaces and no-break
/// spaces as thousands separators, is the number of đồng; anything else is refused.
fn model_amount(t: &str) -> Option<i64> {
    let mut v: i64 = 0;
    for c in t.chars() {
        match c {
            '0'..='9' => v = v.checked_mul(10)?.checked_add(c as i64 - '0' as i64)?,
            '.' | ',' | ' ' | '\u{a0}' => {}
            _ => return None,
        }
    }
    Some(v)
}

fn procedure() -> Procedure {
    let doc = |name: &str, kind, count, mandatory| RequiredDocument {
        name: name.into(),
        kind,
        count,
        mandatory,
        form: None,
    };
    Procedure {
        code: "1.000001".into(),
        name: "Thủ tục mẫu".into(),
        field: "Đất đai".into(),
        level: Level::Commune,
        agency_text: "Ủy ban nhân dân cấp xã".into(),
        agency_kinds: vec!["commune_people_committee".into()],
        processing: ProcessingTime::WorkingDays { half_days: 10 },
        fees: Vec::new(),
        documents: vec![
            doc("Tờ khai", DocumentKind::Original, 1, true),
            doc("Giấy tờ nhà đất", DocumentKind::Copy, 2, true),
            doc("Giấy ủy quyền", DocumentKind::Original, 1, false),
            doc("CCCD", DocumentKind::Shown, 1, true),
        ],
        online: OnlineLevel::None,
        result: "Giấy chứng nhận".into(),
        legal_basis: String::new(),
        workflow: Vec::new(),
        source_note: None,
    }
}

fn check_amount(s: &str) {
    let got = parse_amount(s);
    if let Some(m) = got {
        assert!(m.0 >= 0, "{s:?} -> {m:?}");
        // What is displayed reads back as the same amount.
        assert_eq!(
            parse_amount(&m.display_vnd()),
            Some(m),
            "{s:?} -> {}",
            m.display_vnd()
        );
    }
    // Plain numbers with separators read as the model says, with or without a unit.
    let t = s.trim();
    if t.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}'))
    {
        let want = model_amount(t).map(Money);
        assert_eq!(got, want, "{s:?}");
        for unit in ["đ", " đ", "đồng", " đồng", "VND", " VND"] {
            assert_eq!(
                parse_amount(&format!("{t}{unit}")),
                want,
                "{t:?} + {unit:?}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    check_amount(s);
    if data.len() >= 8 {
        let v = i64::from_le_bytes(data[..8].try_into().unwrap());
        let m = Money(v);
        let shown = m.display_vnd();
        if v >= 0 {
            assert_eq!(parse_amount(&shown), Some(m), "{shown}");
        } else {
            assert!(
                shown.starts_with('-') && parse_amount(&shown).is_none(),
                "{shown}"
            );
        }
        let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(digits, v.unsigned_abs().to_string(), "{shown}");
    }

    let mut lines = s.split('\n');
    let (fee, sets, receipt) = (
        lines.next().unwrap_or(""),
        lines.next().unwrap_or(""),
        lines.next().unwrap_or(""),
    );
    check_amount(fee);
    let checklist: Vec<ChecklistLine<'_>> = lines
        .map(|l| {
            let (form, count) = l.split_once('\t').unwrap_or((l, ""));
            ChecklistLine {
                form: (form != "-").then_some(form),
                count,
            }
        })
        .collect();
    let p = procedure();
    if let Ok(r) = check(&p, &checklist, sets, fee, receipt) {
        assert_eq!(checklist.len(), p.documents.len());
        assert!((1..=10).contains(&r.sets), "sets {}", r.sets);
        assert!((0..=1_000_000_000).contains(&r.fee.0), "fee {:?}", r.fee);
        assert_eq!(parse_amount(fee), Some(r.fee));
        if r.fee.0 > 0 {
            assert!(r.fee_receipt.is_some(), "a fee needs its receipt");
        }
        if let Some(n) = &r.fee_receipt {
            assert!(
                !n.is_empty() && n.trim() == n && n.chars().count() <= 50,
                "receipt {n:?}"
            );
        }
        // Every mandatory paper was received, in a form that satisfies it, with enough copies.
        for d in &p.documents {
            let got = r.papers.iter().find(|x| x.name == d.name);
            assert!(
                got.is_some() || !d.mandatory,
                "mandatory {:?} missing",
                d.name
            );
            if let Some(x) = got {
                assert!(x.form.satisfies(d.kind), "{:?} as {:?}", d.name, x.form);
                assert!(
                    (1..=50).contains(&x.count) && x.count >= d.count,
                    "{:?} x{}",
                    d.name,
                    x.count
                );
            }
        }
    }
});
