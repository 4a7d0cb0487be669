//! Dossier endpoints: submit, read (staff in scope, or the applicant with a secret), list.

use super::submission::{CreateDossier, Submission};
use crate::app::AppState;
use crate::auth::{applicant_secret_matches, ApiCaller, Staff, APPLICANT_SECRET_HEADER};
use crate::error::ApiError;
use crate::views::{dossier_summary, dossier_view, prepare_names, Audience, DossierSummary, DossierView};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use motcua_core::catalogue::OnlineLevel;
use motcua_core::dossier::{decide, Action, Actor, Channel, DossierFacts, Role, State as DState};
use motcua_core::ids::{AgencyCode, Cccd, Phone, TaxCode};
use motcua_core::reception::CounterReception;
use motcua_core::validation::FieldErrors;
use motcua_store::read::{due_key, DashboardCell, DossierFilter, DueWindow, ListOrder};
use motcua_store::{ActionContext, DossierRow, IdempotencyKey, NewDocument, NewDossier, StoredResponse};
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
    let staff = caller.0.as_ref();
    let submitted = match counter_checklist(&state, staff, &sub.body).await? {
        Ok(Some(reception)) => submit(&state, staff, &sub.body, &sub.uploads, idem.as_ref(), false, Origin::Counter(&reception)).await?,
        Ok(None) => submit(&state, staff, &sub.body, &sub.uploads, idem.as_ref(), false, Origin::Api).await?,
        // The checklist's errors with every other one, in one answer (as the counter's screen).
        Err(mut errors) => match submit(&state, staff, &sub.body, &sub.uploads, None, true, Origin::Api).await {
            Ok(_) => return Err(ApiError::Invalid(errors)),
            Err(ApiError::Invalid(mut e)) => {
                e.0.append(&mut errors.0);
                return Err(ApiError::Invalid(e));
            }
            Err(e) => return Err(e),
        },
    };
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

/// The checklist of a dossier received in hand through the API, checked by the counter
/// screen's rule ([`motcua_core::reception::check_named`]): required at the counter,
/// optional by post, refused online. `Ok(None)`: nothing to record (or nothing to check
/// yet: an unknown procedure or a caller who may not enter it is refused by `submit`).
async fn counter_checklist(state: &AppState, staff: Option<&Staff>, body: &CreateDossier) -> Result<Result<Option<CounterReception>, FieldErrors>, ApiError> {
    let channel = body.channel.as_deref().map(str::trim).unwrap_or("online");
    let mut e = FieldErrors::default();
    let Some(r) = &body.reception else {
        if channel == "counter" && staff.is_some() {
            e.add("reception", "Hồ sơ tiếp nhận tại quầy cần danh mục giấy tờ đã nhận (reception.papers), như trên màn hình tiếp nhận");
            return Ok(Err(e));
        }
        return Ok(Ok(None));
    };
    if !matches!(channel, "counter" | "post") {
        e.add("reception", "Chỉ hồ sơ tiếp nhận trực tiếp hoặc qua bưu chính có danh mục giấy tờ đã nhận");
        return Ok(Err(e));
    }
    if staff.is_none() {
        return Ok(Ok(None));
    }
    let Some(procedure) = state.procedure(body.procedure_code.trim()).await? else { return Ok(Ok(None)) };
    let papers: Vec<motcua_core::reception::NamedPaper<'_>> =
        r.papers.iter().map(|x| motcua_core::reception::NamedPaper { name: &x.name, form: &x.form, copies: x.copies }).collect();
    if papers.len() > 100 {
        e.add("reception.papers", "Danh mục có quá nhiều giấy tờ");
        return Ok(Err(e));
    }
    Ok(motcua_core::reception::check_named(&procedure.procedure, &papers, r.sets.unwrap_or(1), r.fee_vnd.unwrap_or(0), r.fee_receipt.as_deref().unwrap_or("")).map(Some))
}

/// Where a portal submission comes from: the signed-in citizen (if any) and the draft it
/// finishes.
pub(crate) struct PortalOrigin {
    pub citizen_id: Option<i64>,
    pub draft_token: String,
}

/// Who hands a submission in, beyond the caller.
#[derive(Clone, Copy)]
pub(crate) enum Origin<'a> {
    Api,
    Portal(&'a PortalOrigin),
    /// The counter's reception screen, with its checklist and fee.
    Counter(&'a CounterReception),
}

/// What a submission led to.
pub(crate) enum Submitted {
    Created(Box<DossierRow>, Audience),
    /// A concurrent request with the same idempotency key won the race; its answer.
    Replayed(StoredResponse),
    /// Only validated (`validate_only`): nothing was written.
    Valid,
}

/// Validates a submission into core types, stores its files, and creates the dossier
/// (received at once when staff enter it at the counter). Shared by the API and the
/// portal's submission form.
pub(crate) async fn submit(
    state: &AppState,
    staff_caller: Option<&Staff>,
    body: &CreateDossier,
    uploads: &[super::submission::Upload],
    idem: Option<&IdempotencyKey>,
    validate_only: bool,
    origin: Origin<'_>,
) -> Result<Submitted, ApiError> {
    let now = state.now();
    let mut e = FieldErrors::default();
    // Names only: the national numbers 1–3 are for reports, not for this API.
    let channel = Some(body.channel.as_deref().unwrap_or("online")).filter(|c| c.len() > 1).and_then(Channel::parse);
    if channel.is_none() {
        e.add("channel", "Kênh nộp phải là online, counter hoặc post");
    }
    let a = &body.applicant;
    let applicant_kind = match a.kind.as_str() {
        "person" => e.check("applicant.id_number", Cccd::parse(&a.id_number, now.year()).map(|c| c.to_string())).map(|id| ("person", id)),
        "organisation" => e.check("applicant.id_number", TaxCode::parse(&a.id_number).map(|t| t.to_string())).map(|id| ("organisation", id)),
        _ => {
            e.add("applicant.kind", "Người nộp phải là person (cá nhân) hoặc organisation (tổ chức)");
            None
        }
    };
    let name = e.text("applicant.name", &a.name, 200);
    let phone = e.check("applicant.phone", Phone::parse(&a.phone));
    let email = a.email.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    if email.as_deref().is_some_and(|m| m.len() > 200 || !m.contains('@') || m.starts_with('@') || m.ends_with('@')) {
        e.add("applicant.email", "Địa chỉ thư điện tử không hợp lệ");
    }
    let address = a.address.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    if address.as_deref().is_some_and(|x| x.chars().count() > 500) {
        e.add("applicant.address", "Địa chỉ dài quá 500 ký tự");
    }
    if !["counter", "post", "online"].contains(&body.delivery.as_str()) {
        e.add("delivery", "Hình thức nhận kết quả phải là counter, post hoặc online");
    }
    if body.delivery == "post" && address.is_none() {
        e.add("applicant.address", "Nhận kết quả qua bưu chính cần địa chỉ");
    }
    let procedure = match state.procedure(body.procedure_code.trim()).await? {
        Some(p) => Some(p),
        None => {
            e.add("procedure_code", "Không có thủ tục với mã này");
            None
        }
    };
    let agency = match AgencyCode::parse(&body.agency_code) {
        Ok(code) => {
            let today = motcua_core::time::local_date(now).format("%Y-%m-%d").to_string();
            state.agency(code.as_str()).await?.filter(|a| a.valid_from <= today && a.valid_to.as_deref().is_none_or(|to| to > today.as_str()))
        }
        Err(_) => None,
    };
    if body.agency_code.trim().is_empty() {
        e.add("agency_code", "Chọn nơi nộp hồ sơ");
    } else if agency.is_none() {
        e.add("agency_code", "Không có cơ quan tiếp nhận đang hoạt động với mã này");
    }
    if let (Some(p), Some(ag)) = (&procedure, &agency) {
        if !p.procedure.agency_kinds.contains(&ag.kind) {
            e.add("agency_code", format!("Cơ quan “{}” không tiếp nhận thủ tục này", ag.name));
        }
        // A province's own procedure (its fees, its process) applies to its own agencies only.
        if let Some(motcua_core::catalogue::ProcedureOwner::Province(owner)) = state.store.procedure_owner(&p.procedure.code).await? {
            let province = match ag.unit_code.as_deref() {
                Some(u) => state.store.unit_province(u).await?,
                None => None,
            };
            if province.as_deref() != Some(owner.as_str()) {
                e.add("agency_code", format!("Thủ tục này là thủ tục riêng của tỉnh (mã {owner}); cơ quan “{}” không tiếp nhận", ag.name));
            }
        }
    }
    // Documents: each upload named once, for a document of the procedure.
    let mut documents = Vec::new();
    if let Some(p) = &procedure {
        for (i, d) in body.documents.iter().enumerate() {
            if !p.procedure.documents.iter().any(|r| r.name == d.name) {
                e.add(format!("documents[{i}].name"), "Thủ tục không yêu cầu giấy tờ có tên này");
            }
            match uploads.iter().find(|u| u.part == d.part) {
                Some(u) => documents.push((d.name.clone(), u)),
                None => e.add(format!("documents[{i}].part"), "Không có tệp đính kèm với tên phần này"),
            }
        }
        if channel == Some(Channel::Online) {
            if p.procedure.online == OnlineLevel::None {
                e.add("procedure_code", "Thủ tục này chưa được cung cấp trực tuyến; vui lòng nộp tại Bộ phận Một cửa");
            }
            for (i, r) in p.procedure.documents.iter().enumerate() {
                let needs_file = r.mandatory && r.kind != motcua_core::catalogue::DocumentKind::Shown;
                if needs_file && !body.documents.iter().any(|d| d.name == r.name) {
                    e.add(format!("documents.required[{i}]"), format!("Thiếu tệp đính kèm: {}", r.name));
                }
            }
        }
    }
    // A dossier received in hand is received complete: its checklist went through
    // `core::reception` (the counter's screen, or `counter_checklist` for the API).
    if channel == Some(Channel::Counter) && !validate_only && !matches!(origin, Origin::Counter(_)) && staff_caller.is_some() {
        e.add("reception", "Hồ sơ tiếp nhận tại quầy cần danh mục giấy tờ đã nhận");
    }
    if !e.is_empty() {
        return Err(ApiError::Invalid(e));
    }
    if validate_only {
        return Ok(Submitted::Valid);
    }
    let (Some(channel), Some((kind, id_number)), Some(name), Some(phone), Some(procedure), Some(agency)) =
        (channel, applicant_kind, name, phone, procedure, agency)
    else {
        return Err(ApiError::Internal("validated submission lacks a field".into()));
    };
    // Counter and post submissions are entered by reception staff of the receiving agency.
    let staff = match channel {
        Channel::Online => None,
        _ => {
            let s = staff_caller.cloned().ok_or(ApiError::Unauthorized)?;
            if !s.actor().holds(Role::Reception, agency.id) {
                return Err(ApiError::Forbidden("Chỉ cán bộ một cửa của cơ quan tiếp nhận được nhập hồ sơ trực tiếp".into()));
            }
            Some(s)
        }
    };
    let agency_code = AgencyCode::parse(&agency.code).map_err(|_| ApiError::Internal("stored agency code".into()))?;
    let steps = state.store.resolve_workflow(&procedure.procedure.code, &procedure.procedure.workflow, &agency).await?.map_err(|kind| {
        ApiError::field("agency_code", format!("Chưa có cơ quan loại “{kind}” phối hợp giải quyết tại địa bàn này"))
    })?;
    let facts = DossierFacts::new(agency.id, procedure.procedure.processing, steps.clone(), DState::Draft);
    // Deadlines run on the receiving agency's calendar: the one-stop section answers to the applicant.
    let cal = &*state.calendar_for(agency.id);
    let rules = &state.config.rules;
    let submitted = decide(&facts, &Actor::Applicant, &Action::Submit, now, cal, rules)?;
    let mut transitions = vec![submitted];
    if let Some(s) = &staff {
        let received = decide(&transitions[0].next, &s.actor(), &Action::Receive { note: None }, now, cal, rules)?;
        transitions.push(received);
    }
    let mut new_docs = Vec::with_capacity(documents.len());
    for (doc_name, u) in documents {
        let blob = state.blobs.put(&u.bytes).await?;
        new_docs.push(NewDocument {
            name: doc_name,
            sha256: blob.sha256,
            size: blob.size,
            content_type: u.kind.content_type().into(),
            original_name: u.file_name.clone(),
        });
    }
    let step_agencies = steps.iter().map(|s| s.agency_id).collect();
    let new = NewDossier {
        reference: crate::codes::random_code("HS-"),
        procedure_id: procedure.id,
        receiving_agency_id: agency.id,
        step_agencies,
        channel,
        applicant_kind: kind.into(),
        applicant_name: name,
        applicant_id_number: id_number,
        applicant_phone: phone.to_string(),
        applicant_email: email,
        applicant_address: address,
        delivery: body.delivery.clone(),
        processing: procedure.procedure.processing,
        steps,
        documents: new_docs,
        citizen_id: match origin {
            Origin::Portal(o) => o.citizen_id,
            _ => None,
        },
        draft_token: match origin {
            Origin::Portal(o) => Some(o.draft_token.clone()),
            _ => None,
        },
        reception: match origin {
            Origin::Counter(r) if staff.is_some() => Some(r.clone()),
            _ => None,
        },
    };
    let actor_label = staff.as_ref().map(Staff::label).unwrap_or_else(|| "applicant".into());
    let ctx = ActionContext { actor: &actor_label, now, agency_code: &agency_code, code_format: &state.config.code_format };
    state.names.ensure(state, &new.steps.iter().map(|s| s.agency_id).chain([agency.id]).collect::<Vec<_>>(), Some(procedure.id)).await?;
    let audience = if staff.is_some() { Audience::Staff } else { Audience::Applicant };
    let render = |d: &DossierRow| dossier_view(state, d, audience, None, None).map(|v| stored(StatusCode::CREATED, &v)).unwrap_or_else(|e| StoredResponse { status: 500, body: e.to_string() });
    let out = match state.store.create_dossier(&new, &transitions, &ctx, idem.map(|k| (k, &render as _))).await {
        Err(e) if e.is_unique_violation() && idem.is_some() => {
            // A concurrent request with the same key won the race: answer as it did.
            let k = idem.ok_or(ApiError::Internal("key".into()))?;
            return state.store.idempotent_response(k).await?.map(Submitted::Replayed).ok_or(ApiError::Conflict("Yêu cầu trùng đang được xử lý".into()));
        }
        other => other?,
    };
    state.dossiers_changed();
    tracing::info!(dossier = out.dossier.public_id(), channel = channel.as_str(), "dossier submitted");
    Ok(Submitted::Created(Box::new(out.dossier), audience))
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
        (Some(staff), Some(d)) if staff_sees_row(staff, d)? => Ok(Audience::Staff),
        (Some(_), _) => Err(ApiError::NotFound),
        (None, d) => {
            let secret = secret.unwrap_or("");
            let proven = state.throttles.applicant_guess(code, d.map(|d| d.id), secret, state.now(), || d.is_some_and(|d| applicant_secret_matches(d, secret)))?;
            if proven { Ok(Audience::Applicant) } else { Err(ApiError::NotFound) }
        }
    }
}

/// Whether staff see a dossier: they hold a role in its receiving agency or a step's agency.
pub fn staff_sees_row(staff: &Staff, d: &DossierRow) -> Result<bool, ApiError> {
    let actor = staff.actor();
    Ok(actor.sees(d.receiving_agency_id) || d.steps()?.iter().any(|s| actor.sees(s.agency_id)))
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

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Dossier state (e.g. `processing`).
    pub state: Option<String>,
    /// Agency code; must be in the caller's scope (default: all of it).
    pub agency: Option<String>,
    /// Procedure code.
    pub procedure: Option<String>,
    /// Field (lĩnh vực) of the procedure, as the catalogue names it.
    pub field: Option<String>,
    /// online | counter | post
    pub channel: Option<String>,
    /// Only dossiers whose current step is handed to the caller by name.
    pub mine: Option<bool>,
    /// early | on_time | late
    pub outcome: Option<String>,
    /// Only dossiers due at or after this instant (RFC 3339).
    pub due_after: Option<String>,
    /// Only dossiers due before this instant (RFC 3339).
    pub due_before: Option<String>,
    /// A dossier code or reference, an applicant's ID number or tax code, or part of an
    /// applicant's name.
    pub q: Option<String>,
    /// `newest` (default) or `urgent`: earliest due first, open dossiers only.
    pub order: Option<String>,
    /// The `next` value of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DossierPage {
    pub items: Vec<DossierSummary>,
    pub next: Option<String>,
}

fn parse_instant(e: &mut FieldErrors, path: &str, v: &Option<String>) -> Option<i64> {
    let s = v.as_deref()?;
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(t) => Some(t.timestamp_millis()),
        Err(_) => {
            e.add(path, "Thời điểm phải theo RFC 3339, ví dụ 2026-11-23T09:15:00+07:00");
            None
        }
    }
}

/// Dossiers in the caller's scope, newest first, with filters and keyset pagination.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers", operation_id = "list_dossiers", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = DossierPage), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller, Query(q): Query<ListQuery>) -> Result<Json<DossierPage>, ApiError> {
    let staff = caller.0.ok_or(ApiError::Unauthorized)?;
    let page = list_page(&state, &staff, &q, None).await?;
    Ok(Json(page))
}

/// One page of the staff list (shared by the API and the staff pages).
pub async fn list_page(state: &AppState, staff: &Staff, q: &ListQuery, cell: Option<DashboardCell>) -> Result<DossierPage, ApiError> {
    let mut e = FieldErrors::default();
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        e.add("limit", "Số hồ sơ mỗi trang phải từ 1 đến 200");
    }
    if q.state.as_deref().is_some_and(|s| DState::parse(s).is_none()) {
        e.add("state", "Trạng thái không hợp lệ");
    }
    if q.channel.as_deref().is_some_and(|c| !c.is_empty() && Channel::parse(c).is_none()) {
        e.add("channel", "Kênh nộp phải là online, counter hoặc post");
    }
    if q.outcome.as_deref().is_some_and(|o| motcua_core::calendar::Outcome::parse(o).is_none()) {
        e.add("outcome", "Kết quả đánh giá phải là early, on_time hoặc late");
    }
    let urgent = match q.order.as_deref().unwrap_or("newest") {
        "newest" | "" => false,
        "urgent" => true,
        _ => {
            e.add("order", "Thứ tự phải là newest hoặc urgent");
            false
        }
    };
    if q.q.as_deref().is_some_and(|s| s.chars().count() > 100) {
        e.add("q", "Từ khóa tìm kiếm dài quá 100 ký tự");
    }
    let cursor = q.cursor.as_deref().filter(|c| !c.is_empty());
    let (before_id, after_urgent) = match (cursor, urgent) {
        (None, _) => (None, None),
        (Some(c), false) => match c.parse::<i64>() {
            Ok(v) => (Some(v), None),
            Err(_) => {
                e.add("cursor", "Con trỏ trang không hợp lệ");
                (None, None)
            }
        },
        (Some(c), true) => match c.split_once('.').and_then(|(k, id)| Some((k.parse::<i64>().ok()?, id.parse::<i64>().ok()?))) {
            Some(pair) => (None, Some(pair)),
            None => {
                e.add("cursor", "Con trỏ trang không hợp lệ");
                (None, None)
            }
        },
    };
    let due = DueWindow { after: parse_instant(&mut e, "due_after", &q.due_after), before: parse_instant(&mut e, "due_before", &q.due_before) };
    let mut agencies = staff.agencies();
    if let Some(code) = q.agency.as_deref().filter(|c| !c.is_empty()) {
        match state.agency(code).await? {
            Some(a) if agencies.contains(&a.id) => agencies = vec![a.id],
            _ => e.add("agency", "Cơ quan không thuộc phạm vi của bạn"),
        }
    }
    let procedure_id = match q.procedure.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => match state.procedure(code).await? {
            Some(p) => Some(p.id),
            None => {
                e.add("procedure", "Không có thủ tục với mã này");
                None
            }
        },
        None => None,
    };
    if !e.is_empty() {
        return Err(ApiError::Invalid(e));
    }
    let filter = DossierFilter {
        agencies,
        state: q.state.clone(),
        procedure_id,
        field: q.field.clone().filter(|f| !f.trim().is_empty()),
        channel: q.channel.clone().filter(|c| !c.is_empty()),
        assignee: q.mine.unwrap_or(false).then_some(staff.0.user_id),
        outcome: q.outcome.clone(),
        due,
        open_only: urgent,
        search: q.q.clone(),
        before_id,
        order: if urgent { ListOrder::Urgent(after_urgent) } else { ListOrder::Newest },
        limit: limit + 1,
        cell,
    };
    let rows = state.store.list_dossiers(&filter).await?;
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    prepare_names(state, &rows.iter().collect::<Vec<_>>()).await?;
    let items = rows.iter().map(|d| dossier_summary(state, d)).collect::<Result<Vec<_>, _>>()?;
    let next = match (more, rows.last()) {
        (true, Some(d)) if urgent => Some(format!("{}.{}", due_key(d.due_at), d.id)),
        (true, Some(d)) => Some(d.id.to_string()),
        _ => None,
    };
    Ok(DossierPage { items, next })
}
