//! JSON request bodies with errors that name the field: `{"fields": [{"path": "applicant.phone", …}]}`.

use crate::error::ApiError;
pub use motcua_app::json::parse_json;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use bytes::Bytes;
use serde::de::DeserializeOwned;

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

