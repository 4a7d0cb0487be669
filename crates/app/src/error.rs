//! The one error of the use cases. Each variant is a kind of answer a person gets
//! (their input, their rights, the dossier's state, an outage); the web crate maps them
//! to HTTP status codes in one place, and other adapters to what they speak.

use motcua_core::dossier::Refusal;
use motcua_core::validation::FieldErrors;
use motcua_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that cannot be read at all (not JSON, rows of an import that do not parse).
    #[error("malformed input: {0}")]
    Malformed(String),
    /// Input read but wrong, field by field (paths such as `applicant.phone`).
    #[error("invalid fields")]
    Invalid(FieldErrors),
    /// Nobody is signed in where someone must be.
    #[error("not signed in")]
    Unauthorized,
    /// Signed in, but this person may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Absent, or not this person's to see (the same answer, so nothing leaks).
    #[error("not found")]
    NotFound,
    /// The record is not in a state that allows this now.
    #[error("conflict: {0}")]
    Conflict(String),
    /// An outage that passes: the database or the disk, for now.
    #[error("temporarily unavailable")]
    Unavailable,
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(path: &str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::default();
        e.add(path, message);
        AppError::Invalid(e)
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict => AppError::Conflict("Hồ sơ vừa được người khác cập nhật; vui lòng tải lại và thử lại".into()),
            StoreError::IdempotencyMismatch => AppError::field("Idempotency-Key", "Khóa chống trùng lặp này đã dùng cho một yêu cầu khác"),
            StoreError::InvalidRows(_) => AppError::Malformed("Dữ liệu nhập không hợp lệ".into()),
            // Outages, a locked or full database, a full disk: they pass.
            e if e.is_temporary() => {
                tracing::warn!(cause = %e, "temporarily unavailable");
                AppError::Unavailable
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::WrongState { .. } => AppError::Conflict(r.to_string()),
            Refusal::Forbidden | Refusal::OutOfScope => AppError::Forbidden(r.to_string()),
            Refusal::Invalid { path, message } => AppError::field(path, message),
        }
    }
}
