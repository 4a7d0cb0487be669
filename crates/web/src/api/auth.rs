//! API tokens for staff: exchange a username and password for a bearer token.

use super::json::ApiJson;
use crate::state::AppState;
use crate::auth::ApiCaller;
use crate::error::ApiError;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use motcua_core::time::rfc3339_vn;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub token: String,
    pub token_type: &'static str,
    pub expires_at: String,
}

/// Sign in and get a bearer token for the API.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest, security(()),
    responses((status = 200, body = TokenResponse), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
        (status = 429, description = "Too many failed sign-ins for this account or address", body = crate::error::ErrorBody)))]
pub async fn token(State(state): State<AppState>, addr: crate::throttle::ClientAddr, ApiJson(req): ApiJson<TokenRequest>) -> Result<Json<TokenResponse>, ApiError> {
    let user = state.sign_in_staff(&req.username, &req.password, &addr).await?.ok_or(ApiError::Unauthorized)?;
    let now = state.now();
    let token = motcua_app::access::open_staff_session(&state, user.id, "api", state.config.session_ttl).await?;
    Ok(Json(TokenResponse { token, token_type: "Bearer", expires_at: rfc3339_vn(now + state.config.session_ttl) }))
}

/// Revoke the token used for this request.
#[utoipa::path(delete, path = "/api/v1/auth/token", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn revoke(State(state): State<AppState>, caller: ApiCaller, headers: HeaderMap) -> Result<StatusCode, ApiError> {
    caller.0.ok_or(ApiError::Unauthorized)?;
    if let Some(t) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")) {
        state.end_session(t.trim(), "api").await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantView {
    pub role: String,
    pub role_label: String,
    pub agency: motcua_app::views::AgencyRef,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub username: String,
    pub full_name: String,
    /// Roles with their agencies (including sub-agencies covered by a grant).
    pub grants: Vec<GrantView>,
}

/// The signed-in staff member and their roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<MeResponse>, ApiError> {
    let staff = caller.0.ok_or(ApiError::Unauthorized)?;
    state.names.ensure(&state, &staff.agencies(), None).await?;
    Ok(Json(MeResponse {
        username: staff.0.username.clone(),
        full_name: staff.0.full_name.clone(),
        grants: staff
            .0
            .grants
            .iter()
            .map(|g| GrantView { role: g.role.as_str().into(), role_label: g.role.label_vi().into(), agency: state.names.agency(g.agency_id) })
            .collect(),
    }))
}
