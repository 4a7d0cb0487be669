//! Online submission (`/nop-ho-so/{code}`), in three steps that all work without
//! JavaScript: the form, a review of everything entered, then the receipt (page and PDF).
//!
//! Every post of the form is kept as a draft: files that pass their checks are stored at
//! once, so a mistake in one field never costs the applicant their uploads, and a
//! signed-in citizen can leave and come back. The draft's random token is the capability
//! to see it and, once submitted, its receipt. Submission goes through the same validation
//! and creation path as the API.

use super::render;
use crate::api::dossiers::{submit, Origin, PortalOrigin, Submitted};
use crate::api::submission::{read_page_form, ApplicantInput, CreateDossier, DocumentInput, Upload};
use crate::app::AppState;
use crate::auth::WebCitizen;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use motcua_core::catalogue::{DocumentKind, OnlineLevel, Procedure};
use motcua_core::files::FileKind;
use motcua_store::{CitizenRow, DraftRow, ProcedureRow};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What the applicant typed, kept in the draft.
#[derive(Default, Clone, Serialize, Deserialize)]
struct FormValues {
    #[serde(default)]
    province: String,
    agency: String,
    kind: String,
    name: String,
    id_number: String,
    phone: String,
    email: String,
    address: String,
    delivery: String,
}

/// A file already checked and stored for one document of the procedure.
#[derive(Clone, Serialize, Deserialize)]
struct DraftFile {
    sha256: String,
    original_name: String,
    content_type: String,
    size: i64,
}

/// Stored files by the index of the procedure's document they are for.
type DraftFiles = BTreeMap<usize, DraftFile>;

struct DocSlot {
    index: usize,
    name: String,
    kind: &'static str,
    required: bool,
    field: String,
    /// The file already given for this slot (name and size), if any.
    given: Option<String>,
}

const DELIVERIES: [(&str, &str); 3] = [("online", "Nhận kết quả điện tử"), ("counter", "Nhận tại Bộ phận Một cửa"), ("post", "Nhận qua dịch vụ bưu chính")];

fn delivery_label(d: &str) -> &'static str {
    DELIVERIES.iter().find(|(k, _)| *k == d).map(|(_, l)| *l).unwrap_or("")
}

fn size_label(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

#[derive(Template)]
#[template(path = "submit.html")]
struct SubmitPage {
    code: String,
    procedure: String,
    time: String,
    agency_text: String,
    online: bool,
    provinces: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    documents: Vec<DocSlot>,
    /// The signed-in citizen's stored documents (hash, label) offered for reuse.
    reusable: Vec<(String, String)>,
    deliveries: [(&'static str, &'static str); 3],
    max_mb: usize,
    form: FormValues,
    errors: Vec<(String, String)>,
    draft: String,
    signed_in: bool,
}

/// An agency that receives the procedure, with the province it serves.
struct Receiving {
    code: String,
    name: String,
    province: String,
    province_name: String,
}

/// The agencies in force that receive this procedure, in Vietnamese order of their names.
async fn receiving_agencies(state: &AppState, p: &Procedure) -> Result<Vec<Receiving>, ApiError> {
    let provinces: HashMap<String, (String, String)> =
        state.store.agency_provinces(&state.today()).await?.into_iter().map(|(a, code, name)| (a, (code, name))).collect();
    Ok(state
        .agencies_today()
        .await?
        .iter()
        .filter(|a| p.agency_kinds.contains(&a.kind))
        .map(|a| {
            let (province, province_name) = provinces.get(&a.code).cloned().unwrap_or_default();
            Receiving { code: a.code.clone(), name: a.name.clone(), province, province_name }
        })
        .collect())
}

async fn page(state: &AppState, row: &ProcedureRow, mut form: FormValues, files: &DraftFiles, citizen: Option<&CitizenRow>) -> Result<SubmitPage, ApiError> {
    let p = &row.procedure;
    let all = receiving_agencies(state, p).await?;
    let mut provinces: Vec<(String, String)> = all.iter().filter(|a| !a.province.is_empty()).map(|a| (a.province.clone(), a.province_name.clone())).collect();
    provinces.sort_by_cached_key(|(_, name)| motcua_core::text::sort_key(name));
    provinces.dedup();
    // One province on this system (the usual case): nothing to choose.
    if form.province.is_empty() && provinces.len() == 1 {
        form.province = provinces[0].0.clone();
    }
    if form.province.is_empty() {
        if let Some(a) = all.iter().find(|a| a.code == form.agency) {
            form.province = a.province.clone();
        }
    }
    let agencies = all.into_iter().filter(|a| form.province.is_empty() || a.province == form.province).map(|a| (a.code, a.name)).collect();
    let reusable = match citizen {
        Some(c) => state
            .store
            .citizen_documents(c, 100)
            .await?
            .into_iter()
            .map(|d| (d.sha256, format!("{} — {} ({}, hồ sơ {})", d.original_name, d.name, size_label(d.size), d.dossier)))
            .collect(),
        None => Vec::new(),
    };
    Ok(SubmitPage {
        code: p.code.clone(),
        procedure: p.name.clone(),
        time: p.processing.label_vi(),
        agency_text: p.agency_text.clone(),
        online: p.online != OnlineLevel::None,
        provinces,
        agencies,
        documents: p
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind != DocumentKind::Shown)
            .map(|(index, d)| DocSlot {
                index,
                name: d.name.clone(),
                kind: d.kind.label_vi(),
                required: d.mandatory,
                field: format!("f{index}"),
                given: files.get(&index).map(|f| format!("{} ({})", f.original_name, size_label(f.size))),
            })
            .collect(),
        reusable,
        deliveries: DELIVERIES,
        max_mb: state.config.max_file_bytes / (1024 * 1024),
        form,
        errors: Vec::new(),
        draft: String::new(),
        signed_in: citizen.is_some(),
    })
}

fn parse_draft(d: &DraftRow) -> (FormValues, DraftFiles) {
    (serde_json::from_str(&d.form).unwrap_or_default(), serde_json::from_str(&d.files).unwrap_or_default())
}

/// A draft the caller may use: open, and either anonymous or their own.
async fn usable_draft(state: &AppState, token: &str, citizen: Option<&CitizenRow>) -> Result<Option<DraftRow>, ApiError> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    Ok(state.store.draft(token).await?.filter(|d| d.citizen_id.is_none() || d.citizen_id == citizen.map(|c| c.id)))
}

#[derive(Deserialize)]
pub struct FormQuery {
    tinh: Option<String>,
    nhap: Option<String>,
}

pub async fn form(State(state): State<AppState>, Path(code): Path<String>, Query(q): Query<FormQuery>, citizen: WebCitizen) -> Response {
    let result: Result<Response, ApiError> = async {
        let row = state.procedure(&code).await?.ok_or(ApiError::NotFound)?;
        let citizen = citizen.0.as_ref();
        let draft = usable_draft(&state, q.nhap.as_deref().unwrap_or(""), citizen).await?.filter(|d| d.status == "open" && d.procedure_code == row.procedure.code);
        let (mut form, files) = match &draft {
            Some(d) => parse_draft(d),
            None => (FormValues { delivery: "online".into(), ..FormValues::default() }, DraftFiles::new()),
        };
        if draft.is_none() {
            if let Some(c) = citizen {
                form.name = c.full_name.clone();
                match c.login_kind.as_str() {
                    "phone" => form.phone = c.login.clone(),
                    _ => form.email = c.login.clone(),
                }
            }
        }
        if let Some(t) = q.tinh.filter(|t| t.len() <= 10) {
            form.province = t;
            form.agency.clear();
        }
        let mut p = page(&state, &row, form, &files, citizen).await?;
        p.draft = draft.map(|d| d.token).unwrap_or_default();
        Ok(render(p))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The form field an API error path belongs to.
fn field_of(path: &str) -> String {
    if let Some(i) = path.strip_prefix("documents.required[").and_then(|r| r.strip_suffix(']')) {
        return format!("f{i}");
    }
    if let Some(part) = path.strip_prefix("files.") {
        return part.to_string();
    }
    match path {
        "agency_code" | "procedure_code" => "agency".into(),
        p => p.strip_prefix("applicant.").unwrap_or(p).to_string(),
    }
}

/// The API submission a draft stands for, with its files as uploads. Only the files'
/// identities are needed to validate; `with_bytes` loads their content to create.
async fn submission_of(state: &AppState, p: &Procedure, form: &FormValues, files: &DraftFiles, with_bytes: bool) -> Result<(CreateDossier, Vec<Upload>), ApiError> {
    let mut uploads = Vec::with_capacity(files.len());
    let mut documents = Vec::with_capacity(files.len());
    for (i, f) in files {
        let Some(doc) = p.documents.get(*i) else { continue };
        let bytes = if with_bytes { Bytes::from(state.blobs.get(&f.sha256).await?) } else { Bytes::new() };
        let kind = FileKind::from_content_type(&f.content_type).ok_or_else(|| ApiError::Internal(format!("stored draft file type {}", f.content_type)))?;
        uploads.push(Upload { part: format!("f{i}"), file_name: f.original_name.clone(), kind, bytes });
        documents.push(DocumentInput { name: doc.name.clone(), part: format!("f{i}") });
    }
    let body = CreateDossier {
        procedure_code: p.code.clone(),
        agency_code: form.agency.clone(),
        channel: None,
        applicant: ApplicantInput {
            kind: if form.kind == "organisation" { "organisation".into() } else { "person".into() },
            name: form.name.clone(),
            id_number: form.id_number.clone(),
            phone: form.phone.clone(),
            email: Some(form.email.clone()),
            address: Some(form.address.clone()),
        },
        delivery: form.delivery.clone(),
        documents,
        reception: None,
    };
    Ok((body, uploads))
}

/// Saves the form (and any good files) as a draft, then continues to the review, or back
/// to the form with every problem marked.
pub async fn post(State(state): State<AppState>, Path(code): Path<String>, citizen: WebCitizen, mut mp: Multipart) -> Response {
    let row = match state.procedure(&code).await {
        Ok(Some(r)) => r,
        Ok(None) => return ApiError::NotFound.into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let citizen = citizen.0;
    let form = match read_page_form(&mut mp, &state).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let errors = form.file_errors.iter().map(|(path, m)| (field_of(path), m.clone())).collect();
    match save_and_check(&state, &row, citizen.as_ref(), &form.fields, form.uploads, errors).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn save_and_check(
    state: &AppState,
    row: &Arc<ProcedureRow>,
    citizen: Option<&CitizenRow>,
    fields: &HashMap<String, String>,
    uploads: Vec<Upload>,
    mut errors: Vec<(String, String)>,
) -> Result<Response, ApiError> {
    let p = &row.procedure;
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let existing = usable_draft(state, &get("draft"), citizen).await?;
    if existing.as_ref().is_some_and(|d| d.status != "open") {
        // Already submitted (a resend of the form): show its receipt.
        return Ok(Redirect::to(&format!("/nop-ho-so/bien-nhan/{}", get("draft"))).into_response());
    }
    let (_, mut files) = existing.as_ref().map(parse_draft).unwrap_or_default();
    let form = FormValues {
        province: get("province"),
        agency: get("agency"),
        kind: get("kind"),
        name: get("name"),
        id_number: get("id_number"),
        phone: get("phone"),
        email: get("email"),
        address: get("address"),
        delivery: get("delivery"),
    };
    // Files that passed their checks are kept; a new file replaces the slot's old one.
    for u in &uploads {
        let Some(i) = u.part.strip_prefix('f').and_then(|i| i.parse::<usize>().ok()).filter(|i| *i < p.documents.len()) else { continue };
        let blob = state.blobs.put(&u.bytes).await?;
        files.insert(i, DraftFile { sha256: blob.sha256, original_name: u.file_name.clone(), content_type: u.kind.content_type().into(), size: blob.size });
    }
    // Documents reused from the citizen's store, for slots without a new upload.
    for (i, _) in p.documents.iter().enumerate() {
        let chosen = get(&format!("r{i}"));
        if chosen.is_empty() || uploads.iter().any(|u| u.part == format!("f{i}")) {
            continue;
        }
        let found = match citizen {
            Some(c) if chosen.len() == 64 => state.store.citizen_document(c, &chosen).await?,
            _ => None,
        };
        match found {
            Some(d) => {
                files.insert(i, DraftFile { sha256: d.sha256, original_name: d.original_name, content_type: d.content_type, size: d.size });
            }
            None => errors.push((format!("f{i}"), "Không tìm thấy giấy tờ đã chọn trong kho giấy tờ của bạn".into())),
        }
    }
    let now = state.now();
    let token = existing.as_ref().map(|d| d.token.clone()).unwrap_or_else(motcua_store::new_token);
    let draft = DraftRow {
        token: token.clone(),
        citizen_id: citizen.map(|c| c.id),
        procedure_code: p.code.clone(),
        form: serde_json::to_string(&form).map_err(|e| ApiError::Internal(e.to_string()))?,
        files: serde_json::to_string(&files).map_err(|e| ApiError::Internal(e.to_string()))?,
        status: "open".into(),
        dossier_id: None,
        created_at: existing.as_ref().map(|d| d.created_at).unwrap_or(motcua_store::ms(now)),
        updated_at: motcua_store::ms(now),
    };
    state.store.save_draft(&draft).await?;
    if get("action") == "save" && citizen.is_some() {
        return Ok(Redirect::to("/ho-so-cua-toi?luu=1").into_response());
    }
    let (body, stand_ins) = submission_of(state, p, &form, &files, false).await?;
    match submit(state, None, &body, &stand_ins, None, true, Origin::Api).await {
        Ok(Submitted::Valid) if errors.is_empty() => return Ok(Redirect::to(&format!("/nop-ho-so/xem-lai/{token}")).into_response()),
        Ok(_) => {}
        Err(ApiError::Invalid(e)) => errors.extend(e.0.into_iter().map(|x| (field_of(&x.path), x.message))),
        Err(e) => return Err(e),
    }
    let mut page = page(state, row, form, &files, citizen).await?;
    page.errors = errors;
    page.draft = token;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response())
}

#[derive(Template)]
#[template(path = "submit_review.html")]
struct ReviewPage {
    token: String,
    code: String,
    procedure: String,
    time: String,
    agency: String,
    applicant: Vec<(&'static str, String)>,
    documents: Vec<(String, String)>,
    missing: Vec<String>,
    error: Option<String>,
}

async fn review_page(state: &AppState, d: &DraftRow) -> Result<ReviewPage, ApiError> {
    let row = state.procedure(&d.procedure_code).await?.ok_or(ApiError::NotFound)?;
    let p = &row.procedure;
    let (form, files) = parse_draft(d);
    let agency = state.agency(&form.agency).await?.map(|a| a.name.clone()).unwrap_or_default();
    let kind = if form.kind == "organisation" { "Mã số thuế" } else { "Số định danh cá nhân" };
    let mut applicant = vec![("Họ và tên / tên tổ chức", form.name.clone()), (kind, form.id_number.clone()), ("Số điện thoại", form.phone.clone())];
    if !form.email.trim().is_empty() {
        applicant.push(("Thư điện tử", form.email.clone()));
    }
    if !form.address.trim().is_empty() {
        applicant.push(("Địa chỉ", form.address.clone()));
    }
    applicant.push(("Nhận kết quả", delivery_label(&form.delivery).into()));
    let documents = files
        .iter()
        .filter_map(|(i, f)| p.documents.get(*i).map(|doc| (doc.name.clone(), format!("{} ({})", f.original_name, size_label(f.size)))))
        .collect();
    let missing = p
        .documents
        .iter()
        .enumerate()
        .filter(|(i, doc)| !doc.mandatory && doc.kind != DocumentKind::Shown && !files.contains_key(i))
        .map(|(_, doc)| doc.name.clone())
        .collect();
    Ok(ReviewPage {
        token: d.token.clone(),
        code: p.code.clone(),
        procedure: p.name.clone(),
        time: p.processing.label_vi(),
        agency,
        applicant,
        documents,
        missing,
        error: None,
    })
}

pub async fn review(State(state): State<AppState>, Path(token): Path<String>, citizen: WebCitizen) -> Response {
    let result: Result<Response, ApiError> = async {
        let d = usable_draft(&state, &token, citizen.0.as_ref()).await?.ok_or(ApiError::NotFound)?;
        if d.status == "submitted" {
            return Ok(Redirect::to(&format!("/nop-ho-so/bien-nhan/{token}")).into_response());
        }
        Ok(render(review_page(&state, &d).await?))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Submits a reviewed draft, once: a second click finds it claimed and shows the receipt.
pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>, citizen: WebCitizen, addr: crate::throttle::ClientAddr) -> Response {
    let result: Result<Response, ApiError> = async {
        let citizen = citizen.0;
        let d = usable_draft(&state, &token, citizen.as_ref()).await?.ok_or(ApiError::NotFound)?;
        // Anonymous submissions are limited per address; a signed-in citizen answers for theirs.
        let anonymous = d.citizen_id.is_none() && citizen.is_none();
        if anonymous {
            state.throttles.may_send_anonymously(&addr, state.now())?;
        }
        if !state.store.claim_draft(&token, state.now()).await? {
            // A second click while the first is still being created: wait for it briefly,
            // so the receipt this answer leads to exists.
            for _ in 0..50 {
                match state.store.draft(&token).await? {
                    Some(d) if d.status == "submitting" => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
                    _ => break,
                }
            }
            return Ok(Redirect::to(&format!("/nop-ho-so/bien-nhan/{token}")).into_response());
        }
        let row = state.procedure(&d.procedure_code).await?.ok_or(ApiError::NotFound)?;
        let (form, files) = parse_draft(&d);
        let origin = PortalOrigin { citizen_id: d.citizen_id.or(citizen.as_ref().map(|c| c.id)), draft_token: token.clone() };
        let outcome = match submission_of(&state, &row.procedure, &form, &files, true).await {
            Ok((body, uploads)) => submit(&state, None, &body, &uploads, None, false, Origin::Portal(&origin)).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(Submitted::Created(..)) => {
                if anonymous {
                    state.throttles.sent_anonymously(&addr, state.now());
                }
                Ok(Redirect::to(&format!("/nop-ho-so/bien-nhan/{token}")).into_response())
            }
            Ok(_) => {
                state.store.release_draft(&token).await?;
                Err(ApiError::Internal("portal submission was not created".into()))
            }
            Err(ApiError::Invalid(e)) => {
                // Something changed since the review (an agency closed, say): back to the form.
                state.store.release_draft(&token).await?;
                let mut page = page(&state, &row, form, &files, citizen.as_ref()).await?;
                page.errors = e.0.into_iter().map(|x| (field_of(&x.path), x.message)).collect();
                page.draft = token;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response())
            }
            Err(e) => {
                state.store.release_draft(&token).await?;
                Err(e)
            }
        }
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

#[derive(Template)]
#[template(path = "submit_receipt.html")]
struct ReceiptPage {
    token: String,
    public_id: String,
    received: bool,
    lines: Vec<(&'static str, String)>,
    documents: Vec<(String, String)>,
    signed_in: bool,
}

/// The submitted dossier of a draft, with what its receipt prints.
async fn receipt_data(state: &AppState, token: &str) -> Result<(motcua_pdf::SubmissionReceipt, bool), ApiError> {
    let d = state.store.draft(token).await?.filter(|d| d.status == "submitted").ok_or(ApiError::NotFound)?;
    let dossier = state.store.dossier_by_id(d.dossier_id.ok_or(ApiError::NotFound)?).await?.ok_or(ApiError::NotFound)?;
    let row = state.procedure(&d.procedure_code).await?.ok_or(ApiError::NotFound)?;
    let agency = state.store.agency_by_id(dossier.receiving_agency_id).await?.map(|a| a.name).unwrap_or_default();
    let docs = state.store.dossier_documents(dossier.id).await?;
    let at = |t: motcua_core::time::Instant| motcua_core::time::to_local(t).format("%H:%M ngày %d/%m/%Y").to_string();
    let public_id = dossier.public_id().to_string();
    let received = dossier.code.is_some();
    let receipt = motcua_pdf::SubmissionReceipt {
        agency_name: agency,
        procedure_name: row.procedure.name.clone(),
        procedure_code: row.procedure.code.clone(),
        public_id: public_id.clone(),
        applicant_name: dossier.applicant_name.clone(),
        applicant_id_number: dossier.applicant_id_number.clone(),
        phone: dossier.applicant_phone.clone(),
        submitted_at: at(motcua_store::from_ms(dossier.submitted_at)),
        processing_time: row.procedure.processing.label_vi(),
        delivery: delivery_label(&dossier.delivery).into(),
        status: if received { "Đã tiếp nhận".into() } else { "Đã nộp, chờ Bộ phận Một cửa tiếp nhận".into() },
        documents: docs.into_iter().map(|x| (x.name, x.original_name)).collect(),
        lookup_url: format!("{}/tra-cuu?ma={public_id}", state.config.public_url.trim_end_matches('/')),
        created: state.now(),
    };
    Ok((receipt, received))
}

pub async fn receipt(State(state): State<AppState>, Path(token): Path<String>, citizen: WebCitizen) -> Response {
    let result: Result<Response, ApiError> = async {
        let (r, received) = receipt_data(&state, &token).await?;
        let lines = vec![
            ("Thủ tục", format!("{} ({})", r.procedure_name, r.procedure_code)),
            ("Nơi nộp", r.agency_name.clone()),
            ("Người nộp", r.applicant_name.clone()),
            ("Thời điểm nộp", r.submitted_at.clone()),
            ("Thời hạn giải quyết", r.processing_time.clone()),
            ("Nhận kết quả", r.delivery.clone()),
        ];
        Ok(render(ReceiptPage { token, public_id: r.public_id, received, lines, documents: r.documents, signed_in: citizen.0.is_some() }))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

pub async fn receipt_pdf(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let result: Result<Response, ApiError> = async {
        let (r, _) = receipt_data(&state, &token).await?;
        let name = format!("bien-nhan-{}.pdf", r.public_id);
        let pdf = tokio::task::spawn_blocking(move || motcua_pdf::submission_receipt(&r))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(
            (
                [(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\""))],
                pdf,
            )
                .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
