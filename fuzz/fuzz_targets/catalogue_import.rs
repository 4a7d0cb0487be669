//! Procedure catalogue files uploaded by administrators or loaded by the CLI:
//! `catalogue::parse_file` and `catalogue::parse_for_import` (crates/core/src/catalogue/import.rs),
//! then the search over what was accepted (`catalogue::relevance`).
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use motcua_core::calendar::{due_at, CountingRule, DeadlineRules, ProcessingTime, WorkCalendar};
use motcua_core::catalogue::{parse_file, parse_for_import, relevance, Procedure};
use motcua_core::text::words;
use motcua_core::time::from_local;
use std::collections::HashSet;
use std::sync::OnceLock;

const MINUTES_PER_DAY: i64 = 480;

fn trimmed_within(s: &str, max: usize, what: &str) {
    assert!(
        !s.is_empty() && s.trim() == s && s.chars().count() <= max,
        "{what} {s:?}"
    );
}

/// What the import documents for an accepted procedure.
fn check_procedure(p: &Procedure) {
    let c = &p.code;
    assert!(
        !c.is_empty()
            && c.len() <= 64
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'),
        "code {c:?}"
    );
    trimmed_within(&p.name, 500, "name");
    trimmed_within(&p.field, 200, "field");
    trimmed_within(&p.agency_text, 300, "agency");
    trimmed_within(&p.result, 500, "result");
    trimmed_within(&p.legal_basis, 2000, "legal_basis");
    match p.processing {
        ProcessingTime::SameDay => {}
        ProcessingTime::WorkingDays { half_days } => {
            assert!((1..=730).contains(&half_days), "{c}: half_days {half_days}");
            let budget: i64 = p.workflow.iter().map(|s| s.budget_minutes).sum();
            assert!(
                budget <= half_days as i64 * MINUTES_PER_DAY / 2,
                "{c}: workflow {budget} min over {half_days} half days"
            );
        }
        ProcessingTime::CalendarDays { days } => assert!(days > 0, "{c}: calendar days"),
    }
    assert!(!p.workflow.is_empty(), "{c}: a procedure has a workflow");
    for s in &p.workflow {
        assert!(
            s.budget_minutes > 0,
            "{c}: step {:?} accepted with a budget of {} minutes",
            s.name,
            s.budget_minutes
        );
        assert!(s.role.handles_steps(), "{c}: step role {:?}", s.role);
        trimmed_within(&s.name, 200, "step name");
    }
    for f in &p.fees {
        trimmed_within(&f.name, 300, "fee name");
        for a in [f.amount, f.online_amount].into_iter().flatten() {
            assert!((0..=1_000_000_000_000).contains(&a.0), "{c}: fee {a:?}");
        }
    }
    for d in &p.documents {
        trimmed_within(&d.name, 500, "document name");
        assert!((1..=100).contains(&d.count), "{c}: count {}", d.count);
    }
    assert!(!p.agency_kinds.is_empty(), "{c}: agency kinds");
    // A dossier of an accepted procedure gets a due date, after its reception.
    static CAL: OnceLock<WorkCalendar> = OnceLock::new();
    let cal = CAL.get_or_init(WorkCalendar::weekdays);
    let received = from_local(
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
    );
    for counting in [CountingRule::WorkingHours, CountingRule::CivilCode] {
        let rules = DeadlineRules {
            counting,
            ..DeadlineRules::default()
        };
        let due = due_at(cal, &rules, received, p.processing);
        assert!(due >= received, "{c}: due {due} before reception");
    }
    // Searching for a procedure by its own name finds it.
    let w = words(&p.name);
    if !w.is_empty() {
        assert!(
            relevance(&w, p) > 0,
            "{c}: not found by its name {:?}",
            p.name
        );
    }
}

/// One catalogue row written from the fuzzer's bytes: well-formed text fields, and the
/// numbers (times, hours, amounts, counts) anywhere in their JSON types' ranges, so the
/// validator's bounds are reached that byte-level mutation of the seeds rarely hits.
fn synthetic_row(u: &mut Unstructured<'_>) -> Result<String> {
    let pick =
        |u: &mut Unstructured<'_>, xs: &[&str]| -> Result<String> { Ok(u.choose(xs)?.to_string()) };
    let num = |u: &mut Unstructured<'_>| -> Result<String> {
        Ok(match u.int_in_range(0..=5)? {
            0 => u.arbitrary::<u8>()?.to_string(),
            1 => u.arbitrary::<u32>()?.to_string(),
            2 => u.arbitrary::<i64>()?.to_string(),
            3 => format!("{}.{}", u.arbitrary::<u16>()?, u.int_in_range(0..=999)?),
            4 => format!("0.{:03}", u.int_in_range(0..=999)?),
            _ => {
                let f: f64 = u.arbitrary()?;
                if f.is_finite() {
                    format!("{f:?}")
                } else {
                    "1".into()
                }
            }
        })
    };
    let mut row = format!(
        r#"{{"code":"X.{}","name":{},"field":"Hộ tịch","level":"{}","agency":"{}","online":"{}","result":"R","legal_basis":"L""#,
        u.arbitrary::<u16>()?,
        pick(
            u,
            &[
                "\"Đăng ký khai sinh\"",
                "\" \"",
                "\"Cấp bản sao trích lục\""
            ]
        )?,
        pick(u, &["xã", "tỉnh", "bộ"])?,
        pick(u, &["Ủy ban nhân dân cấp xã", "Công an xã", "Sở Tư pháp"])?,
        pick(u, &["full", "partial", "none", "4"])?,
    );
    if u.arbitrary()? {
        row += &format!(r#","processing_working_days":{}"#, num(u)?);
    }
    if u.arbitrary()? {
        row += &format!(r#","processing_days":{},"days_kind":"calendar""#, num(u)?);
    }
    if u.ratio(1, 4)? {
        row += r#","same_day":true"#;
    }
    if u.arbitrary()? {
        row += &format!(
            r#","fees":[{{"name":"Lệ phí","amount_vnd":{},"online_amount_vnd":{}}}]"#,
            num(u)?,
            num(u)?
        );
    }
    if u.arbitrary()? {
        row += &format!(
            r#","documents":[{{"name":"Tờ khai","kind":"{}","count":{}}}]"#,
            pick(u, &["original", "copy", "shown"])?,
            num(u)?
        );
    }
    if u.arbitrary()? {
        let mut steps = Vec::new();
        for _ in 0..u.int_in_range(1..=3)? {
            let role = pick(u, &["specialist", "head_of_unit", "signing_leader"])?;
            let agency = pick(u, &["receiving", "department_justice", "commune_police"])?;
            steps.push(format!(
                r#"{{"name":"Bước","role":"{role}","agency":"{agency}","hours":{}}}"#,
                num(u)?
            ));
        }
        row += &format!(r#","workflow":[{}]"#, steps.join(","));
    }
    row.push('}');
    Ok(row)
}

fuzz_target!(|data: &[u8]| {
    if let Ok(row) = synthetic_row(&mut Unstructured::new(data)) {
        check_text(&format!("[{row}]"));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        check_text(text);
    }
});

fn check_text(text: &str) {
    let lines = text.split('\n').count();
    let file = parse_file(text, MINUTES_PER_DAY);
    let all = parse_for_import(text, MINUTES_PER_DAY);
    match (&file, &all) {
        (Err((line, msg)), Err(errs)) => {
            assert!(*line <= lines, "error line {line} of {lines}");
            assert_eq!(errs, &vec![format!("dòng {line}: {msg}")]);
        }
        (Ok(rows), Ok(procs)) => {
            assert!(
                rows.iter().all(|r| r.result.is_ok()),
                "import accepted a bad row"
            );
            assert_eq!(rows.len(), procs.len());
            let mut codes = HashSet::new();
            for (r, p) in rows.iter().zip(procs) {
                assert_eq!(r.result.as_ref().ok(), Some(p));
                assert!(
                    codes.insert(p.code.as_str()),
                    "duplicate code {} imported",
                    p.code
                );
                check_procedure(p);
            }
        }
        (Ok(rows), Err(errs)) => {
            assert!(!errs.is_empty());
            let mut codes = HashSet::new();
            let clean = rows.iter().all(|r| {
                r.result
                    .as_ref()
                    .is_ok_and(|p| codes.insert(p.code.as_str()))
            });
            assert!(
                !clean,
                "all rows good and codes unique, yet refused: {errs:?}"
            );
        }
        (Err(_), Ok(_)) => panic!("parse_for_import accepted what parse_file refused"),
    }
    if let Ok(rows) = &file {
        let mut last = 1;
        for r in rows {
            assert!(
                r.line >= last && r.line <= lines,
                "row line {} (after {last}, of {lines})",
                r.line
            );
            last = r.line;
            match &r.result {
                Ok(p) => check_procedure(p),
                Err(e) => assert!(!e.is_empty(), "an error row names its problems"),
            }
        }
    }
}
