//! The working calendars in force: the national one and each agency's own (its local days
//! off on top), built from the schedule files (shipped and `--calendar-dir`) and from the
//! schedules administrators save, which win for the same year or agency. Saving one
//! rebuilds them in place; other app servers of a province pick it up when they restart.

use crate::context::App;
use crate::error::AppError;
use motcua_core::calendar::{parse_schedule, vietnam_calendar, Session, SpecialDay, WorkCalendar};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

/// What the calendars are built from besides the administrators' schedules.
#[derive(Debug, Clone, Default)]
pub struct CalendarSources {
    /// Official schedules by year (files).
    pub official: BTreeMap<i32, Vec<SpecialDay>>,
    /// Local days off by agency code (files).
    pub local: Vec<(String, Vec<SpecialDay>)>,
    /// Working sessions of a day; empty: the default 07:30–11:30, 13:00–17:00.
    pub sessions: Vec<Session>,
}

/// The calendars in force.
pub struct Calendars {
    pub national: Arc<WorkCalendar>,
    pub local: HashMap<i64, Arc<WorkCalendar>>,
}

impl Calendars {
    pub fn only(national: WorkCalendar) -> Arc<RwLock<Calendars>> {
        Arc::new(RwLock::new(Calendars { national: Arc::new(national), local: HashMap::new() }))
    }
}

/// A saved schedule's scope: a year (`2027`) of the national calendar, or an agency's
/// local days off (`local:H56.22366`).
pub enum Scope<'a> {
    Year(i32),
    Agency(&'a str),
}

pub fn scope(s: &str) -> Option<Scope<'_>> {
    match s.strip_prefix("local:") {
        Some(code) if !code.is_empty() => Some(Scope::Agency(code)),
        Some(_) => None,
        None => s.parse().ok().filter(|y| (1900..=2199).contains(y)).map(Scope::Year),
    }
}

/// Checks a schedule text for a scope: readable, and every day within the year.
pub fn check(scope: &Scope<'_>, text: &str) -> Result<Vec<SpecialDay>, String> {
    let days = parse_schedule(text).map_err(|e| e.to_string())?;
    if let Scope::Year(year) = scope {
        if let Some(bad) = days.iter().find(|d| chrono::Datelike::year(&d.date) != *year) {
            return Err(format!("ngày {} không thuộc năm {year}", bad.date.format("%d/%m/%Y")));
        }
    }
    Ok(days)
}

impl App {
    /// The working calendar of an agency: its own when it has local days off.
    pub fn calendar_for(&self, agency_id: i64) -> Arc<WorkCalendar> {
        let c = self.calendars.read().unwrap_or_else(|e| e.into_inner());
        c.local.get(&agency_id).unwrap_or(&c.national).clone()
    }

    pub fn national_calendar(&self) -> Arc<WorkCalendar> {
        self.calendars.read().unwrap_or_else(|e| e.into_inner()).national.clone()
    }

    /// Rebuilds the calendars from the files and the saved schedules.
    pub async fn reload_calendars(&self, sources: &CalendarSources) -> Result<(), AppError> {
        let mut official = sources.official.clone();
        let mut local: BTreeMap<String, Vec<SpecialDay>> = sources.local.iter().cloned().collect();
        for (s, text) in self.store.calendar_schedules().await? {
            // Saved schedules were checked when saved; one that no longer reads is skipped
            // rather than stopping the server.
            let Some(sc) = scope(&s) else { continue };
            let Ok(days) = check(&sc, &text) else {
                tracing::warn!(scope = %s, "saved calendar schedule does not read; skipped");
                continue;
            };
            match sc {
                Scope::Year(y) => {
                    official.insert(y, days);
                }
                Scope::Agency(code) => {
                    local.insert(code.to_string(), days);
                }
            }
        }
        let sessions = sources.sessions.clone();
        let with_sessions = move |c: WorkCalendar| if sessions.is_empty() { c } else { c.with_sessions(sessions.clone()) };
        let mut agencies = Vec::with_capacity(local.len());
        for (code, days) in local {
            match self.store.agency_by_code(&code).await? {
                Some(a) => agencies.push((a.id, days)),
                None => tracing::warn!(agency = %code, "local days off for an unknown agency; skipped"),
            }
        }
        // Each calendar takes tens of milliseconds to tabulate: off the async runtime.
        let built = tokio::task::spawn_blocking(move || {
            let national = Arc::new(with_sessions(vietnam_calendar(&official, &[])));
            let local: HashMap<i64, Arc<WorkCalendar>> = agencies.into_iter().map(|(id, days)| (id, Arc::new(with_sessions(vietnam_calendar(&official, &days))))).collect();
            Calendars { national, local }
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
        *self.calendars.write().unwrap_or_else(|e| e.into_inner()) = built;
        Ok(())
    }
}
