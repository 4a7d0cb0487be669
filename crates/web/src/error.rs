//! One error type for the HTTP layer, mapped to status codes in one place (the use
//! cases' [`AppError`] becomes one of these). Clients get
//! `{error, message, fields}` with a Vietnamese message; causes are logged, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use motcua_app::AppError;
use motcua_core::dossier::Refusal;
use motcua_core::validation::{FieldError, FieldErrors};
use motcua_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("invalid fields")]
    Invalid(FieldErrors),
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("payload too large")]
    TooLarge(String),
    #[error("unsupported media type")]
    UnsupportedMedia(String),
    #[error("service unavailable")]
    Unavailable,
    /// Too many attempts; the number is the seconds until the next may be made.
    #[error("too many attempts")]
    TooMany(i64),
    #[error("internal error: {0}")]
    Internal(String),
}

/// The JSON body of every error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code (`invalid`, `not_found`, `conflict`, …).
    pub error: &'static str,
    /// Vietnamese message for people.
    pub message: String,
    /// Per-field problems, with paths such as `applicant.phone`.
    pub fields: Vec<FieldErrorBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldErrorBody {
    pub path: String,
    pub message: String,
}

impl From<FieldError> for FieldErrorBody {
    fn from(e: FieldError) -> Self {
        FieldErrorBody { path: e.path, message: e.message }
    }
}

impl ApiError {
    pub fn field(path: &str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::default();
        e.add(path, message);
        ApiError::Invalid(e)
    }

    fn parts(self) -> (StatusCode, &'static str, String, Vec<FieldErrorBody>) {
        match self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m, vec![]),
            ApiError::Invalid(f) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Dữ liệu chưa hợp lệ, vui lòng kiểm tra các trường được đánh dấu".into(),
                f.0.into_iter().map(Into::into).collect(),
            ),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", "Vui lòng đăng nhập".into(), vec![]),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m, vec![]),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found", "Không tìm thấy".into(), vec![]),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m, vec![]),
            ApiError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", m, vec![]),
            ApiError::UnsupportedMedia(m) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", m, vec![]),
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Hệ thống đang tạm thời gián đoạn, vui lòng thử lại sau ít phút".into(), vec![]),
            ApiError::TooMany(secs) => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", format!("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau {} phút.", (secs + 59) / 60), vec![]),
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Lỗi hệ thống, vui lòng thử lại".into(), vec![])
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // When to come back: after a lock, or shortly after an outage.
        let retry_after = match self {
            ApiError::TooMany(secs) => Some(secs),
            ApiError::Unavailable => Some(30),
            _ => None,
        };
        let (status, error, message, fields) = self.parts();
        let mut resp = (status, Json(ErrorBody { error, message, fields })).into_response();
        if let Some(secs) = retry_after {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        resp
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Malformed(m) => ApiError::BadRequest(m),
            AppError::Invalid(f) => ApiError::Invalid(f),
            AppError::Unauthorized => ApiError::Unauthorized,
            AppError::Forbidden(m) => ApiError::Forbidden(m),
            AppError::NotFound => ApiError::NotFound,
            AppError::Conflict(m) => ApiError::Conflict(m),
            AppError::Unavailable => ApiError::Unavailable,
            AppError::Internal(m) => ApiError::Internal(m),
        }
    }
}

/// The store's errors read as the use cases read them.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        AppError::from(r).into()
    }
}

/// What a panic turns into: a plain 500 without details (the panic is logged).
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError::Internal("panic".into()).into_response()
}
