//! Working-day calendar and deadlines.
//!
//! This is the interface the rest of the system uses; the full Vietnamese calendar
//! (lunar holidays, yearly official schedules) plugs in behind [`WorkCalendar`] by
//! filling its days off and worked weekend days.

mod deadline;
mod working_time;

pub use deadline::{due_at, due_status, outcome, push_due_for_pause, CountingRule, DeadlineRules, DueStatus, Outcome, ProcessingTime};
pub use working_time::{Session, WorkCalendar, MINUTES_PER_HALF_DAY};
