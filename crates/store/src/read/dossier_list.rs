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
const NO_DUE: i64 = 9_000_000_000_000_000;

/// A dossier's place in the urgent order, from its due time in milliseconds (kept in the
/// scope table and used as the page cursor, so both must compute it alike).
pub fn due_key(due_at_ms: Option<i64>) -> i64 {
    due_at_ms.unwrap_or(NO_DUE)
}

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

/// Open states, as the partial index `dossier_agencies_open` names them (a query must
/// repeat this exact condition for the planner to use it).
const OPEN: &str = "da.state IN ('submitted', 'received', 'processing', 'supplement_requested')";

/// Scopes up to this many agencies are listed one agency at a time through the scope
/// table's indexes (SQLite allows 500 terms in a compound query).
const MAX_ARMS: usize = 400;

impl DossierFilter {
    /// The conditions on the dossier row `d` (and its scope row `da`) besides scope and order.
    fn push_conditions(&self, q: &mut SqlBuilder) {
        // Drafts are the applicant's until submitted.
        q.push(" AND da.state <> 'draft'");
        if let Some(s) = &self.state {
            q.push(" AND da.state = ").bind(s.clone());
        }
        if let Some(p) = self.procedure_id {
            q.push(" AND d.procedure_id = ").bind(p);
        }
        if let Some(field) = &self.field {
            q.push(" AND d.procedure_id IN (SELECT id FROM procedures WHERE field = ").bind(field.clone()).push(")");
        }
        if let Some(c) = &self.channel {
            q.push(" AND d.channel = ").bind(c.clone());
        }
        if let Some(u) = self.assignee {
            q.push(" AND d.assignee_id = ").bind(u);
        }
        if let Some(o) = &self.outcome {
            q.push(" AND d.outcome = ").bind(o.clone());
        }
        if let Some(a) = self.due.after {
            q.push(" AND d.due_at >= ").bind(a);
        }
        if let Some(b) = self.due.before {
            q.push(" AND d.due_at < ").bind(b);
        }
        if let Some(c) = &self.cell {
            q.push(" AND ");
            push_received_in(q, &c.agencies, c.from, c.to);
            q.push(" AND ");
            c.figure.push_condition(q, c.now);
            if let Some(field) = &c.field {
                q.push(" AND d.procedure_id IN (SELECT id FROM procedures WHERE field = ").bind(field.clone()).push(")");
            }
        }
        if self.open_only {
            q.push(" AND ").push(OPEN);
        }
        if let Some(s) = self.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            q.push(" AND (d.code = ").bind(s.to_string());
            q.push(" OR d.reference = ").bind(s.to_string());
            q.push(" OR d.applicant_id_number = ").bind(s.to_string());
            // Names as typed (with their diacritics); LIKE's wildcards in the text are
            // taken literally. A name has letters and no digits: numbers and codes are matched exactly
            // above, without walking the whole scope for a name that cannot match.
            if s.chars().any(char::is_alphabetic) && !s.chars().any(|c| c.is_ascii_digit()) {
                let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                q.push(" OR d.applicant_name LIKE ").bind(format!("%{escaped}%")).push(" ESCAPE '\\'");
            }
            q.push(")");
        }
    }

    /// The keyset condition and order on the scope row.
    fn push_order(&self, q: &mut SqlBuilder, limit: i64) {
        match self.order {
            ListOrder::Newest => {
                if let Some(id) = self.before_id {
                    q.push(" AND da.dossier_id < ").bind(id);
                }
                q.push(" ORDER BY da.dossier_id DESC LIMIT ").bind(limit);
            }
            ListOrder::Urgent(after) => {
                if let Some((k, id)) = after {
                    q.push(" AND (da.due_key > ").bind(k).push(" OR (da.due_key = ").bind(k).push(" AND da.dossier_id > ").bind(id).push("))");
                }
                q.push(" ORDER BY da.due_key, da.dossier_id LIMIT ").bind(limit);
            }
        }
    }
}

impl Store {
    /// One page of dossiers. The scope table `dossier_agencies` carries each dossier's
    /// state and due key, so each agency's page is a walk along one index in the page's
    /// order — `(agency_id, due_key, dossier_id)` for open dossiers, the primary key for
    /// the newest — whatever the agency's size; a scope of several agencies merges their
    /// pages (a dossier of two agencies of the scope is listed once).
    pub async fn list_dossiers(&self, f: &DossierFilter) -> Result<Vec<DossierRow>, StoreError> {
        if f.agencies.is_empty() {
            return Ok(Vec::new());
        }
        let limit = f.limit.clamp(1, 201);
        let mut q = SqlBuilder::new(&format!("SELECT {DOSSIER_COLUMNS} FROM dossiers d JOIN ("));
        let arms: Vec<Vec<i64>> = if f.agencies.len() <= MAX_ARMS { f.agencies.iter().map(|a| vec![*a]).collect() } else { vec![f.agencies.clone()] };
        for (n, arm) in arms.iter().enumerate() {
            if n > 0 {
                q.push(" UNION ");
            }
            q.push(&format!("SELECT k, i FROM (SELECT {} AS k, da.dossier_id AS i FROM dossier_agencies da JOIN dossiers d ON d.id = da.dossier_id WHERE da.agency_id IN (", match f.order {
                ListOrder::Newest => "da.dossier_id",
                ListOrder::Urgent(_) => "da.due_key",
            }));
            for (j, a) in arm.iter().enumerate() {
                if j > 0 {
                    q.push(", ");
                }
                q.bind(*a);
            }
            q.push(")");
            f.push_conditions(&mut q);
            f.push_order(&mut q, limit);
            q.push(&format!(") a{n}"));
        }
        q.push(match f.order {
            ListOrder::Newest => ") u ON u.i = d.id ORDER BY u.i DESC LIMIT ",
            ListOrder::Urgent(_) => ") u ON u.i = d.id ORDER BY u.k, u.i LIMIT ",
        });
        q.bind(limit);
        Ok(sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?)
    }

    /// How many dossiers of a scope are in each state (drafts are not staff's), from the
    /// scope table's `(agency_id, state)` index.
    pub async fn count_by_state(&self, agencies: &[i64]) -> Result<Vec<(String, i64)>, StoreError> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        // A dossier of two agencies of the scope counts once.
        let count = if agencies.len() == 1 { "COUNT(*)" } else { "COUNT(DISTINCT dossier_id)" };
        let mut q = SqlBuilder::new(&format!("SELECT state, {count} FROM dossier_agencies WHERE agency_id IN ("));
        for (i, a) in agencies.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(*a);
        }
        q.push(") AND state <> 'draft' GROUP BY state");
        Ok(sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?)
    }
}
