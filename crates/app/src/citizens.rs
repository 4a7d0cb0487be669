//! Citizens' accounts on the portal: sign-up with a phone number or e-mail and a
//! password, proven by a one-time code sent through the outbox; sign-in; a password
//! reset by code. No answer tells whether an account exists: sign-up, resend and reset
//! all behave as if a code was sent when the contact could receive one.

use crate::context::App;
use crate::error::AppError;
use motcua_core::account::{code_message, normalise_code, one_time_code, password_problem, CodePurpose, Login};
use motcua_core::validation::FieldErrors;
use motcua_store::{CitizenDocument, CitizenRow, CodeCheck, DossierRow, SignUp};

/// Sends a one-time code to the account's contact (at most one a minute).
async fn send_code(app: &App, c: &CitizenRow, purpose: CodePurpose) -> Result<(), AppError> {
    let Some(login) = c.login() else { return Ok(()) };
    let code = one_time_code(rand::random());
    let message = code_message(&code, purpose);
    if app.store.issue_code(c.id, purpose, &code, &login, &message, app.now()).await? && app.settings.demo_mailbox {
        tracing::info!(to = login.as_str(), %message, "hộp thư mẫu");
    }
    Ok(())
}

/// Opens an account (or takes over one never proven) and sends the code that proves the
/// contact. When the contact already has an account, its owner is told someone tried;
/// the answer is the same.
pub async fn sign_up(app: &App, name: &str, login: &str, password: &str, again: &str) -> Result<Login, AppError> {
    let mut e = FieldErrors::default();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        e.add("name", "Nhập họ và tên (tối đa 200 ký tự)");
    }
    let parsed = e.check("login", Login::parse(login));
    if let Some(p) = password_problem(password, login) {
        e.add("password", p);
    } else if password != again {
        e.add("password2", "Hai lần nhập mật khẩu không khớp");
    }
    let login = e.finish(|| parsed).map_err(AppError::Invalid)?.ok_or(AppError::Internal("login".into()))?;
    match app.store.sign_up_citizen(&login, name, password, app.now()).await? {
        SignUp::Created(_) | SignUp::Replaced(_) => {
            if let Some(c) = app.store.citizen_by_login(&login).await? {
                send_code(app, &c, CodePurpose::Verify).await?;
            }
        }
        SignUp::Exists(_) => {
            let text = "Co nguoi vua dang ky tai khoan motcua bang so dien thoai/thu dien tu cua ban. Ban da co tai khoan: hay dang nhap, hoac dat lai mat khau neu quen.";
            app.store.queue_message(&login, text, app.now()).await?;
        }
    }
    Ok(login)
}

/// Checks the code that proves the contact of a new account: the citizen when right,
/// else what was wrong with it (shown the same whether the account exists or not).
pub async fn verify(app: &App, login: &Login, code: &str) -> Result<Result<CitizenRow, CodeCheck>, AppError> {
    let Some(code) = normalise_code(code) else { return Err(AppError::field("code", "Mã gồm 6 chữ số")) };
    let Some(c) = app.store.citizen_by_login(login).await? else { return Ok(Err(CodeCheck::NoLiveCode)) };
    match app.store.consume_code(c.id, CodePurpose::Verify, &code, app.now()).await? {
        CodeCheck::Accepted => Ok(Ok(c)),
        other => Ok(Err(other)),
    }
}

/// Sends a new code if the account can use one (a reset, or a contact not yet proven).
pub async fn resend(app: &App, login: &Login, purpose: CodePurpose) -> Result<(), AppError> {
    if let Some(c) = app.store.citizen_by_login(login).await? {
        if purpose == CodePurpose::Reset || !c.verified() {
            send_code(app, &c, purpose).await?;
        }
    }
    Ok(())
}

/// What a sign-in with the right password leads to.
pub enum SignIn {
    /// The account is proven: open a session.
    Verified(CitizenRow),
    /// The contact is not yet proven: a code was sent to finish the sign-up.
    CodeSent,
}

/// Checks a login and password (`None` for a wrong pair).
pub async fn sign_in(app: &App, login: &Login, password: &str) -> Result<Option<SignIn>, AppError> {
    if password.len() > 512 {
        return Ok(None);
    }
    match app.store.authenticate_citizen(login, password).await? {
        Some(c) if c.verified() => Ok(Some(SignIn::Verified(c))),
        Some(c) => {
            send_code(app, &c, CodePurpose::Verify).await?;
            Ok(Some(SignIn::CodeSent))
        }
        None => Ok(None),
    }
}

/// Starts a password reset: a code to the contact, if an account has it.
pub async fn forgot_password(app: &App, login: &Login) -> Result<(), AppError> {
    if let Some(c) = app.store.citizen_by_login(login).await? {
        send_code(app, &c, CodePurpose::Reset).await?;
    }
    Ok(())
}

/// Sets a new password with the reset code: the citizen when the code is right, else
/// what was wrong with it. A weak password is refused before the code is spent.
pub async fn reset_password(app: &App, login: &Login, code: &str, password: &str, again: &str) -> Result<Result<CitizenRow, CodeCheck>, AppError> {
    if let Some(p) = password_problem(password, login.as_str()) {
        return Err(AppError::field("password", p));
    }
    if password != again {
        return Err(AppError::field("password2", "Hai lần nhập mật khẩu không khớp"));
    }
    let Some(code) = normalise_code(code) else { return Err(AppError::field("code", "Mã gồm 6 chữ số")) };
    let Some(c) = app.store.citizen_by_login(login).await? else { return Ok(Err(CodeCheck::NoLiveCode)) };
    match app.store.consume_code(c.id, CodePurpose::Reset, &code, app.now()).await? {
        CodeCheck::Accepted => {
            app.store.set_citizen_password(c.id, password).await?;
            Ok(Ok(c))
        }
        other => Ok(Err(other)),
    }
}

/// A new session for a citizen, replacing the one the browser held (a token planted
/// before the sign-in is worth nothing after it).
pub async fn open_session(app: &App, citizen_id: i64, previous: Option<&str>, ttl: chrono::Duration) -> Result<String, AppError> {
    if let Some(old) = previous {
        let _ = app.store.end_citizen_session(old).await;
    }
    Ok(app.store.create_citizen_session(citizen_id, app.now(), ttl).await?)
}

pub async fn end_session(app: &App, token: &str) -> Result<(), AppError> {
    Ok(app.store.end_citizen_session(token).await?)
}

/// One of the citizen's own dossiers (anyone else's, or none, is "not found").
pub async fn own_dossier(app: &App, c: &CitizenRow, code: &str) -> Result<DossierRow, AppError> {
    match app.store.dossier_by_public_id(code).await? {
        Some(d) if c.owns(&d, app.store.dossier_citizen(d.id).await?) => Ok(d),
        _ => Err(AppError::NotFound),
    }
}

/// Deletes one of the citizen's drafts (anyone else's, or none, is "not found").
pub async fn delete_draft(app: &App, c: &CitizenRow, token: &str) -> Result<(), AppError> {
    if app.store.delete_draft(token, c.id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// A document of the citizen's store, with its bytes (only their own: anything else is
/// "not found").
pub async fn own_document(app: &App, c: &CitizenRow, sha256: &str) -> Result<(CitizenDocument, Vec<u8>), AppError> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let d = app.store.citizen_document(c, sha256).await?.ok_or(AppError::NotFound)?;
    let bytes = app.files.get(&d.sha256).await?;
    Ok((d, bytes))
}
