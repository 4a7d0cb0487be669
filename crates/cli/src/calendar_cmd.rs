//! `motcua calendar due`: the due instant of a deadline, as the dossier rules compute it.

use anyhow::{bail, Context, Result};
use chrono::NaiveDateTime;
use motcua_core::calendar::{due_at, push_due_for_pause, DeadlineRules, ProcessingTime, WorkCalendar};
use motcua_core::time::{from_local, rfc3339_vn, Instant};

fn parse_local(s: &str) -> Result<Instant> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").with_context(|| format!("thời điểm không hợp lệ: {s} (dạng 2026-11-23T09:15)"))?;
    Ok(from_local(local))
}

/// Computes the due instant of `days` working days from `from`, pushed by each pause.
pub fn due(from: &str, days: f64, pauses: &[String]) -> Result<String> {
    if !(0.0..=365.0).contains(&days) || (days * 2.0).fract() != 0.0 {
        bail!("--days phải từ 0 đến 365, bội của 0,5");
    }
    let cal = WorkCalendar::weekdays();
    let rules = DeadlineRules::default();
    let start = parse_local(from)?;
    let time = if days == 0.0 { ProcessingTime::SameDay } else { ProcessingTime::WorkingDays { half_days: (days * 2.0) as u32 } };
    let mut due = due_at(&cal, &rules, start, time);
    for p in pauses {
        let (a, b) = p.split_once("..").with_context(|| format!("--pause phải có dạng FROM..TO: {p}"))?;
        let (a, b) = (parse_local(a)?, parse_local(b)?);
        if b < a {
            bail!("--pause: thời điểm kết thúc trước thời điểm bắt đầu: {p}");
        }
        due = push_due_for_pause(&cal, due, a, b);
    }
    Ok(rfc3339_vn(due))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_days_from_monday_morning() {
        assert_eq!(due("2026-11-23T09:15", 5.0, &[]).unwrap(), "2026-11-30T09:15:00+07:00");
        assert_eq!(due("2026-11-23T09:15", 5.0, &["2026-11-24T09:15..2026-11-25T09:15".into()]).unwrap(), "2026-12-01T09:15:00+07:00");
        assert!(due("2026-11-23", 5.0, &[]).is_err());
        assert!(due("2026-11-23T09:15", 0.3, &[]).is_err());
    }
}
