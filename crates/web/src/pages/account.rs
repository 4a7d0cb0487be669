//! Citizen accounts on the portal: sign-up with a phone number or e-mail and a password,
//! proven by a one-time code sent through the outbox; sign-in; password reset by code;
//! "Hồ sơ của tôi" (dossiers and drafts) and the document store.
//!
//! Answers never tell whether an account exists: sign-up, resend and reset all say a code
//! was sent if the contact can receive one.

use super::render;
use crate::state::AppState;
use crate::auth::{cookie, session_cookie, WebCitizen, CITIZEN_COOKIE};
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::citizens::{self, SignIn};
use motcua_app::AppError;
use motcua_core::account::{CodePurpose, Login};
use motcua_store::CodeCheck;
use serde::Deserialize;

/// Only paths on this site are followed after sign-in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    next.and_then(motcua_core::redirect::same_site_path).unwrap_or("/ho-so-cua-toi").to_string()
}

fn signed_in(state: &AppState, token: &str, next: &str) -> Response {
    let cookie = session_cookie(CITIZEN_COOKIE, token, state.config.session_ttl.num_seconds(), state.config.secure_cookies);
    ([(header::SET_COOKIE, cookie)], Redirect::to(next)).into_response()
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
    match citizens::sign_up(&state, &f.name, &f.login, &f.password, &f.password2).await {
        Ok(login) => render(VerifyPage { login: login.as_str().into(), masked: login.masked(), error: None, notice: None }),
        Err(AppError::Invalid(e)) => {
            let errors = e.0.into_iter().map(|x| (signup_field(&x.path), x.message)).collect();
            (StatusCode::UNPROCESSABLE_ENTITY, render(SignUpPage { name: f.name, login: f.login, errors })).into_response()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

fn signup_field(path: &str) -> &'static str {
    match path {
        "name" => "name",
        "login" => "login",
        "password" => "password",
        _ => "password2",
    }
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
        let page = |error: String| (StatusCode::UNPROCESSABLE_ENTITY, render(VerifyPage { login: login.as_str().into(), masked: login.masked(), error: Some(error), notice: None })).into_response();
        match citizens::verify(&state, &login, &f.code).await {
            Ok(Ok(c)) => {
                let token = citizens::open_session(&state, c.id, None, state.config.session_ttl).await?;
                Ok(signed_in(&state, &token, "/ho-so-cua-toi?moi=1"))
            }
            Ok(Err(check)) => Ok(page(code_error(&check))),
            Err(AppError::Invalid(e)) => Ok(page(e.0.into_iter().next().map(|x| x.message).unwrap_or_default())),
            Err(e) => Err(e.into()),
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
        citizens::resend(&state, &login, purpose).await?;
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
        let found = match &login {
            Ok(login) => citizens::sign_in(&state, login, &f.password).await?,
            Err(_) => None,
        };
        state.throttles.signed_in(&account, &addr, found.is_some(), state.now());
        match (found, login) {
            (Some(SignIn::Verified(c)), _) => {
                let token = citizens::open_session(&state, c.id, cookie(&headers, CITIZEN_COOKIE), state.config.session_ttl).await?;
                Ok(signed_in(&state, &token, &next))
            }
            // Right password, contact not yet proven: finish the sign-up first.
            (Some(SignIn::CodeSent), Ok(login)) => Ok(render(VerifyPage { login: login.as_str().into(), masked: login.masked(), error: None, notice: None })),
            _ => Ok(
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
        let _ = citizens::end_session(&state, t).await;
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
        citizens::forgot_password(&state, &login).await?;
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
        match citizens::reset_password(&state, &login, &f.code, &f.password, &f.password2).await {
            Ok(Ok(c)) => {
                let token = citizens::open_session(&state, c.id, None, state.config.session_ttl).await?;
                Ok(signed_in(&state, &token, "/ho-so-cua-toi"))
            }
            Ok(Err(check)) => Ok(page(code_error(&check))),
            Err(AppError::Invalid(e)) => Ok(page(e.0.into_iter().next().map(|x| x.message).unwrap_or_default())),
            Err(e) => Err(e.into()),
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
        motcua_app::views::prepare_names(&state, &rows.iter().collect::<Vec<_>>()).await?;
        let mut dossiers = Vec::with_capacity(rows.len());
        for d in rows {
            let s = motcua_app::views::dossier_summary(&state, d)?;
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
        let d = citizens::own_dossier(&state, &c, &id).await?;
        let mut page = super::lookup::applicant_page(&state, &d, None, None).await?;
        page.known_secret = Some(d.applicant_phone.clone());
        Ok(render(page))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn delete_draft(State(state): State<AppState>, citizen: WebCitizen, Path(token): Path<String>) -> Response {
    let Some(c) = citizen.0 else { return Redirect::to("/tai-khoan/dang-nhap").into_response() };
    match citizens::delete_draft(&state, &c, &token).await {
        Ok(()) => Redirect::to("/ho-so-cua-toi").into_response(),
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
        let (d, bytes) = citizens::own_document(&state, &c, &sha256).await?;
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
    if !state.settings.demo_mailbox {
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
