//! One endpoint per lifecycle action: `POST /api/v1/dossiers/{code}/{action}`. Each parses
//! its body into a core action, asks core, and commits through the store in one
//! transaction; an `Idempotency-Key` makes retries safe.

use super::dossiers::{idempotency_key, load_for_caller, replay};
use super::json::parse_json;
use crate::app::AppState;
use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::views::{dossier_view, prepare_names, DossierView};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use motcua_core::dossier::{decide, Action, ActionKind, Actor, Delivery, SupplementItem, Transition};
use motcua_core::ids::AgencyCode;
use motcua_core::validation::FieldErrors;
use motcua_store::{ActionContext, DossierRow, IdempotencyKey, StoredResponse};
use serde::Deserialize;
use utoipa::ToSchema;

/// Optional note.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NoteBody {
    pub note: Option<String>,
}

/// The signing leader's approval.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ApproveBody {
    pub note: Option<String>,
    /// Issue the electronic result notice (PDF) with the approval, so that the result can
    /// be returned online; a signed file can be attached from the dossier page instead.
    pub generate_result: Option<bool>,
}

/// Hand the current step to a named colleague holding its role at its agency.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignBody {
    /// The colleague's account id.
    pub assignee: i64,
    pub note: Option<String>,
}

/// A reason (required).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonBody {
    pub reason: String,
}

/// A withdrawal. An applicant (no token) confirms it with the one-time code that a first
/// request without one sends to the dossier's phone (or e-mail); reception withdraws at
/// the counter without a code.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WithdrawBody {
    pub reason: String,
    /// The six-digit code sent to the applicant (applicants only).
    pub one_time_code: Option<String>,
}

/// A one-time code is on its way: repeat the request with it within ten minutes.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct CodeSent {
    /// Where the code went, masked (e.g. `số điện thoại ******3456`).
    pub sent_to: String,
    pub message: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RejectBody {
    pub reason: String,
    pub legal_ground: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SupplementItemBody {
    /// The missing or wrong document.
    pub document: String,
    /// Why it is needed or what is wrong.
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SupplementRequestBody {
    pub items: Vec<SupplementItemBody>,
    /// Required for a second request, which the law does not foresee: recorded as an exception.
    pub exception_reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReturnToStepBody {
    /// Index of an earlier workflow step.
    pub step: usize,
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ExtendBody {
    /// The new due instant (RFC 3339), proposed in the apology letter.
    pub new_due: String,
    /// Reason for lateness.
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
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
pub(crate) fn parse_action(kind: ActionKind, body: &[u8]) -> Result<Action, ApiError> {
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
    e.finish(|| action).map_err(ApiError::Invalid)
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
    // An applicant's withdrawal needs the code sent to their phone: the code and the phone
    // number alone may be known to a stranger, and a withdrawal cannot be undone.
    if matches!(kind, ActionKind::Withdraw) && caller.0.is_none() {
        let code = parse_json::<WithdrawBody>(&body)?.one_time_code;
        if let Some(sent_to) = confirm_withdrawal(&state, &d, &action, code.as_deref()).await? {
            return Ok((StatusCode::ACCEPTED, Json(CodeSent { message: code_sent_message(&sent_to), sent_to })).into_response());
        }
    }
    let render = |row: &DossierRow| match dossier_view(&state, row, audience, None, None) {
        Ok(v) => StoredResponse { status: 200, body: serde_json::to_string(&v).unwrap_or_default() },
        Err(e) => StoredResponse { status: 500, body: e.to_string() },
    };
    let keyed: Option<(&IdempotencyKey, motcua_store::Render<'_>)> = idem.as_ref().map(|k| (k, &render as _));
    // An approval may bring the generated result notice: the same action with a document,
    // recorded under the key like any other so that a retry replays it.
    let generate = matches!(action, Action::Approve { .. }) && parse_json::<ApproveBody>(&body).ok().and_then(|b| b.generate_result) == Some(true);
    let outcome = match (&action, &caller.0) {
        (Action::Approve { note }, Some(staff)) if generate => {
            let doc = crate::pages::generated_result(&state, &d, &staff.0.full_name, note.as_deref().unwrap_or("")).await?;
            perform_with_documents_keyed(&state, &d, (&actor, &label), &action, &[doc], "result", keyed).await
        }
        _ => perform(&state, &d, &actor, &label, &action, keyed).await,
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
        Err(e @ (ApiError::Conflict(_) | ApiError::Unavailable | ApiError::Internal(_))) if idem.is_some() => {
            // The same key may have just been committed by a concurrent retry.
            let k = idem.as_ref().ok_or(ApiError::Internal("key".into()))?;
            match state.store.idempotent_response(k).await? {
                Some(r) => Ok(replay(r)),
                None => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// What an applicant reads once the withdrawal code is sent.
pub(crate) fn code_sent_message(sent_to: &str) -> String {
    format!("Mã xác nhận rút hồ sơ đã được gửi tới {sent_to}. Nhập mã (có hiệu lực {} phút) để hoàn tất việc rút hồ sơ.", motcua_core::account::CODE_TTL_MINUTES)
}

/// The applicant's second factor for a withdrawal. Without a code: checks that the
/// withdrawal would be allowed, sends a one-time code to the dossier's phone (or e-mail)
/// and answers where it went. With one: `None` when it is right (and now used up), a
/// field error on `one_time_code` when it is wrong, expired or used.
pub(crate) async fn confirm_withdrawal(state: &AppState, d: &DossierRow, action: &Action, code: Option<&str>) -> Result<Option<String>, ApiError> {
    use motcua_core::account::{normalise_code, one_time_code, withdrawal_code_message, Login};
    use motcua_store::CodeCheck;
    const PURPOSE: &str = "withdraw";
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        // Refused now what would be refused then (a decided dossier), before any message.
        decided(state, d, &Actor::Applicant, action).await?;
        let to = motcua_core::ids::Phone::parse(&d.applicant_phone)
            .map(Login::Phone)
            .ok()
            .or_else(|| d.applicant_email.as_deref().and_then(|e| Login::parse(e).ok()))
            .ok_or_else(|| ApiError::Conflict("Hồ sơ không có số điện thoại hoặc thư điện tử để nhận mã xác nhận; vui lòng rút hồ sơ tại Bộ phận Một cửa".into()))?;
        let code = one_time_code(rand::random());
        // Within a minute of the last code nothing new is sent: that code still works.
        state.store.issue_dossier_code(d.id, PURPOSE, &code, &to, &withdrawal_code_message(&code, d.public_id()), state.now()).await?;
        return Ok(Some(to.masked()));
    };
    let Some(code) = normalise_code(code) else { return Err(ApiError::field("one_time_code", "Mã xác nhận gồm 6 chữ số")) };
    match state.store.consume_dossier_code(d.id, PURPOSE, &code, state.now()).await? {
        CodeCheck::Accepted => Ok(None),
        CodeCheck::Wrong { attempts_left } => Err(ApiError::field("one_time_code", format!("Mã xác nhận không đúng (còn {attempts_left} lần thử)"))),
        CodeCheck::NoLiveCode => Err(ApiError::field("one_time_code", "Mã xác nhận đã hết hạn, đã được dùng hoặc đã nhập sai quá số lần: hãy yêu cầu mã mới")),
    }
}

/// Decides an action on a dossier as it was read, and the receiving agency's code (the
/// dossier code is issued from it at reception).
async fn decided(state: &AppState, d: &DossierRow, actor: &Actor, action: &Action) -> Result<(Transition, AgencyCode), ApiError> {
    let facts = d.facts()?;
    let named;
    let action = match action {
        Action::Assign { assignee, note, .. } => {
            named = Action::Assign { assignee: *assignee, assignee_name: colleague(state, &facts, *assignee).await?, note: note.clone() };
            &named
        }
        a => a,
    };
    let transition = decide(&facts, actor, action, state.now(), &state.calendar_for(d.receiving_agency_id), &state.config.rules)?;
    // An online return hands over the electronic result: there must be one to download.
    if matches!(action, Action::ReturnResult { delivery: Delivery::Online }) && !state.store.has_result_document(d.id).await? {
        return Err(ApiError::Conflict("Chưa có văn bản kết quả điện tử để trả trực tuyến: người ký cần đính kèm hoặc tạo văn bản kết quả khi phê duyệt".into()));
    }
    prepare_names(state, &[d]).await?;
    let agency_code = AgencyCode::parse(&state.names.agency(d.receiving_agency_id).code).map_err(|_| ApiError::Internal("stored agency code".into()))?;
    Ok((transition, agency_code))
}

/// The name of the colleague a step is handed to, who must hold the step's role at the
/// step's agency.
async fn colleague(state: &AppState, facts: &motcua_core::dossier::DossierFacts, user: i64) -> Result<String, ApiError> {
    let step = facts.current_step.and_then(|i| facts.steps.get(i)).ok_or_else(|| ApiError::field("assignee", "Hồ sơ không ở bước xử lý nào"))?;
    state
        .store
        .holders(step.role, step.agency_id)
        .await?
        .into_iter()
        .find(|(id, _)| *id == user)
        .map(|(_, name)| name)
        .ok_or_else(|| ApiError::field("assignee", format!("Cán bộ được giao phải giữ vai trò “{}” tại cơ quan của bước này", step.role.label_vi())))
}

/// Decides an action with core and commits it: the one path every action takes, from the
/// API and from the pages alike.
pub(crate) async fn perform(
    state: &AppState,
    d: &DossierRow,
    actor: &Actor,
    label: &str,
    action: &Action,
    idem: Option<(&IdempotencyKey, motcua_store::Render<'_>)>,
) -> Result<motcua_store::ActionOutcome, ApiError> {
    let (transition, agency_code) = decided(state, d, actor, action).await?;
    let ctx = ActionContext { actor: label, now: state.now(), agency_code: &agency_code, code_format: &state.config.code_format };
    let out = state.store.apply_action(d, &transition, &ctx, idem).await?;
    state.dossiers_changed();
    Ok(out)
}

/// An action with the documents it brings (a supplement's papers, an approval's result),
/// in one transaction.
pub(crate) async fn perform_with_documents(
    state: &AppState,
    d: &DossierRow,
    (actor, label): (&Actor, &str),
    action: &Action,
    documents: &[motcua_store::NewDocument],
    role: &str,
) -> Result<DossierRow, ApiError> {
    Ok(perform_with_documents_keyed(state, d, (actor, label), action, documents, role, None).await?.dossier)
}

/// [`perform_with_documents`] recording the answer under an idempotency key.
pub(crate) async fn perform_with_documents_keyed(
    state: &AppState,
    d: &DossierRow,
    (actor, label): (&Actor, &str),
    action: &Action,
    documents: &[motcua_store::NewDocument],
    role: &str,
    idem: Option<(&IdempotencyKey, motcua_store::Render<'_>)>,
) -> Result<motcua_store::ActionOutcome, ApiError> {
    let (transition, agency_code) = decided(state, d, actor, action).await?;
    let ctx = ActionContext { actor: label, now: state.now(), agency_code: &agency_code, code_format: &state.config.code_format };
    let out = state.store.apply_action_with_documents(d, &transition, &ctx, documents, role, idem).await?;
    state.dossiers_changed();
    Ok(out)
}

/// The applicant supplies the missing papers: the Supply action and the files, together.
pub(crate) async fn supply_with_files(state: &AppState, d: &DossierRow, files: &[crate::api::submission::Upload], names: &[String]) -> Result<DossierRow, ApiError> {
    let action = Action::Supply { note: Some(format!("Bổ sung trực tuyến {} tệp", files.len())) };
    let mut documents = Vec::with_capacity(files.len());
    for (f, name) in files.iter().zip(names) {
        let blob = state.blobs.put(&f.bytes).await?;
        documents.push(motcua_store::NewDocument {
            name: name.clone(),
            sha256: blob.sha256,
            size: blob.size,
            content_type: f.kind.content_type().into(),
            original_name: f.file_name.clone(),
        });
    }
    perform_with_documents(state, d, (&Actor::Applicant, "applicant"), &action, &documents, "supplement").await
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
