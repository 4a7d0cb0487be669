//! The Vietnamese working-day calendar and the deadline engine: lunar calendar, public
//! holidays and yearly official schedules, working sessions, due dates with pauses and
//! extensions, and their explanation in plain Vietnamese.

mod deadline;
mod explain;
pub mod holidays;
pub mod lunar;
mod working_time;

pub use deadline::{apology_due, due_at, due_status, proposed_new_due, outcome, push_due_for_pause, CountingRule, DeadlineRules, DueStatus, Outcome, ProcessingTime};
pub use explain::explain_due;
pub use holidays::{default_schedule, parse_schedule, DayKind, SpecialDay};
pub use working_time::{Session, WorkCalendar, MINUTES_PER_HALF_DAY, TABLE_FIRST_YEAR, TABLE_LAST_YEAR};

use std::collections::BTreeMap;

/// The schedule of a year: the official one when known, else the computed defaults.
pub fn year_schedule(year: i32, official: &BTreeMap<i32, Vec<SpecialDay>>) -> Vec<SpecialDay> {
    official.get(&year).cloned().unwrap_or_else(|| default_schedule(year))
}

/// The days off of a year as a calendar of holidays shows them: every weekday off of the
/// schedule (holidays and compensatory days), and also each public holiday that falls on a
/// weekend. Such a day is still the holiday (Bộ luật Lao động 2019, Điều 112: the rest is
/// moved to the next working day, the holiday is not), and it is what people look for in
/// a calendar (Tết on a Saturday), so leaving it out shows Tết starting on the wrong day.
/// A weekend holiday that the schedule makes a working day is not shown.
pub fn holidays_and_days_off(year: i32, official: &BTreeMap<i32, Vec<SpecialDay>>) -> Vec<SpecialDay> {
    use chrono::{Datelike, Weekday};
    let schedule = year_schedule(year, official);
    let mut out: Vec<SpecialDay> = schedule.iter().filter(|d| d.kind == DayKind::Off).cloned().collect();
    for (date, reason) in holidays::statutory_holidays(year) {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        if weekend && !schedule.iter().any(|s| s.date == date) {
            out.push(SpecialDay { date, kind: DayKind::Off, reason });
        }
    }
    out.sort();
    out
}

/// The Vietnamese calendar for every table year (1900–2199): the computed holidays of each
/// year, replaced by its official schedule where one is given, then `local` days (an
/// agency's own days off or worked days) on top.
pub fn vietnam_calendar(official: &BTreeMap<i32, Vec<SpecialDay>>, local: &[SpecialDay]) -> WorkCalendar {
    let mut days = Vec::new();
    for year in TABLE_FIRST_YEAR..=TABLE_LAST_YEAR {
        days.extend(year_schedule(year, official));
    }
    days.extend(local.iter().cloned());
    WorkCalendar::weekdays().with_special_days(days.into_iter().map(|d| (d.date, d.kind == DayKind::Work, d.reason)))
}
