//! The tracking book of an agency (Sổ theo dõi hồ sơ, Mẫu 07): its dossiers received in a
//! period, in order of reception (index `dossiers_agency_received`).

use crate::{Store, StoreError};

/// One line of the book.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookRow {
    pub code: Option<String>,
    pub procedure_id: i64,
    pub applicant_name: String,
    pub received_at: i64,
    pub original_due_at: Option<i64>,
    pub due_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub outcome: Option<String>,
    pub returned_at: Option<i64>,
    pub state: String,
}

impl Store {
    /// The dossiers an agency received in `[from, to)` (milliseconds), oldest first, at most
    /// `limit`.
    pub async fn tracking_book(&self, agency_id: i64, from: i64, to: i64, limit: i64) -> Result<Vec<BookRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT code, procedure_id, applicant_name, received_at, original_due_at, due_at, finished_at, outcome, returned_at, state \
             FROM dossiers WHERE receiving_agency_id = $1 AND received_at >= $2 AND received_at < $3 ORDER BY received_at, id LIMIT $4",
        )
        .bind(agency_id)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }
}
