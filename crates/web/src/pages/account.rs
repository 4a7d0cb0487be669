//! Citizen accounts on the portal: sign-up with a phone number or e-mail and a password,
//! proven by a one-time code sent through the outbox; sign-in; password reset by code;
//! "Hồ sơ của tôi" (dossiers and drafts) and the document store.
//!
//! Answers never tell whether an account exists: sign-up, resend and reset all say a code
//! was sent if the contact can receive one.

use super::render;
use crate::app::AppState;
use crate::auth::{cookie, session_cookie, WebCitizen, CITIZEN_COOKIE};
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::account::{code_message, normalise_code, password_problem, one_time_code, CodePurpose, Login};
use motcua_store::{CitizenRow, CodeCheck, SignUp};
use serde::Deserialize;

/// Only paths on this site are followed after sign-in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    next.and_then(motcua_core::redirect::same_site_path).unwrap_or("/ho-so-cua-toi").to_string()
}

fn signed_in(state: &AppState, token: &str, next: &str) -> Response {
    let cookie = session_cookie(CITIZEN_COOKIE, token, state.config.session_ttl.num_seconds(), state.config.secure_cookies);
    ([(header::SET_COOKIE, cookie)], Redirect::to(next)).into_response()
}

/// Sends a one-time code to the account's contact (at most one a minute).
async fn send_code(state: &AppState, c: &CitizenRow, purpose: CodePurpose) -> Result<(), ApiError> {
    let Some(login) = c.login() else { return Ok(()) };
    let code = one_time_code(rand::random());
    let message = code_message(&code, purpose);
    if state.store.issue_code(c.id, purpose, &code, &login, &message, state.now()).await? && state.config.demo_mailbox {
        tracing::info!(to = login.as_str(), %message, "hộp thư mẫu");
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "account_signup.html")]
struct SignUpPage {
    name: String,
    login: String,
    errors: Vec<(&'static str, String)>,
}

pub async fn signup_form() -> Response {
    render(SignUpPage { name: String::new(), login: String::new(), errors: Vec::new() })
}

#[derive(Deserialize)]
pub struct SignUpForm {
    name: String,
    login: String,
    password: String,
    password2: String,
}

pub async fn signup(State(state): State<AppState>, Form(f): Form<SignUpForm>) -> Response {
    let mut errors = Vec::new();
    let name = f.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(("name", "Nhập họ và tên (tối đa 200 ký tự)".to_string()));
    }
    let login = Login::parse(&f.login).map_err(|m| errors.push(("login", m.to_string()))).ok();
    if let Some(p) = password_problem(&f.password, &f.login) {
        errors.push(("password", p.to_string()));
    } else if f.password != f.password2 {
        errors.push(("password2", "Hai lần nhập mật khẩu không khớp".to_string()));
    }
    let Some(login) = login.filter(|_| errors.is_empty()) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, render(SignUpPage { name: f.name, login: f.login, errors })).into_response();
    };
    let result: Result<Response, ApiError> = async {
        match state.store.sign_up_citizen(&login, &name, &f.password, state.now()).await? {
            SignUp::Created(_) | SignUp::Replaced(_) => {
                if let Some(c) = state.store.citizen_by_login(&login).await? {
                    send_code(&state, &c, CodePurpose::Verify).await?;
                }
            }
            // The owner of the contact learns someone tried; the page says the same as for
            // a new account.
            SignUp::Exists(_) => {
                let text = "Co nguoi vua dang ky tai khoan motcua bang so dien thoai/thu dien tu cua ban. Ban da co tai khoan: hay dang nhap, hoac dat lai mat khau neu quen.";
                state.store.queue_message(&login, text, state.now()).await?;
            }
        }
        Ok(render(VerifyPage { login: login.as_str().into(), masked: login.masked(), error: None, notice: None }))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Template)]
#[template(path = "account_verify.html")]
struct VerifyPage {
    login: String,
    masked: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct VerifyForm {
    login: String,
    code: String,
}

fn code_error(check: &CodeCheck) -> String {
    match check {
        CodeCheck::Wrong { attempts_left } if *attempts_left > 0 => format!("Mã không đúng. Còn {attempts_left} lần thử."),
        _ => "Mã đã hết hạn hoặc đã nhập sai quá số lần cho phép. Bấm “Gửi lại mã” để nhận mã mới.".into(),
    }
}

pub async fn verify(State(state): State<AppState>, Form(f): Form<VerifyForm>) -> Response {
    let result: Result<Response, ApiError> = async {
        let login = Login::parse(&f.login).map_err(|m| ApiError::field("login", m))?;
        let page = |error: String| VerifyPage { login: login.as_str().into(), masked: login.masked(), error: Some(error), notice: None };
        let Some(code) = normalise_code(&f.code) else {
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page("Mã gồm 6 chữ số".into()))).into_response());
        };
        let check = match state.store.citizen_by_login(&login).await? {
            Some(c) => (state.store.consume_code(c.id, CodePurpose::Verify, &code, state.now()).await?, Some(c)),
            None => (CodeCheck::NoLiveCode, None),
        };
        match check {
            (CodeCheck::Accepted, Some(c)) => {
                let token = state.store.create_citizen_session(c.id, state.now(), state.config.session_ttl).await?;
                Ok(signed_in(&state, &token, "/ho-so-cua-toi?moi=1"))
            }
            (other, _) => Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page(code_error(&other)))).into_response()),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize)]
pub struct ResendForm {
    login: String,
    purpose: Option<String>,
}

/// Sends a new code if the account can use one; the answer is the same either way.
pub async fn resend(State(state): State<AppState>, Form(f): Form<ResendForm>) -> Response {
    let result: Result<Response, ApiError> = async {
        let login = Login::parse(&f.login).map_err(|m| ApiError::field("login", m))?;
        let purpose = if f.purpose.as_deref() == Some("reset") { CodePurpose::Reset } else { CodePurpose::Verify };
        if let Some(c) = state.store.citizen_by_login(&login).await? {
            if purpose == CodePurpose::Reset || !c.verified() {
                send_code(&state, &c, purpose).await?;
            }
        }
        let notice = Some("Nếu thông tin đúng, một mã mới đã được gửi (mỗi phút được gửi một mã).".to_string());
        Ok(match purpose {
            CodePurpose::Verify => render(VerifyPage { login: login.as_str().into(), masked: login.masked(), error: None, notice }),
            CodePurpose::Reset => render(ResetPage { login: login.as_str().into(), masked: login.masked(), error: None, notice }),
        })
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Template)]
#[template(path = "account_login.html")]
struct LoginPage {
    login: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    tiep: Option<String>,
}

pub async fn login_form(Query(q): Query<NextQuery>) -> Response {
    render(LoginPage { login: String::new(), next: safe_next(q.tiep.as_deref()), error: None })
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    next: Option<String>,
}

pub async fn login(State(state): State<AppState>, addr: crate::throttle::ClientAddr, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(f.next.as_deref());
    let result: Result<Response, ApiError> = async {
        let login = Login::parse(&f.login);
        // Locked by the login as stored, so spellings of one phone number share a lock.
        let account = format!("citizen:{}", login.as_ref().map(|l| l.as_str().to_string()).unwrap_or_else(|_| f.login.trim().to_lowercase()));
        state.throttles.may_sign_in(&account, &addr, state.now())?;
        let found = match login {
            Ok(login) if f.password.len() <= 512 => state.store.authenticate_citizen(&login, &f.password).await?.map(|c| (login, c)),
            _ => None,
        };
        state.throttles.signed_in(&account, &addr, found.is_some(), state.now());
        match found {
            Some((_, c)) if c.verified() => {
                // A new session for every sign-in: a token planted before it is worth nothing.
                if let Some(old) = cookie(&headers, CITIZEN_COOKIE) {
                    let _ = state.store.end_citizen_session(old).await;
                }
                let token = state.store.create_citizen_session(c.id, state.now(), state.config.session_ttl).await?;
                Ok(signed_in(&state, &token, &next))
            }
            // Right password, contact not yet proven: finish the sign-up first.
            Some((login, c)) => {
                send_code(&state, &c, CodePurpose::Verify).await?;
                Ok(render(VerifyPage { login: login.as_str().into(), masked: login.masked(), error: None, notice: None }))
            }
            None => Ok(
                (
                    StatusCode::UNAUTHORIZED,
                    render(LoginPage { login: f.login, next, error: Some("Số điện thoại/thư điện tử hoặc mật khẩu không đúng".into()) }),
                )
                    .into_response(),
            ),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(t) = cookie(&headers, CITIZEN_COOKIE) {
        let _ = state.store.end_citizen_session(t).await;
    }
    ([(header::SET_COOKIE, session_cookie(CITIZEN_COOKIE, "", 0, state.config.secure_cookies))], Redirect::to("/")).into_response()
}

#[derive(Template)]
#[template(path = "account_forgot.html")]
struct ForgotPage {
    login: String,
    error: Option<String>,
}

pub async fn forgot_form() -> Response {
    render(ForgotPage { login: String::new(), error: None })
}

#[derive(Template)]
#[template(path = "account_reset.html")]
struct ResetPage {
    login: String,
    masked: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct ForgotForm {
    login: String,
}

pub async fn forgot(State(state): State<AppState>, Form(f): Form<ForgotForm>) -> Response {
    let login = match Login::parse(&f.login) {
        Ok(l) => l,
        Err(m) => return (StatusCode::UNPROCESSABLE_ENTITY, render(ForgotPage { login: f.login, error: Some(m.into()) })).into_response(),
    };
    let result: Result<Response, ApiError> = async {
        if let Some(c) = state.store.citizen_by_login(&login).await? {
            send_code(&state, &c, CodePurpose::Reset).await?;
        }
        Ok(render(ResetPage { login: login.as_str().into(), masked: login.masked(), error: None, notice: None }))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Deserialize)]
pub struct ResetForm {
    login: String,
    code: String,
    password: String,
    password2: String,
}

pub async fn reset(State(state): State<AppState>, Form(f): Form<ResetForm>) -> Response {
    let result: Result<Response, ApiError> = async {
        let login = Login::parse(&f.login).map_err(|m| ApiError::field("login", m))?;
        let page = |error: String| {
            (StatusCode::UNPROCESSABLE_ENTITY, render(ResetPage { login: login.as_str().into(), masked: login.masked(), error: Some(error), notice: None })).into_response()
        };
        if let Some(p) = password_problem(&f.password, login.as_str()) {
            return Ok(page(p.into()));
        }
        if f.password != f.password2 {
            return Ok(page("Hai lần nhập mật khẩu không khớp".into()));
        }
        let Some(code) = normalise_code(&f.code) else { return Ok(page("Mã gồm 6 chữ số".into())) };
        let Some(c) = state.store.citizen_by_login(&login).await? else { return Ok(page(code_error(&CodeCheck::NoLiveCode))) };
        match state.store.consume_code(c.id, CodePurpose::Reset, &code, state.now()).await? {
            CodeCheck::Accepted => {
                state.store.set_citizen_password(c.id, &f.password).await?;
                let token = state.store.create_citizen_session(c.id, state.now(), state.config.session_ttl).await?;
                Ok(signed_in(&state, &token, "/ho-so-cua-toi"))
            }
            other => Ok(page(code_error(&other))),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

struct DossierLine {
    id: String,
    procedure: String,
    state: String,
    submitted: String,
}

struct DraftLine {
    token: String,
    procedure_code: String,
    procedure: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "account_dossiers.html")]
struct MyDossiersPage {
    name: String,
    contact: String,
    notice: Option<&'static str>,
    dossiers: Vec<DossierLine>,
    drafts: Vec<DraftLine>,
    next: Option<i64>,
}

#[derive(Deserialize)]
pub struct MyQuery {
    truoc: Option<i64>,
    luu: Option<u8>,
    moi: Option<u8>,
}

fn local_time(ms: i64) -> String {
    motcua_core::time::to_local(motcua_store::from_ms(ms)).format("%H:%M %d/%m/%Y").to_string()
}

const PAGE: i64 = 20;

pub async fn my_dossiers(State(state): State<AppState>, citizen: WebCitizen, Query(q): Query<MyQuery>) -> Response {
    let Some(c) = citizen.0 else { return Redirect::to("/tai-khoan/dang-nhap?tiep=/ho-so-cua-toi").into_response() };
    let result: Result<Response, ApiError> = async {
        let rows = state.store.citizen_dossiers(&c, q.truoc, PAGE + 1).await?;
        let next = (rows.len() as i64 > PAGE).then(|| rows[PAGE as usize - 1].id);
        let rows = &rows[..rows.len().min(PAGE as usize)];
        crate::views::prepare_names(&state, &rows.iter().collect::<Vec<_>>()).await?;
        let mut dossiers = Vec::with_capacity(rows.len());
        for d in rows {
            let s = crate::views::dossier_summary(&state, d)?;
            dossiers.push(DossierLine { id: d.public_id().into(), procedure: s.procedure.name, state: s.state_label, submitted: local_time(d.submitted_at) });
        }
        let mut drafts = Vec::new();
        for d in state.store.citizen_drafts(c.id, 20).await? {
            let procedure = state.procedure(&d.procedure_code).await?.map(|p| p.procedure.name.clone()).unwrap_or_default();
            drafts.push(DraftLine { token: d.token, procedure_code: d.procedure_code, procedure, updated: local_time(d.updated_at) });
        }
        let notice = match (q.luu, q.moi) {
            (Some(_), _) => Some("Đã lưu nháp. Bạn có thể tiếp tục bất cứ lúc nào."),
            (_, Some(_)) => Some("Tài khoản đã được kích hoạt."),
            _ => None,
        };
        let contact = c.login().map(|l| l.masked()).unwrap_or_default();
        Ok(render(MyDossiersPage { name: c.full_name.clone(), contact, notice, dossiers, drafts, next }))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// One of the citizen's dossiers, as the lookup shows it (no phone to type).
pub async fn my_dossier(State(state): State<AppState>, citizen: WebCitizen, Path(id): Path<String>) -> Response {
    let Some(c) = citizen.0 else { return Redirect::to("/tai-khoan/dang-nhap?tiep=/ho-so-cua-toi").into_response() };
    let result: Result<Response, ApiError> = async {
        let d = match state.store.dossier_by_public_id(&id).await? {
            Some(d) if c.owns(&d, state.store.dossier_citizen(d.id).await?) => d,
            _ => return Err(ApiError::NotFound),
        };
        let mut page = super::applicant_page(&state, &d, None, None).await?;
        page.known_secret = Some(d.applicant_phone.clone());
        Ok(render(page))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn delete_draft(State(state): State<AppState>, citizen: WebCitizen, Path(token): Path<String>) -> Response {
    let Some(c) = citizen.0 else { return Redirect::to("/tai-khoan/dang-nhap").into_response() };
    match state.store.delete_draft(&token, c.id).await {
        Ok(true) => Redirect::to("/ho-so-cua-toi").into_response(),
        // Someone else's draft, or none: the same answer.
        Ok(false) => ApiError::NotFound.into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

struct DocumentLine {
    sha256: String,
    name: String,
    file: String,
    size: String,
    role: &'static str,
    dossier: String,
    at: String,
}

#[derive(Template)]
#[template(path = "account_documents.html")]
struct MyDocumentsPage {
    documents: Vec<DocumentLine>,
}

pub async fn my_documents(State(state): State<AppState>, citizen: WebCitizen) -> Response {
    let Some(c) = citizen.0 else { return Redirect::to("/tai-khoan/dang-nhap?tiep=/giay-to-cua-toi").into_response() };
    let result: Result<Response, ApiError> = async {
        let documents = state
            .store
            .citizen_documents(&c, 200)
            .await?
            .into_iter()
            .map(|d| DocumentLine {
                size: format!("{} KB", (d.size + 1023) / 1024),
                role: match d.role.as_str() {
                    "result" => "Kết quả",
                    "supplement" => "Nộp bổ sung",
                    _ => "Đã nộp",
                },
                at: local_time(d.created_at),
                sha256: d.sha256,
                name: d.name,
                file: d.original_name,
                dossier: d.dossier,
            })
            .collect();
        Ok(render(MyDocumentsPage { documents }))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// A document of the citizen's store, always as a download (never rendered inline).
pub async fn download(State(state): State<AppState>, citizen: WebCitizen, Path(sha256): Path<String>) -> Response {
    let Some(c) = citizen.0 else { return ApiError::Unauthorized.into_response() };
    let result: Result<Response, ApiError> = async {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ApiError::NotFound);
        }
        let d = state.store.citizen_document(&c, &sha256).await?.ok_or(ApiError::NotFound)?;
        let bytes = state.blobs.get(&d.sha256).await?;
        let name = motcua_core::files::sanitize_name(&d.original_name);
        Ok((
            [
                (header::CONTENT_TYPE, d.content_type),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
            ],
            bytes,
        )
            .into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

struct MailLine {
    channel: &'static str,
    to: String,
    text: String,
    at: String,
}

#[derive(Template)]
#[template(path = "account_mailbox.html")]
struct MailboxPage {
    messages: Vec<MailLine>,
}

/// The demo mailbox: what would have gone out by SMS or e-mail. Only when enabled.
pub async fn mailbox(State(state): State<AppState>) -> Response {
    if !state.config.demo_mailbox {
        return ApiError::NotFound.into_response();
    }
    let result: Result<Response, ApiError> = async {
        let messages = state
            .store
            .recent_messages(50)
            .await?
            .into_iter()
            .map(|m| {
                let payload: serde_json::Value = serde_json::from_str(&m.payload).unwrap_or_default();
                let channel = match m.topic.rsplit('.').next() {
                    Some("sms") => "SMS",
                    Some("email") => "Thư điện tử",
                    _ => "Thông báo",
                };
                let to = payload.get("to").and_then(|v| v.as_str()).unwrap_or("").to_string();
                let text = payload.get("text").and_then(|v| v.as_str()).map(String::from).unwrap_or_else(|| m.payload.clone());
                MailLine { channel, to, text, at: local_time(m.created_at) }
            })
            .collect();
        Ok(render(MailboxPage { messages }))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
