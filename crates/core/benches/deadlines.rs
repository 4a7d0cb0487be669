//! Due-date computations per second for typical deadlines (1–30 working days) on the full
//! Vietnamese calendar. Run: `cargo bench -p motcua-core --bench deadlines`.

use chrono::{Duration, NaiveDate};
use divan::counter::ItemsCount;
use divan::Bencher;
use motcua_core::calendar::{due_at, vietnam_calendar, DeadlineRules, ProcessingTime, WorkCalendar};
use motcua_core::time::{from_local, Instant};
use std::collections::BTreeMap;

fn main() {
    divan::main();
}

/// 4,096 reception instants spread over 2020–2030, at any minute of any day.
fn instants() -> Vec<Instant> {
    let base = from_local(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap());
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            base + Duration::minutes((x % (11 * 365 * 24 * 60)) as i64)
        })
        .collect()
}

fn calendar() -> WorkCalendar {
    vietnam_calendar(&BTreeMap::new(), &[])
}

#[divan::bench]
fn due_dates_1_to_30_working_days(bencher: Bencher) {
    let cal = calendar();
    let rules = DeadlineRules::default();
    let received = instants();
    bencher.counter(ItemsCount::new(received.len())).bench_local(|| {
        let mut last = received[0];
        for (i, r) in received.iter().enumerate() {
            let half_days = 2 + (i as u32 % 30) * 2;
            last = due_at(divan::black_box(&cal), &rules, *r, ProcessingTime::WorkingDays { half_days });
        }
        last
    });
}

#[divan::bench]
fn working_minutes_between(bencher: Bencher) {
    let cal = calendar();
    let received = instants();
    bencher.counter(ItemsCount::new(received.len() - 1)).bench_local(|| {
        let mut total = 0;
        for w in received.windows(2) {
            total += cal.working_minutes_between(w[0].min(w[1]), w[0].max(w[1]));
        }
        total
    });
}

#[divan::bench(sample_count = 10)]
fn build_the_calendar_1900_to_2199() -> WorkCalendar {
    calendar()
}
