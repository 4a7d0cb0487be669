//! Lunar calendar arguments (`motcua calendar solar D/M/YYYY [--leap]`, `calendar lunar DATE`,
//! the holiday rules): `lunar_to_solar`, `solar_to_lunar`, `month_length`, `leap_month`,
//! `tet`, `LunarTable` and `LunarDate`'s order and `D/M/YYYY[ nhuận]` form
//! (crates/core/src/calendar/lunar.rs). The D/M/YYYY text itself is split in crates/cli;
//! here the numbers it yields are fuzzed over and beyond their valid ranges.
#![no_main]

use chrono::{Datelike, Duration, NaiveDate};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use motcua_core::calendar::lunar::{
    leap_month, lunar_to_solar, month_length, solar_to_lunar, tet, LunarDate, LunarTable,
    SUPPORTED_YEARS,
};

const FIRST: i32 = *SUPPORTED_YEARS.start();
const LAST: i32 = *SUPPORTED_YEARS.end();

/// Reads back the documented display form `D/M/YYYY`, with ` nhuận` for a leap month.
fn read_display(s: &str) -> Option<LunarDate> {
    let (dmy, leap) = match s.strip_suffix(" nhuận") {
        Some(x) => (x, true),
        None => (s, false),
    };
    let mut it = dmy.split('/');
    let (d, m, y) = (
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    );
    it.next().is_none().then(|| LunarDate::new(y, m, d, leap))
}

fn check_solar_date(s: NaiveDate) {
    let l = solar_to_lunar(s);
    assert_eq!(lunar_to_solar(l), Some(s), "{s} -> {l}");
    let len = month_length(l.year, l.month, l.leap)
        .unwrap_or_else(|| panic!("{s} -> {l}: month has no length"));
    assert!(
        (29..=30).contains(&len) && (1..=len).contains(&l.day),
        "{s} -> {l}, month of {len} days"
    );
    if l.leap {
        assert_eq!(leap_month(l.year), Some(l.month), "{s} -> {l}");
    }
    assert_eq!(read_display(&l.to_string()), Some(l), "display of {l:?}");
    // Tết of the lunar year is on or before the day, and the next Tết after it.
    if l.year >= FIRST {
        assert!(tet(l.year) <= s, "{s} -> {l}: Tết {}", tet(l.year));
    }
    if l.year < LAST {
        assert!(
            s < tet(l.year + 1),
            "{s} -> {l}: next Tết {}",
            tet(l.year + 1)
        );
    }
    // The next day is the next day of the month, or day 1 of the next month.
    if let Some(n) = s.succ_opt().filter(|n| SUPPORTED_YEARS.contains(&n.year())) {
        let ln = solar_to_lunar(n);
        assert!(ln > l, "{s} -> {l}, {n} -> {ln}: chronological order");
        if l.day < len {
            assert_eq!(
                ln,
                LunarDate::new(l.year, l.month, l.day + 1, l.leap),
                "day after {l}"
            );
        } else {
            assert_eq!(ln.day, 1, "day after {l} (last of month): {ln}");
        }
    }
    // A table over the neighbouring years agrees with the direct conversion.
    let table = LunarTable::new(s.year() - 1, s.year() + 1);
    assert_eq!(table.to_lunar(s), Some(l), "table, {s}");
    assert_eq!(table.to_solar(l), Some(s), "table, {l}");
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    // A lunar date as a user might give it: numbers around and beyond the valid ranges.
    let year = u.int_in_range(FIRST - 3..=LAST + 3)?;
    let month: u8 = u.int_in_range(0..=14)?;
    let day: u8 = u.int_in_range(0..=32)?;
    let leap: bool = u.arbitrary()?;
    let l = LunarDate::new(year, month, day, leap);
    let solar = lunar_to_solar(l);
    let len = month_length(year, month, leap);
    if let Some(n) = len {
        assert!((29..=30).contains(&n), "{l:?}: month of {n} days");
    }
    if leap {
        assert_eq!(
            len.is_some(),
            leap_month(year) == Some(month),
            "{l:?}: leap month {:?}",
            leap_month(year)
        );
    }
    match solar {
        Some(s) => {
            assert!(SUPPORTED_YEARS.contains(&s.year()), "{l:?} -> {s}");
            assert!(
                len.is_some_and(|n| (1..=n).contains(&day)),
                "{l:?} -> {s} but month length {len:?}"
            );
            assert_eq!(solar_to_lunar(s), l, "{l:?} -> {s}");
            check_solar_date(s);
        }
        None => {
            // Only a day the month lacks, or a result outside the supported years, is refused.
            let exists = len.is_some_and(|n| (1..=n).contains(&day));
            assert!(
                !exists || year <= FIRST || year >= LAST,
                "{l:?} exists (month of {len:?} days) but has no solar date"
            );
        }
    }
    // Any solar date of the supported years, and the order of lunar dates follows it.
    let first = NaiveDate::from_ymd_opt(FIRST, 1, 1).unwrap();
    let span = (NaiveDate::from_ymd_opt(LAST, 12, 31).unwrap() - first).num_days();
    let s2 = first + Duration::days(u.int_in_range(0..=span)?);
    check_solar_date(s2);
    if let Some(s) = solar {
        let l2 = solar_to_lunar(s2);
        assert_eq!(l.cmp(&l2), s.cmp(&s2), "order of {l} and {l2}");
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
