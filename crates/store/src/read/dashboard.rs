//! The leaders' dashboard: for the dossiers of a scope received in a period, grouped by
//! agency or by field, how many were received, are still open, are overdue now, finished
//! early, on time or late, came online, and how satisfied applicants were. One grouped
//! query over `dossiers_agency_received`; each figure is a condition a drill-down can
//! repeat, so the numbers and the dossiers behind them agree.

use crate::sql::SqlBuilder;
use crate::{Store, StoreError};

/// What rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Agency,
    Field,
}

/// One row of the dashboard.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct DashboardRow {
    /// Agency id as text, or the field's name.
    pub key: String,
    pub received: i64,
    pub open: i64,
    pub overdue: i64,
    pub early: i64,
    pub on_time: i64,
    pub late: i64,
    pub online: i64,
    pub rated: i64,
    pub satisfied: i64,
}

impl Store {
    /// The dashboard rows for dossiers whose receiving agency is in `agencies`, received in
    /// `[from, to)` (milliseconds); `now` decides what is overdue.
    pub async fn dashboard(&self, agencies: &[i64], from: i64, to: i64, now: i64, group: GroupBy) -> Result<Vec<DashboardRow>, StoreError> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let key = match group {
            GroupBy::Agency => "CAST(d.receiving_agency_id AS TEXT)",
            GroupBy::Field => "p.field",
        };
        let open = "d.state IN ('received', 'processing', 'supplement_requested')";
        let mut q = SqlBuilder::new(&format!(
            "SELECT {key} AS key, COUNT(*) AS received, \
             SUM(CASE WHEN {open} THEN 1 ELSE 0 END) AS open, \
             SUM(CASE WHEN {open} AND d.state <> 'supplement_requested' AND d.due_at < "
        ));
        q.bind(now);
        q.push(
            " THEN 1 ELSE 0 END) AS overdue, \
             SUM(CASE WHEN d.outcome = 'early' THEN 1 ELSE 0 END) AS early, \
             SUM(CASE WHEN d.outcome = 'on_time' THEN 1 ELSE 0 END) AS on_time, \
             SUM(CASE WHEN d.outcome = 'late' THEN 1 ELSE 0 END) AS late, \
             SUM(CASE WHEN d.channel = 'online' THEN 1 ELSE 0 END) AS online, \
             COUNT(r.dossier_id) AS rated, \
             SUM(CASE WHEN r.satisfaction IN ('very_satisfied', 'satisfied') THEN 1 ELSE 0 END) AS satisfied \
             FROM dossiers d JOIN procedures p ON p.id = d.procedure_id LEFT JOIN ratings r ON r.dossier_id = d.id \
             WHERE d.received_at >= ",
        );
        q.bind(from).push(" AND d.received_at < ").bind(to).push(" AND d.receiving_agency_id IN (");
        for (i, a) in agencies.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(*a);
        }
        q.push(&format!(") GROUP BY {key} ORDER BY received DESC"));
        Ok(sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?)
    }
}
