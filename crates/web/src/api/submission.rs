//! Reading a dossier submission: JSON, or multipart with a `dossier` JSON part and one
//! part per uploaded document. Limits are enforced while streaming, and file types are
//! recognised from their content.

use super::json::parse_json;
use crate::app::AppState;
use crate::error::ApiError;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use bytes::Bytes;
use motcua_core::files::{sanitize_name, sniff, FileKind};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
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

#[derive(Debug, Deserialize, ToSchema)]
pub struct DocumentInput {
    /// Name of the required document this file is for.
    pub name: String,
    /// Name of the multipart part holding the file.
    pub part: String,
}

/// A dossier submission.
#[derive(Debug, Deserialize, ToSchema)]
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
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceptionInput {
    /// Papers handed in, by their names in the procedure's list; every mandatory paper
    /// in the form the procedure asks for.
    pub papers: Vec<PaperInput>,
    /// Number of sets of the dossier handed in (số bộ), 1–10 (default 1).
    #[schema(minimum = 1, maximum = 10)]
    pub sets: Option<u32>,
    /// Fee collected, in đồng (default 0).
    #[schema(minimum = 0)]
    pub fee_vnd: Option<i64>,
    /// Number of the fee receipt (biên lai), required when a fee was collected.
    pub fee_receipt: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PaperInput {
    /// The paper's name as the procedure lists it.
    pub name: String,
    /// original | certified_copy | copy | shown
    pub form: String,
    /// Number of copies, 1–50 (at least what the procedure asks for).
    #[schema(minimum = 1, maximum = 50)]
    pub copies: u32,
}

/// An uploaded file, checked and named.
pub struct Upload {
    pub part: String,
    pub file_name: String,
    pub kind: FileKind,
    pub bytes: Bytes,
}

/// The parsed request with what identifies it for idempotency.
pub struct Submission {
    pub body: CreateDossier,
    pub uploads: Vec<Upload>,
    /// The JSON text and the uploads' hashes: stable across retries, unlike multipart boundaries.
    pub fingerprint: Vec<Vec<u8>>,
}

impl Submission {
    pub async fn read(req: Request, state: &AppState) -> Result<Submission, ApiError> {
        let ctype = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        if ctype.starts_with("application/json") {
            let bytes = Bytes::from_request(req, state).await.map_err(|_| ApiError::TooLarge("Dữ liệu gửi lên quá lớn".into()))?;
            let body = parse_json(&bytes)?;
            return Ok(Submission { body, uploads: Vec::new(), fingerprint: vec![bytes.to_vec()] });
        }
        if !ctype.starts_with("multipart/form-data") {
            return Err(ApiError::UnsupportedMedia("Gửi hồ sơ dạng application/json hoặc multipart/form-data".into()));
        }
        let mut mp = Multipart::from_request(req, state).await.map_err(|e| ApiError::BadRequest(format!("Multipart không hợp lệ: {e}")))?;
        let cfg = &state.config;
        let mut json: Option<Bytes> = None;
        let mut uploads = Vec::new();
        while let Some(field) = mp.next_field().await.map_err(multipart_error)? {
            let name = field.name().unwrap_or("").to_string();
            if name == "dossier" {
                let bytes = field.bytes().await.map_err(multipart_error)?;
                if bytes.len() > 256 * 1024 {
                    return Err(ApiError::TooLarge("Phần thông tin hồ sơ quá lớn".into()));
                }
                json = Some(bytes);
                continue;
            }
            if uploads.len() >= cfg.max_files {
                return Err(ApiError::field("documents", format!("Tối đa {} tệp trong một hồ sơ", cfg.max_files)));
            }
            uploads.push(read_upload(field, name, cfg.max_file_bytes).await?);
        }
        let json = json.ok_or_else(|| ApiError::field("dossier", "Thiếu phần “dossier” chứa thông tin hồ sơ (JSON)"))?;
        let body = parse_json(&json)?;
        let mut fingerprint = vec![json.to_vec()];
        for u in &uploads {
            fingerprint.push(u.part.as_bytes().to_vec());
            fingerprint.push(<sha2::Sha256 as sha2::Digest>::digest(&u.bytes).as_slice().to_vec());
        }
        Ok(Submission { body, uploads, fingerprint })
    }
}

/// Reads one uploaded file with its size limit enforced while streaming, and its type
/// recognised from its content.
pub async fn read_upload(mut field: axum::extract::multipart::Field<'_>, part: String, max_bytes: usize) -> Result<Upload, ApiError> {
    let file_name = sanitize_name(field.file_name().unwrap_or("tep-tin"));
    let mut buf = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if buf.len() + chunk.len() > max_bytes {
            return Err(ApiError::TooLarge(format!("Tệp “{file_name}” vượt quá {} MB", max_bytes / (1024 * 1024))));
        }
        buf.extend_from_slice(&chunk);
    }
    let kind = sniff(&buf).ok_or_else(|| ApiError::field(&format!("files.{part}"), format!("Tệp “{file_name}” không phải PDF, JPEG hoặc PNG")))?;
    Ok(Upload { part, file_name, kind, bytes: Bytes::from(buf) })
}

/// A page's multipart form: its text fields (each cut at 2,000 characters), the files that
/// passed their checks, and the problem of each file that did not (path or part, message).
pub(crate) struct PageForm {
    pub fields: std::collections::HashMap<String, String>,
    pub uploads: Vec<Upload>,
    pub file_errors: Vec<(String, String)>,
}

/// Reads a page's multipart form, enforcing the file count and size limits while streaming.
pub(crate) async fn read_page_form(mp: &mut Multipart, state: &AppState) -> Result<PageForm, ApiError> {
    let cfg = &state.config;
    let mut form = PageForm { fields: Default::default(), uploads: Vec::new(), file_errors: Vec::new() };
    while let Some(field) = mp.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name() {
            Some(f) if !f.is_empty() => {
                if form.uploads.len() >= cfg.max_files {
                    return Err(ApiError::TooLarge(format!("Tối đa {} tệp trong một hồ sơ", cfg.max_files)));
                }
                match read_upload(field, name.clone(), cfg.max_file_bytes).await {
                    Ok(u) => form.uploads.push(u),
                    Err(ApiError::Invalid(e)) => form.file_errors.extend(e.0.into_iter().map(|x| (x.path, x.message))),
                    Err(ApiError::TooLarge(m)) => form.file_errors.push((name, m)),
                    Err(e) => return Err(e),
                }
            }
            // An empty file input: nothing chosen.
            Some(_) => {}
            None => {
                let text = field.text().await.unwrap_or_default();
                form.fields.insert(name, text.chars().take(2000).collect());
            }
        }
    }
    Ok(form)
}

pub(crate) fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge("Tổng dung lượng hồ sơ vượt quá giới hạn".into())
    } else {
        ApiError::BadRequest(format!("Multipart không hợp lệ: {}", e.body_text()))
    }
}
