//! Online submission (`/nop-ho-so/{code}`), in three steps that all work without
//! JavaScript: the form, a review of everything entered, then the receipt (page and PDF).
//!
//! Every post of the form is kept as a draft: files that pass their checks are stored at
//! once, so a mistake in one field never costs the applicant their uploads, and a
//! signed-in citizen can leave and come back. The draft's random token is the capability
//! to see it and, once submitted, its receipt. Submission goes through the same validation
//! and creation path as the API.

use super::render;
use crate::auth::WebCitizen;
use crate::error::ApiError;
use crate::state::AppState;
use crate::uploads::read_page_form;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::portal::{self, parse_draft, Confirmed, DraftFiles, DraftForm, DraftPost, Saved};
use motcua_app::submission::Upload;
use motcua_app::AppError;
use motcua_core::catalogue::{DocumentKind, OnlineLevel, Procedure};
use motcua_store::{CitizenRow, DraftRow, ProcedureRow};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

struct DocSlot {
    index: usize,
    name: String,
    kind: &'static str,
    required: bool,
    field: String,
    /// The file already given for this slot (name and size), if any.
    given: Option<String>,
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
    form: DraftForm,
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

async fn page(state: &AppState, row: &ProcedureRow, mut form: DraftForm, files: &DraftFiles, citizen: Option<&CitizenRow>) -> Result<SubmitPage, ApiError> {
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
        deliveries: portal::DELIVERIES,
        max_mb: state.config.max_file_bytes / (1024 * 1024),
        form,
        errors: Vec::new(),
        draft: String::new(),
        signed_in: citizen.is_some(),
    })
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
        let draft = portal::usable_draft(&state, q.nhap.as_deref().unwrap_or(""), citizen).await?.filter(|d| d.status == "open" && d.procedure_code == row.procedure.code);
        let (mut form, files) = match &draft {
            Some(d) => parse_draft(d),
            None => (DraftForm { delivery: "online".into(), ..DraftForm::default() }, DraftFiles::new()),
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
    let form = DraftForm {
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
    let reused = (0..p.documents.len()).map(|i| (i, get(&format!("r{i}")))).filter(|(_, sha)| !sha.is_empty()).collect();
    let post = DraftPost { token: get("draft"), form, uploads, reused };
    let (token, form, files, problems) = match portal::save_draft(state, row, citizen, post).await? {
        // Already submitted (a resend of the form): show its receipt.
        Saved::AlreadySubmitted => return Ok(Redirect::to(&format!("/nop-ho-so/bien-nhan/{}", get("draft"))).into_response()),
        Saved::Kept(k) => (k.token, k.form, k.files, k.problems),
    };
    errors.extend(problems.0.into_iter().map(|x| (x.path, x.message)));
    if get("action") == "save" && citizen.is_some() {
        return Ok(Redirect::to("/ho-so-cua-toi?luu=1").into_response());
    }
    match portal::check_draft(state, p, &form, &files).await {
        Ok(()) if errors.is_empty() => return Ok(Redirect::to(&format!("/nop-ho-so/xem-lai/{token}")).into_response()),
        Ok(()) => {}
        Err(AppError::Invalid(e)) => errors.extend(e.0.into_iter().map(|x| (field_of(&x.path), x.message))),
        Err(e) => return Err(e.into()),
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
    applicant.push(("Nhận kết quả", portal::delivery_label(&form.delivery).into()));
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
        let d = portal::usable_draft(&state, &token, citizen.0.as_ref()).await?.ok_or(ApiError::NotFound)?;
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
        let d = portal::usable_draft(&state, &token, citizen.as_ref()).await?.ok_or(ApiError::NotFound)?;
        // Anonymous submissions are limited per address; a signed-in citizen answers for theirs.
        let anonymous = d.citizen_id.is_none() && citizen.is_none();
        if anonymous {
            state.throttles.may_send_anonymously(&addr, state.now())?;
        }
        match portal::confirm_draft(&state, &d, citizen.as_ref()).await {
            Ok(Confirmed::AlreadyClaimed) => Ok(Redirect::to(&format!("/nop-ho-so/bien-nhan/{token}")).into_response()),
            Ok(Confirmed::Submitted) => {
                if anonymous {
                    state.throttles.sent_anonymously(&addr, state.now());
                }
                Ok(Redirect::to(&format!("/nop-ho-so/bien-nhan/{token}")).into_response())
            }
            Err(AppError::Invalid(e)) => {
                // Something changed since the review (an agency closed, say): back to the form.
                let row = state.procedure(&d.procedure_code).await?.ok_or(ApiError::NotFound)?;
                let (form, files) = parse_draft(&d);
                let mut page = page(&state, &row, form, &files, citizen.as_ref()).await?;
                page.errors = e.0.into_iter().map(|x| (field_of(&x.path), x.message)).collect();
                page.draft = token;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response())
            }
            Err(e) => Err(e.into()),
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

pub async fn receipt(State(state): State<AppState>, Path(token): Path<String>, citizen: WebCitizen) -> Response {
    let result: Result<Response, ApiError> = async {
        let (r, received) = portal::receipt(&state, &token).await?;
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
        let (name, pdf) = portal::receipt_pdf(&state, &token).await?;
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
