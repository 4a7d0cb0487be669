//! Reading a dossier submission: JSON, or multipart with a `dossier` JSON part and one
//! part per uploaded document (see [`crate::uploads`] for the files).

use super::json::parse_json;
use crate::error::ApiError;
use crate::state::AppState;
use crate::uploads::{multipart_error, read_upload};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use bytes::Bytes;
use motcua_app::submission::{CreateDossier, Upload};

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

