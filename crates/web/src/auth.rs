//! Who is calling: staff by API bearer token or web session cookie, applicants by the
//! dossier code plus a secret they know (the applicant's phone or ID number).

use crate::app::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use motcua_core::dossier::{Actor, Grant};
use motcua_store::{DossierRow, SessionUser};

pub const SESSION_COOKIE: &str = "motcua_session";
pub const APPLICANT_SECRET_HEADER: &str = "x-applicant-secret";

/// A signed-in staff member.
#[derive(Debug, Clone)]
pub struct Staff(pub SessionUser);

impl Staff {
    pub fn actor(&self) -> Actor {
        Actor::Staff { user_id: self.0.user_id, grants: self.0.grants.clone() }
    }

    pub fn label(&self) -> String {
        format!("user:{}", self.0.user_id)
    }

    /// Agencies whose dossiers this person may see.
    pub fn agencies(&self) -> Vec<i64> {
        let mut v: Vec<i64> = self.0.grants.iter().map(|g: &Grant| g.agency_id).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// The API caller: staff with a bearer token, or nobody.
pub struct ApiCaller(pub Option<Staff>);

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = bearer(&parts.headers) else { return Ok(ApiCaller(None)) };
        // A token that was sent but is not valid is an error, not anonymity: the client
        // should learn that its token expired.
        match state.session_user(token, "api").await? {
            Some(u) => Ok(ApiCaller(Some(Staff(u)))),
            None => Err(ApiError::Unauthorized),
        }
    }
}

/// A staff member signed in to the web pages (no redirect logic here; pages decide).
pub struct WebStaff(pub Option<Staff>);

impl FromRequestParts<AppState> for WebStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else { return Ok(WebStaff(None)) };
        Ok(WebStaff(state.session_user(token, "web").await?.map(Staff)))
    }
}

/// Whether `secret` proves the caller is this dossier's applicant: the phone number or
/// the ID number given at submission. Compared without early exit.
pub fn applicant_secret_matches(d: &DossierRow, secret: &str) -> bool {
    let s = secret.trim();
    if s.is_empty() {
        return false;
    }
    let phone = motcua_core::ids::Phone::parse(s).map(|p| p.as_str().to_string()).unwrap_or_else(|_| s.to_string());
    constant_time_eq(phone.as_bytes(), d.applicant_phone.as_bytes()) | constant_time_eq(s.as_bytes(), d.applicant_id_number.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl AppState {
    /// Checks an officer's username and password under the account's sign-in locks (the
    /// page and the API token share them): `None` for a wrong pair, 429 while locked.
    pub async fn sign_in_staff(&self, username: &str, password: &str, addr: &crate::throttle::ClientAddr) -> Result<Option<motcua_store::UserRow>, ApiError> {
        let account = format!("staff:{}", username.trim().to_lowercase());
        self.throttles.may_sign_in(&account, addr, self.now())?;
        let user = if username.len() > 100 || password.len() > 200 { None } else { self.store.authenticate(username.trim(), password).await? };
        self.throttles.signed_in(&account, addr, user.is_some(), self.now());
        Ok(user)
    }
}

pub const CITIZEN_COOKIE: &str = "motcua_citizen";

/// A citizen signed in to the portal, if any (pages decide what to do without one).
pub struct WebCitizen(pub Option<motcua_store::CitizenRow>);

impl FromRequestParts<AppState> for WebCitizen {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(&parts.headers, CITIZEN_COOKIE) else { return Ok(WebCitizen(None)) };
        Ok(WebCitizen(state.store.citizen_session(token, state.now()).await?))
    }
}

/// A `Set-Cookie` value for a session cookie (empty value and zero age to clear it).
pub fn session_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}")
}
