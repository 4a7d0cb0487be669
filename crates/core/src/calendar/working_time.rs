//! Working days and working sessions in Vietnamese local time, with precomputed tables so
//! a deadline is a few array lookups (millions per second, no allocation).
//!
//! Default working time: Monday–Friday, 07:30–11:30 and 13:00–17:00 (8 hours a day), the
//! common schedule of state agencies; agencies may configure other sessions. Days off and
//! worked weekend days come from the holiday rules and the yearly official schedules
//! ([`super::holidays`]).

use crate::time::{from_local, to_local, Instant};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use std::collections::BTreeMap;

/// Minutes in half of a default working day (4 hours); deadlines may be given in half days.
pub const MINUTES_PER_HALF_DAY: i64 = 240;

/// First and last solar years of the precomputed tables (outside them a slower day-by-day
/// walk gives the same answers).
pub const TABLE_FIRST_YEAR: i32 = 1900;
pub const TABLE_LAST_YEAR: i32 = 2199;

/// One working session of a day, in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Session {
    fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }
}

/// Which days are worked, at which hours, and why a day is special.
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    sessions: Vec<Session>,
    minutes_per_day: i64,
    /// Weekdays not worked, with the reason users read ("Tết Nguyên đán").
    days_off: BTreeMap<NaiveDate, String>,
    /// Weekend days worked (make-up Saturdays), with the reason.
    extra_working: BTreeMap<NaiveDate, String>,
    /// `cum[i]`: working days strictly before table day `i` (day 0 = 1 January of the first year).
    cum: Vec<u32>,
    /// Table day index of the k-th working day.
    working: Vec<u32>,
    first: NaiveDate,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid wall-clock time")
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Default for WorkCalendar {
    fn default() -> Self {
        Self::weekdays()
    }
}

impl WorkCalendar {
    /// Monday–Friday with the default sessions and no holidays.
    pub fn weekdays() -> Self {
        let mut cal = WorkCalendar {
            sessions: vec![Session { start: hm(7, 30), end: hm(11, 30) }, Session { start: hm(13, 0), end: hm(17, 0) }],
            minutes_per_day: 480,
            days_off: BTreeMap::new(),
            extra_working: BTreeMap::new(),
            cum: Vec::new(),
            working: Vec::new(),
            first: NaiveDate::from_ymd_opt(TABLE_FIRST_YEAR, 1, 1).expect("valid date"),
        };
        cal.rebuild();
        cal
    }

    fn rebuild(&mut self) {
        let last = NaiveDate::from_ymd_opt(TABLE_LAST_YEAR, 12, 31).expect("valid date");
        let days = (last - self.first).num_days() as usize + 1;
        self.cum = Vec::with_capacity(days + 1);
        self.working = Vec::with_capacity(days * 5 / 7 + 1);
        let mut n = 0u32;
        let mut day = self.first;
        for i in 0..days {
            self.cum.push(n);
            if self.is_working_day_slow(day) {
                self.working.push(i as u32);
                n += 1;
            }
            day = day.succ_opt().unwrap_or(day);
        }
        self.cum.push(n);
    }

    /// Replaces the working sessions (must be ordered and non-overlapping; invalid ones are ignored).
    pub fn with_sessions(mut self, sessions: Vec<Session>) -> Self {
        let ordered = !sessions.is_empty()
            && sessions.iter().all(|s| s.start < s.end)
            && sessions.windows(2).all(|w| w[0].end <= w[1].start);
        if ordered {
            self.minutes_per_day = sessions.iter().map(Session::minutes).sum();
            self.sessions = sessions;
        }
        self
    }

    /// Marks days as not worked (without a stated reason).
    pub fn with_days_off(self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.with_special_days(days.into_iter().map(|d| (d, false, String::from("Ngày nghỉ"))))
    }

    /// Marks weekend days as worked (without a stated reason).
    pub fn with_working_days(self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.with_special_days(days.into_iter().map(|d| (d, true, String::from("Ngày làm việc bù"))))
    }

    /// Adds special days: `(date, worked, reason)`. A later entry for the same date wins.
    pub fn with_special_days(mut self, days: impl IntoIterator<Item = (NaiveDate, bool, String)>) -> Self {
        for (d, worked, reason) in days {
            self.days_off.remove(&d);
            self.extra_working.remove(&d);
            if worked {
                self.extra_working.insert(d, reason);
            } else {
                self.days_off.insert(d, reason);
            }
        }
        self.rebuild();
        self
    }

    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// Working minutes in one working day.
    pub fn minutes_per_day(&self) -> i64 {
        self.minutes_per_day
    }

    /// Why a day is special: the reason a weekday is off or a weekend day is worked.
    pub fn reason(&self, day: NaiveDate) -> Option<&str> {
        self.days_off.get(&day).or_else(|| self.extra_working.get(&day)).map(String::as_str)
    }

    /// Days off on weekdays and worked weekend days in a range, with reasons, in order.
    pub fn special_days(&self, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, bool, &str)> {
        let mut v: Vec<(NaiveDate, bool, &str)> = self
            .days_off
            .range(from..=to)
            .filter(|(d, _)| !is_weekend(**d))
            .map(|(d, r)| (*d, false, r.as_str()))
            .chain(self.extra_working.range(from..=to).filter(|(d, _)| is_weekend(**d)).map(|(d, r)| (*d, true, r.as_str())))
            .collect();
        v.sort();
        v
    }

    fn is_working_day_slow(&self, day: NaiveDate) -> bool {
        if self.extra_working.contains_key(&day) {
            return true;
        }
        !is_weekend(day) && !self.days_off.contains_key(&day)
    }

    fn index(&self, day: NaiveDate) -> Option<usize> {
        let i = (day - self.first).num_days();
        (i >= 0 && (i as usize) + 1 < self.cum.len()).then_some(i as usize)
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.index(day) {
            Some(i) => self.cum[i + 1] != self.cum[i],
            None => self.is_working_day_slow(day),
        }
    }

    /// The first working day on or after `day`.
    pub fn working_day_on_or_after(&self, mut day: NaiveDate) -> NaiveDate {
        if let Some(i) = self.index(day) {
            if let Some(&w) = self.working.get(self.cum[i] as usize) {
                return self.first + Duration::days(w as i64);
            }
        }
        // Outside the tables. The bound only guards against a calendar with every day off.
        for _ in 0..400 {
            if self.is_working_day_slow(day) {
                return day;
            }
            day = day.succ_opt().unwrap_or(day);
        }
        day
    }

    /// The first working day strictly after `day`.
    pub fn next_working_day(&self, day: NaiveDate) -> NaiveDate {
        self.working_day_on_or_after(day.succ_opt().unwrap_or(day))
    }

    /// End of working time of a day (the end of its last session).
    pub fn end_of_day(&self, day: NaiveDate) -> Instant {
        from_local(day.and_time(self.sessions.last().map(|s| s.end).unwrap_or(hm(17, 0))))
    }

    /// End of the first session of a day (noon for the default sessions).
    pub fn end_of_first_session(&self, day: NaiveDate) -> Instant {
        from_local(day.and_time(self.sessions.first().map(|s| s.end).unwrap_or(hm(11, 30))))
    }

    /// Working minutes of a working day elapsed at a local time of day.
    fn elapsed_in_day(&self, t: NaiveTime) -> i64 {
        let mut m = 0;
        for s in &self.sessions {
            if t >= s.end {
                m += s.minutes();
            } else {
                if t > s.start {
                    m += (t - s.start).num_minutes();
                }
                break;
            }
        }
        m
    }

    /// The local time at which `m` working minutes of a day have elapsed (1..=minutes_per_day);
    /// a boundary maps to the end of the session it closes.
    fn time_at(&self, mut m: i64) -> NaiveTime {
        for s in &self.sessions {
            let len = s.minutes();
            if m <= len {
                return s.start + Duration::minutes(m);
            }
            m -= len;
        }
        self.sessions.last().map(|s| s.end).unwrap_or(hm(17, 0))
    }

    /// Working minutes from the start of the tables to a local time (None outside them).
    fn position(&self, local: NaiveDateTime) -> Option<i64> {
        let i = self.index(local.date())?;
        let before = self.cum[i] as i64 * self.minutes_per_day;
        let working = self.cum[i + 1] != self.cum[i];
        Some(if working { before + self.elapsed_in_day(local.time()) } else { before })
    }

    /// The instant at a table position, preferring the end of a session at boundaries.
    fn instant_at(&self, pos: i64) -> Option<Instant> {
        let mpd = self.minutes_per_day;
        if pos <= 0 || mpd <= 0 {
            return None;
        }
        let k = ((pos - 1) / mpd) as usize;
        let rem = pos - k as i64 * mpd;
        let day = self.first + Duration::days(*self.working.get(k)? as i64);
        Some(from_local(day.and_time(self.time_at(rem))))
    }

    /// The instant when `minutes` of working time have elapsed after `from`. Time outside
    /// sessions is skipped; a deadline that ends exactly at a session's end stays there.
    pub fn add_working_minutes(&self, from: Instant, minutes: i64) -> Instant {
        let minutes = minutes.max(0);
        if minutes == 0 {
            return from;
        }
        let local = to_local(from);
        if let Some(at) = self.position(local).and_then(|p| self.instant_at(p + minutes)) {
            return at;
        }
        self.add_working_minutes_slow(local, minutes)
    }

    fn add_working_minutes_slow(&self, from: NaiveDateTime, minutes: i64) -> Instant {
        let mut remaining = minutes;
        let mut cursor = from;
        loop {
            let day = self.working_day_on_or_after(cursor.date());
            if day != cursor.date() {
                cursor = day.and_time(NaiveTime::MIN);
            }
            for s in &self.sessions {
                let (start, end) = (day.and_time(s.start), day.and_time(s.end));
                if cursor >= end {
                    continue;
                }
                cursor = cursor.max(start);
                let available = (end - cursor).num_minutes();
                if remaining <= available {
                    return from_local(cursor + Duration::minutes(remaining));
                }
                remaining -= available;
                cursor = end;
            }
            cursor = match day.succ_opt() {
                Some(next) => next.and_time(NaiveTime::MIN),
                None => return from_local(cursor),
            };
        }
    }

    /// Working minutes between two instants (0 if `to` is not after `from`).
    pub fn working_minutes_between(&self, from: Instant, to: Instant) -> i64 {
        if to <= from {
            return 0;
        }
        let (a, b) = (to_local(from), to_local(to));
        if let (Some(pa), Some(pb)) = (self.position(a), self.position(b)) {
            return (pb - pa).max(0);
        }
        let mut total = 0;
        let mut day = a.date();
        while day <= b.date() {
            if self.is_working_day_slow(day) {
                for s in &self.sessions {
                    let start = day.and_time(s.start).max(a);
                    let end = day.and_time(s.end).min(b);
                    if end > start {
                        total += (end - start).num_minutes();
                    }
                }
            }
            day = match day.succ_opt() {
                Some(d) => d,
                None => break,
            };
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::from_local;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Instant {
        from_local(NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap())
    }

    #[test]
    fn adds_across_lunch_and_weekend() {
        let cal = WorkCalendar::weekdays();
        assert_eq!(cal.add_working_minutes(at(2026, 11, 27, 16, 0), 120), at(2026, 11, 30, 8, 30));
        assert_eq!(cal.add_working_minutes(at(2026, 11, 23, 11, 0), 60), at(2026, 11, 23, 13, 30));
    }

    #[test]
    fn deadline_may_end_exactly_at_session_end() {
        let cal = WorkCalendar::weekdays();
        assert_eq!(cal.add_working_minutes(at(2026, 11, 23, 7, 30), 480), at(2026, 11, 23, 17, 0));
        assert_eq!(cal.add_working_minutes(at(2026, 11, 23, 7, 30), 240), at(2026, 11, 23, 11, 30));
    }

    #[test]
    fn received_outside_hours_starts_at_next_session() {
        let cal = WorkCalendar::weekdays();
        assert_eq!(cal.add_working_minutes(at(2026, 11, 22, 20, 0), 60), at(2026, 11, 23, 8, 30));
        assert_eq!(cal.add_working_minutes(at(2026, 11, 23, 12, 0), 60), at(2026, 11, 23, 14, 0));
        assert_eq!(cal.add_working_minutes(at(2026, 11, 23, 18, 0), 60), at(2026, 11, 24, 8, 30));
    }

    #[test]
    fn days_off_and_worked_saturdays_count() {
        let cal = WorkCalendar::weekdays()
            .with_days_off([NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()])
            .with_working_days([NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()]);
        assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()));
        assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()));
        assert_eq!(cal.add_working_minutes(at(2026, 11, 23, 17, 0), 480), at(2026, 11, 25, 17, 0));
    }

    #[test]
    fn tables_and_the_slow_walk_agree() {
        let cal = WorkCalendar::weekdays().with_days_off([NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()]);
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let from = at(2026, 11, 1, 0, 0) + Duration::minutes((x % (60 * 24 * 60)) as i64);
            let minutes = ((x >> 20) % 30_000) as i64 + 1;
            let fast = cal.add_working_minutes(from, minutes);
            assert_eq!(fast, cal.add_working_minutes_slow(to_local(from), minutes), "{from} + {minutes}");
            assert_eq!(cal.working_minutes_between(from, fast), minutes, "{from} + {minutes}");
        }
    }

    #[test]
    fn outside_the_tables_the_walk_still_answers() {
        let cal = WorkCalendar::weekdays();
        // 2200-01-01 is a Wednesday.
        assert_eq!(cal.add_working_minutes(at(2200, 1, 1, 7, 30), 480), at(2200, 1, 1, 17, 0));
        assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2200, 1, 1).unwrap()));
    }
}
