//! Public holidays and the yearly official schedules.
//!
//! Defaults follow the Labour Code (Bộ luật Lao động 2019, Điều 112, and the codes before
//! it for earlier years): 1 January; Tết, the last day of the lunar year and lunar 1/1–4/1
//! (5 days from 2013, 4 days before); the Hùng Kings' Commemoration, lunar 10/3 (from
//! 2007); 30 April; 1 May; National Day 2 September, with one adjacent day from 2021;
//! Vietnam Culture Day, 24 November (from 2026). A holiday on a weekly rest day gives a
//! compensatory day off on the next working day. Each year the government fixes the exact
//! days for civil servants (which Tết days, which Saturday is worked for a bridge day):
//! such a schedule, when known, replaces the defaults for its year.
//!
//! The weekly rest days are Saturday and Sunday for every year computed (the 40-hour week
//! of state agencies dates from October 1999; earlier Saturdays are not modelled).

use super::lunar::{lunar_to_solar, tet, LunarDate};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::collections::BTreeSet;

/// Whether a special day is worked or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DayKind {
    /// A weekday not worked.
    Off,
    /// A weekend day worked.
    Work,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Off => "off",
            DayKind::Work => "work",
        }
    }
}

/// One special day of a year's schedule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub reason: String,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid fixed holiday date")
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The public holidays of a year by law, before compensation: (date, reason).
pub fn statutory_holidays(year: i32) -> Vec<(NaiveDate, String)> {
    let mut h = vec![(date(year, 1, 1), "Tết Dương lịch".to_string())];
    let new_year = tet(year);
    let tet_days = if year >= 2013 { 4 } else { 3 };
    h.push((new_year - Duration::days(1), "Tết Nguyên đán (ngày cuối năm âm lịch)".to_string()));
    for i in 0..tet_days {
        h.push((new_year + Duration::days(i), format!("Tết Nguyên đán (mùng {} tháng Giêng)", i + 1)));
    }
    if year >= 2007 {
        if let Some(d) = lunar_to_solar(LunarDate::new(year, 3, 10, false)) {
            h.push((d, "Giỗ Tổ Hùng Vương (10/3 âm lịch)".to_string()));
        }
    }
    h.push((date(year, 4, 30), "Ngày Chiến thắng (30/4)".to_string()));
    h.push((date(year, 5, 1), "Ngày Quốc tế Lao động (1/5)".to_string()));
    h.push((date(year, 9, 2), "Quốc khánh (2/9)".to_string()));
    if year >= 2021 {
        // The law leaves the adjacent day to the government; by default the one that
        // joins the weekend: the Monday before a Tuesday, otherwise the day after.
        let adjacent = if date(year, 9, 2).weekday() == Weekday::Tue { date(year, 9, 1) } else { date(year, 9, 3) };
        h.push((adjacent, "Quốc khánh (ngày liền kề 2/9)".to_string()));
    }
    if year >= 2026 {
        h.push((date(year, 11, 24), "Ngày Văn hóa Việt Nam (24/11)".to_string()));
    }
    // Lunar New Year falls between 21 January and 20 February, so every day above lies in
    // `year` and no compensation crosses into another year (the last holiday is 24/11).
    h.sort();
    h.dedup_by(|a, b| a.0 == b.0);
    h
}

/// The default schedule of a year: holidays on weekdays, and a compensatory weekday off
/// for each holiday on a weekend (the next weekday that is not itself a holiday).
pub fn default_schedule(year: i32) -> Vec<SpecialDay> {
    let holidays = statutory_holidays(year);
    let mut taken: BTreeSet<NaiveDate> = holidays.iter().map(|h| h.0).collect();
    let mut out = Vec::new();
    for (d, reason) in &holidays {
        if !is_weekend(*d) {
            out.push(SpecialDay { date: *d, kind: DayKind::Off, reason: reason.clone() });
            continue;
        }
        let mut c = *d + Duration::days(1);
        while is_weekend(c) || taken.contains(&c) {
            c += Duration::days(1);
        }
        taken.insert(c);
        out.push(SpecialDay { date: c, kind: DayKind::Off, reason: format!("Nghỉ bù {reason}") });
    }
    out.retain(|s| s.date.year() == year);
    out.sort();
    out
}

/// Why a schedule file could not be read: the line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dòng {line}: {message}")]
pub struct ScheduleError {
    pub line: usize,
    pub message: String,
}

/// Reads a schedule in the format `motcua calendar holidays` prints:
/// `YYYY-MM-DD<TAB>off|work<TAB>reason`, one day a line; `#` starts a comment.
/// An `off` day must be a weekday and a `work` day a weekend day.
pub fn parse_schedule(text: &str) -> Result<Vec<SpecialDay>, ScheduleError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let err = |message: &str| ScheduleError { line: i + 1, message: message.to_string() };
        let mut parts = line.splitn(3, '\t');
        let (d, k, reason) = (parts.next().unwrap_or(""), parts.next().unwrap_or("").trim(), parts.next().unwrap_or("").trim());
        let date = NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| err("ngày phải có dạng YYYY-MM-DD"))?;
        let kind = match k {
            "off" if !is_weekend(date) => DayKind::Off,
            "work" if is_weekend(date) => DayKind::Work,
            "off" => return Err(err("ngày nghỉ (off) phải là ngày trong tuần")),
            "work" => return Err(err("ngày làm bù (work) phải là thứ Bảy hoặc Chủ nhật")),
            _ => return Err(err("cột thứ hai phải là off hoặc work")),
        };
        if reason.is_empty() {
            return Err(err("thiếu lý do"));
        }
        out.push(SpecialDay { date, kind, reason: reason.to_string() });
    }
    out.sort();
    Ok(out)
}

/// Formats a schedule in the same format [`parse_schedule`] reads.
pub fn format_schedule(days: &[SpecialDay]) -> String {
    let mut s = String::new();
    for d in days {
        s.push_str(&format!("{}\t{}\t{}\n", d.date.format("%Y-%m-%d"), d.kind.as_str(), d.reason));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offs(year: i32) -> Vec<String> {
        default_schedule(year).iter().map(|d| d.date.format("%m-%d").to_string()).collect()
    }

    #[test]
    fn default_2026_matches_the_law() {
        // Tết 2026: lunar 1/1 = 17 Feb (Tue): 16–20 Feb; Hùng Kings on Sun 26 Apr → Mon 27 Apr;
        // 2/9 on a Wednesday → 3/9 by default; 24/11 Culture Day.
        assert_eq!(offs(2026), ["01-01", "02-16", "02-17", "02-18", "02-19", "02-20", "04-27", "04-30", "05-01", "09-02", "09-03", "11-24"]);
    }

    #[test]
    fn weekend_holidays_are_compensated_after_the_whole_block() {
        // Tết 2027 begins Sat 6 Feb: 5 (Fri), 6, 7 (weekend), 8, 9 → compensation Wed 10, Thu 11.
        let o = offs(2027);
        for d in ["02-05", "02-08", "02-09", "02-10", "02-11"] {
            assert!(o.contains(&d.to_string()), "{d} in {o:?}");
        }
    }

    #[test]
    fn schedule_round_trips_and_refuses_bad_lines() {
        let days = default_schedule(2025);
        assert_eq!(parse_schedule(&format_schedule(&days)).unwrap(), days);
        assert_eq!(parse_schedule("2026-11-28\toff\tx").unwrap_err().line, 1);
        assert_eq!(parse_schedule("# c\n2026-11-27\twork\tx").unwrap_err().line, 2);
        assert!(parse_schedule("2026-13-01\toff\tx").is_err());
        assert!(parse_schedule("2026-11-24\toff\t").is_err());
    }
}
