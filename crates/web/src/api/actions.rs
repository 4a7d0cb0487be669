//! One endpoint per lifecycle action: `POST /api/v1/dossiers/{code}/{action}`. Each parses
//! its body into a core action, asks core, and commits through the store in one
//! transaction; an `Idempotency-Key` makes retries safe.

use super::dossiers::{idempotency_key, load_for_caller, replay};
use super::json::parse_json;
use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use motcua_app::action_input::{
    parse_action, ApproveBody, AssignBody, ExtendBody, NoteBody, ReasonBody, RejectBody, ReturnResultBody, ReturnToStepBody, SupplementRequestBody, WithdrawBody,
};
use motcua_app::actions::{self, ResultFile, Withdrawal};
use motcua_app::views::{dossier_view, DossierView};
use motcua_app::AppError;
use motcua_core::dossier::{Action, ActionKind, Actor};
use motcua_store::{DossierRow, IdempotencyKey, StoredResponse};
use serde::Serialize;
use utoipa::ToSchema;

/// A one-time code is on its way: repeat the request with it within ten minutes.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeSent {
    /// Where the code went, masked (e.g. `số điện thoại ******3456`).
    pub sent_to: String,
    pub message: String,
}

/// Performs an action on a dossier for the caller.
async fn act(state: AppState, caller: ApiCaller, headers: HeaderMap, code: String, kind: ActionKind, body: Bytes) -> Result<Response, ApiError> {
    // Without a token only the applicant's own actions exist: the rest is refused before the
    // secret is checked, or it would answer guesses outside the lookup limit.
    if caller.0.is_none() && !matches!(kind, ActionKind::Supply | ActionKind::Withdraw) {
        return Err(ApiError::Unauthorized);
    }
    let (d, audience) = load_for_caller(&state, &caller, &headers, &code).await?;
    let is_json = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    if !is_json && !body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::UnsupportedMedia("Nội dung thao tác phải là application/json".into()));
    }
    let action = parse_action(kind, &body)?;
    let (actor, label) = match &caller.0 {
        Some(s) => (s.actor(), s.label()),
        None => (Actor::Applicant, "applicant".to_string()),
    };
    let idem = idempotency_key(&headers)?.map(|k| {
        let path = format!("POST /api/v1/dossiers/{}/{}", d.id, kind.as_str());
        IdempotencyKey::new(if caller.0.is_some() { label.clone() } else { format!("applicant:{}", d.reference) }, k, &[path.as_bytes(), &body])
    });
    if let Some(k) = &idem {
        if let Some(r) = state.store.idempotent_response(k).await? {
            return Ok(replay(r));
        }
    }
    let render = |row: &DossierRow| match dossier_view(&state, row, audience, None, None) {
        Ok(v) => StoredResponse { status: 200, body: serde_json::to_string(&v).unwrap_or_default() },
        Err(e) => StoredResponse { status: 500, body: e.to_string() },
    };
    let keyed: Option<(&IdempotencyKey, motcua_store::Render<'_>)> = idem.as_ref().map(|k| (k, &render as _));
    let outcome = match (&action, &caller.0) {
        // An applicant's withdrawal needs the code sent to their phone.
        (Action::Withdraw { .. }, None) => {
            let code = parse_json::<WithdrawBody>(&body)?.one_time_code;
            match actions::withdraw_by_applicant(&state, &d, &action, code.as_deref(), keyed).await {
                Ok(Withdrawal::CodeSent(sent_to)) => {
                    return Ok((StatusCode::ACCEPTED, Json(CodeSent { message: actions::code_sent_message(&sent_to), sent_to })).into_response());
                }
                Ok(Withdrawal::Withdrawn(out)) => Ok(*out),
                Err(e) => Err(e),
            }
        }
        // An approval may bring the generated result notice: the same action with a
        // document, recorded under the key like any other so that a retry replays it.
        (Action::Approve { .. }, Some(staff)) => {
            let generate = parse_json::<ApproveBody>(&body).ok().and_then(|b| b.generate_result) == Some(true);
            actions::approve(&state, &d, staff, &action, if generate { ResultFile::Generated } else { ResultFile::None }, keyed).await
        }
        _ => actions::perform(&state, &d, &actor, &label, &action, keyed).await,
    };
    match outcome {
        Ok(out) => {
            tracing::info!(dossier = out.dossier.public_id(), action = kind.as_str(), actor = %label, "dossier action");
            // The first answer is the one stored for the key, byte for byte.
            match out.response {
                Some(r) => Ok((StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK), [(axum::http::header::CONTENT_TYPE, "application/json")], r.body).into_response()),
                None => Ok((StatusCode::OK, Json(dossier_view(&state, &out.dossier, audience, None, None)?)).into_response()),
            }
        }
        Err(e @ (AppError::Conflict(_) | AppError::Unavailable | AppError::Internal(_))) if idem.is_some() => {
            // The same key may have just been committed by a concurrent retry.
            let k = idem.as_ref().ok_or(ApiError::Internal("key".into()))?;
            match state.store.idempotent_response(k).await? {
                Some(r) => Ok(replay(r)),
                None => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

macro_rules! action_endpoint {
    ($fn:ident, $kind:expr, $path:literal, $body:ty, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "actions",
                    params(("code" = String, Path, description = "Dossier code or provisional reference"),
                        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries return the first answer"),
                        ("X-Applicant-Secret" = Option<String>, Header, description = "Applicant's phone or ID number (supply, withdraw)")),
                    request_body(content = $body, content_type = "application/json"),
                    security((), ("bearer" = [])),
                    responses((status = 200, body = DossierView), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
                        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
                        (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
                        (status = 429, description = "Too many failed applicant lookups from this address", body = crate::error::ErrorBody)))]
        pub async fn $fn(State(state): State<AppState>, caller: ApiCaller, headers: HeaderMap, Path(code): Path<String>, body: Bytes) -> Result<Response, ApiError> {
            act(state, caller, headers, code, $kind, body).await
        }
    };
}

action_endpoint!(receive, ActionKind::Receive, "/api/v1/dossiers/{code}/receive", NoteBody, "Receive a submitted dossier: issues its code and due date (reception).");
action_endpoint!(request_supplement, ActionKind::RequestSupplement, "/api/v1/dossiers/{code}/request-supplement", SupplementRequestBody, "Ask for missing papers, all in one request with reasons; the clock pauses.");
action_endpoint!(supply, ActionKind::Supply, "/api/v1/dossiers/{code}/supply", NoteBody, "Record the supplement; the clock resumes (applicant or reception).");
action_endpoint!(transfer, ActionKind::Transfer, "/api/v1/dossiers/{code}/transfer", NoteBody, "Send a received dossier to the first workflow step (reception).");
action_endpoint!(forward, ActionKind::Forward, "/api/v1/dossiers/{code}/forward", NoteBody, "Finish the current step and pass to the next (the step's role).");
action_endpoint!(assign, ActionKind::Assign, "/api/v1/dossiers/{code}/assign", AssignBody, "Hand the current step to a named colleague who holds its role (the step's role or a leader).");
action_endpoint!(return_to_step, ActionKind::ReturnToStep, "/api/v1/dossiers/{code}/return-to-step", ReturnToStepBody, "Send back to an earlier step with a reason.");
action_endpoint!(approve, ActionKind::Approve, "/api/v1/dossiers/{code}/approve", ApproveBody, "Approve the result at the last step (signing leader).");
action_endpoint!(reject, ActionKind::Reject, "/api/v1/dossiers/{code}/reject", RejectBody, "Refuse the dossier with a reason.");
action_endpoint!(stop, ActionKind::Stop, "/api/v1/dossiers/{code}/stop", ReasonBody, "Stop processing before a result exists.");
action_endpoint!(extend, ActionKind::Extend, "/api/v1/dossiers/{code}/extend", ExtendBody, "Record the apology and the new due date (once; still counts late).");

/// Withdraw a dossier not yet decided (applicant or reception). An applicant without a
/// token calls twice: the first call (no `one_time_code`) sends a code to the dossier's
/// phone or e-mail and answers 202; the second, with the code, withdraws.
#[utoipa::path(post, path = "/api/v1/dossiers/{code}/withdraw", tag = "actions",
            params(("code" = String, Path, description = "Dossier code or provisional reference"),
                ("Idempotency-Key" = Option<String>, Header, description = "Makes retries return the first answer"),
                ("X-Applicant-Secret" = Option<String>, Header, description = "Applicant's phone or ID number (without a token)")),
            request_body(content = WithdrawBody, content_type = "application/json"),
            security((), ("bearer" = [])),
            responses((status = 200, body = DossierView),
                (status = 202, description = "Applicant without a code: a one-time code was sent; repeat with `one_time_code`", body = CodeSent),
                (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
                (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
                (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
                (status = 429, description = "Too many failed applicant lookups from this address, at this dossier or with this secret", body = crate::error::ErrorBody)))]
pub async fn withdraw(State(state): State<AppState>, caller: ApiCaller, headers: HeaderMap, Path(code): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    act(state, caller, headers, code, ActionKind::Withdraw, body).await
}
action_endpoint!(return_result, ActionKind::ReturnResult, "/api/v1/dossiers/{code}/return-result", ReturnResultBody, "Hand back the result (reception).");
