//! The staff dossier list: dossiers in the caller's scope, newest first, filtered, with
//! keyset pagination on id (stable under inserts, no OFFSET scans).

use crate::dossiers::{DossierRow, DOSSIER_COLUMNS};
use crate::sql::SqlBuilder;
use crate::{Store, StoreError};

/// Bounds on the due instant (milliseconds), for "due this week" or "overdue" views.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DueWindow {
    pub after: Option<i64>,
    pub before: Option<i64>,
}

/// Filters of the staff list. `agencies` is the caller's scope and must not be empty.
#[derive(Debug, Clone, Default)]
pub struct DossierFilter {
    pub agencies: Vec<i64>,
    pub state: Option<String>,
    pub procedure_id: Option<i64>,
    pub outcome: Option<String>,
    pub due: DueWindow,
    /// Keyset cursor: only dossiers with a smaller id.
    pub before_id: Option<i64>,
    pub limit: i64,
}

impl Store {
    /// One page of dossiers. Uses `dossier_agencies (agency_id, dossier_id)` for scope and
    /// the primary key for order; the other filters are checked on the rows met.
    pub async fn list_dossiers(&self, f: &DossierFilter) -> Result<Vec<DossierRow>, StoreError> {
        if f.agencies.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = SqlBuilder::new(&format!(
            "SELECT {DOSSIER_COLUMNS} FROM dossiers d WHERE EXISTS (SELECT 1 FROM dossier_agencies da WHERE da.dossier_id = d.id AND da.agency_id IN ("
        ));
        for (i, a) in f.agencies.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(*a);
        }
        q.push("))");
        if let Some(s) = &f.state {
            q.push(" AND d.state = ").bind(s.clone());
        }
        if let Some(p) = f.procedure_id {
            q.push(" AND d.procedure_id = ").bind(p);
        }
        if let Some(o) = &f.outcome {
            q.push(" AND d.outcome = ").bind(o.clone());
        }
        if let Some(a) = f.due.after {
            q.push(" AND d.due_at >= ").bind(a);
        }
        if let Some(b) = f.due.before {
            q.push(" AND d.due_at < ").bind(b);
        }
        if let Some(id) = f.before_id {
            q.push(" AND d.id < ").bind(id);
        }
        q.push(" ORDER BY d.id DESC LIMIT ").bind(f.limit.clamp(1, 200));
        Ok(sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?)
    }
}
