//! The staff queue (`/can-bo`): the dossiers in an officer's scope with their counts by
//! state, filters, search, and the dashboard's drill-down to the dossiers a figure counts.

use super::render;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use crate::auth::WebStaff;
use super::url_encode;
use motcua_app::AppError;
use motcua_app::queue::{self, ListQuery};
use motcua_app::views::DossierSummary;
use motcua_core::dossier::State as DState;

/// One line of the staff list.
pub struct Line {
    pub(super) id: String,
    pub(super) procedure: String,
    pub(super) applicant: String,
    pub(super) state: String,
    pub(super) due: String,
    pub(super) due_label: String,
    pub(super) due_class: String,
}

pub(super) fn short_time(rfc: &Option<String>) -> String {
    // "2026-11-23T09:15:00+07:00" → "09:15 23/11/2026"
    rfc.as_deref()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.format("%H:%M %d/%m/%Y").to_string())
        .unwrap_or_else(|| "—".into())
}

fn due_label(status: Option<&str>, outcome: Option<&str>, outcome_label: Option<&str>) -> (String, String) {
    match (status, outcome_label) {
        (Some(s), _) => {
            let label = match s {
                "overdue" => "Quá hạn",
                "due_soon" => "Sắp đến hạn",
                _ => "Trong hạn",
            };
            (label.into(), s.into())
        }
        (None, Some(o)) => (o.into(), outcome.unwrap_or_default().to_string()),
        _ => (String::new(), String::new()),
    }
}

pub(super) fn line(v: &DossierSummary) -> Line {
    let (due_label, due_class) = due_label(v.due_status.as_deref(), v.outcome.as_deref(), v.outcome_label.as_deref());
    Line {
        id: v.code.clone().unwrap_or_else(|| v.reference.clone()),
        procedure: v.procedure.name.clone(),
        applicant: v.applicant_name.clone(),
        state: v.state_label.clone(),
        due: short_time(&v.due_at),
        due_label,
        due_class,
    }
}

#[derive(Template)]
#[template(path = "staff_list.html")]
pub struct StaffList {
    user: String,
    /// State, its label and how many dossiers of the scope are in it.
    states: Vec<(&'static str, &'static str, i64)>,
    selected_state: String,
    search: String,
    urgent: bool,
    /// The one agency the list is narrowed to (code), if any.
    agency: String,
    /// Agencies whose tracking book this officer may print (code, name), and today.
    book_agencies: Vec<(String, String)>,
    today: String,
    /// Whether this officer receives dossiers at a counter.
    can_receive: bool,
    /// What a dashboard drill-down shows (empty for the queue).
    drill_label: String,
    /// The query string of the current filters, for the next page's link.
    filters: String,
    procedure: String,
    due_window: String,
    /// Only the dossiers handed to me.
    mine: bool,
    field: String,
    channel: String,
    /// Every field of the catalogue, for the filter.
    fields: Vec<String>,
    is_admin: bool,
    items: Vec<Line>,
    next: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct StaffListQuery {
    state: Option<String>,
    q: Option<String>,
    /// One agency of the scope (drill-down from the dashboard).
    co_quan: Option<String>,
    /// `moi` for newest first; default: most urgent first among open dossiers.
    sap_xep: Option<String>,
    cursor: Option<String>,
    /// Procedure code.
    thu_tuc: Option<String>,
    /// Field of the procedure.
    linh_vuc_loc: Option<String>,
    /// online | counter | post
    kenh: Option<String>,
    /// `1`: only dossiers handed to me by name.
    cua_toi: Option<String>,
    /// `qua-han` (overdue now) or `sap-den-han` (due within the warning window).
    han: Option<String>,
    /// A number of the dashboard: its figure, period, receiving agency or field.
    so_lieu: Option<String>,
    tu: Option<String>,
    den: Option<String>,
    co_quan_nhan: Option<String>,
    linh_vuc: Option<String>,
}

/// The dashboard number a drill-down link stands for, checked against the officer's scope.
pub async fn drill_down(state: &AppState, staff: &crate::auth::Staff, q: &StaffListQuery) -> Result<Option<(motcua_store::read::DashboardCell, String)>, ApiError> {
    let Some(figure) = q.so_lieu.as_deref().filter(|s| !s.is_empty()) else { return Ok(None) };
    let figure = motcua_store::read::Figure::parse(figure).ok_or_else(|| ApiError::field("so_lieu", "Số liệu không hợp lệ"))?;
    let day = |v: &Option<String>, path: &str| {
        v.as_deref().and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()).ok_or_else(|| ApiError::field(path, "Ngày phải có dạng YYYY-MM-DD"))
    };
    let (from, to) = (day(&q.tu, "tu")?, day(&q.den, "den")?);
    let mut agencies = staff.agencies();
    let mut whose = String::new();
    if let Some(code) = q.co_quan_nhan.as_deref().filter(|c| !c.is_empty()) {
        let a = state.agency(code).await?.filter(|a| agencies.contains(&a.id)).ok_or_else(|| ApiError::field("co_quan_nhan", "Cơ quan không thuộc phạm vi của bạn"))?;
        agencies = vec![a.id];
        whose = format!(", {}", a.name);
    }
    let field = q.linh_vuc.clone().filter(|f| !f.is_empty());
    if let Some(f) = &field {
        whose = format!(", lĩnh vực {f}");
    }
    let start = motcua_store::ms(motcua_core::time::from_local(from.and_hms_opt(0, 0, 0).unwrap_or_default()));
    let end = motcua_store::ms(motcua_core::time::from_local(to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).unwrap_or_default()));
    let label = format!("Hồ sơ sau số liệu “{}”{whose}, tiếp nhận từ {} đến {}", figure.label_vi(), from.format("%d/%m/%Y"), to.format("%d/%m/%Y"));
    Ok(Some((motcua_store::read::DashboardCell { agencies, from: start, to: end, field, figure, now: motcua_store::ms(state.now()) }, label)))
}

pub async fn staff_list(State(state): State<AppState>, staff: WebStaff, Query(q): Query<StaffListQuery>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let selected_state = q.state.clone().unwrap_or_default();
    let cell = match drill_down(&state, &staff, &q).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let search = q.q.clone().unwrap_or_default();
    // Most urgent first is the order of open dossiers. A search, a closed state's tab or a
    // dashboard number looks among every dossier, newest first: a result waiting to be
    // returned must be found by its code from the default queue.
    let closed_state = q.state.as_deref().and_then(DState::parse).is_some_and(DState::is_handled);
    let urgent = q.sap_xep.as_deref() != Some("moi") && cell.is_none() && search.trim().is_empty() && !closed_state;
    // Due windows as instants: overdue now, or due within the warning window.
    let now = state.now();
    let rfc = |t: motcua_core::time::Instant| t.to_rfc3339();
    let (due_after, due_before) = match q.han.as_deref() {
        Some("qua-han") => (None, Some(rfc(now))),
        Some("sap-den-han") => (Some(rfc(now)), Some(rfc(state.national_calendar().add_working_minutes(now, state.settings.rules.due_soon_minutes)))),
        _ => (None, None),
    };
    let query = ListQuery {
        q: Some(search.clone()).filter(|s| !s.trim().is_empty()),
        order: Some(if urgent { "urgent" } else { "newest" }.into()),
        state: q.state.clone().filter(|s| !s.is_empty()),
        agency: q.co_quan.clone().filter(|s| !s.is_empty()),
        procedure: q.thu_tuc.clone().filter(|s| !s.trim().is_empty()),
        field: q.linh_vuc_loc.clone(),
        channel: q.kenh.clone(),
        mine: Some(q.cua_toi.as_deref() == Some("1")),
        outcome: None,
        due_after,
        due_before,
        cursor: q.cursor.clone(),
        limit: Some(50),
    };
    let (cell, drill_label) = match cell {
        Some((c, label)) => (Some(c), label),
        None => (None, String::new()),
    };
    let (items, next, error) = match queue::list(&state, &staff, &query, cell).await {
        Ok(p) => (p.items.iter().map(line).collect(), p.next, None),
        Err(AppError::Invalid(e)) => (Vec::new(), None, Some(format!("Bộ lọc không hợp lệ: {}", e.0.iter().map(|x| x.message.as_str()).collect::<Vec<_>>().join("; ")))),
        Err(e) => return ApiError::from(e).into_response(),
    };
    // The next page keeps every filter of this one.
    let keep = |k: &str, v: &Option<String>| v.as_deref().filter(|s| !s.is_empty()).map(|s| format!("&{k}={}", url_encode(s))).unwrap_or_default();
    let filters = [("state", &q.state), ("co_quan", &q.co_quan), ("q", &q.q), ("sap_xep", &q.sap_xep), ("thu_tuc", &q.thu_tuc), ("linh_vuc_loc", &q.linh_vuc_loc), ("kenh", &q.kenh), ("cua_toi", &q.cua_toi), ("han", &q.han), ("so_lieu", &q.so_lieu), ("tu", &q.tu), ("den", &q.den), ("co_quan_nhan", &q.co_quan_nhan), ("linh_vuc", &q.linh_vuc)]
        .iter()
        .map(|(k, v)| keep(k, v))
        .collect::<String>();
    let counts = match state.state_counts(&staff.agencies()).await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let count = |s: &str| counts.iter().find(|(k, _)| k == s).map(|(_, n)| *n).unwrap_or(0);
    let scope = staff.agencies();
    if let Err(e) = state.names.ensure(&state, &scope, None).await {
        return ApiError::from(e).into_response();
    }
    let book_agencies = staff
        .0
        .grants
        .iter()
        .map(|g| g.agency_id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|id| state.names.agency(id))
        .map(|a| (a.code, a.name))
        .collect();
    render(StaffList {
        user: staff.0.full_name.clone(),
        states: DState::ALL.iter().map(|s| (s.as_str(), s.label_vi(), count(s.as_str()))).collect(),
        selected_state,
        search,
        urgent,
        agency: q.co_quan.clone().unwrap_or_default(),
        book_agencies,
        today: state.today(),
        can_receive: staff.0.grants.iter().any(|g| g.role == motcua_core::dossier::Role::Reception),
        drill_label,
        filters,
        procedure: q.thu_tuc.clone().unwrap_or_default(),
        due_window: q.han.clone().unwrap_or_default(),
        mine: q.cua_toi.as_deref() == Some("1"),
        field: q.linh_vuc_loc.clone().unwrap_or_default(),
        channel: q.kenh.clone().unwrap_or_default(),
        fields: match state.catalogue().await {
            Ok(c) => c.fields.iter().map(|(f, _)| f.clone()).collect(),
            Err(e) => return ApiError::from(e).into_response(),
        },
        is_admin: staff.0.grants.iter().any(|g| g.role == motcua_core::dossier::Role::Admin),
        items,
        next,
        error,
    })
}
