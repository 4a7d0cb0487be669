//! JSON request bodies with errors that name the field: `{"fields": [{"path": "applicant.phone", …}]}`.

use crate::error::ApiError;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use bytes::Bytes;
use serde::de::DeserializeOwned;

/// Parses JSON from bytes, reporting the path of the first wrong field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::BadRequest(format!("JSON không hợp lệ (dòng {}, cột {})", inner.line(), inner.column()))
        } else {
            // serde reports a missing field at its parent; name the field itself.
            let msg = inner.to_string();
            let missing = msg.strip_prefix("missing field `").and_then(|r| r.split('`').next());
            let path = match (path.as_str(), missing) {
                (".", Some(f)) => f.to_string(),
                (p, Some(f)) => format!("{p}.{f}"),
                (".", None) => String::new(),
                (p, None) => p.to_string(),
            };
            match missing {
                Some(_) => ApiError::field(&path, "Thiếu trường bắt buộc"),
                None => ApiError::field(&path, format!("Sai kiểu dữ liệu: {inner}")),
            }
        }
    })
}

/// A JSON body. Unlike axum's `Json`, every rejection is our JSON error shape.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::UnsupportedMedia("Yêu cầu phải có Content-Type: application/json".into()));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| match e.status() {
            axum::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge("Dữ liệu gửi lên quá lớn".into()),
            _ => ApiError::BadRequest("Không đọc được nội dung yêu cầu".into()),
        })?;
        Ok(ApiJson(parse_json(&bytes)?))
    }
}
