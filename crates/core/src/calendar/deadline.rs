//! Legal deadlines of dossiers: when a dossier is due, how pauses and extensions move
//! that instant, and whether a dossier finished early, on time or late.
//!
//! Rules (Nghị định 118/2025/NĐ-CP; Bộ luật Dân sự 2015, Điều 147–148): time is counted
//! in working days from reception; the clock stops while a supplement is awaited; an
//! extension with an apology sets a new due date but the dossier still counts as late.

use super::working_time::{WorkCalendar, MINUTES_PER_HALF_DAY};
use crate::time::{local_date, to_local, Instant};
use chrono::{Duration, NaiveTime};
use serde::{Deserialize, Serialize};

/// The legal processing time of a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProcessingTime {
    /// Returned the same working day ("trong ngày"); after the cut-off, the next working day.
    SameDay,
    /// A number of working days, in half days (`half_days: 7` = 3.5 days).
    WorkingDays { half_days: u32 },
    /// Plain days ("ngày") as some laws count them; a period ending on a day off ends at
    /// the end of the next working day.
    CalendarDays { days: u32 },
}

impl ProcessingTime {
    /// Vietnamese description for citizens ("03 ngày làm việc", "Trong ngày").
    pub fn label_vi(&self) -> String {
        match *self {
            ProcessingTime::SameDay => "Trong ngày làm việc".to_string(),
            ProcessingTime::WorkingDays { half_days } if half_days % 2 == 0 => format!("{:02} ngày làm việc", half_days / 2),
            ProcessingTime::WorkingDays { half_days } => format!("{},5 ngày làm việc", half_days / 2),
            ProcessingTime::CalendarDays { days } => format!("{days:02} ngày"),
        }
    }
}

/// How working days are counted (selectable per deployment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountingRule {
    /// The clock runs from reception (or the next session) until N × the working hours
    /// of a day have elapsed.
    #[default]
    WorkingHours,
    /// The day of reception is not counted; the period ends at the end of working time
    /// of the N-th working day after it.
    CivilCode,
}

/// Deployment settings of the deadline rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRules {
    pub counting: CountingRule,
    /// Same-day procedures received after this local time are due the next working day.
    pub same_day_cutoff: NaiveTime,
    /// An open dossier is "due soon" within this many working minutes of its due instant.
    pub due_soon_minutes: i64,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            counting: CountingRule::WorkingHours,
            same_day_cutoff: NaiveTime::from_hms_opt(15, 0, 0).expect("valid time"),
            due_soon_minutes: 2 * MINUTES_PER_HALF_DAY,
        }
    }
}

/// The due instant of a dossier received at `received`.
pub fn due_at(cal: &WorkCalendar, rules: &DeadlineRules, received: Instant, time: ProcessingTime) -> Instant {
    match time {
        ProcessingTime::SameDay => {
            let local = to_local(received);
            let day = local.date();
            if cal.is_working_day(day) && local.time() < rules.same_day_cutoff {
                cal.end_of_day(day)
            } else {
                cal.end_of_day(cal.next_working_day(day))
            }
        }
        ProcessingTime::WorkingDays { half_days } => match rules.counting {
            CountingRule::WorkingHours => {
                let per_half = cal.minutes_per_day() / 2;
                cal.add_working_minutes(received, half_days as i64 * per_half)
            }
            CountingRule::CivilCode => {
                let mut day = local_date(received);
                for _ in 0..half_days / 2 {
                    day = cal.next_working_day(day);
                }
                if half_days % 2 == 1 {
                    cal.end_of_first_session(cal.next_working_day(day))
                } else if half_days == 0 {
                    cal.end_of_day(cal.working_day_on_or_after(day))
                } else {
                    cal.end_of_day(day)
                }
            }
        },
        ProcessingTime::CalendarDays { days } => {
            let end = local_date(received) + Duration::days(days as i64);
            cal.end_of_day(cal.working_day_on_or_after(end))
        }
    }
}

/// The due instant after a pause from `paused` to `resumed`: the working time spent
/// waiting for a supplement is added back.
pub fn push_due_for_pause(cal: &WorkCalendar, due: Instant, paused: Instant, resumed: Instant) -> Instant {
    let lost = cal.working_minutes_between(paused, resumed);
    if lost == 0 {
        return due;
    }
    cal.add_working_minutes(due, lost)
}

/// How a finished dossier fared against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Finished before the working day of the due instant.
    Early,
    /// Finished by the due instant.
    OnTime,
    /// Finished after the due instant, extended with an apology, or asked more than once
    /// for a supplement (Quyết định 766/QĐ-TTg counts such dossiers late).
    Late,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Early => "early",
            Outcome::OnTime => "on_time",
            Outcome::Late => "late",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Outcome::Early => "Trước hạn",
            Outcome::OnTime => "Đúng hạn",
            Outcome::Late => "Quá hạn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "early" => Some(Outcome::Early),
            "on_time" => Some(Outcome::OnTime),
            "late" => Some(Outcome::Late),
            _ => None,
        }
    }
}

/// The outcome of a dossier whose handling ended at `finished`.
pub fn outcome(original_due: Instant, finished: Instant, extended: bool, supplement_requests: u32) -> Outcome {
    if extended || supplement_requests > 1 || finished > original_due {
        Outcome::Late
    } else if local_date(finished) < local_date(original_due) {
        Outcome::Early
    } else {
        Outcome::OnTime
    }
}

/// Where an open dossier stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueStatus {
    OnTrack,
    DueSoon,
    Overdue,
}

impl DueStatus {
    pub fn label_vi(self) -> &'static str {
        match self {
            DueStatus::OnTrack => "Trong hạn",
            DueStatus::DueSoon => "Sắp đến hạn",
            DueStatus::Overdue => "Quá hạn",
        }
    }
}

/// Where an open dossier due at `due` stands at `now`.
pub fn due_status(cal: &WorkCalendar, rules: &DeadlineRules, now: Instant, due: Instant) -> DueStatus {
    if now > due {
        DueStatus::Overdue
    } else if cal.working_minutes_between(now, due) <= rules.due_soon_minutes {
        DueStatus::DueSoon
    } else {
        DueStatus::OnTrack
    }
}

/// Whether the agency must now send the applicant its apology with a new date: at the
/// latest one working day before the due instant (and after it, if it has not).
pub fn apology_due(cal: &WorkCalendar, now: Instant, due: Instant) -> bool {
    now > due || cal.working_minutes_between(now, due) <= cal.minutes_per_day()
}

/// The new date proposed in the apology, for the officer to confirm or change: the end of
/// the working day after the due day (or after today, if that is later).
pub fn proposed_new_due(cal: &WorkCalendar, now: Instant, due: Instant) -> Instant {
    let from = crate::time::local_date(due.max(now));
    cal.end_of_day(cal.next_working_day(from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::from_local;
    use chrono::NaiveDate;

    fn at(m: u32, d: u32, h: u32, min: u32) -> Instant {
        from_local(NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(h, min, 0).unwrap())
    }

    fn rules() -> DeadlineRules {
        DeadlineRules::default()
    }

    #[test]
    fn the_apology_is_due_one_working_day_before_and_proposes_the_next_day() {
        let cal = WorkCalendar::weekdays();
        let due = at(11, 27, 17, 0); // Friday
        assert!(!apology_due(&cal, at(11, 26, 16, 59), due), "more than a working day ahead");
        assert!(apology_due(&cal, at(11, 26, 17, 0), due), "exactly one working day before");
        assert!(apology_due(&cal, at(11, 30, 9, 0), due), "and after the due time");
        // The weekend is skipped: Monday 30/11 at the end of the day.
        assert_eq!(proposed_new_due(&cal, at(11, 27, 9, 0), due), at(11, 30, 17, 0));
        // Already late on Tuesday: proposed Wednesday.
        assert_eq!(proposed_new_due(&cal, at(12, 1, 10, 0), due), at(12, 2, 17, 0));
    }

    #[test]
    fn five_working_days_from_monday_morning() {
        let cal = WorkCalendar::weekdays();
        let due = due_at(&cal, &rules(), at(11, 23, 9, 15), ProcessingTime::WorkingDays { half_days: 10 });
        assert_eq!(due, at(11, 30, 9, 15));
    }

    #[test]
    fn half_day_deadline() {
        let cal = WorkCalendar::weekdays();
        let due = due_at(&cal, &rules(), at(11, 23, 9, 0), ProcessingTime::WorkingDays { half_days: 1 });
        assert_eq!(due, at(11, 23, 14, 30));
    }

    #[test]
    fn same_day_cutoff_moves_to_next_working_day() {
        let cal = WorkCalendar::weekdays();
        assert_eq!(due_at(&cal, &rules(), at(11, 27, 14, 59), ProcessingTime::SameDay), at(11, 27, 17, 0));
        assert_eq!(due_at(&cal, &rules(), at(11, 27, 15, 0), ProcessingTime::SameDay), at(11, 30, 17, 0));
    }

    #[test]
    fn civil_code_rule_skips_reception_day() {
        let cal = WorkCalendar::weekdays();
        let r = DeadlineRules { counting: CountingRule::CivilCode, ..rules() };
        assert_eq!(due_at(&cal, &r, at(11, 23, 16, 0), ProcessingTime::WorkingDays { half_days: 6 }), at(11, 26, 17, 0));
        assert_eq!(due_at(&cal, &r, at(11, 23, 16, 0), ProcessingTime::WorkingDays { half_days: 1 }), at(11, 24, 11, 30));
    }

    #[test]
    fn calendar_days_ending_on_weekend_move_to_next_working_day() {
        let cal = WorkCalendar::weekdays();
        // Mon 23 Nov + 5 days = Sat 28 Nov → Mon 30 Nov 17:00
        assert_eq!(due_at(&cal, &rules(), at(11, 23, 10, 0), ProcessingTime::CalendarDays { days: 5 }), at(11, 30, 17, 0));
    }

    #[test]
    fn supplement_request_pauses_the_clock() {
        let cal = WorkCalendar::weekdays();
        let due = at(11, 30, 9, 15);
        // Paused Tuesday 09:15, resumed Thursday 09:15: two working days lost.
        let pushed = push_due_for_pause(&cal, due, at(11, 24, 9, 15), at(11, 26, 9, 15));
        assert_eq!(pushed, at(12, 2, 9, 15));
        // A pause entirely outside working time changes nothing.
        assert_eq!(push_due_for_pause(&cal, due, at(11, 28, 9, 0), at(11, 29, 9, 0)), due);
    }

    #[test]
    fn outcome_early_on_time_late() {
        let due = at(11, 30, 9, 15);
        assert_eq!(outcome(due, at(11, 27, 16, 0), false, 0), Outcome::Early);
        assert_eq!(outcome(due, at(11, 30, 9, 0), false, 1), Outcome::OnTime);
        assert_eq!(outcome(due, at(11, 30, 9, 16), false, 0), Outcome::Late);
        assert_eq!(outcome(due, at(11, 27, 16, 0), true, 0), Outcome::Late);
        assert_eq!(outcome(due, at(11, 27, 16, 0), false, 2), Outcome::Late);
    }

    #[test]
    fn due_status_windows() {
        let cal = WorkCalendar::weekdays();
        let due = at(11, 30, 9, 15);
        assert_eq!(due_status(&cal, &rules(), at(11, 25, 9, 0), due), DueStatus::OnTrack);
        assert_eq!(due_status(&cal, &rules(), at(11, 27, 9, 15), due), DueStatus::DueSoon);
        assert_eq!(due_status(&cal, &rules(), at(11, 30, 10, 0), due), DueStatus::Overdue);
    }
}
