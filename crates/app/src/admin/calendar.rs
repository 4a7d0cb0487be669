//! Working-calendar schedules: a year's official days off and make-up days (the national
//! calendar: province or system administrators), or an agency's local days off. Saving
//! one rebuilds the calendars in force.

use super::Admin;
use crate::context::App;
use crate::error::AppError;
use motcua_core::catalogue::AdminLevel;

/// Saves the schedule of `target` (a year such as `2027`, or an agency's code) and
/// rebuilds the calendars.
pub async fn save_calendar(app: &App, admin: &Admin, target: &str, text: &str) -> Result<(), AppError> {
    let target = target.trim();
    let key = if target.parse::<i32>().is_ok() {
        if admin.level == AdminLevel::Agency {
            return Err(AppError::field("scope", "Lịch nghỉ lễ cả nước chỉ do quản trị cấp tỉnh hoặc quản trị hệ thống cập nhật"));
        }
        target.to_string()
    } else {
        match app.agency(target).await? {
            Some(a) if admin.agencies.contains(&a.id) => format!("local:{}", a.code),
            _ => return Err(AppError::field("scope", "Nhập năm (ví dụ 2027) hoặc mã một cơ quan trong phạm vi quản trị của bạn")),
        }
    };
    let Some(scope) = crate::calendars::scope(&key) else {
        return Err(AppError::field("scope", "Năm phải từ 1900 đến 2199"));
    };
    crate::calendars::check(&scope, text).map_err(|m| AppError::field("content", m))?;
    app.store.save_calendar_schedule(admin.actor(app), &key, text).await?;
    app.reload_calendars(&app.calendar_sources).await
}
