//! Online submission (`/nop-ho-so/{code}`): one form, no JavaScript, files streamed with
//! their limits and checked by content; the same validation and creation path as the API.
//! Errors come back next to their fields with what was typed kept.

use super::render;
use crate::api::dossiers::{submit, Submitted};
use crate::api::submission::{read_upload, ApplicantInput, CreateDossier, DocumentInput, Upload};
use crate::app::AppState;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_core::catalogue::{DocumentKind, OnlineLevel};
use std::collections::HashMap;

#[derive(Default)]
struct FormValues {
    agency: String,
    kind: String,
    name: String,
    id_number: String,
    phone: String,
    email: String,
    address: String,
    delivery: String,
}

struct DocSlot {
    index: usize,
    name: String,
    kind: &'static str,
    required: bool,
    field: String,
}

#[derive(Template)]
#[template(path = "submit.html")]
struct SubmitPage {
    code: String,
    procedure: String,
    time: String,
    agency_text: String,
    online: bool,
    agencies: Vec<(String, String)>,
    documents: Vec<DocSlot>,
    deliveries: Vec<(&'static str, &'static str)>,
    max_mb: usize,
    form: FormValues,
    errors: Vec<(String, String)>,
    has_files: bool,
    done: Option<String>,
}

async fn base_page(state: &AppState, code: &str) -> Result<(SubmitPage, std::sync::Arc<motcua_store::ProcedureRow>), ApiError> {
    let row = state.procedure(code).await?.ok_or(ApiError::NotFound)?;
    let p = &row.procedure;
    let today = motcua_core::time::local_date(state.now()).format("%Y-%m-%d").to_string();
    let agencies = state
        .store
        .agencies_in_force(&today)
        .await?
        .into_iter()
        .filter(|a| p.agency_kinds.contains(&a.kind))
        .map(|a| (a.code, a.name))
        .collect();
    let page = SubmitPage {
        code: p.code.clone(),
        procedure: p.name.clone(),
        time: p.processing.label_vi(),
        agency_text: p.agency_text.clone(),
        online: p.online != OnlineLevel::None,
        agencies,
        documents: p
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind != DocumentKind::Shown)
            .map(|(index, d)| DocSlot { index, name: d.name.clone(), kind: d.kind.label_vi(), required: d.mandatory, field: format!("f{index}") })
            .collect(),
        deliveries: vec![("online", "Nhận kết quả điện tử"), ("counter", "Nhận tại Bộ phận Một cửa"), ("post", "Nhận qua dịch vụ bưu chính")],
        max_mb: state.config.max_file_bytes / (1024 * 1024),
        form: FormValues { delivery: "online".into(), ..FormValues::default() },
        errors: Vec::new(),
        has_files: false,
        done: None,
    };
    Ok((page, row))
}

pub async fn form(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    match base_page(&state, &code).await {
        Ok((page, _)) => render(page),
        Err(e) => e.into_response(),
    }
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

pub async fn post(State(state): State<AppState>, Path(code): Path<String>, mut mp: Multipart) -> Response {
    let (mut page, row) = match base_page(&state, &code).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut uploads: Vec<Upload> = Vec::new();
    let mut errors: Vec<(String, String)> = Vec::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return crate::api::submission::multipart_error(e).into_response(),
        };
        let name = field.name().unwrap_or("").to_string();
        if field.file_name().is_some_and(|f| !f.is_empty()) {
            if uploads.len() >= state.config.max_files {
                return ApiError::TooLarge("Quá nhiều tệp".into()).into_response();
            }
            match read_upload(field, name.clone(), state.config.max_file_bytes).await {
                Ok(u) => uploads.push(u),
                Err(ApiError::Invalid(e)) => errors.extend(e.0.into_iter().map(|x| (field_of(&x.path), x.message))),
                Err(ApiError::TooLarge(m)) => errors.push((name, m)),
                Err(e) => return e.into_response(),
            }
        } else if field.file_name().is_none() {
            let text = field.text().await.unwrap_or_default();
            fields.insert(name, text.chars().take(2000).collect());
        }
    }
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    page.form = FormValues {
        agency: get("agency"),
        kind: get("kind"),
        name: get("name"),
        id_number: get("id_number"),
        phone: get("phone"),
        email: get("email"),
        address: get("address"),
        delivery: get("delivery"),
    };
    page.has_files = !uploads.is_empty();
    let documents = uploads
        .iter()
        .filter_map(|u| u.part.strip_prefix('f').and_then(|i| i.parse::<usize>().ok()).map(|i| (i, u)))
        .filter_map(|(i, u)| row.procedure.documents.get(i).map(|d| DocumentInput { name: d.name.clone(), part: u.part.clone() }))
        .collect();
    let body = CreateDossier {
        procedure_code: row.procedure.code.clone(),
        agency_code: page.form.agency.clone(),
        channel: None,
        applicant: ApplicantInput {
            kind: if page.form.kind == "organisation" { "organisation".into() } else { "person".into() },
            name: page.form.name.clone(),
            id_number: page.form.id_number.clone(),
            phone: page.form.phone.clone(),
            email: Some(page.form.email.clone()),
            address: Some(page.form.address.clone()),
        },
        delivery: page.form.delivery.clone(),
        documents,
    };
    // With a bad file nothing may be written, but the other fields are still checked so
    // every problem shows at once.
    let validate_only = !errors.is_empty();
    match submit(&state, None, &body, &uploads, None, validate_only).await {
        Ok(Submitted::Created(d, _)) => {
            page.done = Some(d.public_id().to_string());
            return (StatusCode::CREATED, render(page)).into_response();
        }
        Ok(Submitted::Valid) => {}
        Ok(Submitted::Replayed(_)) => return ApiError::Conflict("Yêu cầu trùng".into()).into_response(),
        Err(ApiError::Invalid(e)) => errors.extend(e.0.into_iter().map(|x| (field_of(&x.path), x.message))),
        Err(e) => return e.into_response(),
    }
    page.errors = errors;
    (StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response()
}
