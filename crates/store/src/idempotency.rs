//! Idempotency keys: a client that retries after a timeout gets the first answer again
//! instead of a second dossier or a second action.

use crate::{ms, Store, StoreError};
use motcua_core::time::Instant;
use sha2::{Digest, Sha256};
use crate::sql::SqlBuilder;

/// A key as presented by a client, with what it was used for.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    /// Who presented it (`user:7`, `applicant:<reference>`, `anonymous`).
    pub scope: String,
    pub key: String,
    /// Hash of the request (method, path, body), to refuse the key's reuse for another request.
    pub request_hash: String,
}

impl IdempotencyKey {
    pub fn new(scope: impl Into<String>, key: impl Into<String>, request: &[&[u8]]) -> Self {
        let mut h = Sha256::new();
        for part in request {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        IdempotencyKey { scope: scope.into(), key: key.into(), request_hash: hex::encode(h.finalize()) }
    }
}

/// The response first given for a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

/// Adds the record of a key and its response to a batch.
pub(crate) fn push_insert(q: &mut SqlBuilder, key: &IdempotencyKey, r: &StoredResponse, now: Instant) {
    q.next_statement().push("INSERT INTO idempotency_keys (scope, key, request_hash, status, body, created_at) VALUES (");
    q.bind(key.scope.clone()).push(", ").bind(key.key.clone()).push(", ").bind(key.request_hash.clone()).push(", ");
    q.bind(r.status as i64).push(", ").bind(r.body.clone()).push(", ").bind(ms(now)).push(")");
}

impl Store {
    /// The stored response for a key, or an error if the key was used for another request.
    pub async fn idempotent_response(&self, key: &IdempotencyKey) -> Result<Option<StoredResponse>, StoreError> {
        let row: Option<(String, i64, String)> =
            sqlx::query_as("SELECT request_hash, status, body FROM idempotency_keys WHERE scope = $1 AND key = $2")
                .bind(&key.scope)
                .bind(&key.key)
                .fetch_optional(&self.read)
                .await?;
        match row {
            None => Ok(None),
            Some((hash, _, _)) if hash != key.request_hash => Err(StoreError::IdempotencyMismatch),
            Some((_, status, body)) => Ok(Some(StoredResponse { status: status as u16, body })),
        }
    }
}
