//! Submitting a dossier: online by a citizen (the portal or the API), at the counter or
//! by post by reception staff, who receive it at once. One use case for every adapter:
//! the input is checked field by field into core types, the files are stored, and the
//! dossier is created with its first transitions in one transaction.

use crate::access::Staff;
use crate::context::App;
use crate::error::AppError;
use crate::views::Audience;
use bytes::Bytes;
use chrono::Datelike;
use motcua_core::catalogue::OnlineLevel;
use motcua_core::dossier::{decide, Action, Actor, Channel, DossierFacts, Role, State as DState};
use motcua_core::files::FileKind;
use motcua_core::ids::{AgencyCode, Cccd, Phone, TaxCode};
use motcua_core::reception::CounterReception;
use motcua_core::validation::FieldErrors;
use motcua_store::{ActionContext, DossierRow, IdempotencyKey, NewDossier, StoredResponse};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicantInput {
    /// `person` (identified by CCCD) or `organisation` (by tax code).
    pub kind: String,
    pub name: String,
    /// 12-digit personal identification number, or the organisation's tax code.
    pub id_number: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentInput {
    /// Name of the required document this file is for.
    pub name: String,
    /// Name of the multipart part holding the file.
    pub part: String,
}

/// A dossier submission.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateDossier {
    pub procedure_code: String,
    /// Electronic code of the receiving agency (`H56.22366`).
    pub agency_code: String,
    /// online (default) | counter | post; counter and post are entered by reception staff.
    pub channel: Option<String>,
    pub applicant: ApplicantInput,
    /// How the result is returned: counter | post | online.
    pub delivery: String,
    #[serde(default)]
    pub documents: Vec<DocumentInput>,
    /// What reception staff received in hand: required for `counter`, optional for `post`,
    /// refused for `online`. Checked as the counter's screen checks it (Decree 61/2018,
    /// art. 19: only a complete dossier is received) and printed on the receipt (Mẫu 01).
    #[serde(default)]
    pub reception: Option<ReceptionInput>,
}

/// The counter's checklist of a dossier received in hand.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceptionInput {
    /// Papers handed in, by their names in the procedure's list; every mandatory paper
    /// in the form the procedure asks for.
    pub papers: Vec<PaperInput>,
    /// Number of sets of the dossier handed in (số bộ), 1–10 (default 1).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub sets: Option<u32>,
    /// Fee collected, in đồng (default 0).
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub fee_vnd: Option<i64>,
    /// Number of the fee receipt (biên lai), required when a fee was collected.
    pub fee_receipt: Option<String>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperInput {
    /// The paper's name as the procedure lists it.
    pub name: String,
    /// original | certified_copy | copy | shown
    pub form: String,
    /// Number of copies, 1–50 (at least what the procedure asks for).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 50))]
    pub copies: u32,
}


/// An uploaded file, checked (its type recognised from its content) and named.
pub struct Upload {
    pub part: String,
    pub file_name: String,
    pub kind: FileKind,
    pub bytes: Bytes,
}

/// The answer recorded under an idempotency key, in the same transaction as the
/// dossier: the adapter says what it answers for a dossier seen by this audience.
pub type AnswerFor<'a> = &'a (dyn Fn(&DossierRow, Audience) -> StoredResponse + Send + Sync);

/// The checklist of a dossier received in hand through the API, checked by the counter
/// screen's rule ([`motcua_core::reception::check_named`]): required at the counter,
/// optional by post, refused online. `Ok(None)`: nothing to record (or nothing to check
/// yet: an unknown procedure or a caller who may not enter it is refused by `submit`).
async fn counter_checklist(app: &App, staff: Option<&Staff>, body: &CreateDossier) -> Result<Result<Option<CounterReception>, FieldErrors>, AppError> {
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
    let Some(procedure) = app.procedure(body.procedure_code.trim()).await? else { return Ok(Ok(None)) };
    let papers: Vec<motcua_core::reception::NamedPaper<'_>> =
        r.papers.iter().map(|x| motcua_core::reception::NamedPaper { name: &x.name, form: &x.form, copies: x.copies }).collect();
    if papers.len() > 100 {
        e.add("reception.papers", "Danh mục có quá nhiều giấy tờ");
        return Ok(Err(e));
    }
    Ok(motcua_core::reception::check_named(&procedure.procedure, &papers, r.sets.unwrap_or(1), r.fee_vnd.unwrap_or(0), r.fee_receipt.as_deref().unwrap_or("")).map(Some))
}

/// A submission whose body may carry what reception received in hand (`reception`, as
/// the JSON API takes it): the checklist is checked by the counter screen's rule, and its
/// errors come back with every other field's, in one answer.
pub async fn submit_with_reception(app: &App, staff: Option<&Staff>, body: &CreateDossier, uploads: &[Upload], idem: Option<(&IdempotencyKey, AnswerFor<'_>)>) -> Result<Submitted, AppError> {
    match counter_checklist(app, staff, body).await? {
        Ok(Some(reception)) => submit(app, staff, body, uploads, idem, false, Origin::Counter(&reception)).await,
        Ok(None) => submit(app, staff, body, uploads, idem, false, Origin::Api).await,
        Err(mut errors) => match submit(app, staff, body, uploads, None, true, Origin::Api).await {
            Ok(_) => Err(AppError::Invalid(errors)),
            Err(AppError::Invalid(mut e)) => {
                e.0.append(&mut errors.0);
                Err(AppError::Invalid(e))
            }
            Err(e) => Err(e),
        },
    }
}

/// The agencies an officer receives dossiers for at the counter (their reception grants),
/// in Vietnamese order of their names.
pub async fn reception_agencies(app: &App, staff: &Staff) -> Result<Vec<motcua_store::AgencyRow>, AppError> {
    let ids: Vec<i64> = staff.0.grants.iter().filter(|g| g.role == Role::Reception).map(|g| g.agency_id).collect();
    let mut v: Vec<motcua_store::AgencyRow> = app.agencies_today().await?.iter().filter(|a| ids.contains(&a.id)).cloned().collect();
    v.sort_by_cached_key(|a| motcua_core::text::sort_key(&a.name));
    Ok(v)
}

/// Where a portal submission comes from: the signed-in citizen (if any) and the draft it
/// finishes.
pub struct PortalOrigin {
    pub citizen_id: Option<i64>,
    pub draft_token: String,
}

/// Who hands a submission in, beyond the caller.
#[derive(Clone, Copy)]
pub enum Origin<'a> {
    Api,
    Portal(&'a PortalOrigin),
    /// The counter's reception screen, with its checklist and fee.
    Counter(&'a CounterReception),
}

/// What a submission led to.
pub enum Submitted {
    Created(Box<DossierRow>, Audience),
    /// A concurrent request with the same idempotency key won the race; its answer.
    Replayed(StoredResponse),
    /// Only validated (`validate_only`): nothing was written.
    Valid,
}

/// Validates a submission into core types, stores its files, and creates the dossier
/// (received at once when staff enter it at the counter). Shared by the API and the
/// portal's submission form.
pub async fn submit(
    app: &App,
    staff_caller: Option<&Staff>,
    body: &CreateDossier,
    uploads: &[Upload],
    idem: Option<(&IdempotencyKey, AnswerFor<'_>)>,
    validate_only: bool,
    origin: Origin<'_>,
) -> Result<Submitted, AppError> {
    let now = app.now();
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
    let procedure = match app.procedure(body.procedure_code.trim()).await? {
        Some(p) => Some(p),
        None => {
            e.add("procedure_code", "Không có thủ tục với mã này");
            None
        }
    };
    let agency = match AgencyCode::parse(&body.agency_code) {
        Ok(code) => {
            let today = motcua_core::time::local_date(now).format("%Y-%m-%d").to_string();
            app.agency(code.as_str()).await?.filter(|a| a.valid_from <= today && a.valid_to.as_deref().is_none_or(|to| to > today.as_str()))
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
        if let Some(motcua_core::catalogue::ProcedureOwner::Province(owner)) = app.store.procedure_owner(&p.procedure.code).await? {
            let province = match ag.unit_code.as_deref() {
                Some(u) => app.store.unit_province(u).await?,
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
        return Err(AppError::Invalid(e));
    }
    if validate_only {
        return Ok(Submitted::Valid);
    }
    let (Some(channel), Some((kind, id_number)), Some(name), Some(phone), Some(procedure), Some(agency)) =
        (channel, applicant_kind, name, phone, procedure, agency)
    else {
        return Err(AppError::Internal("validated submission lacks a field".into()));
    };
    // Counter and post submissions are entered by reception staff of the receiving agency.
    let staff = match channel {
        Channel::Online => None,
        _ => {
            let s = staff_caller.cloned().ok_or(AppError::Unauthorized)?;
            if !s.actor().holds(Role::Reception, agency.id) {
                return Err(AppError::Forbidden("Chỉ cán bộ một cửa của cơ quan tiếp nhận được nhập hồ sơ trực tiếp".into()));
            }
            Some(s)
        }
    };
    let agency_code = AgencyCode::parse(&agency.code).map_err(|_| AppError::Internal("stored agency code".into()))?;
    let steps = app.store.resolve_workflow(&procedure.procedure.code, &procedure.procedure.workflow, &agency).await?.map_err(|kind| {
        AppError::field("agency_code", format!("Chưa có cơ quan loại “{kind}” phối hợp giải quyết tại địa bàn này"))
    })?;
    let facts = DossierFacts::new(agency.id, procedure.procedure.processing, steps.clone(), DState::Draft);
    // Deadlines run on the receiving agency's calendar: the one-stop section answers to the applicant.
    let cal = &*app.calendar_for(agency.id);
    let rules = &app.settings.rules;
    let submitted = decide(&facts, &Actor::Applicant, &Action::Submit, now, cal, rules)?;
    let mut transitions = vec![submitted];
    if let Some(s) = &staff {
        let received = decide(&transitions[0].next, &s.actor(), &Action::Receive { note: None }, now, cal, rules)?;
        transitions.push(received);
    }
    let mut new_docs = Vec::with_capacity(documents.len());
    for (doc_name, u) in documents {
        new_docs.push(crate::actions::stored_document(app, u, doc_name).await?);
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
    let ctx = ActionContext { actor: &actor_label, now, agency_code: &agency_code, code_format: &app.settings.code_format };
    app.names.ensure(app, &new.steps.iter().map(|s| s.agency_id).chain([agency.id]).collect::<Vec<_>>(), Some(procedure.id)).await?;
    let audience = if staff.is_some() { Audience::Staff } else { Audience::Applicant };
    let keyed = idem.map(|(k, answer)| (k, move |d: &DossierRow| answer(d, audience)));
    let out = match app.store.create_dossier(&new, &transitions, &ctx, keyed.as_ref().map(|(k, render)| (*k, render as _))).await {
        Err(e) if e.is_unique_violation() && idem.is_some() => {
            // A concurrent request with the same key won the race: answer as it did.
            let k = idem.map(|(k, _)| k).ok_or(AppError::Internal("key".into()))?;
            return app.store.idempotent_response(k).await?.map(Submitted::Replayed).ok_or(AppError::Conflict("Yêu cầu trùng đang được xử lý".into()));
        }
        other => other?,
    };
    app.dossiers_changed();
    tracing::info!(dossier = out.dossier.public_id(), channel = channel.as_str(), "dossier submitted");
    Ok(Submitted::Created(Box::new(out.dossier), audience))
}

