//! Dossier endpoints: submit, read (staff in scope, or the applicant with a secret), list.
//! Each reads the request and calls one use case of `motcua_app`.

use super::submission::Submission;
use crate::auth::{ApiCaller, Staff, APPLICANT_SECRET_HEADER};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use motcua_app::access::applicant_secret_matches;
use motcua_app::queue::{self, DossierPage, ListQuery};
use motcua_app::submission::{self, CreateDossier, Submitted};
use motcua_app::views::{dossier_view, prepare_names, Audience, DossierView};
use motcua_store::{DossierRow, IdempotencyKey, StoredResponse};

pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// The `Idempotency-Key` header, checked for shape.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get(IDEMPOTENCY_HEADER) else { return Ok(None) };
    let k = v.to_str().map_err(|_| ApiError::field("Idempotency-Key", "Khóa chống trùng lặp chỉ gồm ký tự ASCII"))?.trim();
    if k.is_empty() || k.len() > 200 {
        return Err(ApiError::field("Idempotency-Key", "Khóa chống trùng lặp dài từ 1 đến 200 ký tự"));
    }
    Ok(Some(k.to_string()))
}

/// Replays a stored response; a replayed creation gets its `Location` back too.
pub fn replay(r: StoredResponse) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
    let location = (status == StatusCode::CREATED)
        .then(|| serde_json::from_str::<serde_json::Value>(&r.body).ok())
        .flatten()
        .and_then(|v| v.get("code").and_then(|c| c.as_str()).or_else(|| v.get("reference").and_then(|c| c.as_str())).map(|id| format!("/api/v1/dossiers/{id}")));
    let mut resp = (status, [(header::CONTENT_TYPE, "application/json"), (header::HeaderName::from_static("idempotent-replay"), "true")], r.body).into_response();
    if let Some(l) = location.and_then(|l| header::HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert(header::LOCATION, l);
    }
    resp
}

fn stored(status: StatusCode, view: &DossierView) -> StoredResponse {
    StoredResponse { status: status.as_u16(), body: serde_json::to_string(view).unwrap_or_default() }
}

/// Submit a dossier (online by a citizen; at the counter or by post by reception staff,
/// which receives it at once). Accepts JSON, or multipart with a `dossier` JSON part and
/// one part per document. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers",
    request_body(content = CreateDossier, description = "JSON, or multipart/form-data with part `dossier` (this JSON) and file parts named in `documents[].part`"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries return the first answer")),
    security((), ("bearer" = [])),
    responses((status = 201, body = DossierView), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody),
        (status = 429, description = "Too many anonymous submissions from this address", body = crate::error::ErrorBody)))]
pub async fn create(State(state): State<AppState>, caller: ApiCaller, addr: crate::throttle::ClientAddr, req: Request) -> Result<Response, ApiError> {
    // Anonymous submissions are limited per address; officers answer for theirs.
    let anonymous = caller.0.is_none();
    if anonymous {
        state.throttles.may_send_anonymously(&addr, state.now())?;
    }
    let key = idempotency_key(req.headers())?;
    let sub = Submission::read(req, &state).await?;
    let scope = caller.0.as_ref().map(Staff::label).unwrap_or_else(|| "anonymous".into());
    let idem = key.map(|k| {
        let parts: Vec<&[u8]> = std::iter::once(b"POST /api/v1/dossiers".as_slice()).chain(sub.fingerprint.iter().map(Vec::as_slice)).collect();
        IdempotencyKey::new(scope.clone(), k, &parts)
    });
    if let Some(k) = &idem {
        if let Some(r) = state.store.idempotent_response(k).await? {
            return Ok(replay(r));
        }
    }
    let answer = |d: &DossierRow, audience: Audience| match dossier_view(&state, d, audience, None, None) {
        Ok(v) => stored(StatusCode::CREATED, &v),
        Err(e) => StoredResponse { status: 500, body: e.to_string() },
    };
    let submitted = submission::submit_with_reception(&state, caller.0.as_ref(), &sub.body, &sub.uploads, idem.as_ref().map(|k| (k, &answer as _))).await?;
    match submitted {
        Submitted::Replayed(r) => Ok(replay(r)),
        Submitted::Valid => Err(ApiError::Internal("validation-only submission from the API".into())),
        Submitted::Created(dossier, audience) => {
            if anonymous {
                state.throttles.sent_anonymously(&addr, state.now());
            }
            let view = dossier_view(&state, &dossier, audience, None, None)?;
            let location = format!("/api/v1/dossiers/{}", dossier.public_id());
            Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(view)).into_response())
        }
    }
}

/// Loads a dossier for a caller: staff who see it, or the applicant with the right secret.
/// Anyone else gets the same "not found" whether the code exists or not.
pub async fn load_for_caller(state: &AppState, caller: &ApiCaller, headers: &HeaderMap, code: &str) -> Result<(DossierRow, Audience), ApiError> {
    if code.len() > 80 {
        return Err(ApiError::NotFound);
    }
    let secret = headers.get(APPLICANT_SECRET_HEADER).and_then(|v| v.to_str().ok());
    if caller.0.is_none() && secret.is_none() {
        return Err(ApiError::Unauthorized);
    }
    let d = state.store.dossier_by_public_id(code.trim()).await?;
    let audience = audience_for(state, caller, secret, code, d.as_ref())?;
    Ok((d.ok_or(ApiError::NotFound)?, audience))
}

/// Who the caller is to the dossier under `code` (if any): staff who see it, or its
/// applicant proving it with the secret, under the guessing limits per dossier and per
/// secret. Anyone else gets the same "not found" whether the code exists or not.
fn audience_for(state: &AppState, caller: &ApiCaller, secret: Option<&str>, code: &str, d: Option<&DossierRow>) -> Result<Audience, ApiError> {
    match (&caller.0, d) {
        (Some(staff), Some(d)) if staff.sees(d)? => Ok(Audience::Staff),
        (Some(_), _) => Err(ApiError::NotFound),
        (None, d) => {
            let secret = secret.unwrap_or("");
            let proven = state.throttles.applicant_guess(code, d.map(|d| d.id), secret, state.now(), || d.is_some_and(|d| applicant_secret_matches(d, secret)))?;
            if proven { Ok(Audience::Applicant) } else { Err(ApiError::NotFound) }
        }
    }
}

/// A dossier with its documents and full timeline.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}", tag = "dossiers", operation_id = "get_dossier",
    params(("code" = String, Path, description = "Dossier code or provisional reference"),
        ("X-Applicant-Secret" = Option<String>, Header, description = "Applicant's phone or ID number, for citizens without a token")),
    security((), ("bearer" = [])),
    responses((status = 200, body = DossierView), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 429, description = "Too many failed lookups from this address", body = crate::error::ErrorBody)))]
pub async fn get(State(state): State<AppState>, caller: ApiCaller, headers: HeaderMap, Path(code): Path<String>) -> Result<Json<DossierView>, ApiError> {
    let secret = headers.get(APPLICANT_SECRET_HEADER).and_then(|v| v.to_str().ok());
    if caller.0.is_none() && secret.is_none() {
        return Err(ApiError::Unauthorized);
    }
    if code.len() > 80 {
        return Err(ApiError::NotFound);
    }
    let found = state.store.dossier_with_events(code.trim()).await?;
    let audience = audience_for(&state, &caller, secret, &code, found.as_ref().map(|(d, _)| d))?;
    let (d, events) = found.ok_or(ApiError::NotFound)?;
    let docs = if d.document_count > 0 { state.store.dossier_documents(d.id).await? } else { Vec::new() };
    prepare_names(&state, &[&d]).await?;
    Ok(Json(dossier_view(&state, &d, audience, Some(&events), Some(docs))?))
}

/// Dossiers in the caller's scope, newest first, with filters and keyset pagination.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers", operation_id = "list_dossiers", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = DossierPage), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller, Query(q): Query<ListQuery>) -> Result<Json<DossierPage>, ApiError> {
    let staff = caller.0.ok_or(ApiError::Unauthorized)?;
    let page = queue::list(&state, &staff, &q, None).await?;
    Ok(Json(page))
}

