//! Acting on a dossier from its page (`POST /can-bo/ho-so/{code}/thao-tac/{action}`): the
//! page offers exactly the actions core allows this officer now, each as a small form, and
//! every action goes through the same path as the API (`api::actions::perform`).
//!
//! Each form carries the version of the dossier it was shown with: if a colleague acted in
//! between, nothing is done and the officer sees the dossier as it now is, with what they
//! had typed, instead of overwriting a decision they never saw.

use crate::api::actions::{parse_action, perform};
use crate::api::dossiers::staff_sees_row;
use crate::app::AppState;
use crate::auth::WebStaff;
use crate::error::ApiError;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::dossier::ActionKind;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The JSON body of an action from its form's fields.
fn body_of(kind: ActionKind, f: &HashMap<String, String>) -> Value {
    let get = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    match kind {
        ActionKind::RequestSupplement => {
            // One missing paper per line: "paper: reason" (or the whole line as the paper).
            let items: Vec<Value> = get("items")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| match l.split_once(':') {
                    Some((doc, why)) => json!({ "document": doc.trim(), "reason": why.trim() }),
                    None => json!({ "document": l, "reason": "" }),
                })
                .collect();
            json!({ "items": items, "exception_reason": get("exception_reason") })
        }
        ActionKind::ReturnToStep => json!({ "step": get("step").parse::<usize>().unwrap_or(usize::MAX), "reason": get("reason") }),
        ActionKind::Reject => json!({ "reason": get("reason"), "legal_ground": get("legal_ground") }),
        ActionKind::Stop | ActionKind::Withdraw => json!({ "reason": get("reason") }),
        ActionKind::Extend => {
            // A date and a time in Vietnamese time, as the form's date and time inputs send them.
            let (date, time) = (get("new_date"), get("new_time"));
            let time = if time.is_empty() { "17:00".to_string() } else { time };
            json!({ "new_due": format!("{date}T{time}:00+07:00"), "reason": get("reason") })
        }
        ActionKind::ReturnResult => json!({
            "method": get("method"),
            "receiver_name": get("receiver_name"),
            "receiver_id": get("receiver_id"),
            "tracking_number": get("tracking_number"),
        }),
        _ => json!({ "note": get("note") }),
    }
}

pub async fn act(State(state): State<AppState>, staff: WebStaff, Path((code, action)): Path<(String, String)>, Form(f): Form<HashMap<String, String>>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let kind = ActionKind::parse(&action).filter(|k| !matches!(k, ActionKind::Submit | ActionKind::Withdraw)).ok_or(ApiError::NotFound)?;
        let d = state.store.dossier_by_public_id(&code).await?.filter(|d| staff_sees_row(&staff, d).unwrap_or(false)).ok_or(ApiError::NotFound)?;
        let typed: String = f.iter().filter(|(k, v)| *k != "version" && !v.trim().is_empty()).map(|(_, v)| v.trim().to_string()).collect::<Vec<_>>().join(" · ");
        if f.get("version").and_then(|v| v.parse::<i64>().ok()) != Some(d.version) {
            let msg = format!(
                "Hồ sơ vừa được người khác cập nhật nên thao tác “{}” chưa được thực hiện. Hãy xem lại hồ sơ dưới đây rồi thao tác lại.{}",
                kind.label_vi(),
                if typed.is_empty() { String::new() } else { format!(" Nội dung bạn đã nhập: {typed}") }
            );
            return super::staff_dossier_page(&state, &staff, &d, None, Some(msg), axum::http::StatusCode::CONFLICT).await;
        }
        let body = body_of(kind, &f).to_string();
        let outcome = match parse_action(kind, body.as_bytes()) {
            Ok(action) => perform(&state, &d, &staff.actor(), &staff.label(), &action, None).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(out) => Ok(Redirect::to(&format!("/can-bo/ho-so/{}?da={}", out.dossier.public_id(), kind.as_str())).into_response()),
            Err(ApiError::Invalid(e)) => {
                let msg = e.0.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("; ");
                super::staff_dossier_page(&state, &staff, &d, None, Some(format!("{}: {msg}", kind.label_vi())), axum::http::StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(ApiError::Conflict(m)) | Err(ApiError::Forbidden(m)) => {
                super::staff_dossier_page(&state, &staff, &d, None, Some(m), axum::http::StatusCode::CONFLICT).await
            }
            Err(e) => Err(e),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
