//! Due dates explained in plain Vietnamese: which days were skipped and why, how pauses
//! moved the date. Citizens and inspectors check deadlines by hand; this shows the working.

use super::deadline::{due_at, push_due_for_pause, CountingRule, DeadlineRules, ProcessingTime};
use super::working_time::WorkCalendar;
use crate::time::{local_date, to_local, Instant};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

fn weekday_vi(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "thứ Hai",
        Weekday::Tue => "thứ Ba",
        Weekday::Wed => "thứ Tư",
        Weekday::Thu => "thứ Năm",
        Weekday::Fri => "thứ Sáu",
        Weekday::Sat => "thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

fn when(at: Instant) -> String {
    let l = to_local(at);
    format!("{} {} {}", l.format("%H:%M"), weekday_vi(l.date()), l.format("%d/%m/%Y"))
}

fn hours(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h} giờ"),
        (h, m) => format!("{h} giờ {m} phút"),
    }
}

/// The due instant of a deadline and the lines that explain it.
pub fn explain_due(
    cal: &WorkCalendar,
    rules: &DeadlineRules,
    received: Instant,
    time: ProcessingTime,
    pauses: &[(Instant, Instant)],
) -> (Instant, Vec<String>) {
    let mut lines = vec![format!("Tiếp nhận lúc {}.", when(received))];
    let sessions: Vec<String> = cal.sessions().iter().map(|s| format!("{}–{}", s.start.format("%H:%M"), s.end.format("%H:%M"))).collect();
    let per_day = cal.minutes_per_day();
    match time {
        ProcessingTime::SameDay => lines.push(format!(
            "Thời hạn: trong ngày làm việc; hồ sơ nhận sau {} được trả vào ngày làm việc tiếp theo.",
            rules.same_day_cutoff.format("%H:%M")
        )),
        ProcessingTime::WorkingDays { half_days } => {
            let days = if half_days % 2 == 0 { format!("{}", half_days / 2) } else { format!("{},5", half_days / 2) };
            match rules.counting {
                CountingRule::WorkingHours => lines.push(format!(
                    "Thời hạn: {days} ngày làm việc = {} làm việc, tính từ lúc tiếp nhận (mỗi ngày {}: {}).",
                    hours(half_days as i64 * per_day / 2),
                    hours(per_day),
                    sessions.join(" và ")
                )),
                CountingRule::CivilCode => lines.push(format!(
                    "Thời hạn: {days} ngày làm việc, không tính ngày tiếp nhận, kết thúc vào cuối giờ làm việc của ngày cuối cùng (Bộ luật Dân sự, Điều 147–148)."
                )),
            }
        }
        ProcessingTime::CalendarDays { days } => lines.push(format!(
            "Thời hạn: {days} ngày theo lịch, không tính ngày tiếp nhận; nếu ngày cuối là ngày nghỉ thì kết thúc vào cuối ngày làm việc tiếp theo."
        )),
    }
    if !matches!(time, ProcessingTime::SameDay) {
        let t = to_local(received).time();
        if !cal.is_working_day(local_date(received)) {
            lines.push("Ngày tiếp nhận không phải ngày làm việc: thời hạn bắt đầu từ ngày làm việc tiếp theo.".to_string());
        } else if !cal.sessions().iter().any(|s| t >= s.start && t < s.end) {
            lines.push("Tiếp nhận ngoài giờ làm việc: thời hạn bắt đầu từ buổi làm việc tiếp theo.".to_string());
        }
    }
    let first_due = due_at(cal, rules, received, time);
    let mut due = first_due;
    for (from, to) in pauses {
        let lost = cal.working_minutes_between(*from, *to);
        let moved = push_due_for_pause(cal, due, *from, *to);
        if lost == 0 {
            lines.push(format!("Tạm dừng chờ bổ sung hồ sơ từ {} đến {}, ngoài giờ làm việc: hạn không đổi.", when(*from), when(*to)));
            continue;
        }
        lines.push(format!(
            "Tạm dừng chờ bổ sung hồ sơ từ {} đến {}: không tính {} làm việc, hạn lùi từ {} đến {}.",
            when(*from),
            when(*to),
            hours(lost),
            when(due),
            when(moved)
        ));
        due = moved;
    }
    // The days the clock skipped between reception and the due date.
    let (start, end) = (local_date(received), local_date(due));
    let mut weekend_days = 0;
    let mut day = start;
    while day <= end {
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        match (cal.is_working_day(day), weekend, cal.reason(day)) {
            (false, false, reason) => lines.push(format!(
                "Không tính {} {}: {}.",
                weekday_vi(day),
                day.format("%d/%m/%Y"),
                reason.unwrap_or("ngày nghỉ")
            )),
            (false, true, _) => weekend_days += 1,
            (true, true, reason) => lines.push(format!(
                "Có tính {} {}: {}.",
                weekday_vi(day),
                day.format("%d/%m/%Y"),
                reason.unwrap_or("ngày làm việc bù")
            )),
            (true, false, _) => {}
        }
        day += Duration::days(1);
    }
    if weekend_days > 0 {
        lines.push(format!("Không tính {weekend_days} ngày nghỉ cuối tuần (thứ Bảy, Chủ nhật)."));
    }
    lines.push(format!("Hạn trả kết quả: {}.", when(due)));
    (due, lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::from_local;

    #[test]
    fn names_the_skipped_holiday() {
        let culture_day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let cal = WorkCalendar::weekdays().with_special_days([(culture_day, false, "Ngày Văn hóa Việt Nam (24/11)".to_string())]);
        let received = from_local(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(9, 15, 0).unwrap());
        let (due, lines) = explain_due(&cal, &DeadlineRules::default(), received, ProcessingTime::WorkingDays { half_days: 10 }, &[]);
        assert_eq!(due, from_local(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(9, 15, 0).unwrap()));
        assert!(lines.iter().any(|l| l == "Không tính thứ Ba 24/11/2026: Ngày Văn hóa Việt Nam (24/11)."), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("2 ngày nghỉ cuối tuần")), "{lines:?}");
        assert_eq!(lines.last().unwrap(), "Hạn trả kết quả: 09:15 thứ Ba 01/12/2026.");
    }
}
