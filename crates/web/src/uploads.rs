//! Files uploaded through a multipart form (the API's submission, the portal's and the
//! counter's forms, the staff actions): limits enforced while streaming, and each file's
//! type recognised from its content.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::Multipart;
use bytes::Bytes;
use motcua_app::submission::Upload;
use motcua_core::files::{sanitize_name, sniff};

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
pub struct PageForm {
    pub fields: std::collections::HashMap<String, String>,
    pub uploads: Vec<Upload>,
    pub file_errors: Vec<(String, String)>,
}

/// Reads a page's multipart form, enforcing the file count and size limits while streaming.
pub async fn read_page_form(mp: &mut Multipart, state: &AppState) -> Result<PageForm, ApiError> {
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

pub fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge("Tổng dung lượng hồ sơ vượt quá giới hạn".into())
    } else {
        ApiError::BadRequest(format!("Multipart không hợp lệ: {}", e.body_text()))
    }
}
