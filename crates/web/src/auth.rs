//! Who is calling: staff by API bearer token or web session cookie, citizens by their
//! portal session (applicants without an account prove themselves per dossier: see
//! `motcua_app::access`).

use crate::state::AppState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

pub const SESSION_COOKIE: &str = "motcua_session";
pub const APPLICANT_SECRET_HEADER: &str = "x-applicant-secret";

pub use motcua_app::access::Staff;

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

impl AppState {
    /// Checks an officer's username and password under the account's sign-in locks (the
    /// page and the API token share them): `None` for a wrong pair, 429 while locked.
    pub async fn sign_in_staff(&self, username: &str, password: &str, addr: &crate::throttle::ClientAddr) -> Result<Option<motcua_store::UserRow>, ApiError> {
        let account = format!("staff:{}", username.trim().to_lowercase());
        self.throttles.may_sign_in(&account, addr, self.now())?;
        let user = motcua_app::access::authenticate_staff(self, username, password).await?;
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
