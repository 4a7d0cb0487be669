//! Working days and working sessions in Vietnamese local time.
//!
//! Default working time: Monday–Friday, 07:30–11:30 and 13:00–17:00 (8 hours a day),
//! the common schedule of state agencies; agencies may configure other sessions.

use crate::time::{from_local, to_local, Instant};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use std::collections::BTreeSet;

/// Minutes in half of a default working day (4 hours); deadlines may be given in half days.
pub const MINUTES_PER_HALF_DAY: i64 = 240;

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

/// Which days are worked and at which hours.
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    sessions: Vec<Session>,
    /// Weekdays that are not worked (public holidays, compensatory and bridge days, local days off).
    days_off: BTreeSet<NaiveDate>,
    /// Weekend days that are worked (make-up Saturdays of the yearly schedule).
    extra_working: BTreeSet<NaiveDate>,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid wall-clock time")
}

impl Default for WorkCalendar {
    fn default() -> Self {
        Self::weekdays()
    }
}

impl WorkCalendar {
    /// Monday–Friday with the default sessions and no holidays.
    pub fn weekdays() -> Self {
        WorkCalendar {
            sessions: vec![Session { start: hm(7, 30), end: hm(11, 30) }, Session { start: hm(13, 0), end: hm(17, 0) }],
            days_off: BTreeSet::new(),
            extra_working: BTreeSet::new(),
        }
    }

    /// Replaces the working sessions (must be ordered and non-overlapping; invalid ones are ignored).
    pub fn with_sessions(mut self, sessions: Vec<Session>) -> Self {
        let ordered = !sessions.is_empty()
            && sessions.iter().all(|s| s.start < s.end)
            && sessions.windows(2).all(|w| w[0].end <= w[1].start);
        if ordered {
            self.sessions = sessions;
        }
        self
    }

    /// Marks days as not worked.
    pub fn with_days_off(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.days_off.extend(days);
        self
    }

    /// Marks weekend days as worked.
    pub fn with_working_days(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.extra_working.extend(days);
        self
    }

    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// Working minutes in one working day.
    pub fn minutes_per_day(&self) -> i64 {
        self.sessions.iter().map(Session::minutes).sum()
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.extra_working.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.days_off.contains(&day)
    }

    /// The first working day on or after `day`.
    pub fn working_day_on_or_after(&self, mut day: NaiveDate) -> NaiveDate {
        // A year never has more than a few dozen consecutive days off; the bound only
        // guards against a misconfigured calendar with every day off.
        for _ in 0..400 {
            if self.is_working_day(day) {
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

    /// The instant when `minutes` of working time have elapsed after `from`. Time outside
    /// sessions is skipped; a deadline that ends exactly at a session's end stays there.
    pub fn add_working_minutes(&self, from: Instant, minutes: i64) -> Instant {
        let mut remaining = minutes.max(0);
        let mut cursor: NaiveDateTime = to_local(from);
        loop {
            let day = self.working_day_on_or_after(cursor.date());
            if day != cursor.date() {
                cursor = day.and_time(NaiveTime::MIN);
            }
            for s in &self.sessions {
                let start = day.and_time(s.start);
                let end = day.and_time(s.end);
                if cursor >= end {
                    continue;
                }
                if cursor < start {
                    cursor = start;
                }
                let available = (end - cursor).num_minutes();
                if remaining <= available {
                    return from_local(cursor + chrono::Duration::minutes(remaining));
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
        let mut total = 0;
        let mut day = a.date();
        while day <= b.date() {
            if self.is_working_day(day) {
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
        // Friday 2026-11-27 16:00 + 2 hours → Monday 08:30
        assert_eq!(cal.add_working_minutes(at(2026, 11, 27, 16, 0), 120), at(2026, 11, 30, 8, 30));
        // Monday 11:00 + 1 hour → 13:30
        assert_eq!(cal.add_working_minutes(at(2026, 11, 23, 11, 0), 60), at(2026, 11, 23, 13, 30));
    }

    #[test]
    fn deadline_may_end_exactly_at_session_end() {
        let cal = WorkCalendar::weekdays();
        assert_eq!(cal.add_working_minutes(at(2026, 11, 23, 7, 30), 480), at(2026, 11, 23, 17, 0));
    }

    #[test]
    fn received_outside_hours_starts_at_next_session() {
        let cal = WorkCalendar::weekdays();
        assert_eq!(cal.add_working_minutes(at(2026, 11, 22, 20, 0), 60), at(2026, 11, 23, 8, 30));
        assert_eq!(cal.add_working_minutes(at(2026, 11, 23, 12, 0), 60), at(2026, 11, 23, 14, 0));
    }

    #[test]
    fn days_off_and_worked_saturdays_count() {
        let cal = WorkCalendar::weekdays()
            .with_days_off([NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()])
            .with_working_days([NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()]);
        assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()));
        assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()));
        // Mon 17:00 + 1 day skips Tuesday 24 Nov
        assert_eq!(cal.add_working_minutes(at(2026, 11, 23, 17, 0), 480), at(2026, 11, 25, 17, 0));
    }

    #[test]
    fn minutes_between_is_the_inverse_of_add() {
        let cal = WorkCalendar::weekdays();
        let from = at(2026, 11, 20, 9, 17);
        for m in [0, 1, 59, 240, 480, 481, 2400, 7777] {
            let to = cal.add_working_minutes(from, m);
            assert_eq!(cal.working_minutes_between(from, to), m, "{m}");
        }
    }
}
