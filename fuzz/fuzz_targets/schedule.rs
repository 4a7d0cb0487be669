//! Holiday schedule files (`data/calendar/YYYY.txt`, and the schedules administrators
//! upload): `calendar::parse_schedule` and `holidays::format_schedule`
//! (crates/core/src/calendar/holidays.rs), then the working calendar built from them.
#![no_main]

use chrono::{Datelike, Duration, NaiveTime, Weekday};
use libfuzzer_sys::fuzz_target;
use motcua_core::calendar::holidays::format_schedule;
use motcua_core::calendar::{parse_schedule, DayKind, WorkCalendar};
use motcua_core::time::from_local;

fn weekend(d: chrono::NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let n_lines = text.lines().count();
    let days = match parse_schedule(text) {
        Err(e) => {
            // The first bad line is named, and everything before it reads.
            assert!(
                e.line >= 1 && e.line <= n_lines,
                "error line {} of {n_lines}",
                e.line
            );
            let before: Vec<&str> = text.lines().take(e.line - 1).collect();
            assert!(
                parse_schedule(&before.join("\n")).is_ok(),
                "a line before {} is bad too",
                e.line
            );
            let bad = text.lines().nth(e.line - 1).unwrap();
            assert!(
                !bad.split('#').next().unwrap().trim().is_empty(),
                "blank line {} refused",
                e.line
            );
            return;
        }
        Ok(days) => days,
    };
    let content_lines = text
        .lines()
        .filter(|l| !l.split('#').next().unwrap().trim().is_empty())
        .count();
    assert_eq!(days.len(), content_lines, "one day per line");
    assert!(days.windows(2).all(|w| w[0] <= w[1]), "sorted");
    for d in &days {
        match d.kind {
            DayKind::Off => assert!(!weekend(d.date), "{} off on a weekend", d.date),
            DayKind::Work => assert!(weekend(d.date), "{} worked on a weekday", d.date),
        }
        let r = &d.reason;
        assert!(
            !r.is_empty() && r.trim() == r && !r.contains('#') && !r.contains('\n'),
            "reason {r:?}"
        );
    }
    // What is read is written back the same, and reads again the same.
    let written = format_schedule(&days);
    assert_eq!(
        parse_schedule(&written).as_ref(),
        Ok(&days),
        "round trip through {written:?}"
    );

    // The working calendar built from the schedule says the same, and its working-time
    // arithmetic agrees with itself around each day (inside and outside its tables).
    if days.is_empty() || days.len() > 16 {
        return;
    }
    let cal = WorkCalendar::weekdays().with_special_days(
        days.iter()
            .map(|d| (d.date, d.kind == DayKind::Work, d.reason.clone())),
    );
    for d in &days {
        assert_eq!(
            cal.is_working_day(d.date),
            d.kind == DayKind::Work,
            "{}",
            d.date
        );
        let last = days.iter().rev().find(|x| x.date == d.date).unwrap();
        assert_eq!(
            cal.reason(d.date),
            Some(last.reason.as_str()),
            "{}: later entry wins",
            d.date
        );
        if !(1890..=2210).contains(&d.date.year()) {
            continue;
        }
        let next = cal.next_working_day(d.date);
        assert!(
            next > d.date && cal.is_working_day(next),
            "next working day after {}: {next}",
            d.date
        );
        assert!((next - d.date) < Duration::days(400));
        let from = from_local(d.date.and_time(NaiveTime::from_hms_opt(8, 0, 0).unwrap()));
        for minutes in [1, 240, 480, 4800] {
            let to = cal.add_working_minutes(from, minutes);
            assert!(to > from, "{minutes} min after {from}: {to}");
            assert_eq!(
                cal.working_minutes_between(from, to),
                minutes,
                "{minutes} min after {from} = {to}"
            );
        }
    }
});
