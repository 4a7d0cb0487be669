//! Administration (`/can-bo/quan-tri`), for officers with the administrator role: staff
//! accounts and their roles at agencies, agencies, the procedure catalogue (with workflow
//! steps and their time budgets, imported as a file), and the audit log of every change.
//! An administrator acts only within the agencies of their grant (and those below them).

use super::render;
use crate::api::submission::multipart_error;
use crate::app::AppState;
use crate::auth::{Staff, WebStaff};
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::admin::{agency_change_problems, is_province, may_manage_account, Administrator, AgencyChange, AgencyPlace, ManagedAccount};
use motcua_core::catalogue::{agency_kind_label, may_set_route, parse_for_import, AdminLevel, RouteArea, ScopeRefusal, EVERY_PROCEDURE};
use motcua_core::dossier::Role;
use motcua_core::time::to_local;
use motcua_store::{AdminActor, AgencyRow, AuditFilter, NewAgency, StaffAccount, StoreError};
use serde::Deserialize;
use std::collections::HashMap;

const AGENCY_KINDS: [&str; 9] = [
    "province_people_committee",
    "province_service_centre",
    "department_justice",
    "department_finance",
    "department_construction",
    "province_police",
    "commune_people_committee",
    "commune_police",
    "social_insurance",
];

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

/// The agencies an administrator manages (their grants already include sub-agencies).
fn admin_scope(staff: &Staff) -> Result<Vec<i64>, ApiError> {
    let scope: Vec<i64> = staff.0.grants.iter().filter(|g| g.role == Role::Admin).map(|g| g.agency_id).collect();
    if scope.is_empty() {
        return Err(ApiError::Forbidden("Chỉ quản trị hệ thống được vào trang này".into()));
    }
    Ok(scope)
}

/// An administrator: their level and the agencies they administer.
struct Admin {
    user_id: i64,
    level: AdminLevel,
    agencies: Vec<i64>,
    /// Code and unit of each province-level agency they administer.
    provinces: Vec<(String, String)>,
}

impl Admin {
    fn rules(&self) -> Administrator<'_> {
        Administrator { user_id: self.user_id, level: &self.level, scope: &self.agencies }
    }

    fn manages(&self, account: &StaffAccount) -> bool {
        let grants: Vec<i64> = account.grants.iter().map(|g| g.1).collect();
        may_manage_account(&self.rules(), &ManagedAccount { system_admin: account.system_admin, grant_agencies: &grants, created_by: account.created_by })
    }
}

/// The administrator behind a request, with their level (`motcua_core::catalogue::admin_level`).
async fn administrator(state: &AppState, staff: &Staff) -> Result<Admin, ApiError> {
    let agencies = admin_scope(staff).or_else(|e| if staff.0.system_admin { Ok(Vec::new()) } else { Err(e) })?;
    let level = admin_level(state, staff).await?;
    let provinces = state
        .agencies_today()
        .await?
        .iter()
        .filter(|a| agencies.contains(&a.id) && is_province(&place(a)))
        .map(|a| (a.code.clone(), a.unit_code.clone().unwrap_or_default()))
        .collect();
    Ok(Admin { user_id: staff.0.user_id, level, agencies, provinces })
}

/// The rows of the audit log an administrator reads: about the agencies, accounts and local
/// calendars in their scope; the catalogue, step routes and the national calendar from
/// province level;
/// everything for a system administrator (issue 12, item 21).
async fn audit_filter(state: &AppState, admin: &Admin) -> Result<Option<AuditFilter>, ApiError> {
    if admin.level == AdminLevel::System {
        return Ok(None);
    }
    let mut f = AuditFilter::default();
    for a in state.agencies_today().await?.iter().filter(|a| admin.agencies.contains(&a.id)) {
        f.subjects.push(format!("agency:{}", a.code));
        f.subjects.push(format!("calendar:local:{}", a.code));
    }
    for u in state.store.staff_accounts().await?.iter().filter(|u| admin.manages(u)) {
        f.subjects.push(format!("user:{}", u.id));
    }
    if admin.level != AdminLevel::Agency {
        f.prefixes.extend(["procedure", "route:", "calendar:1", "calendar:2"].map(String::from));
    }
    Ok(Some(f))
}

fn time(ms: i64) -> String {
    to_local(motcua_store::from_ms(ms)).format("%H:%M %d/%m/%Y").to_string()
}

async fn audit_lines(state: &AppState, admin: &Admin, before: Option<i64>, limit: i64) -> Result<(Vec<AuditLine>, Option<i64>), ApiError> {
    let filter = audit_filter(state, admin).await?;
    let mut rows = state.store.audit_log(before, limit + 1, filter.as_ref()).await?;
    let next = (rows.len() as i64 > limit).then(|| rows[limit as usize - 1].id);
    rows.truncate(limit as usize);
    // A grant's row names its agency: one outside the scope stays hidden even on an account
    // that is in scope now.
    if filter.is_some() {
        rows.retain(|r| {
            let agency = serde_json::from_str::<serde_json::Value>(&r.detail).ok().and_then(|d| d.get("agency_id").and_then(|a| a.as_i64()));
            agency.is_none_or(|a| admin.agencies.contains(&a))
        });
    }
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
    let admin = administrator(state, staff).await?;
    let scope = admin.agencies.clone();
    let all = state.store.agencies_in_force(&state.today()).await?;
    let mut agencies: Vec<AgencyRow> = all.into_iter().filter(|a| scope.contains(&a.id)).collect();
    agencies.sort_by_cached_key(|a| motcua_core::text::sort_key(&a.name));
    let accounts = state
        .store
        .staff_accounts()
        .await?
        .into_iter()
        .filter(|u| admin.manages(u))
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
    // Read afresh: the session's copy predates agencies created since sign-in.
    let route_scope: Vec<i64> = state.store.user_grants(staff.0.user_id).await?.into_iter().filter(|g| g.role == Role::Admin).map(|g| g.agency_id).collect();
    Ok(AdminPage {
        accounts,
        agencies,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label_vi())).collect(),
        kinds: AGENCY_KINDS.iter().map(|k| (*k, agency_kind_label(k).unwrap_or(k))).collect(),
        procedures: state.catalogue().await?.rows.len(),
        schedules: state
            .store
            .calendar_schedules()
            .await?
            .into_iter()
            .filter_map(|(key, text)| {
                let scope = crate::calendars::scope(&key)?;
                let days = crate::calendars::check(&scope, &text).map_or(0, |d| d.len());
                let shown = match scope {
                    crate::calendars::Scope::Agency(code) => format!("Ngày nghỉ riêng của {code}"),
                    crate::calendars::Scope::Year(year) => format!("Lịch nghỉ lễ, làm bù năm {year}"),
                };
                Some((shown, days))
            })
            .collect(),
        audit,
        routes: state
            .store
            .all_step_routes()
            .await?
            .into_iter()
            .filter(|r| staff.0.system_admin || route_scope.contains(&r.agency_id))
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
async fn invalid(state: &AppState, staff: &Staff, errors: Vec<(String, String)>, values: HashMap<String, String>) -> Result<Response, ApiError> {
    let mut p = page(state, staff).await?;
    p.errors = errors;
    p.values = values;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(p)).into_response())
}

fn field_errors(e: motcua_core::validation::FieldErrors) -> Vec<(String, String)> {
    e.0.into_iter().map(|x| (x.path, x.message)).collect()
}

fn actor<'a>(state: &AppState, label: &'a str) -> AdminActor<'a> {
    AdminActor { label, now: state.now() }
}

fn done(what: &str) -> Response {
    Redirect::to(&format!("/can-bo/quan-tri?da={what}")).into_response()
}

pub async fn create_staff(State(state): State<AppState>, staff: WebStaff, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        admin_scope(&staff)?;
        let get = |k: &str| f.get(k).cloned().unwrap_or_default();
        let new = match motcua_core::admin::check_staff(&get("username"), &get("full_name"), &get("password")) {
            Ok(n) => n,
            Err(e) => return invalid(&state, &staff, field_errors(e), without_password(f)).await,
        };
        let label = staff.label();
        match state.store.create_staff(actor(&state, &label), &new.username, &new.full_name, &new.password).await {
            Ok(_) => Ok(done("tao-can-bo")),
            Err(StoreError::Conflict) => invalid(&state, &staff, vec![("username".into(), "Tên đăng nhập đã có người dùng".into())], without_password(f)).await,
            Err(e) => Err(e.into()),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// What was typed, for the form shown again — never the password.
fn without_password(mut f: HashMap<String, String>) -> HashMap<String, String> {
    f.remove("password");
    f
}

fn place(r: &AgencyRow) -> AgencyPlace<'_> {
    AgencyPlace { code: &r.code, kind: &r.kind, unit_code: r.unit_code.as_deref(), parent_id: r.parent_id }
}

/// The account, if it is one this administrator manages (`core::admin::may_manage_account`).
async fn managed_account(state: &AppState, admin: &Admin, id: i64) -> Result<(), ApiError> {
    let account = state.store.staff_account(id).await?.ok_or(ApiError::NotFound)?;
    admin.manages(&account).then_some(()).ok_or(ApiError::NotFound)
}

pub async fn grant(State(state): State<AppState>, staff: WebStaff, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let admin = administrator(&state, &staff).await?;
        let scope = &admin.agencies;
        managed_account(&state, &admin, id).await?;
        let role = f.get("role").and_then(|r| Role::parse(r));
        let agency = match f.get("agency") {
            Some(code) => state.agency(code).await?.filter(|a| scope.contains(&a.id)),
            None => None,
        };
        let (Some(role), Some(agency)) = (role, agency) else {
            return invalid(&state, &staff, vec![(format!("grant-{id}"), "Chọn vai trò và cơ quan trong phạm vi quản trị của bạn".into())], f).await;
        };
        let add = f.get("op").map(String::as_str) != Some("remove");
        if !add && id == staff.0.user_id && role == Role::Admin {
            return invalid(&state, &staff, vec![(format!("grant-{id}"), "Không tự bỏ quyền quản trị của chính mình".into())], f).await;
        }
        let label = staff.label();
        state.store.set_grant(actor(&state, &label), id, role, agency.id, add).await?;
        state.caches.sessions.clear();
        Ok(done("quyen"))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn lock(State(state): State<AppState>, staff: WebStaff, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let admin = administrator(&state, &staff).await?;
        managed_account(&state, &admin, id).await?;
        let active = f.get("active").map(String::as_str) == Some("1");
        if !active && id == staff.0.user_id {
            return invalid(&state, &staff, vec![(format!("lock-{id}"), "Không tự khóa tài khoản của chính mình".into())], f).await;
        }
        let label = staff.label();
        state.store.set_staff_active(actor(&state, &label), id, active).await?;
        state.caches.sessions.clear();
        Ok(done("khoa"))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn password(State(state): State<AppState>, staff: WebStaff, Path(id): Path<i64>, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let admin = administrator(&state, &staff).await?;
        managed_account(&state, &admin, id).await?;
        let pw = f.get("password").cloned().unwrap_or_default();
        if let Some(m) = motcua_core::account::password_problem(&pw, "") {
            return invalid(&state, &staff, vec![(format!("password-{id}"), m.into())], HashMap::new()).await;
        }
        let label = staff.label();
        state.store.reset_staff_password(actor(&state, &label), id, &pw).await?;
        state.caches.sessions.clear();
        Ok(done("mat-khau"))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn save_agency(State(state): State<AppState>, staff: WebStaff, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let admin = administrator(&state, &staff).await?;
        let scope = &admin.agencies;
        let get = |k: &str| f.get(k).cloned().unwrap_or_default();
        let checked = motcua_core::admin::check_agency(&get("code"), &get("name"), &get("kind"), &get("unit_code"), &get("valid_from"), &get("valid_to"));
        let mut errors = checked.as_ref().err().map(|e| field_errors(e.clone())).unwrap_or_default();
        let existing = match &checked {
            Ok(a) => state.store.agency_by_code(&a.code).await?,
            Err(_) => None,
        };
        if existing.as_ref().is_some_and(|e| !scope.contains(&e.id)) {
            errors.push(("code".into(), "Mã này thuộc cơ quan ngoài phạm vi quản trị của bạn".into()));
        }
        // The parent: one this administrator manages, or the one the agency already has (also
        // when none is chosen); the agency's own code asks for a top-level agency, which the
        // rules below decide.
        let mut parent_code = get("parent").trim().to_string();
        if let (true, Some(e)) = (parent_code.is_empty(), &existing) {
            parent_code = match e.parent_id {
                Some(id) => state.store.agency_by_id(id).await?.map(|p| p.code).unwrap_or_default(),
                None => e.code.clone(),
            };
        }
        let top = checked.as_ref().is_ok_and(|a| a.code == parent_code);
        let parent = if top {
            None
        } else {
            match state.store.agency_by_code(&parent_code).await? {
                Some(p) if scope.contains(&p.id) || existing.as_ref().is_some_and(|e| e.parent_id == Some(p.id)) => Some(p),
                _ => {
                    errors.push(("parent".into(), "Chọn cơ quan cấp trên trong phạm vi quản trị của bạn".into()));
                    None
                }
            }
        };
        if let Ok(a) = &checked {
            let mut unit_province = None;
            if let Some(u) = &a.unit_code {
                unit_province = state.store.unit_province(u).await?;
                if unit_province.is_none() {
                    errors.push(("unit_code".into(), "Không có đơn vị hành chính với mã này".into()));
                }
            }
            if top || parent.is_some() {
                let provinces: Vec<(&str, &str)> = admin.provinces.iter().map(|(c, u)| (c.as_str(), u.as_str())).collect();
                let change = AgencyChange {
                    level: &admin.level,
                    provinces: &provinces,
                    before: existing.as_ref().map(place),
                    after: AgencyPlace { code: &a.code, kind: &a.kind, unit_code: a.unit_code.as_deref(), parent_id: parent.as_ref().map(|p| p.id) },
                    parent: parent.as_ref().map(place),
                    unit_province: unit_province.as_deref(),
                };
                errors.extend(agency_change_problems(&change).into_iter().map(|(f, m)| (f.to_string(), m.to_string())));
            }
        }
        let (Ok(a), true) = (checked, errors.is_empty()) else {
            return invalid(&state, &staff, errors, f).await;
        };
        let label = staff.label();
        let new = NewAgency {
            code: &a.code,
            name: &a.name,
            kind: &a.kind,
            unit_code: a.unit_code.as_deref(),
            parent_id: parent.as_ref().map(|p| p.id),
            valid_from: &a.valid_from,
            valid_to: a.valid_to.as_deref(),
        };
        state.store.save_agency(actor(&state, &label), &new).await?;
        state.caches.agencies.clear();
        state.caches.agencies_on.clear();
        // Grants reach the agencies below the granted one: a moved or new agency changes them.
        state.caches.sessions.clear();
        Ok(done("co-quan"))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Imports a catalogue file (the format of `data/procedures.json`: procedures with their
/// documents, fees, processing time and workflow steps with time budgets): all or nothing.
pub async fn import(State(state): State<AppState>, staff: WebStaff, mut mp: Multipart) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        // The catalogue is the system's (national) or a province's: refused below that
        // before the file is even read.
        let level = admin_level(&state, &staff).await?;
        if level == AdminLevel::Agency {
            return Err(ApiError::Forbidden(ScopeRefusal::NotProvinceLevel.to_string()));
        }
        let text = read_catalogue(&mut mp).await?;
        if text.trim().is_empty() {
            return invalid(&state, &staff, vec![("catalogue".into(), "Dán nội dung tệp danh mục thủ tục (JSON)".into())], HashMap::new()).await;
        }
        let procedures = match parse_for_import(&text, state.national_calendar().minutes_per_day()) {
            Ok(p) => p,
            Err(bad) => {
                let shown: Vec<String> = bad.iter().take(20).cloned().collect();
                let more = if bad.len() > 20 { format!(" … và {} lỗi khác", bad.len() - 20) } else { String::new() };
                let msg = format!("{} lỗi, không nhập thủ tục nào: {}{more}", bad.len(), shown.join("; "));
                return invalid(&state, &staff, vec![("catalogue".into(), msg)], HashMap::new()).await;
            }
        };
        let label = staff.label();
        let r = match state.store.import_procedures_as(&procedures, state.now(), actor(&state, &label), &level).await? {
            Ok(r) => r,
            Err((code, refusal)) => return Err(ApiError::Forbidden(format!("{refusal} (thủ tục {code}); không nhập thủ tục nào"))),
        };
        state.caches.catalogue.clear();
        state.caches.procedures.clear();
        Ok(done(&format!("nhap-{}-{}-{}", r.inserted, r.updated, r.unchanged)))
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

/// Saves a calendar schedule: a year's official days off (administrators of a top-level
/// agency: it is the national calendar) or an agency's local days off; then rebuilds the
/// calendars in force.
pub async fn save_calendar(State(state): State<AppState>, staff: WebStaff, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let admin = administrator(&state, &staff).await?;
        let scope_ids = &admin.agencies;
        let target = f.get("scope").map(|s| s.trim().to_string()).unwrap_or_default();
        let text = f.get("content").cloned().unwrap_or_default();
        let key = if target.parse::<i32>().is_ok() {
            if admin.level == AdminLevel::Agency {
                return invalid(&state, &staff, vec![("scope".into(), "Lịch nghỉ lễ cả nước chỉ do quản trị cấp tỉnh hoặc quản trị hệ thống cập nhật".into())], f).await;
            }
            target.clone()
        } else {
            match state.agency(&target).await? {
                Some(a) if scope_ids.contains(&a.id) => format!("local:{}", a.code),
                _ => return invalid(&state, &staff, vec![("scope".into(), "Nhập năm (ví dụ 2027) hoặc mã một cơ quan trong phạm vi quản trị của bạn".into())], f).await,
            }
        };
        let Some(scope) = crate::calendars::scope(&key) else {
            return invalid(&state, &staff, vec![("scope".into(), "Năm phải từ 1900 đến 2199".into())], f).await;
        };
        if let Err(m) = crate::calendars::check(&scope, &text) {
            return invalid(&state, &staff, vec![("content".into(), m)], f).await;
        }
        let label = staff.label();
        state.store.save_calendar_schedule(actor(&state, &label), &key, &text).await?;
        state.reload_calendars(&state.calendar_sources).await?;
        Ok(done("lich"))
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
        let admin = administrator(&state, &staff).await?;
        let (lines, next) = audit_lines(&state, &admin, q.truoc, 100).await?;
        Ok(render(AuditPage { lines, next }))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The level this administrator acts at (system, province or agency), from the account's
/// flag and where its admin grants are (see `motcua_core::catalogue::admin_level`).
async fn admin_level(state: &AppState, staff: &Staff) -> Result<AdminLevel, ApiError> {
    Ok(state.store.admin_level(staff.0.user_id, staff.0.system_admin).await?)
}

/// Sets which agency handles a kind of inter-agency step (for one procedure, or every
/// procedure: `*`) for dossiers received in an area (a unit code, or a receiving agency's
/// code); an empty agency removes the route. Only a province (or system) administrator,
/// for their province and to agencies they manage.
pub async fn save_route(State(state): State<AppState>, staff: WebStaff, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let level = admin_level(&state, &staff).await?;
        if level == AdminLevel::Agency {
            return Err(ApiError::Forbidden(ScopeRefusal::NotProvinceLevel.to_string()));
        }
        let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
        let mut errors: Vec<(String, String)> = Vec::new();
        let procedure = match get("route_procedure").as_str() {
            "" | EVERY_PROCEDURE => EVERY_PROCEDURE.to_string(),
            code => code.to_string(),
        };
        let owner = if procedure == EVERY_PROCEDURE { None } else { state.store.procedure_owner(&procedure).await? };
        if procedure != EVERY_PROCEDURE && owner.is_none() {
            errors.push(("route_procedure".into(), "Không có thủ tục với mã này (để trống hoặc * cho mọi thủ tục)".into()));
        }
        let kind = get("route_kind");
        if !AGENCY_KINDS.contains(&kind.as_str()) {
            errors.push(("route_kind".into(), "Chọn loại cơ quan của bước, ví dụ Công an tỉnh".into()));
        }
        let area = RouteArea::parse(&get("route_area"));
        let area_province = match &area {
            Some(RouteArea::Unit(u)) => state.store.unit_province(u).await?,
            Some(RouteArea::ReceivingAgency(code)) => match state.store.agency_by_code(code).await?.and_then(|a| a.unit_code) {
                Some(u) => state.store.unit_province(&u).await?,
                None => None,
            },
            None => None,
        };
        if area_province.is_none() {
            errors.push(("route_area".into(), "Địa bàn là mã đơn vị hành chính (tỉnh hoặc xã) hoặc mã cơ quan tiếp nhận".into()));
        }
        let target = match get("route_agency").as_str() {
            "" => None,
            code => match state.store.agency_by_code(code).await? {
                Some(a) if a.valid_to.is_none() => Some(a),
                _ => {
                    errors.push(("route_agency".into(), "Không có cơ quan đang hoạt động với mã này".into()));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return invalid(&state, &staff, errors, f).await;
        }
        // Read afresh: the session's copy predates agencies created since sign-in.
        let admin_agencies: Vec<i64> = state.store.user_grants(staff.0.user_id).await?.into_iter().filter(|g| g.role == Role::Admin).map(|g| g.agency_id).collect();
        let in_scope = target.as_ref().is_none_or(|a| admin_agencies.contains(&a.id));
        may_set_route(&level, area_province.as_deref(), in_scope, owner.as_ref()).map_err(|r| ApiError::Forbidden(r.to_string()))?;
        let (Some(area), label) = (area, staff.label()) else { return Err(ApiError::Internal("checked area".into())) };
        state.store.save_step_route(Some(actor(&state, &label)), &procedure, &kind, area.as_str(), target.map(|a| a.id), state.now()).await?;
        Ok(done("tuyen"))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
