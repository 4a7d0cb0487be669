//! Acting on a dossier from its page (`POST /can-bo/ho-so/{code}/thao-tac/{action}`): the
//! page offers exactly the actions core allows this officer now, each as a small form, and
//! every action goes through the same use case as the API's (`motcua_app::actions`).
//!
//! Each form carries the version of the dossier it was shown with: if a colleague acted in
//! between, nothing is done and the officer sees the dossier as it now is, with what they
//! had typed, instead of overwriting a decision they never saw.

use crate::auth::WebStaff;
use crate::error::ApiError;
use crate::state::AppState;
use crate::uploads::read_page_form;
use axum::extract::{Form, FromRequest, Multipart, Path, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::action_input::parse_action;
use motcua_app::actions::{self, ResultFile};
use motcua_app::submission::Upload;
use motcua_app::AppError;
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
        ActionKind::Assign => json!({ "assignee": get("assignee").parse::<i64>().unwrap_or(0), "note": get("note") }),
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

/// The fields of an action's form, and its file (the approval's signed result), from a
/// url-encoded or a multipart post.
async fn read_form(state: &AppState, req: Request) -> Result<(HashMap<String, String>, Option<Upload>), ApiError> {
    let multipart = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with("multipart/form-data"));
    if !multipart {
        let Form(f) = Form::<HashMap<String, String>>::from_request(req, state).await.map_err(|e| ApiError::BadRequest(e.body_text()))?;
        return Ok((f, None));
    }
    let mut mp = Multipart::from_request(req, state).await.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let form = read_page_form(&mut mp, state).await?;
    if let Some((_, m)) = form.file_errors.first() {
        return Err(ApiError::field("ket_qua", m.clone()));
    }
    Ok((form.fields, form.uploads.into_iter().find(|u| u.part == "ket_qua")))
}

/// The result document an approval's form carries: the signed file attached, or the
/// notice generated from the dossier when the officer asks for it.
fn result_file(f: &HashMap<String, String>, file: Option<Upload>) -> ResultFile {
    match file {
        Some(u) => ResultFile::Attached(u),
        None if f.contains_key("tao_ket_qua") => ResultFile::Generated,
        None => ResultFile::None,
    }
}

/// What a form field is called on the page, for error messages.
fn field_label(path: &str) -> &str {
    match path.split(['[', '.']).next().unwrap_or(path) {
        "receiver_name" => "Người nhận",
        "receiver_id" => "Số định danh người nhận",
        "tracking_number" => "Mã bưu gửi",
        "method" => "Hình thức trả",
        "reason" => "Lý do",
        "legal_ground" => "Căn cứ pháp lý",
        "new_due" => "Ngày hẹn trả mới",
        "items" => "Giấy tờ cần bổ sung",
        "exception_reason" => "Lý do yêu cầu lần nữa",
        "step" => "Bước trả lại",
        "assignee" => "Cán bộ được giao",
        "ket_qua" | "result_file" => "Văn bản kết quả",
        "note" => "Ghi chú",
        _ => path,
    }
}

pub async fn act(State(state): State<AppState>, staff: WebStaff, Path((code, action)): Path<(String, String)>, req: Request) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let kind = ActionKind::parse(&action).filter(|k| !matches!(k, ActionKind::Submit | ActionKind::Withdraw)).ok_or(ApiError::NotFound)?;
        // Out of scope is "not found" before anything about the form is said.
        let d = state.store.dossier_by_public_id(&code).await?.filter(|d| staff.sees(d).unwrap_or(false)).ok_or(ApiError::NotFound)?;
        let (f, file) = read_form(&state, req).await?;
        let typed: String = f.iter().filter(|(k, v)| *k != "version" && !v.trim().is_empty()).map(|(_, v)| v.trim().to_string()).collect::<Vec<_>>().join(" · ");
        if f.get("version").and_then(|v| v.parse::<i64>().ok()) != Some(d.version) {
            let msg = format!(
                "Hồ sơ vừa được người khác cập nhật nên thao tác “{}” chưa được thực hiện. Hãy xem lại hồ sơ dưới đây rồi thao tác lại.{}",
                kind.label_vi(),
                if typed.is_empty() { String::new() } else { format!(" Nội dung bạn đã nhập: {typed}") }
            );
            return super::staff_dossier::staff_dossier_page(&state, &staff, &d, None, Some(msg), axum::http::StatusCode::CONFLICT).await;
        }
        let body = body_of(kind, &f).to_string();
        let outcome = match parse_action(kind, body.as_bytes()) {
            Ok(action) if kind == ActionKind::Approve => actions::approve(&state, &d, &staff, &action, result_file(&f, file), None).await,
            Ok(action) => actions::perform(&state, &d, &staff.actor(), &staff.label(), &action, None).await,
            Err(e) => Err(e),
        };
        match outcome.map(|o| o.dossier) {
            Ok(out) => Ok(Redirect::to(&format!("/can-bo/ho-so/{}?da={}", out.public_id(), kind.as_str())).into_response()),
            Err(AppError::Invalid(e)) => {
                let msg = e.0.iter().map(|x| format!("{}: {}", field_label(&x.path), x.message)).collect::<Vec<_>>().join("; ");
                super::staff_dossier::staff_dossier_page(&state, &staff, &d, None, Some(format!("{}: {msg}", kind.label_vi())), axum::http::StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(AppError::Conflict(m)) | Err(AppError::Forbidden(m)) => {
                super::staff_dossier::staff_dossier_page(&state, &staff, &d, None, Some(m), axum::http::StatusCode::CONFLICT).await
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
