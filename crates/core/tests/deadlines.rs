//! Properties of the deadline engine on the Vietnamese calendar, over many random receptions
//! (a fixed-seed generator, so failures reproduce), and table tests against the official
//! schedules of 2024–2026.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use motcua_core::calendar::{
    default_schedule, due_at, parse_schedule, push_due_for_pause, vietnam_calendar, CountingRule, DayKind, DeadlineRules, ProcessingTime,
    WorkCalendar,
};
use motcua_core::time::{from_local, to_local, Instant};
use std::collections::BTreeMap;

fn official() -> BTreeMap<i32, Vec<motcua_core::calendar::SpecialDay>> {
    [
        (2024, include_str!("../../../data/calendar/2024.txt")),
        (2025, include_str!("../../../data/calendar/2025.txt")),
        (2026, include_str!("../../../data/calendar/2026.txt")),
    ]
    .into_iter()
    .map(|(y, t)| (y, parse_schedule(t).unwrap()))
    .collect()
}

fn calendar() -> WorkCalendar {
    vietnam_calendar(&official(), &[])
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// An instant between 2020 and 2030 at any minute.
    fn instant(&mut self) -> Instant {
        let base = from_local(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap());
        base + Duration::minutes((self.next() % (11 * 365 * 24 * 60)) as i64)
    }
}

fn in_working_time(cal: &WorkCalendar, at: Instant) -> bool {
    let l = to_local(at);
    cal.is_working_day(l.date()) && cal.sessions().iter().any(|s| l.time() > s.start && l.time() <= s.end)
}

#[test]
fn due_dates_fall_in_working_time_and_count_exactly_n_days() {
    let cal = calendar();
    let rules = DeadlineRules::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let received = rng.instant();
        let half_days = 1 + (rng.next() % 60) as u32;
        let due = due_at(&cal, &rules, received, ProcessingTime::WorkingDays { half_days });
        assert!(in_working_time(&cal, due), "{received} + {half_days} half days → {due}");
        assert_eq!(cal.working_minutes_between(received, due), half_days as i64 * 240, "{received} + {half_days}");
    }
}

#[test]
fn due_dates_are_monotonic_in_n_and_in_the_reception_instant() {
    let cal = calendar();
    let rules = DeadlineRules::default();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..5_000 {
        let a = rng.instant();
        let b = a + Duration::minutes((rng.next() % 5000) as i64);
        let mut previous = None;
        for half_days in 1..=60 {
            let t = ProcessingTime::WorkingDays { half_days };
            let (da, db) = (due_at(&cal, &rules, a, t), due_at(&cal, &rules, b, t));
            assert!(da <= db, "later reception, earlier due: {a} {b} {half_days}");
            if let Some(p) = previous {
                assert!(da > p, "more days, not later: {a} {half_days}");
            }
            previous = Some(da);
        }
    }
}

#[test]
fn pauses_add_exactly_the_working_time_waited() {
    let cal = calendar();
    let rules = DeadlineRules::default();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for _ in 0..5_000 {
        let received = rng.instant();
        let due = due_at(&cal, &rules, received, ProcessingTime::WorkingDays { half_days: 10 });
        let paused = received + Duration::minutes((rng.next() % 3000) as i64);
        let resumed = paused + Duration::minutes((rng.next() % 10_000) as i64);
        let pushed = push_due_for_pause(&cal, due, paused, resumed);
        assert_eq!(
            cal.working_minutes_between(due, pushed),
            cal.working_minutes_between(paused, resumed),
            "{received} paused {paused}..{resumed}"
        );
    }
}

#[test]
fn civil_code_due_dates_end_at_the_end_of_a_working_day() {
    let cal = calendar();
    let rules = DeadlineRules { counting: CountingRule::CivilCode, ..DeadlineRules::default() };
    let mut rng = Rng(0xA076_1D64_78BD_642F);
    for _ in 0..5_000 {
        let received = rng.instant();
        let days = 1 + (rng.next() % 30) as u32;
        let due = to_local(due_at(&cal, &rules, received, ProcessingTime::WorkingDays { half_days: days * 2 }));
        assert!(cal.is_working_day(due.date()) && due.time() == NaiveTime::from_hms_opt(17, 0, 0).unwrap(), "{received} {days} → {due}");
        assert!(due.date() > to_local(received).date());
    }
}

#[test]
fn the_official_schedules_are_what_the_calendar_uses() {
    let cal = calendar();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    // 2024: Tết 8–14 Feb (weekdays 8, 9, 12, 13, 14); 29/4 bridge, Saturday 4/5 worked.
    for off in [d(2024, 2, 8), d(2024, 2, 9), d(2024, 2, 12), d(2024, 2, 14), d(2024, 4, 29), d(2024, 9, 3)] {
        assert!(!cal.is_working_day(off), "{off}");
    }
    assert!(cal.is_working_day(d(2024, 5, 4)));
    // 2025: Tết 27–31 Jan; 2/5 bridge with Saturday 26/4 worked; 1–2 Sep.
    for off in [d(2025, 1, 27), d(2025, 1, 31), d(2025, 4, 7), d(2025, 5, 2), d(2025, 9, 1), d(2025, 9, 2)] {
        assert!(!cal.is_working_day(off), "{off}");
    }
    assert!(cal.is_working_day(d(2025, 4, 26)));
    assert!(cal.is_working_day(d(2025, 9, 3)));
    // 2026: Tết 16–20 Feb; 27/4 for the Hùng Kings' Sunday; 31/8 bridge, Saturday 22/8 worked; 24/11.
    for off in [d(2026, 2, 16), d(2026, 2, 20), d(2026, 4, 27), d(2026, 8, 31), d(2026, 9, 1), d(2026, 9, 2), d(2026, 11, 24)] {
        assert!(!cal.is_working_day(off), "{off}");
    }
    assert!(cal.is_working_day(d(2026, 8, 22)));
    assert!(cal.is_working_day(d(2026, 9, 3)), "the official schedule replaces the default adjacent day");
}

#[test]
fn the_defaults_agree_with_the_official_schedules_where_the_law_fixes_the_day() {
    // Days fixed by law (not chosen by the government) must be in both.
    for (year, official) in official() {
        let computed: Vec<NaiveDate> = default_schedule(year).iter().filter(|s| s.kind == DayKind::Off).map(|s| s.date).collect();
        let fixed = [(1, 1), (4, 30), (5, 1), (9, 2)];
        for (m, day) in fixed {
            let date = NaiveDate::from_ymd_opt(year, m, day).unwrap();
            if date.weekday().number_from_monday() <= 5 {
                assert!(computed.contains(&date), "{date} missing from the defaults");
                assert!(official.iter().any(|s| s.date == date), "{date} missing from the official {year} file");
            }
        }
    }
    // Tết in the defaults: the eve and lunar 1–4/1.
    let tet_2025: Vec<u32> = default_schedule(2025).iter().filter(|s| s.date.month() <= 2).map(|s| s.date.day()).collect();
    assert_eq!(tet_2025, vec![1, 28, 29, 30, 31, 3], "2025: 1/1, eve 28/1, Tết 29/1–1/2 with Saturday 1/2 compensated on Monday 3/2");
}
