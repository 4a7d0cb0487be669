//! Bulk lunar conversion: every day of a century (2000–2099) to its lunar date, building
//! the table included (must stay well under 100 ms), and the direct functions one call at
//! a time. Run: `cargo bench -p motcua-core --bench lunar`.

use chrono::{Duration, NaiveDate};
use divan::counter::ItemsCount;
use divan::Bencher;
use motcua_core::calendar::lunar::{lunar_to_solar, solar_to_lunar, tet, LunarDate, LunarTable};

fn main() {
    divan::main();
}

fn century() -> Vec<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
    (0..=(last - first).num_days()).map(|i| first + Duration::days(i)).collect()
}

/// Build the 2000–2099 table, then convert all 36,524 days.
#[divan::bench]
fn century_with_table(bencher: Bencher) {
    let days = century();
    bencher.counter(ItemsCount::new(days.len())).bench(|| {
        let table = LunarTable::new(2000, 2099);
        let mut checksum = 0u64;
        for &d in &days {
            let l = table.to_lunar(divan::black_box(d)).unwrap();
            checksum += u64::from(l.day);
        }
        checksum
    });
}

/// Building the 2000–2099 table alone.
#[divan::bench]
fn table_build_century() -> LunarTable {
    LunarTable::new(divan::black_box(2000), divan::black_box(2099))
}

/// One direct conversion (no table), for callers converting a few dates.
#[divan::bench]
fn solar_to_lunar_one(bencher: Bencher) {
    let days = century();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 7919) % days.len();
        solar_to_lunar(divan::black_box(days[i]))
    });
}

/// One direct conversion back (no table).
#[divan::bench]
fn lunar_to_solar_one(bencher: Bencher) {
    let mut i = 0u32;
    bencher.bench_local(|| {
        i = i.wrapping_add(1);
        let date = LunarDate::new(2000 + (i % 100) as i32, (i % 12) as u8 + 1, (i % 29) as u8 + 1, false);
        lunar_to_solar(divan::black_box(date))
    });
}

/// Tết of one year.
#[divan::bench]
fn tet_one(bencher: Bencher) {
    let mut y = 2000;
    bencher.bench_local(|| {
        y = if y == 2099 { 2000 } else { y + 1 };
        tet(divan::black_box(y))
    });
}
