//! The staff dossier list: dossiers in the caller's scope, newest first or most urgent
//! first, filtered and searched, with keyset pagination (stable under inserts, no OFFSET
//! scans); and the number of dossiers in each state of a scope.

use super::dashboard::{push_received_in, Figure};
use crate::dossiers::{DossierRow, DOSSIER_COLUMNS};
use crate::sql::SqlBuilder;
use crate::{Store, StoreError};

/// Bounds on the due instant (milliseconds), for "due this week" or "overdue" views.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DueWindow {
    pub after: Option<i64>,
    pub before: Option<i64>,
}

/// How a list is ordered, with the keyset cursor of each order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    /// Newest first; the cursor is the last id shown.
    #[default]
    Newest,
    /// Earliest due first (dossiers without a due date last); the cursor is the last
    /// (due key, id) shown.
    Urgent(Option<(i64, i64)>),
}

/// The due key of the urgent order: dossiers not yet received (no due date) go last.
pub const NO_DUE: i64 = 9_000_000_000_000_000;

/// Filters of the staff list. `agencies` is the caller's scope and must not be empty.
#[derive(Debug, Clone, Default)]
pub struct DossierFilter {
    pub agencies: Vec<i64>,
    pub state: Option<String>,
    pub procedure_id: Option<i64>,
    /// Procedures of one field (lĩnh vực).
    pub field: Option<String>,
    /// online | counter | post
    pub channel: Option<String>,
    /// Only dossiers whose current step is handed to this officer by name.
    pub assignee: Option<i64>,
    pub outcome: Option<String>,
    pub due: DueWindow,
    /// Only dossiers still being handled (not finished, withdrawn or returned).
    pub open_only: bool,
    /// A dossier code or reference, an applicant's ID number or tax code (exact), or part
    /// of an applicant's name.
    pub search: Option<String>,
    /// Keyset cursor of the newest-first order: only dossiers with a smaller id.
    pub before_id: Option<i64>,
    pub order: ListOrder,
    pub limit: i64,
    /// The dossiers behind one number of the dashboard.
    pub cell: Option<DashboardCell>,
}

/// One number of the leaders' dashboard: dossiers received by `agencies` in `[from, to)`
/// (of one field, if given) meeting the figure's condition at `now`.
#[derive(Debug, Clone)]
pub struct DashboardCell {
    pub agencies: Vec<i64>,
    pub from: i64,
    pub to: i64,
    pub field: Option<String>,
    pub figure: Figure,
    pub now: i64,
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
        // Drafts are the applicant's until submitted.
        q.push(")) AND d.state <> 'draft'");
        if let Some(s) = &f.state {
            q.push(" AND d.state = ").bind(s.clone());
        }
        if let Some(p) = f.procedure_id {
            q.push(" AND d.procedure_id = ").bind(p);
        }
        if let Some(field) = &f.field {
            q.push(" AND d.procedure_id IN (SELECT id FROM procedures WHERE field = ").bind(field.clone()).push(")");
        }
        if let Some(c) = &f.channel {
            q.push(" AND d.channel = ").bind(c.clone());
        }
        if let Some(u) = f.assignee {
            q.push(" AND d.assignee_id = ").bind(u);
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
        if let Some(c) = &f.cell {
            q.push(" AND ");
            push_received_in(&mut q, &c.agencies, c.from, c.to);
            q.push(" AND ");
            c.figure.push_condition(&mut q, c.now);
            if let Some(field) = &c.field {
                q.push(" AND d.procedure_id IN (SELECT id FROM procedures WHERE field = ").bind(field.clone()).push(")");
            }
        }
        if f.open_only {
            q.push(" AND d.state IN ('submitted', 'received', 'processing', 'supplement_requested')");
        }
        if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            q.push(" AND (d.code = ").bind(s.to_string());
            q.push(" OR d.reference = ").bind(s.to_string());
            q.push(" OR d.applicant_id_number = ").bind(s.to_string());
            // Names as typed (with their diacritics); LIKE's wildcards in the text are
            // taken literally.
            let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            q.push(" OR d.applicant_name LIKE ").bind(format!("%{escaped}%")).push(" ESCAPE '\\')");
        }
        match f.order {
            ListOrder::Newest => {
                if let Some(id) = f.before_id {
                    q.push(" AND d.id < ").bind(id);
                }
                q.push(" ORDER BY d.id DESC LIMIT ");
            }
            ListOrder::Urgent(after) => {
                let key = format!("COALESCE(d.due_at, {NO_DUE})");
                if let Some((k, id)) = after {
                    q.push(&format!(" AND ({key} > ")).bind(k).push(&format!(" OR ({key} = ")).bind(k).push(" AND d.id > ").bind(id).push("))");
                }
                q.push(&format!(" ORDER BY {key}, d.id LIMIT "));
            }
        }
        q.bind(f.limit.clamp(1, 201));
        Ok(sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?)
    }

    /// How many dossiers of a scope are in each state.
    pub async fn count_by_state(&self, agencies: &[i64]) -> Result<Vec<(String, i64)>, StoreError> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = SqlBuilder::new("SELECT d.state, COUNT(*) FROM dossiers d WHERE EXISTS (SELECT 1 FROM dossier_agencies da WHERE da.dossier_id = d.id AND da.agency_id IN (");
        for (i, a) in agencies.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(*a);
        }
        q.push(")) AND d.state <> 'draft' GROUP BY d.state");
        Ok(sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?)
    }
}
