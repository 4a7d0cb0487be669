//! Server-rendered pages: home, staff sign-in and dossier list, dossier detail, and the
//! public lookup. They work without JavaScript; the full portal and back-office grow here.

use crate::api::dossiers::{list_page, staff_sees_row, ListQuery};
use crate::app::AppState;
use crate::auth::{applicant_secret_matches, WebStaff, SESSION_COOKIE};
use crate::error::ApiError;
use crate::routes::Routes;
use crate::views::{dossier_view, prepare_names, Audience, DossierSummary, DossierView};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use motcua_core::dossier::State as DState;
use serde::Deserialize;

mod account;
mod admin;
mod catalogue;
mod dashboard;
pub(crate) mod errors;
mod feedback;
mod forms;
mod staff_actions;
mod staff_feedback;
mod rating;
mod reception;
mod statistics;
mod submit;
mod tracking_book;

const CSS: &str = include_str!("../../static/app.css");

pub fn router(state: &AppState) -> Routes {
    use crate::throttle::Guard;
    let body_limit = |r: Router<AppState>| r.layer(axum::extract::DefaultBodyLimit::max(state.config.max_upload_bytes));
    let uploads = Routes::new()
        .route("/nop-ho-so/{code}", get(submit::form).post(submit::post))
        .route("/nop-ho-so/xem-lai/{token}", get(submit::review).post(submit::confirm))
        .route("/can-bo/tiep-nhan", get(reception::form).post(reception::post))
        .route("/can-bo/quan-tri/thu-tuc", post(admin::import))
        .with(body_limit);
    // Where a stranger could guess: codes with their secrets, passwords, one-time codes.
    let lookups = Routes::new()
        .route("/tra-cuu/bo-sung", post(supply))
        .with(body_limit)
        .route("/tra-cuu", get(lookup_form).post(lookup))
        .route("/tra-cuu/rut-ho-so", post(withdraw))
        .route("/tra-cuu/ket-qua", post(download_result))
        .route("/danh-gia", get(rating::form).post(rating::submit))
        .route("/phan-anh/tra-cuu", post(feedback::lookup))
        .route("/tai-khoan/xac-minh", post(account::verify))
        .route("/tai-khoan/dat-lai-mat-khau", post(account::reset))
        .guarded(state, Guard::Lookup);
    let sign_in = Routes::new().route("/dang-nhap", get(login_form).post(login)).route("/tai-khoan/dang-nhap", get(account::login_form).post(account::login)).guarded(state, Guard::SignIn);
    let messages = Routes::new()
        .route("/tai-khoan/dang-ky", get(account::signup_form).post(account::signup))
        .route("/tai-khoan/gui-lai-ma", post(account::resend))
        .route("/tai-khoan/quen-mat-khau", get(account::forgot_form).post(account::forgot))
        .guarded(state, Guard::Messages);
    Routes::new()
        .merge(uploads)
        .merge(lookups)
        .merge(sign_in)
        .merge(messages)
        .route("/", get(home))
        .route("/static/app.css", get(css))
        .route("/dang-xuat", post(logout))
        .route("/can-bo", get(staff_list))
        .route("/can-bo/ho-so/{code}", get(staff_dossier))
        .route("/can-bo/ho-so/{code}/mau/{form}", get(forms::form_pdf))
        .route("/can-bo/ho-so/{code}/thao-tac/{action}", post(staff_actions::act))
        .route("/can-bo/ho-so/{code}/tep/{id}", get(staff_file))
        .route("/can-bo/phan-anh", get(staff_feedback::list))
        .route("/can-bo/quan-tri", get(admin::show))
        .route("/can-bo/quan-tri/nhat-ky", get(admin::audit_log))
        .route("/can-bo/quan-tri/can-bo", post(admin::create_staff))
        .route("/can-bo/quan-tri/can-bo/{id}/quyen", post(admin::grant))
        .route("/can-bo/quan-tri/can-bo/{id}/khoa", post(admin::lock))
        .route("/can-bo/quan-tri/can-bo/{id}/mat-khau", post(admin::password))
        .route("/can-bo/quan-tri/co-quan", post(admin::save_agency))
        .route("/can-bo/quan-tri/lich", post(admin::save_calendar))
        .route("/can-bo/quan-tri/tuyen", post(admin::save_route))
        .route("/can-bo/so-theo-doi", get(tracking_book::book))
        .route("/can-bo/bang-dieu-khien", get(dashboard::dashboard))
        .route("/can-bo/phan-anh/{code}", post(staff_feedback::answer))
        .route("/thong-ke", get(statistics::statistics))
        .route("/phan-anh", get(feedback::show).post(feedback::submit))
        .route("/nop-ho-so/bien-nhan/{token}", get(submit::receipt))
        .route("/nop-ho-so/bien-nhan/{token}/pdf", get(submit::receipt_pdf))
        .route("/tai-khoan/dang-xuat", post(account::logout))
        .route("/ho-so-cua-toi", get(account::my_dossiers))
        .route("/ho-so-cua-toi/{code}", get(account::my_dossier))
        .route("/ho-so-cua-toi/nhap/{token}/xoa", post(account::delete_draft))
        .route("/giay-to-cua-toi", get(account::my_documents))
        .route("/giay-to-cua-toi/{sha256}", get(account::download))
        .route("/hop-thu-demo", get(account::mailbox))
        .route("/thu-tuc", get(catalogue::search))
        .route("/thu-tuc/{code}", get(catalogue::procedure))
        .route("/thu-tuc/{code}/in", get(catalogue::printable))
        .with(|r| r.layer(axum::middleware::from_fn_with_state(state.clone(), crate::csrf::same_origin)).layer(axum::middleware::map_response(errors::html_errors)))
}

/// The result notice generated at approval, stored as the dossier's result document.
pub(crate) async fn generated_result(state: &AppState, d: &motcua_store::DossierRow, signer: &str, note: &str) -> Result<motcua_store::NewDocument, ApiError> {
    let pdf = forms::result_notice(state, d, signer, note).await?;
    let blob = state.blobs.put(&pdf).await?;
    Ok(motcua_store::NewDocument {
        name: "Văn bản kết quả giải quyết".into(),
        sha256: blob.sha256,
        size: blob.size,
        content_type: "application/pdf".into(),
        original_name: format!("thong-bao-ket-qua-{}.pdf", d.public_id()),
    })
}

/// Encodes a value for a query string.
pub(crate) fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => ApiError::Internal(format!("template: {e}")).into_response(),
    }
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], CSS).into_response()
}

struct ProcedureLine {
    code: String,
    name: String,
    processing: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    procedures: Vec<ProcedureLine>,
    fields: Vec<(String, usize)>,
}

async fn home(State(state): State<AppState>) -> Response {
    let catalogue = match state.catalogue().await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let all = &catalogue.rows;
    // Most used first: by dossiers received, then the catalogue order.
    let popular = state.popular_procedures().await.unwrap_or_default();
    let mut chosen: Vec<&motcua_store::ProcedureRow> = popular.iter().filter_map(|id| all.iter().find(|r| r.id == *id)).collect();
    for r in all {
        if chosen.len() >= 8 {
            break;
        }
        if !chosen.iter().any(|c| c.id == r.id) {
            chosen.push(r);
        }
    }
    let procedures = chosen
        .into_iter()
        .map(|r| ProcedureLine { code: r.procedure.code.clone(), name: r.procedure.name.clone(), processing: r.procedure.processing.label_vi() })
        .collect();
    render(HomePage { procedures, fields: catalogue.fields.clone() })
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    username: String,
}

async fn login_form() -> Response {
    render(LoginPage { error: None, username: String::new() })
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

async fn login(State(state): State<AppState>, addr: crate::throttle::ClientAddr, headers: axum::http::HeaderMap, Form(f): Form<LoginForm>) -> Response {
    match state.sign_in_staff(&f.username, &f.password, &addr).await {
        Ok(Some(u)) => {
            // A new session for every sign-in: a token planted before it is worth nothing.
            if let Some(old) = crate::auth::cookie(&headers, SESSION_COOKIE) {
                let _ = state.end_session(old, "web").await;
            }
            match state.store.create_session(u.id, "web", state.now(), state.config.session_ttl).await {
                Ok(token) => {
                    let cookie = crate::auth::session_cookie(SESSION_COOKIE, &token, state.config.session_ttl.num_seconds(), state.config.secure_cookies);
                    ([(header::SET_COOKIE, cookie)], Redirect::to("/can-bo")).into_response()
                }
                Err(e) => ApiError::from(e).into_response(),
            }
        }
        Ok(None) => (StatusCode::UNAUTHORIZED, render(LoginPage { error: Some("Tên đăng nhập hoặc mật khẩu không đúng".into()), username: f.username })).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn logout(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(t) = crate::auth::cookie(&headers, SESSION_COOKIE) {
        let _ = state.end_session(t, "web").await;
    }
    let cookie = crate::auth::session_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies);
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}

/// One line of the staff list.
struct Line {
    id: String,
    procedure: String,
    applicant: String,
    state: String,
    due: String,
    due_label: String,
    due_class: String,
}

fn short_time(rfc: &Option<String>) -> String {
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

fn line(v: &DossierSummary) -> Line {
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
struct StaffList {
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
struct StaffListQuery {
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
async fn drill_down(state: &AppState, staff: &crate::auth::Staff, q: &StaffListQuery) -> Result<Option<(motcua_store::read::DashboardCell, String)>, ApiError> {
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

async fn staff_list(State(state): State<AppState>, staff: WebStaff, Query(q): Query<StaffListQuery>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let selected_state = q.state.clone().unwrap_or_default();
    let cell = match drill_down(&state, &staff, &q).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let urgent = q.sap_xep.as_deref() != Some("moi") && cell.is_none();
    let search = q.q.clone().unwrap_or_default();
    // Due windows as instants: overdue now, or due within the warning window.
    let now = state.now();
    let rfc = |t: motcua_core::time::Instant| t.to_rfc3339();
    let (due_after, due_before) = match q.han.as_deref() {
        Some("qua-han") => (None, Some(rfc(now))),
        Some("sap-den-han") => (Some(rfc(now)), Some(rfc(state.national_calendar().add_working_minutes(now, state.config.rules.due_soon_minutes)))),
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
    let (items, next, error) = match list_page(&state, &staff, &query, cell).await {
        Ok(p) => (p.items.iter().map(line).collect(), p.next, None),
        Err(ApiError::Invalid(e)) => (Vec::new(), None, Some(format!("Bộ lọc không hợp lệ: {}", e.0.iter().map(|x| x.message.as_str()).collect::<Vec<_>>().join("; ")))),
        Err(e) => return e.into_response(),
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
        return e.into_response();
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

struct Summary {
    id: String,
    procedure: String,
    agency: String,
    applicant: String,
    state: String,
    submitted: String,
    received: String,
    due: String,
    due_label: String,
    outcome: String,
}

struct StepLine {
    name: String,
    role: String,
    agency: String,
    current: bool,
}

struct EventLine {
    /// The instant as RFC 3339, for `<time datetime>`.
    datetime: String,
    at: String,
    action: String,
    state: String,
    step: String,
    note: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    d: Summary,
    /// What this officer may do now (action name, label), the version the forms carry,
    /// and the earlier steps a dossier can be returned to.
    actions: Vec<(&'static str, &'static str)>,
    version: i64,
    earlier_steps: Vec<(usize, String)>,
    delivery: String,
    /// The dossier's files: id, paper, file name, size.
    files: Vec<(i64, String, String, String)>,
    /// When the apology with a new date is due now: the prompt, and the proposed date and
    /// time for the form.
    apology: Option<(String, String, String)>,
    /// Colleagues the current step can be handed to (id, name), and who has it now.
    colleagues: Vec<(i64, String)>,
    assignee: String,
    notice: Option<String>,
    error: Option<String>,
    /// Official forms this dossier has (number, name), printable as PDF.
    forms: Vec<(&'static str, &'static str)>,
    explanation: Vec<String>,
    steps: Vec<StepLine>,
    timeline: Vec<EventLine>,
}

/// The official forms a dossier's history gives rise to.
fn available_forms(v: &DossierView) -> Vec<(&'static str, &'static str)> {
    let happened = |action: &str| v.timeline.as_ref().is_some_and(|t| t.iter().any(|e| e.action == action));
    let mut forms = Vec::new();
    if v.summary.received_at.is_some() {
        forms.push(("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"));
    }
    for (action, n, name) in [
        ("request_supplement", "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        ("reject", "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        ("extend", "04", "Văn bản xin lỗi và hẹn lại ngày trả kết quả"),
        ("stop", "05", "Thông báo dừng giải quyết hồ sơ"),
    ] {
        if happened(action) {
            forms.push((n, name));
        }
    }
    if v.summary.received_at.is_some() {
        forms.push(("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ"));
    }
    forms
}

fn dossier_page(v: DossierView) -> DossierPage {
    let forms = available_forms(&v);
    let s = &v.summary;
    let line = line(s);
    DossierPage {
        actions: Vec::new(),
        version: 0,
        earlier_steps: Vec::new(),
        delivery: String::new(),
        files: Vec::new(),
        apology: None,
        colleagues: Vec::new(),
        assignee: String::new(),
        notice: None,
        error: None,
        forms,
        explanation: v.due_explanation.clone().unwrap_or_default(),
        steps: v
            .steps
            .iter()
            .map(|st| StepLine { name: st.name.clone(), role: st.role_label.clone(), agency: st.agency.name.clone(), current: v.current_step == Some(st.index) })
            .collect(),
        timeline: v
            .timeline
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                // What the officer asked for or whom the step went to, beside the note.
                let detail = match e.action.as_str() {
                    "request_supplement" => e.data.get("items").and_then(|i| i.as_array()).map(|items| {
                        items.iter().map(|i| format!("{}: {}", i["document"].as_str().unwrap_or(""), i["reason"].as_str().unwrap_or(""))).collect::<Vec<_>>().join("; ")
                    }),
                    "assign" => e.data.get("assignee_name").and_then(|n| n.as_str()).map(|n| format!("Giao cho {n}")),
                    _ => None,
                };
                let note = [detail, e.note].into_iter().flatten().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(" — ");
                EventLine { datetime: e.at.clone(), at: short_time(&Some(e.at)), action: e.action_label, state: e.state_label, step: e.step_name.unwrap_or_default(), note }
            })
            .collect(),
        d: Summary {
            agency: s.agency.name.clone(),
            submitted: short_time(&Some(s.submitted_at.clone())),
            received: short_time(&s.received_at),
            due_label: if s.due_status.is_some() { line.due_label } else { String::new() },
            outcome: s.outcome_label.clone().unwrap_or_default(),
            id: line.id,
            procedure: line.procedure,
            applicant: line.applicant,
            state: line.state,
            due: line.due,
        },
    }
}

async fn full_view(state: &AppState, d: &motcua_store::DossierRow, audience: Audience) -> Result<DossierView, ApiError> {
    let events = state.store.dossier_events(d.id).await?;
    prepare_names(state, &[d]).await?;
    dossier_view(state, d, audience, Some(&events), None)
}

#[derive(Deserialize)]
struct StaffDossierQuery {
    /// The action just done (after the redirect that follows it).
    da: Option<String>,
    /// Just received at the counter.
    tiep_nhan: Option<u8>,
}

async fn staff_dossier(State(state): State<AppState>, staff: WebStaff, Path(code): Path<String>, Query(q): Query<StaffDossierQuery>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let found = match state.store.dossier_by_public_id(&code).await {
        Ok(d) => d,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Some(d) = found.filter(|d| staff_sees_row(&staff, d).unwrap_or(false)) else {
        return ApiError::NotFound.into_response();
    };
    let notice = match q.tiep_nhan {
        Some(_) => Some(format!("Đã tiếp nhận hồ sơ {}. In giấy tiếp nhận và hẹn trả kết quả để giao người nộp:", d.public_id())),
        None => q.da.as_deref().and_then(motcua_core::dossier::ActionKind::parse).map(|k| format!("Đã thực hiện: {}.", k.label_vi())),
    };
    staff_dossier_page(&state, &staff, &d, notice, None, StatusCode::OK).await.unwrap_or_else(IntoResponse::into_response)
}

/// A file of a dossier, for staff who see the dossier: shown in the browser (officers read
/// scans before accepting), sandboxed so a crafted PDF cannot run script on this site.
async fn staff_file(State(state): State<AppState>, staff: WebStaff, Path((code, id)): Path<(String, i64)>) -> Response {
    let Some(staff) = staff.0 else { return ApiError::Unauthorized.into_response() };
    let result: Result<Response, ApiError> = async {
        let d = state.store.dossier_by_public_id(&code).await?.filter(|d| staff_sees_row(&staff, d).unwrap_or(false)).ok_or(ApiError::NotFound)?;
        let f = state.store.dossier_documents(d.id).await?.into_iter().find(|f| f.id == id).ok_or(ApiError::NotFound)?;
        let bytes = state.blobs.get(&f.sha256).await?;
        let name = motcua_core::files::sanitize_name(&f.original_name);
        Ok((
            [
                (header::CONTENT_TYPE, f.content_type),
                (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
                (header::CONTENT_SECURITY_POLICY, "sandbox".into()),
            ],
            bytes,
        )
            .into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The staff page of a dossier, with the actions this officer may take now.
async fn staff_dossier_page(
    state: &AppState,
    staff: &crate::auth::Staff,
    d: &motcua_store::DossierRow,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let v = full_view(state, d, Audience::Staff).await?;
    let facts = d.facts()?;
    let actor = staff.actor();
    let mut actions: Vec<(&'static str, &'static str)> = motcua_core::dossier::available_actions(&facts, &actor)
        .into_iter()
        .filter(|k| !matches!(k, motcua_core::dossier::ActionKind::Submit | motcua_core::dossier::ActionKind::Withdraw))
        .map(|k| (k.as_str(), k.label_vi()))
        .collect();
    // From one working day before the due time the law wants the apology with a new date
    // (once): the page says so and puts that form first, filled with a proposed date.
    let cal = &*state.calendar_for(d.receiving_agency_id);
    let now = state.now();
    let apology = match (facts.due_at_now(cal, now), actions.iter().position(|a| a.0 == "extend")) {
        (Some(due), Some(i)) if motcua_core::calendar::apology_due(cal, now, due) => {
            let extend = actions.remove(i);
            actions.insert(0, extend);
            let proposed = motcua_core::time::to_local(motcua_core::calendar::proposed_new_due(cal, now, due));
            let when = motcua_core::time::to_local(due).format("%H:%M ngày %d/%m/%Y");
            let text = if now > due {
                format!("Hồ sơ đã quá hạn trả kết quả ({when}). Cơ quan phải gửi người nộp văn bản xin lỗi và hẹn lại ngày trả (chỉ được hẹn lại một lần).")
            } else {
                format!("Hồ sơ đến hạn trả kết quả lúc {when}. Nếu không kịp, cơ quan phải gửi văn bản xin lỗi và hẹn lại ngày trả trước hạn (chỉ được một lần).")
            };
            Some((text, proposed.format("%Y-%m-%d").to_string(), proposed.format("%H:%M").to_string()))
        }
        _ => None,
    };
    let earlier_steps = v.steps.iter().filter(|s| v.current_step.is_some_and(|c| s.index < c)).map(|s| (s.index, s.name.clone())).collect();
    let delivery = v.delivery.clone();
    let files = if d.document_count > 0 {
        state
            .store
            .dossier_documents(d.id)
            .await?
            .into_iter()
            .map(|f| {
                let paper = if f.role == "result" { format!("Kết quả giải quyết — {}", f.name) } else { f.name };
                (f.id, paper, f.original_name, format!("{} KB", (f.size + 1023) / 1024))
            })
            .collect()
    } else {
        Vec::new()
    };
    let step = facts.current_step.and_then(|i| facts.steps.get(i));
    let colleagues = match step {
        Some(s) if actions.iter().any(|a| a.0 == "assign") => state.store.holders(s.role, s.agency_id).await?,
        _ => Vec::new(),
    };
    let assignee = match d.assignee_id {
        Some(id) => state.store.user_names(&[id]).await?.remove(&id).unwrap_or_default(),
        None => String::new(),
    };
    let colleagues: Vec<(i64, String)> = colleagues.into_iter().filter(|(id, _)| Some(*id) != d.assignee_id).collect();
    if colleagues.is_empty() {
        actions.retain(|a| a.0 != "assign");
    }
    let mut page = dossier_page(v);
    page.colleagues = colleagues;
    page.assignee = assignee;
    page.files = files;
    page.apology = apology;
    page.actions = actions;
    page.version = d.version;
    page.earlier_steps = earlier_steps;
    page.delivery = delivery;
    page.notice = notice;
    page.error = error;
    Ok((status, render(page)).into_response())
}

#[derive(Template)]
#[template(path = "lookup.html")]
struct LookupPage {
    error: Option<String>,
    code: String,
}

#[derive(Deserialize)]
struct LookupQuery {
    ma: Option<String>,
}

/// The lookup form; `?ma=` fills in the code (receipts' QR codes open this).
async fn lookup_form(Query(q): Query<LookupQuery>) -> Response {
    render(LookupPage { error: None, code: q.ma.filter(|m| m.len() <= 80).unwrap_or_default() })
}

#[derive(Deserialize)]
struct LookupForm {
    code: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "lookup_result.html")]
struct LookupResult {
    id: String,
    state: String,
    next_step: String,
    missing: Vec<(String, String)>,
    procedure: String,
    agency: String,
    submitted: String,
    received: String,
    due: String,
    due_label: String,
    explanation: Vec<String>,
    timeline: Vec<EventLine>,
    can_withdraw: bool,
    can_rate: bool,
    /// The electronic result can be downloaded (returned, with a result document).
    has_result: bool,
    notice: Option<String>,
    withdraw_error: Option<String>,
    supply_error: Option<String>,
    /// The applicant's secret when already proven (a signed-in owner): forms carry it hidden.
    known_secret: Option<String>,
    /// A withdrawal waits for its one-time code: the form asks for it, keeping the reason.
    withdraw_code_sent: bool,
    withdraw_reason: String,
}

/// What the applicant should know or do next, in plain Vietnamese.
fn next_step(v: &DossierView) -> String {
    let s = &v.summary;
    let last_note = v.timeline.as_ref().and_then(|t| t.last()).and_then(|e| e.note.clone()).unwrap_or_default();
    match s.state.as_str() {
        "draft" => "Hồ sơ chưa được nộp.".into(),
        "submitted" => "Hồ sơ đang chờ cán bộ tiếp nhận kiểm tra. Khi hồ sơ được tiếp nhận, bạn sẽ nhận mã hồ sơ và ngày hẹn trả kết quả.".into(),
        "received" | "processing" => format!(
            "Hồ sơ đang được giải quyết{}. Bạn không cần làm gì thêm; hạn trả kết quả được ghi bên dưới.",
            s.current_step_name.as_deref().map(|n| format!(" (bước: {n})")).unwrap_or_default()
        ),
        "supplement_requested" => "Cơ quan cần bạn bổ sung giấy tờ dưới đây. Thời hạn giải quyết tạm dừng cho đến khi bạn nộp đủ; nộp bổ sung trực tuyến ngay bên dưới, hoặc tại Bộ phận Một cửa nơi đã nộp hồ sơ.".into(),
        "result_ready" => match v.delivery.as_str() {
            "post" => "Đã có kết quả; kết quả sẽ được gửi qua dịch vụ bưu chính đến địa chỉ bạn đã đăng ký.".into(),
            "online" => "Đã có kết quả; bạn nhận kết quả điện tử trên cổng dịch vụ công.".into(),
            _ => format!("Đã có kết quả. Mời bạn mang giấy tờ tùy thân đến {} để nhận kết quả.", s.agency.name),
        },
        "returned" => "Đã trả kết quả. Cảm ơn bạn đã sử dụng dịch vụ.".into(),
        "rejected" => format!("Hồ sơ bị từ chối. Lý do: {last_note}"),
        "stopped" => format!("Cơ quan đã dừng giải quyết hồ sơ. Lý do: {last_note}"),
        "withdrawn" => "Bạn đã rút hồ sơ.".into(),
        _ => String::new(),
    }
}

/// What the applicant sees of their dossier, as the lookup shows it.
async fn applicant_page(state: &AppState, d: &motcua_store::DossierRow, notice: Option<String>, withdraw_error: Option<String>) -> Result<LookupResult, ApiError> {
    let events = state.store.dossier_events(d.id).await?;
    applicant_page_with(state, d, events, notice, withdraw_error).await
}

async fn applicant_page_with(
    state: &AppState,
    d: &motcua_store::DossierRow,
    events: Vec<motcua_store::EventRow>,
    notice: Option<String>,
    withdraw_error: Option<String>,
) -> Result<LookupResult, ApiError> {
    prepare_names(state, &[d]).await?;
    let v = dossier_view(state, d, Audience::Applicant, Some(&events), None)?;
    let mut page = lookup_result(v, notice, withdraw_error);
    // A dossier is rated once: no invitation after that.
    if page.can_rate && state.store.is_rated(d.id).await? {
        page.can_rate = false;
    }
    page.has_result = d.state == "returned" && d.document_count > 0 && state.store.has_result_document(d.id).await?;
    Ok(page)
}

fn lookup_result(v: DossierView, notice: Option<String>, withdraw_error: Option<String>) -> LookupResult {
    // What the applicant sees of the history was decided by the view (`Audience::Applicant`).
    let page = dossier_page(v.clone());
    let s = &v.summary;
    // Everything asked for in the latest supplement request, with its reasons.
    let missing = if s.state == "supplement_requested" {
        v.timeline
            .as_ref()
            .and_then(|t| t.iter().rev().find(|e| e.action == "request_supplement"))
            .and_then(|e| e.data.get("items").and_then(|i| i.as_array()).cloned())
            .unwrap_or_default()
            .iter()
            .map(|i| (i["document"].as_str().unwrap_or("").to_string(), i["reason"].as_str().unwrap_or("").to_string()))
            .collect()
    } else {
        Vec::new()
    };
    LookupResult {
        next_step: next_step(&v),
        missing,
        can_withdraw: matches!(s.state.as_str(), "submitted" | "received" | "processing" | "supplement_requested"),
        can_rate: motcua_core::dossier::State::parse(&s.state).is_some_and(motcua_core::rating::may_rate),
        has_result: false,
        state: page.d.state,
        id: page.d.id,
        procedure: page.d.procedure,
        agency: page.d.agency,
        submitted: page.d.submitted,
        received: if s.received_at.is_some() { page.d.received } else { String::new() },
        due: if s.due_at.is_some() { page.d.due } else { String::new() },
        due_label: page.d.due_label,
        explanation: page.explanation,
        timeline: page.timeline,
        notice,
        withdraw_error,
        supply_error: None,
        known_secret: None,
        withdraw_code_sent: false,
        withdraw_reason: String::new(),
    }
}

/// The dossier behind a code and secret, or the one answer for a wrong code or secret.
async fn find_for_applicant(state: &AppState, code: &str, secret: &str) -> Result<Option<motcua_store::DossierRow>, ApiError> {
    let found = if code.len() <= 80 { state.store.dossier_by_public_id(code.trim()).await? } else { None };
    let proven = state.throttles.applicant_guess(code, found.as_ref().map(|d| d.id), secret, state.now(), || found.as_ref().is_some_and(|d| applicant_secret_matches(d, secret)))?;
    Ok(found.filter(|_| proven))
}

/// The dossier with its events in one query, if the secret proves the caller is its
/// applicant (the lookup is the busiest public page).
async fn find_with_events(state: &AppState, code: &str, secret: &str) -> Result<Option<(motcua_store::DossierRow, Vec<motcua_store::EventRow>)>, ApiError> {
    let found = if code.len() <= 80 { state.store.dossier_with_events(code.trim()).await? } else { None };
    let proven = state.throttles.applicant_guess(code, found.as_ref().map(|(d, _)| d.id), secret, state.now(), || found.as_ref().is_some_and(|(d, _)| applicant_secret_matches(d, secret)))?;
    Ok(found.filter(|_| proven))
}

fn not_found_page(code: String) -> Response {
    // One answer for a wrong code and a wrong secret: nobody learns which codes exist.
    (
        StatusCode::NOT_FOUND,
        render(LookupPage { error: Some("Không tìm thấy hồ sơ khớp với mã và số điện thoại hoặc số định danh đã nhập".into()), code }),
    )
        .into_response()
}

async fn lookup(State(state): State<AppState>, Form(f): Form<LookupForm>) -> Response {
    match find_with_events(&state, &f.code, &f.secret).await {
        Err(e) => e.into_response(),
        Ok(None) => not_found_page(f.code),
        Ok(Some((d, events))) => match applicant_page_with(&state, &d, events, None, None).await {
            Ok(page) => render(page),
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Deserialize)]
struct ResultForm {
    code: String,
    secret: String,
}

/// The electronic result of a returned dossier, for its applicant (code + phone or ID).
async fn download_result(State(state): State<AppState>, Form(f): Form<ResultForm>) -> Response {
    let result: Result<Response, ApiError> = async {
        let Some(d) = find_for_applicant(&state, &f.code, &f.secret).await? else { return Ok(not_found_page(f.code)) };
        if d.state != "returned" {
            return Err(ApiError::Conflict("Kết quả chưa được trả".into()));
        }
        let doc = state.store.dossier_documents(d.id).await?.into_iter().rev().find(|x| x.role == "result").ok_or(ApiError::NotFound)?;
        let bytes = state.blobs.get(&doc.sha256).await?;
        let name = motcua_core::files::sanitize_name(&doc.original_name);
        Ok(([(header::CONTENT_TYPE, doc.content_type), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], bytes).into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The applicant uploads the papers asked for; the dossier goes back to the officer and
/// the clock resumes.
async fn supply(State(state): State<AppState>, mut mp: axum::extract::Multipart) -> Response {
    let form = match crate::api::submission::read_page_form(&mut mp, &state).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let (fields, files) = (form.fields, form.uploads);
    let file_error = form.file_errors.into_iter().next().map(|(_, m)| m);
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let d = match find_for_applicant(&state, &get("code"), &get("secret")).await {
        Err(e) => return e.into_response(),
        Ok(None) => return not_found_page(get("code")),
        Ok(Some(d)) => d,
    };
    let view = |d: motcua_store::DossierRow, notice: Option<String>, error: Option<String>, status: StatusCode| {
        let state = state.clone();
        async move {
            match applicant_page(&state, &d, notice, None).await {
                Ok(mut page) => {
                    page.supply_error = error;
                    (status, render(page)).into_response()
                }
                Err(e) => e.into_response(),
            }
        }
    };
    if file_error.is_some() || files.is_empty() {
        let msg = file_error.unwrap_or_else(|| "Chọn ít nhất một tệp để nộp bổ sung".into());
        return view(d, None, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    // Each file is named after the paper it answers, as the officer listed it.
    let asked: Vec<String> = match state.store.dossier_events(d.id).await {
        Ok(events) => events
            .iter()
            .rev()
            .find(|e| e.action == "request_supplement")
            .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.data).ok())
            .and_then(|v| v.get("items").and_then(|i| i.as_array()).cloned())
            .unwrap_or_default()
            .iter()
            .map(|i| i["document"].as_str().unwrap_or("Giấy tờ bổ sung").to_string())
            .collect(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let names: Vec<String> = files
        .iter()
        .map(|f| f.part.strip_prefix('s').and_then(|i| i.parse::<usize>().ok()).and_then(|i| asked.get(i).cloned()).unwrap_or_else(|| "Giấy tờ bổ sung".into()))
        .collect();
    match crate::api::actions::supply_with_files(&state, &d, &files, &names).await {
        Ok(row) => view(row, Some(format!("Đã nộp bổ sung {} tệp. Hồ sơ được chuyển lại cho cán bộ xử lý và thời hạn giải quyết tiếp tục.", files.len())), None, StatusCode::OK).await,
        Err(ApiError::Conflict(m)) => view(d, None, Some(m), StatusCode::CONFLICT).await,
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct WithdrawForm {
    code: String,
    secret: String,
    reason: String,
    /// Empty on the first submission, which sends the code.
    #[serde(default)]
    one_time_code: String,
}

/// The applicant withdraws a dossier not yet decided, proving it is theirs with the secret
/// and then with the one-time code sent to the dossier's phone (the code and the phone may
/// both be known to someone else).
async fn withdraw(State(state): State<AppState>, Form(f): Form<WithdrawForm>) -> Response {
    let d = match find_for_applicant(&state, &f.code, &f.secret).await {
        Err(e) => return e.into_response(),
        Ok(None) => return not_found_page(f.code),
        Ok(Some(d)) => d,
    };
    let reason: String = f.reason.trim().chars().take(500).collect();
    let outcome = if reason.is_empty() {
        Err(ApiError::field("reason", "Ghi rõ lý do rút hồ sơ"))
    } else {
        let action = motcua_core::dossier::Action::Withdraw { reason: reason.clone() };
        match crate::api::actions::confirm_withdrawal(&state, &d, &action, Some(f.one_time_code.as_str())).await {
            Ok(Some(sent_to)) => Ok(Err(sent_to)),
            Ok(None) => crate::api::actions::perform(&state, &d, &motcua_core::dossier::Actor::Applicant, "applicant", &action, None).await.map(Ok),
            Err(e) => Err(e),
        }
    };
    let (row, notice, error, status, code_sent) = match outcome {
        Ok(Ok(out)) => (out.dossier, Some("Bạn đã rút hồ sơ. Cơ quan đã được thông báo.".to_string()), None, StatusCode::OK, false),
        Ok(Err(sent_to)) => (d, Some(crate::api::actions::code_sent_message(&sent_to)), None, StatusCode::OK, true),
        Err(ApiError::Invalid(e)) => {
            let code_asked = e.0.iter().any(|x| x.path == "one_time_code");
            (d, None, Some(e.0.first().map(|x| x.message.clone()).unwrap_or_default()), StatusCode::UNPROCESSABLE_ENTITY, code_asked)
        }
        Err(ApiError::Conflict(m)) => (d, None, Some(m), StatusCode::CONFLICT, false),
        Err(e) => return e.into_response(),
    };
    match applicant_page(&state, &row, notice, error).await {
        Ok(mut page) => {
            page.withdraw_code_sent = code_sent && page.can_withdraw;
            page.withdraw_reason = if code_sent { reason } else { String::new() };
            // Proven a moment ago: the step that takes the code does not ask for it again.
            if page.withdraw_code_sent && page.known_secret.is_none() {
                page.known_secret = Some(f.secret.trim().to_string());
            }
            (status, render(page)).into_response()
        }
        Err(e) => e.into_response(),
    }
}
