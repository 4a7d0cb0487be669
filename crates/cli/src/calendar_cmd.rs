//! `motcua calendar`: lunar dates, the year's holidays, due dates with their explanation,
//! and an iCalendar file of days off. Output forms are fixed: other tools parse them.

use anyhow::{bail, Context, Result};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use motcua_core::calendar::holidays::format_schedule;
use motcua_core::calendar::lunar::{lunar_to_solar, solar_to_lunar, LunarDate, LunarTable};
use motcua_core::calendar::{explain_due, holidays_and_days_off, parse_schedule, vietnam_calendar, year_schedule, CountingRule, DeadlineRules, ProcessingTime, Session, SpecialDay, WorkCalendar};
use motcua_core::time::{from_local, rfc3339_vn, Instant};
use std::collections::BTreeMap;
use std::path::Path;

/// Official schedules shipped in `data/calendar/` (one file a year).
const SHIPPED: &[(i32, &str)] = &[
    (2024, include_str!("../../../data/calendar/2024.txt")),
    (2025, include_str!("../../../data/calendar/2025.txt")),
    (2026, include_str!("../../../data/calendar/2026.txt")),
];

/// The official schedules: the shipped ones, overridden by `YYYY.txt` files in `dir`.
pub fn official_schedules(dir: Option<&Path>) -> Result<BTreeMap<i32, Vec<SpecialDay>>> {
    let mut map = BTreeMap::new();
    for (year, text) in SHIPPED {
        map.insert(*year, parse_schedule(text).with_context(|| format!("data/calendar/{year}.txt"))?);
    }
    if let Some(dir) = dir {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            let Some(year) = path.file_stem().and_then(|s| s.to_str()).and_then(|s| s.parse::<i32>().ok()) else { continue };
            if path.extension().and_then(|e| e.to_str()) != Some("txt") {
                continue;
            }
            let text = std::fs::read_to_string(&path)?;
            let days = parse_schedule(&text).with_context(|| format!("{}", path.display()))?;
            if let Some(bad) = days.iter().find(|d| d.date.year() != year) {
                bail!("{}: ngày {} không thuộc năm {year}", path.display(), bad.date);
            }
            map.insert(year, days);
        }
    }
    Ok(map)
}

/// Local days off of agencies: `local/<AGENCY_CODE>.txt` in `dir`, in the schedule format.
pub fn local_schedules(dir: Option<&Path>) -> Result<Vec<(String, Vec<SpecialDay>)>> {
    let Some(local) = dir.map(|d| d.join("local")).filter(|d| d.is_dir()) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&local).with_context(|| format!("reading {}", local.display()))? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let code = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
        let text = std::fs::read_to_string(&path)?;
        out.push((code, parse_schedule(&text).with_context(|| format!("{}", path.display()))?));
    }
    Ok(out)
}

/// Working sessions from `07:30-11:30,13:00-17:00`.
pub fn parse_sessions(text: &str) -> Result<Vec<Session>> {
    let mut sessions = Vec::new();
    for part in text.split(',') {
        let (a, b) = part.trim().split_once('-').with_context(|| format!("buổi làm việc phải có dạng HH:MM-HH:MM: {part}"))?;
        let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").with_context(|| format!("giờ không hợp lệ: {s}"));
        sessions.push(Session { start: t(a)?, end: t(b)? });
    }
    let ordered = !sessions.is_empty() && sessions.iter().all(|s| s.start < s.end) && sessions.windows(2).all(|w| w[0].end <= w[1].start);
    if !ordered {
        bail!("các buổi làm việc phải theo thứ tự và không chồng lên nhau: {text}");
    }
    Ok(sessions)
}

/// The Vietnamese working calendar with the official schedules.
pub fn calendar(dir: Option<&Path>) -> Result<WorkCalendar> {
    Ok(vietnam_calendar(&official_schedules(dir)?, &[]))
}

fn parse_day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").with_context(|| format!("ngày không hợp lệ: {s} (dạng YYYY-MM-DD)"))
}

fn in_range(d: NaiveDate) -> Result<NaiveDate> {
    if !(1900..=2199).contains(&d.year()) {
        bail!("chỉ hỗ trợ các năm 1900–2199: {d}");
    }
    Ok(d)
}

/// `calendar lunar DATE`: the lunar date of a solar date.
pub fn lunar(date: &str) -> Result<String> {
    Ok(solar_to_lunar(in_range(parse_day(date)?)?).to_string())
}

/// `calendar lunar --from --to`: one line per day, `YYYY-MM-DD<TAB>D/M/YYYY[ nhuận]`.
pub fn lunar_range(from: &str, to: &str, out: &mut impl std::io::Write) -> Result<()> {
    let (from, to) = (in_range(parse_day(from)?)?, in_range(parse_day(to)?)?);
    if to < from {
        bail!("--to phải không trước --from");
    }
    let table = LunarTable::new(from.year(), to.year());
    let mut day = from;
    while day <= to {
        let l = table.to_lunar(day).context("ngày ngoài bảng âm lịch")?;
        writeln!(out, "{}\t{}", day.format("%Y-%m-%d"), l)?;
        day += Duration::days(1);
    }
    Ok(())
}

/// `calendar solar D/M/YYYY [--leap]`: the solar date of a lunar date.
pub fn solar(lunar: &str, leap: bool) -> Result<String> {
    let parts: Vec<&str> = lunar.trim().split('/').collect();
    let [d, m, y] = parts.as_slice() else { bail!("ngày âm lịch phải có dạng D/M/YYYY: {lunar}") };
    let (day, month, year) = (d.parse::<u8>(), m.parse::<u8>(), y.parse::<i32>());
    let (Ok(day), Ok(month), Ok(year)) = (day, month, year) else { bail!("ngày âm lịch phải có dạng D/M/YYYY: {lunar}") };
    if !(1900..=2199).contains(&year) {
        bail!("chỉ hỗ trợ các năm 1900–2199: {year}");
    }
    let date = lunar_to_solar(LunarDate::new(year, month, day, leap))
        .with_context(|| format!("không có ngày {lunar}{} trong âm lịch", if leap { " (tháng nhuận)" } else { "" }))?;
    Ok(date.format("%Y-%m-%d").to_string())
}

/// `calendar holidays YEAR`: every non-working weekday and working weekend day.
pub fn holidays(year: i32, dir: Option<&Path>) -> Result<String> {
    if !(1900..=2199).contains(&year) {
        bail!("chỉ hỗ trợ các năm 1900–2199: {year}");
    }
    Ok(format_schedule(&year_schedule(year, &official_schedules(dir)?)))
}

fn parse_instant(s: &str) -> Result<Instant> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").with_context(|| format!("thời điểm không hợp lệ: {s} (dạng 2026-11-23T09:15)"))?;
    Ok(from_local(local))
}

/// `calendar due`: the due instant of `days` working days from `from`, pushed by each
/// pause; with `explain`, followed by the reasoning.
pub fn due(cal: &WorkCalendar, from: &str, days: f64, pauses: &[String], civil_code: bool, explain: bool) -> Result<String> {
    if !(0.0..=365.0).contains(&days) || (days * 2.0).fract() != 0.0 {
        bail!("--days phải từ 0 đến 365, bội của 0,5");
    }
    let rules = DeadlineRules { counting: if civil_code { CountingRule::CivilCode } else { CountingRule::WorkingHours }, ..DeadlineRules::default() };
    let start = parse_instant(from)?;
    let time = if days == 0.0 { ProcessingTime::SameDay } else { ProcessingTime::WorkingDays { half_days: (days * 2.0) as u32 } };
    let mut ranges = Vec::new();
    for p in pauses {
        let (a, b) = p.split_once("..").with_context(|| format!("--pause phải có dạng FROM..TO: {p}"))?;
        let (a, b) = (parse_instant(a)?, parse_instant(b)?);
        if b < a {
            bail!("--pause: thời điểm kết thúc trước thời điểm bắt đầu: {p}");
        }
        ranges.push((a, b));
    }
    let (due, lines) = explain_due(cal, &rules, start, time, &ranges);
    let mut out = rfc3339_vn(due);
    if explain {
        for l in lines {
            out.push('\n');
            out.push_str(&l);
        }
    }
    Ok(out)
}

/// Escapes text for an iCalendar value (RFC 5545, 3.3.11).
fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// Folds a content line at 75 octets without splitting a UTF-8 character (RFC 5545, 3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for ch in line.chars() {
        if len + ch.len_utf8() > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(ch);
        len += ch.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// `calendar ics YEAR`: the year's days off as an iCalendar file, stamped `now` (the
/// moment of generation: RFC 5545 3.8.7.2 makes DTSTAMP the time the object was created,
/// and calendar clients compare it to decide which copy of an event is newer).
pub fn ics(year: i32, dir: Option<&Path>, now: Instant) -> Result<String> {
    if !(1900..=2199).contains(&year) {
        bail!("chỉ hỗ trợ các năm 1900–2199: {year}");
    }
    let days = holidays_and_days_off(year, &official_schedules(dir)?);
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    let mut s = String::new();
    for l in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//motcua//Lich nghi le//VI", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"] {
        s.push_str(&fold(l));
    }
    s.push_str(&fold(&format!("X-WR-CALNAME:Ngày nghỉ lễ {year}")));
    for d in &days {
        let ymd = d.date.format("%Y%m%d");
        s.push_str(&fold("BEGIN:VEVENT"));
        s.push_str(&fold(&format!("UID:{ymd}-nghi@motcua")));
        s.push_str(&fold(&format!("DTSTAMP:{stamp}")));
        s.push_str(&fold(&format!("DTSTART;VALUE=DATE:{ymd}")));
        s.push_str(&fold(&format!("DTEND;VALUE=DATE:{}", (d.date + Duration::days(1)).format("%Y%m%d"))));
        s.push_str(&fold(&format!("SUMMARY:{}", ics_text(&d.reason))));
        s.push_str(&fold("TRANSP:TRANSPARENT"));
        s.push_str(&fold("END:VEVENT"));
    }
    s.push_str(&fold("END:VCALENDAR"));
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_days_from_monday_skip_culture_day() {
        let cal = calendar(None).unwrap();
        assert_eq!(due(&cal, "2026-11-23T09:15", 5.0, &[], false, false).unwrap(), "2026-12-01T09:15:00+07:00");
        let paused = due(&cal, "2026-11-23T09:15", 5.0, &["2026-11-25T09:15..2026-11-26T09:15".into()], false, false).unwrap();
        assert_eq!(paused, "2026-12-02T09:15:00+07:00");
        assert!(due(&cal, "2026-11-23", 5.0, &[], false, false).is_err());
        assert!(due(&cal, "2026-11-23T09:15", 0.3, &[], false, false).is_err());
    }

    #[test]
    fn holidays_print_the_official_schedule() {
        let h = holidays(2026, None).unwrap();
        assert!(h.contains("2026-08-22\twork\t"), "{h}");
        assert!(h.contains("2026-11-24\toff\tNgày Văn hóa Việt Nam (24/11)"), "{h}");
        assert!(!h.contains("2026-09-03"), "{h}");
    }

    #[test]
    fn ics_lines_are_folded_and_crlf() {
        let s = ics(2026, None, chrono::Utc::now()).unwrap();
        assert!(s.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(s.ends_with("END:VCALENDAR\r\n"));
        // The 13 weekdays off, and the Hùng Kings' day itself on Sunday 26/4.
        assert_eq!(s.matches("BEGIN:VEVENT").count(), 14);
        assert!(s.split("\r\n").all(|l| l.len() <= 75), "{s}");
    }

    #[test]
    fn an_agency_local_day_off_applies_to_its_calendar_only() {
        let dir = std::env::temp_dir().join(format!("motcua-cal-{:016x}", rand::random::<u64>()));
        std::fs::create_dir_all(dir.join("local")).unwrap();
        // A commune's own festival day, and a 2027 official schedule dropped in beside it.
        std::fs::write(dir.join("local/H56.22366.txt"), "2026-12-04\toff\tLễ hội truyền thống của phường\n").unwrap();
        std::fs::write(dir.join("2027.txt"), "2027-01-01\toff\tTết Dương lịch\n").unwrap();
        let local = local_schedules(Some(&dir)).unwrap();
        assert_eq!(local.len(), 1);
        assert_eq!(local[0].0, "H56.22366");
        let official = official_schedules(Some(&dir)).unwrap();
        assert_eq!(official[&2027].len(), 1, "the file replaces the computed 2027 defaults");
        let national = vietnam_calendar(&official, &[]);
        let commune = vietnam_calendar(&official, &local[0].1);
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert!(national.is_working_day(day));
        assert!(!commune.is_working_day(day));
        assert_eq!(commune.reason(day), Some("Lễ hội truyền thống của phường"));
        std::fs::write(dir.join("2028.txt"), "2027-05-05\toff\tx\n").unwrap();
        assert!(official_schedules(Some(&dir)).is_err(), "a day outside the file's year is refused");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn sessions_parse_and_refuse_overlaps() {
        let s = parse_sessions("07:00-11:00, 13:30-17:30").unwrap();
        assert_eq!(s.len(), 2);
        assert!(parse_sessions("13:00-17:00,07:30-11:30").is_err());
        assert!(parse_sessions("07:30-11:30,11:00-17:00").is_err());
        assert!(parse_sessions("7h-11h").is_err());
    }

    #[test]
    fn lunar_forms() {
        assert_eq!(lunar("2026-02-17").unwrap(), "1/1/2026");
        assert_eq!(solar("1/1/2026", false).unwrap(), "2026-02-17");
        assert_eq!(solar("1/2/2023", true).unwrap(), "2023-03-22");
        assert!(solar("1/3/2023", true).is_err(), "2023 has no leap third month");
        let mut out = Vec::new();
        lunar_range("2023-03-21", "2023-03-22", &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "2023-03-21\t30/2/2023\n2023-03-22\t1/2/2023 nhuận\n");
    }
}
