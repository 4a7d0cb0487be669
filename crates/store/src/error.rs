//! Errors of the storage layer.

use motcua_core::validation::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("file store error: {0}")]
    Io(#[from] std::io::Error),
    #[error("configuration: {0}")]
    Config(String),
    #[error("not found")]
    NotFound,
    /// Someone else changed the record since it was read (optimistic version check).
    #[error("the record was changed by someone else; reload and try again")]
    Conflict,
    /// The idempotency key was already used for a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    /// Import rows that failed validation, by line; nothing was written.
    #[error("{} invalid rows", .0.len())]
    InvalidRows(Vec<(usize, FieldErrors)>),
    /// Stored data that does not parse (a bug or tampering).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether this is a uniqueness violation (a concurrent insert of the same key).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}
