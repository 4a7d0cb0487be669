//! Administration (`/can-bo/quan-tri`), for officers with the administrator role: staff
//! accounts and their roles at agencies, agencies, the procedure catalogue (with workflow
//! steps and their time budgets, imported as a file), and the audit log of every change.
//! An administrator acts only within the agencies of their grant (and those below them).

use super::render;
use crate::auth::{Staff, WebStaff};
use crate::error::ApiError;
use crate::state::AppState;
use crate::uploads::multipart_error;
use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::admin::{self, Admin, AgencyForm, RouteForm};
use motcua_app::AppError;
use motcua_core::catalogue::{agency_kind_label, AdminLevel};
use motcua_core::dossier::Role;
use motcua_core::time::to_local;
use motcua_core::validation::FieldErrors;
use motcua_store::AgencyRow;
use serde::Deserialize;
use std::collections::HashMap;

struct Account {
    id: i64,
    username: String,
    full_name: String,
    active: bool,
    grants: Vec<(String, &'static str, String, String)>,
}

struct AuditLine {
    at: String,
    /// The instant as RFC 3339, for `<time datetime>`.
    datetime: String,
    actor: String,
    action: String,
    subject: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    accounts: Vec<Account>,
    agencies: Vec<AgencyRow>,
    roles: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    procedures: usize,
    /// Saved calendar schedules: scope as shown, number of days.
    schedules: Vec<(String, usize)>,
    audit: Vec<AuditLine>,
    /// Step routes to agencies this administrator manages: procedure, kind, area, agency code.
    routes: Vec<(String, String, String, String)>,
    /// Province or system level: the catalogue and step routes are theirs to change.
    province_level: bool,
    notice: Option<String>,
    /// Field name and message of each problem of the form just posted.
    errors: Vec<(String, String)>,
    values: HashMap<String, String>,
}

impl AdminPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "audit_log.html")]
struct AuditPage {
    lines: Vec<AuditLine>,
    next: Option<i64>,
}

fn time(ms: i64) -> String {
    to_local(motcua_store::from_ms(ms)).format("%H:%M %d/%m/%Y").to_string()
}

async fn audit_lines(state: &AppState, admin: &Admin, before: Option<i64>, limit: i64) -> Result<(Vec<AuditLine>, Option<i64>), ApiError> {
    let (rows, next) = admin::audit_log(state, admin, before, limit).await?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.actor.strip_prefix("user:").and_then(|i| i.parse().ok())).collect();
    let names = state.store.user_names(&ids).await?;
    let lines = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| AuditLine {
            at: time(r.at),
            datetime: motcua_store::from_ms(r.at).to_rfc3339(),
            actor: r.actor.strip_prefix("user:").and_then(|i| i.parse::<i64>().ok()).and_then(|i| names.get(&i).cloned()).unwrap_or(r.actor),
            action: r.action,
            subject: r.subject,
            detail: r.detail,
        })
        .collect();
    Ok((lines, next))
}

async fn page(state: &AppState, staff: &Staff) -> Result<AdminPage, ApiError> {
    let admin = admin::administrator(state, staff).await?;
    let scope = admin.agencies.clone();
    let all = state.store.agencies_in_force(&state.today()).await?;
    let mut agencies: Vec<AgencyRow> = all.into_iter().filter(|a| scope.contains(&a.id)).collect();
    agencies.sort_by_cached_key(|a| motcua_core::text::sort_key(&a.name));
    let accounts = admin::managed_accounts(state, &admin)
        .await?
        .into_iter()
        .map(|u| Account {
            id: u.id,
            username: u.username,
            full_name: u.full_name,
            active: u.active,
            grants: u
                .grants
                .into_iter()
                .filter(|(_, a)| scope.contains(a))
                .map(|(role, agency)| {
                    let code = agencies.iter().find(|a| a.id == agency).map(|a| a.code.clone()).unwrap_or_default();
                    (role.clone(), Role::parse(&role).map(Role::label_vi).unwrap_or(""), code, agencies.iter().find(|a| a.id == agency).map(|a| a.name.clone()).unwrap_or_default())
                })
                .collect(),
        })
        .collect();
    let (audit, _) = audit_lines(state, &admin, None, 20).await?;
    Ok(AdminPage {
        accounts,
        agencies,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label_vi())).collect(),
        kinds: admin::AGENCY_KINDS.iter().map(|k| (*k, agency_kind_label(k).unwrap_or(k))).collect(),
        procedures: state.catalogue().await?.rows.len(),
        schedules: state
            .store
            .calendar_schedules()
            .await?
            .into_iter()
            .filter_map(|(key, text)| {
                let scope = motcua_app::calendars::scope(&key)?;
                let days = motcua_app::calendars::check(&scope, &text).map_or(0, |d| d.len());
                let shown = match scope {
                    motcua_app::calendars::Scope::Agency(code) => format!("Ngày nghỉ riêng của {code}"),
                    motcua_app::calendars::Scope::Year(year) => format!("Lịch nghỉ lễ, làm bù năm {year}"),
                };
                Some((shown, days))
            })
            .collect(),
        audit,
        routes: admin::visible_routes(state, staff)
            .await?
            .into_iter()
            .map(|r| (r.procedure_code, agency_kind_label(&r.kind).map(str::to_string).unwrap_or(r.kind), r.area, r.agency_code))
            .collect(),
        province_level: admin.level != AdminLevel::Agency,
        notice: None,
        errors: Vec::new(),
        values: HashMap::new(),
    })
}

#[derive(Deserialize)]
pub struct AdminQuery {
    da: Option<String>,
}

fn notice_of(done: &str) -> Option<String> {
    Some(
        match done {
            "tao-can-bo" => "Đã tạo tài khoản cán bộ.",
            "quyen" => "Đã cập nhật vai trò; cán bộ cần đăng nhập lại.",
            "khoa" => "Đã cập nhật trạng thái tài khoản.",
            "mat-khau" => "Đã đặt lại mật khẩu; cán bộ cần đăng nhập lại.",
            "co-quan" => "Đã lưu cơ quan.",
            "lich" => "Đã lưu lịch; hạn giải quyết của hồ sơ tiếp nhận từ nay tính theo lịch mới.",
            "tuyen" => "Đã lưu cơ quan giải quyết bước liên thông; áp dụng cho hồ sơ tiếp nhận từ nay.",
            _ => return None,
        }
        .to_string(),
    )
}

pub async fn show(State(state): State<AppState>, staff: WebStaff, Query(q): Query<AdminQuery>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    match page(&state, &staff).await {
        Ok(mut p) => {
            p.notice = q.da.as_deref().and_then(notice_of).or_else(|| {
                let counts: Vec<&str> = q.da.as_deref()?.strip_prefix("nhap-")?.split('-').collect();
                let [added, changed, same] = counts[..] else { return None };
                Some(format!("Đã nhập danh mục thủ tục: {added} thêm mới, {changed} cập nhật, {same} không đổi."))
            });
            render(p)
        }
        Err(e) => e.into_response(),
    }
}

/// The page again with the problems of the form just posted and what was typed.
fn field_errors(e: FieldErrors) -> Vec<(String, String)> {
    e.0.into_iter().map(|x| (x.path, x.message)).collect()
}

fn done(what: &str) -> Response {
    Redirect::to(&format!("/can-bo/quan-tri?da={what}")).into_response()
}

/// The answer to a change: back to the page with a notice, or the page again with the
/// form's problems (each on the field `field` names, when given) and what was typed.
async fn answer(state: &AppState, staff: &Staff, outcome: Result<(), AppError>, what: &str, field: Option<String>, values: HashMap<String, String>) -> Result<Response, ApiError> {
    match outcome {
        Ok(()) => Ok(done(what)),
        Err(AppError::Invalid(e)) => {
            let errors = match field {
                Some(f) => e.0.into_iter().map(|x| (f.clone(), x.message)).collect(),
                None => field_errors(e),
            };
            let mut p = page(state, staff).await?;
            p.errors = errors;
            p.values = values;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(p)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_staff(State(state): State<AppState>, staff: WebStaff, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let outcome = admin::create_staff(&state, &staff, &get("username"), &get("full_name"), &get("password")).await.map(|_| ());
    answer(&state, &staff, outcome, "tao-can-bo", None, without_password(f)).await.unwrap_or_else(IntoResponse::into_response)
}

/// What was typed, for the form shown again — never the password.
fn without_password(mut f: HashMap<String, String>) -> HashMap<String, String> {
    f.remove("password");
    f
}

pub async fn grant(State(state): State<AppState>, staff: WebStaff, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let admin = admin::administrator(&state, &staff).await?;
        let role = f.get("role").and_then(|r| Role::parse(r));
        let add = f.get("op").map(String::as_str) != Some("remove");
        let outcome = admin::set_grant(&state, &admin, id, role, f.get("agency").map(String::as_str), add).await;
        answer(&state, &staff, outcome, "quyen", Some(format!("grant-{id}")), f).await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn lock(State(state): State<AppState>, staff: WebStaff, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let admin = admin::administrator(&state, &staff).await?;
        let active = f.get("active").map(String::as_str) == Some("1");
        let outcome = admin::set_active(&state, &admin, id, active).await;
        answer(&state, &staff, outcome, "khoa", Some(format!("lock-{id}")), f).await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn password(State(state): State<AppState>, staff: WebStaff, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let admin = admin::administrator(&state, &staff).await?;
        let pw = f.get("password").cloned().unwrap_or_default();
        let outcome = admin::reset_password(&state, &admin, id, &pw).await;
        answer(&state, &staff, outcome, "mat-khau", Some(format!("password-{id}")), HashMap::new()).await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn save_agency(State(state): State<AppState>, staff: WebStaff, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let admin = admin::administrator(&state, &staff).await?;
        let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
        let form = AgencyForm {
            code: get("code"),
            name: get("name"),
            kind: get("kind"),
            unit_code: get("unit_code"),
            valid_from: get("valid_from"),
            valid_to: get("valid_to"),
            parent: get("parent"),
        };
        let outcome = admin::save_agency(&state, &admin, &form).await;
        answer(&state, &staff, outcome, "co-quan", None, f.clone()).await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Imports a catalogue file (the format of `data/procedures.json`): all or nothing.
pub async fn import(State(state): State<AppState>, staff: WebStaff, mut mp: Multipart) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        // Refused below province level before the file is even read.
        let right = admin::catalogue_right(&state, &staff).await?;
        let text = read_catalogue(&mut mp).await?;
        match admin::import_catalogue(&state, &right, &text).await {
            Ok(r) => Ok(done(&format!("nhap-{}-{}-{}", r.inserted, r.updated, r.unchanged))),
            Err(e) => answer(&state, &staff, Err(e), "", None, HashMap::new()).await,
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The catalogue's JSON, as a chosen file or pasted text (the `catalogue` part).
async fn read_catalogue(mp: &mut Multipart) -> Result<String, ApiError> {
    const MAX: usize = 50 * 1024 * 1024;
    let mut text = String::new();
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("catalogue") {
            continue;
        }
        let mut buf = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if buf.len() + chunk.len() > MAX {
                return Err(ApiError::TooLarge("Tệp danh mục vượt quá 50 MB".into()));
            }
            buf.extend_from_slice(&chunk);
        }
        if !buf.is_empty() {
            text = String::from_utf8(buf).map_err(|_| ApiError::field("catalogue", "Tệp danh mục phải là văn bản UTF-8 (JSON)"))?;
        }
    }
    Ok(text)
}

/// Saves a calendar schedule (a year's official days off, or an agency's local days off).
pub async fn save_calendar(State(state): State<AppState>, staff: WebStaff, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let admin = admin::administrator(&state, &staff).await?;
        let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
        let outcome = admin::save_calendar(&state, &admin, get("scope"), get("content")).await;
        answer(&state, &staff, outcome, "lich", None, f.clone()).await
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize)]
pub struct AuditQuery {
    truoc: Option<i64>,
}

pub async fn audit_log(State(state): State<AppState>, staff: WebStaff, Query(q): Query<AuditQuery>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let admin = admin::administrator(&state, &staff).await?;
        let (lines, next) = audit_lines(&state, &admin, q.truoc, 100).await?;
        Ok(render(AuditPage { lines, next }))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Sets which agency handles a kind of inter-agency step (see `motcua_app::admin::save_route`).
pub async fn save_route(State(state): State<AppState>, staff: WebStaff, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let form = RouteForm { procedure: get("route_procedure"), kind: get("route_kind"), area: get("route_area"), agency: get("route_agency") };
    let outcome = admin::save_route(&state, &staff, &form).await;
    answer(&state, &staff, outcome, "tuyen", None, f.clone()).await.unwrap_or_else(IntoResponse::into_response)
}
