//! The dossiers in an officer's scope: the queue of the staff pages and the API's list,
//! filtered, ordered (newest, or most urgent first) and paged by keyset.

use crate::access::Staff;
use crate::context::App;
use crate::error::AppError;
use crate::views::{dossier_summary, prepare_names, DossierSummary};
use motcua_core::dossier::{Channel, State as DState};
use motcua_core::validation::FieldErrors;
use motcua_store::read::{due_key, DashboardCell, DossierFilter, DueWindow, ListOrder};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct ListQuery {
    /// Dossier state (e.g. `processing`).
    pub state: Option<String>,
    /// Agency code; must be in the caller's scope (default: all of it).
    pub agency: Option<String>,
    /// Procedure code.
    pub procedure: Option<String>,
    /// Field (lĩnh vực) of the procedure, as the catalogue names it.
    pub field: Option<String>,
    /// online | counter | post
    pub channel: Option<String>,
    /// Only dossiers whose current step is handed to the caller by name.
    pub mine: Option<bool>,
    /// early | on_time | late
    pub outcome: Option<String>,
    /// Only dossiers due at or after this instant (RFC 3339).
    pub due_after: Option<String>,
    /// Only dossiers due before this instant (RFC 3339).
    pub due_before: Option<String>,
    /// A dossier code or reference, an applicant's ID number or tax code, or part of an
    /// applicant's name.
    pub q: Option<String>,
    /// `newest` (default) or `urgent`: earliest due first, open dossiers only.
    pub order: Option<String>,
    /// The `next` value of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierPage {
    pub items: Vec<DossierSummary>,
    pub next: Option<String>,
}

fn parse_instant(e: &mut FieldErrors, path: &str, v: &Option<String>) -> Option<i64> {
    let s = v.as_deref()?;
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(t) => Some(t.timestamp_millis()),
        Err(_) => {
            e.add(path, "Thời điểm phải theo RFC 3339, ví dụ 2026-11-23T09:15:00+07:00");
            None
        }
    }
}

/// One page of the dossiers in an officer's scope, filtered; `cell` narrows it to the
/// dossiers one dashboard figure counts.
pub async fn list(app: &App, staff: &Staff, q: &ListQuery, cell: Option<DashboardCell>) -> Result<DossierPage, AppError> {
    let mut e = FieldErrors::default();
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        e.add("limit", "Số hồ sơ mỗi trang phải từ 1 đến 200");
    }
    if q.state.as_deref().is_some_and(|s| DState::parse(s).is_none()) {
        e.add("state", "Trạng thái không hợp lệ");
    }
    if q.channel.as_deref().is_some_and(|c| !c.is_empty() && Channel::parse(c).is_none()) {
        e.add("channel", "Kênh nộp phải là online, counter hoặc post");
    }
    if q.outcome.as_deref().is_some_and(|o| motcua_core::calendar::Outcome::parse(o).is_none()) {
        e.add("outcome", "Kết quả đánh giá phải là early, on_time hoặc late");
    }
    let urgent = match q.order.as_deref().unwrap_or("newest") {
        "newest" | "" => false,
        "urgent" => true,
        _ => {
            e.add("order", "Thứ tự phải là newest hoặc urgent");
            false
        }
    };
    if q.q.as_deref().is_some_and(|s| s.chars().count() > 100) {
        e.add("q", "Từ khóa tìm kiếm dài quá 100 ký tự");
    }
    let cursor = q.cursor.as_deref().filter(|c| !c.is_empty());
    let (before_id, after_urgent) = match (cursor, urgent) {
        (None, _) => (None, None),
        (Some(c), false) => match c.parse::<i64>() {
            Ok(v) => (Some(v), None),
            Err(_) => {
                e.add("cursor", "Con trỏ trang không hợp lệ");
                (None, None)
            }
        },
        (Some(c), true) => match c.split_once('.').and_then(|(k, id)| Some((k.parse::<i64>().ok()?, id.parse::<i64>().ok()?))) {
            Some(pair) => (None, Some(pair)),
            None => {
                e.add("cursor", "Con trỏ trang không hợp lệ");
                (None, None)
            }
        },
    };
    let due = DueWindow { after: parse_instant(&mut e, "due_after", &q.due_after), before: parse_instant(&mut e, "due_before", &q.due_before) };
    let mut agencies = staff.agencies();
    if let Some(code) = q.agency.as_deref().filter(|c| !c.is_empty()) {
        match app.agency(code).await? {
            Some(a) if agencies.contains(&a.id) => agencies = vec![a.id],
            _ => e.add("agency", "Cơ quan không thuộc phạm vi của bạn"),
        }
    }
    let procedure_id = match q.procedure.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => match app.procedure(code).await? {
            Some(p) => Some(p.id),
            None => {
                e.add("procedure", "Không có thủ tục với mã này");
                None
            }
        },
        None => None,
    };
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let filter = DossierFilter {
        agencies,
        state: q.state.clone(),
        procedure_id,
        field: q.field.clone().filter(|f| !f.trim().is_empty()),
        channel: q.channel.clone().filter(|c| !c.is_empty()),
        assignee: q.mine.unwrap_or(false).then_some(staff.0.user_id),
        outcome: q.outcome.clone(),
        due,
        open_only: urgent,
        search: q.q.clone(),
        before_id,
        order: if urgent { ListOrder::Urgent(after_urgent) } else { ListOrder::Newest },
        limit: limit + 1,
        cell,
    };
    let rows = app.store.list_dossiers(&filter).await?;
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    prepare_names(app, &rows.iter().collect::<Vec<_>>()).await?;
    let items = rows.iter().map(|d| dossier_summary(app, d)).collect::<Result<Vec<_>, _>>()?;
    let next = match (more, rows.last()) {
        (true, Some(d)) if urgent => Some(format!("{}.{}", due_key(d.due_at), d.id)),
        (true, Some(d)) => Some(d.id.to_string()),
        _ => None,
    };
    Ok(DossierPage { items, next })
}
