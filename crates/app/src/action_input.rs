//! The bodies of lifecycle actions, as the JSON API takes them and the staff pages'
//! forms are turned into, read into core's [`Action`] with every field's limits.

use crate::error::AppError;
use crate::json::parse_json;
use motcua_core::dossier::{Action, ActionKind, Delivery, SupplementItem};
use motcua_core::validation::FieldErrors;
use serde::Deserialize;

/// Optional note.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteBody {
    pub note: Option<String>,
}

/// The signing leader's approval.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApproveBody {
    pub note: Option<String>,
    /// Issue the electronic result notice (PDF) with the approval, so that the result can
    /// be returned online; a signed file can be attached from the dossier page instead.
    pub generate_result: Option<bool>,
}

/// Hand the current step to a named colleague holding its role at its agency.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignBody {
    /// The colleague's account id.
    pub assignee: i64,
    pub note: Option<String>,
}

/// A reason (required).
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonBody {
    pub reason: String,
}

/// A withdrawal. An applicant (no token) confirms it with the one-time code that a first
/// request without one sends to the dossier's phone (or e-mail); reception withdraws at
/// the counter without a code.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawBody {
    pub reason: String,
    /// The six-digit code sent to the applicant (applicants only).
    pub one_time_code: Option<String>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectBody {
    pub reason: String,
    pub legal_ground: Option<String>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementItemBody {
    /// The missing or wrong document.
    pub document: String,
    /// Why it is needed or what is wrong.
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementRequestBody {
    pub items: Vec<SupplementItemBody>,
    /// Required for a second request, which the law does not foresee: recorded as an exception.
    pub exception_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnToStepBody {
    /// Index of an earlier workflow step.
    pub step: usize,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtendBody {
    /// The new due instant (RFC 3339), proposed in the apology letter.
    pub new_due: String,
    /// Reason for lateness.
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnResultBody {
    /// counter | post | online
    pub method: String,
    pub receiver_name: Option<String>,
    pub receiver_id: Option<String>,
    pub tracking_number: Option<String>,
}

fn text(e: &mut FieldErrors, path: &str, v: &str, max: usize) -> String {
    e.text(path, v, max).unwrap_or_default()
}

fn note(n: Option<String>) -> Option<String> {
    n.map(|s| s.trim().chars().take(2000).collect::<String>()).filter(|s| !s.is_empty())
}

/// Parses the body of an action (empty bodies allowed where nothing is required).
pub fn parse_action(kind: ActionKind, body: &[u8]) -> Result<Action, AppError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    let mut e = FieldErrors::default();
    let action = match kind {
        ActionKind::Submit => Action::Submit,
        ActionKind::Receive => Action::Receive { note: note(parse_json::<NoteBody>(body)?.note) },
        ActionKind::Transfer => Action::Transfer { note: note(parse_json::<NoteBody>(body)?.note) },
        ActionKind::Supply => Action::Supply { note: note(parse_json::<NoteBody>(body)?.note) },
        ActionKind::Forward => Action::Forward { note: note(parse_json::<NoteBody>(body)?.note) },
        ActionKind::Assign => {
            let b: AssignBody = parse_json(body)?;
            Action::Assign { assignee: b.assignee, assignee_name: String::new(), note: note(b.note) }
        }
        ActionKind::Approve => Action::Approve { note: note(parse_json::<ApproveBody>(body)?.note) },
        ActionKind::RequestSupplement => {
            let b: SupplementRequestBody = parse_json(body)?;
            if b.items.is_empty() || b.items.len() > 50 {
                e.add("items", "Liệt kê từ 1 đến 50 giấy tờ cần bổ sung");
            }
            let items = b
                .items
                .iter()
                .enumerate()
                .map(|(i, it)| SupplementItem {
                    document: text(&mut e, &format!("items[{i}].document"), &it.document, 500),
                    reason: text(&mut e, &format!("items[{i}].reason"), &it.reason, 1000),
                })
                .collect();
            Action::RequestSupplement { items, exception_reason: note(b.exception_reason) }
        }
        ActionKind::ReturnToStep => {
            let b: ReturnToStepBody = parse_json(body)?;
            Action::ReturnToStep { step: b.step, reason: text(&mut e, "reason", &b.reason, 2000) }
        }
        ActionKind::Reject => {
            let b: RejectBody = parse_json(body)?;
            Action::Reject { reason: text(&mut e, "reason", &b.reason, 2000), legal_ground: note(b.legal_ground) }
        }
        ActionKind::Stop => Action::Stop { reason: text(&mut e, "reason", &parse_json::<ReasonBody>(body)?.reason, 2000) },
        ActionKind::Withdraw => Action::Withdraw { reason: text(&mut e, "reason", &parse_json::<WithdrawBody>(body)?.reason, 2000) },
        ActionKind::Extend => {
            let b: ExtendBody = parse_json(body)?;
            let new_due = match chrono::DateTime::parse_from_rfc3339(b.new_due.trim()) {
                Ok(t) => t.with_timezone(&chrono::Utc),
                Err(_) => {
                    e.add("new_due", "Ngày hẹn mới phải theo RFC 3339, ví dụ 2026-12-01T17:00:00+07:00");
                    chrono::DateTime::default()
                }
            };
            Action::Extend { new_due, reason: text(&mut e, "reason", &b.reason, 2000) }
        }
        ActionKind::ReturnResult => {
            let b: ReturnResultBody = parse_json(body)?;
            let delivery = match b.method.as_str() {
                "counter" => Delivery::Counter {
                    receiver_name: text(&mut e, "receiver_name", b.receiver_name.as_deref().unwrap_or(""), 200),
                    receiver_id: text(&mut e, "receiver_id", b.receiver_id.as_deref().unwrap_or(""), 50),
                },
                "post" => Delivery::Post { tracking_number: text(&mut e, "tracking_number", b.tracking_number.as_deref().unwrap_or(""), 100) },
                "online" => Delivery::Online,
                _ => {
                    e.add("method", "Hình thức trả kết quả phải là counter, post hoặc online");
                    Delivery::Online
                }
            };
            Action::ReturnResult { delivery }
        }
    };
    e.finish(|| action).map_err(AppError::Invalid)
}

