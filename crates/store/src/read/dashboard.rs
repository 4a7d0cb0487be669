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
    /// Month of reception in Vietnamese time (`2026-11`), for the trend.
    Month,
}

/// What one officer did in a period: receptions, steps finished (forwarded, returned,
/// approved) and how many of those within the step's own time budget.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct OfficerRow {
    /// `user:<id>`
    pub actor: String,
    pub received: i64,
    pub steps: i64,
    pub steps_in_time: i64,
    pub steps_late: i64,
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

/// A figure of the dashboard: a condition on a dossier that both the grouped count and the
/// drill-down list apply, so that a number and the dossiers behind it always agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Received,
    Open,
    Overdue,
    Early,
    OnTime,
    Late,
    Online,
}

impl Figure {
    pub const ALL: [Figure; 7] = [Figure::Received, Figure::Open, Figure::Overdue, Figure::Early, Figure::OnTime, Figure::Late, Figure::Online];

    pub fn as_str(self) -> &'static str {
        match self {
            Figure::Received => "tiep-nhan",
            Figure::Open => "dang-giai-quyet",
            Figure::Overdue => "qua-han",
            Figure::Early => "truoc-han",
            Figure::OnTime => "dung-han",
            Figure::Late => "tre-han",
            Figure::Online => "truc-tuyen",
        }
    }

    pub fn parse(s: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Figure::Received => "Tiếp nhận",
            Figure::Open => "Đang giải quyết",
            Figure::Overdue => "Quá hạn hiện tại",
            Figure::Early => "Trước hạn",
            Figure::OnTime => "Đúng hạn",
            Figure::Late => "Trễ hạn",
            Figure::Online => "Trực tuyến",
        }
    }

    /// Adds the figure's condition on `d` (a dossier row); `now` decides what is overdue.
    pub(crate) fn push_condition(self, q: &mut SqlBuilder, now: i64) {
        const OPEN: &str = "d.state IN ('received', 'processing', 'supplement_requested')";
        match self {
            Figure::Received => q.push("1 = 1"),
            Figure::Open => q.push(OPEN),
            // A dossier waiting for the applicant's papers is never overdue.
            Figure::Overdue => q.push("d.state IN ('received', 'processing') AND d.due_at < ").bind(now),
            Figure::Early => q.push("d.outcome = 'early'"),
            Figure::OnTime => q.push("d.outcome = 'on_time'"),
            Figure::Late => q.push("d.outcome = 'late'"),
            Figure::Online => q.push("d.channel = 'online'"),
        };
    }
}

/// Dossiers received by one of `agencies` in `[from, to)`, as the dashboard counts them.
pub(crate) fn push_received_in(q: &mut SqlBuilder, agencies: &[i64], from: i64, to: i64) {
    q.push("d.received_at >= ").bind(from).push(" AND d.received_at < ").bind(to).push(" AND d.receiving_agency_id IN (");
    for (i, a) in agencies.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(*a);
    }
    q.push(")");
}

impl Store {
    /// The dashboard rows for dossiers whose receiving agency is in `agencies`, received in
    /// `[from, to)` (milliseconds); `now` decides what is overdue. The counts come from the
    /// covering index `dossiers_dashboard` alone (a field is the procedures' after
    /// grouping); satisfaction is that of the ratings given in the period (from
    /// `ratings_agency`), since looking up each dossier's rating costs more than the rest.
    pub async fn dashboard(&self, agencies: &[i64], from: i64, to: i64, now: i64, group: GroupBy) -> Result<Vec<DashboardRow>, StoreError> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        // Vietnamese time is UTC+7 all year (25,200,000 ms).
        let month = |col: &str| match self.backend {
            crate::Backend::Sqlite => format!("strftime('%Y-%m', ({col} + 25200000) / 1000, 'unixepoch')"),
            crate::Backend::Postgres => format!("to_char(to_timestamp(({col} + 25200000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM')"),
        };
        let key = match group {
            GroupBy::Agency => "CAST(d.receiving_agency_id AS TEXT)".to_string(),
            GroupBy::Field => "d.procedure_id".to_string(),
            GroupBy::Month => month("d.received_at"),
        };
        let mut q = SqlBuilder::new(&format!("SELECT {key} AS key, COUNT(*) AS received"));
        for (f, name) in [(Figure::Open, "open"), (Figure::Overdue, "overdue"), (Figure::Early, "early"), (Figure::OnTime, "on_time"), (Figure::Late, "late"), (Figure::Online, "online")] {
            q.push(", SUM(CASE WHEN ");
            f.push_condition(&mut q, now);
            q.push(&format!(" THEN 1 ELSE 0 END) AS {name}"));
        }
        q.push(" FROM dossiers d WHERE ");
        push_received_in(&mut q, agencies, from, to);
        q.push(&format!(" GROUP BY {key}"));
        // PostgreSQL sums BIGINTs into NUMERIC: cast back.
        let sums = ["received", "open", "overdue", "early", "on_time", "late", "online"]
            .map(|c| format!("CAST(SUM(x.{c}) AS BIGINT) AS {c}"))
            .join(", ")
            + ", CAST(0 AS BIGINT) AS rated, CAST(0 AS BIGINT) AS satisfied";
        let sql = match group {
            GroupBy::Field => format!("SELECT p.field AS key, {sums} FROM ({}) x JOIN procedures p ON p.id = x.key GROUP BY p.field", q.sql),
            _ => format!("SELECT x.key AS key, {sums} FROM ({}) x GROUP BY x.key", q.sql),
        };
        let mut rows: Vec<DashboardRow> = sqlx::query_as_with(&sql, q.args).fetch_all(&self.read).await?;

        let rkey = match group {
            GroupBy::Agency => "CAST(r.agency_id AS TEXT)".to_string(),
            GroupBy::Field => "p.field".to_string(),
            GroupBy::Month => month("r.created_at"),
        };
        let join = if group == GroupBy::Field { " JOIN dossiers d ON d.id = r.dossier_id JOIN procedures p ON p.id = d.procedure_id" } else { "" };
        let mut q = SqlBuilder::new(&format!(
            "SELECT {rkey} AS key, COUNT(*) AS rated, SUM(CASE WHEN r.satisfaction IN ('very_satisfied', 'satisfied') THEN 1 ELSE 0 END) AS satisfied \
             FROM ratings r{join} WHERE r.created_at >= "
        ));
        q.bind(from).push(" AND r.created_at < ").bind(to).push(" AND r.agency_id IN (");
        for (i, a) in agencies.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(*a);
        }
        q.push(&format!(") GROUP BY {rkey}"));
        let ratings: Vec<(String, i64, i64)> = sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?;
        for (key, rated, satisfied) in ratings {
            match rows.iter_mut().find(|r| r.key == key) {
                Some(r) => {
                    r.rated = rated;
                    r.satisfied = satisfied;
                }
                None => rows.push(DashboardRow { key, rated, satisfied, ..DashboardRow::default() }),
            }
        }
        match group {
            GroupBy::Month => rows.sort_by(|a, b| a.key.cmp(&b.key)),
            _ => rows.sort_by(|a, b| b.received.cmp(&a.received).then_with(|| a.key.cmp(&b.key))),
        }
        Ok(rows)
    }

    /// Per officer, what they did in `[from, to)` on dossiers received by `agencies`
    /// (`dossier_events_at` finds the period's events).
    pub async fn officer_activity(&self, agencies: &[i64], from: i64, to: i64) -> Result<Vec<OfficerRow>, StoreError> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let outcome = match self.backend {
            crate::Backend::Sqlite => "json_extract(e.data, '$.step_outcome')",
            crate::Backend::Postgres => "(e.data::json ->> 'step_outcome')",
        };
        let mut q = SqlBuilder::new(&format!(
            "SELECT e.actor AS actor, SUM(CASE WHEN e.action = 'receive' THEN 1 ELSE 0 END) AS received, \
             SUM(CASE WHEN {outcome} IS NOT NULL THEN 1 ELSE 0 END) AS steps, \
             SUM(CASE WHEN {outcome} IN ('early', 'on_time') THEN 1 ELSE 0 END) AS steps_in_time, \
             SUM(CASE WHEN {outcome} = 'late' THEN 1 ELSE 0 END) AS steps_late \
             FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id WHERE e.actor LIKE 'user:%' AND e.at >= "
        ));
        q.bind(from).push(" AND e.at < ").bind(to).push(" AND d.receiving_agency_id IN (");
        for (i, a) in agencies.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(*a);
        }
        q.push(") GROUP BY e.actor ORDER BY steps DESC, received DESC");
        Ok(sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?)
    }
}

/// Connections of one pool, for the operations metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoolStats {
    /// Connections open (in use and idle).
    pub size: u32,
    pub idle: u32,
    /// The most the pool will open.
    pub max: u32,
}

/// Figures of the whole deployment for the operations metrics: each from an index
/// (`dossiers_agency_received`, `dossiers_state_id`, `outbox_pending`), not a table scan.
#[derive(Debug, Clone, Copy, Default)]
pub struct OperationalFigures {
    /// Dossiers ever received (never deleted, so it only grows).
    pub received: i64,
    /// Dossiers being processed whose due time has passed (as the dashboard counts them).
    pub overdue: i64,
    /// Messages (SMS, e-mail) not delivered yet.
    pub outbox_pending: i64,
}

impl Store {
    /// The read and the write pool's connections (on PostgreSQL they are one pool).
    pub fn pool_stats(&self) -> (PoolStats, PoolStats) {
        let stats = |p: &sqlx::AnyPool| PoolStats { size: p.size(), idle: p.num_idle() as u32, max: p.options().get_max_connections() };
        (stats(&self.read), stats(&self.write))
    }

    /// Received, overdue now and undelivered messages, at `now` (milliseconds).
    pub async fn operational_figures(&self, now: i64) -> Result<OperationalFigures, StoreError> {
        let (received,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM dossiers d WHERE d.receiving_agency_id IS NOT NULL AND d.received_at IS NOT NULL").fetch_one(&self.read).await?;
        let mut q = SqlBuilder::new("SELECT COUNT(*) FROM dossiers d WHERE ");
        Figure::Overdue.push_condition(&mut q, now);
        let (overdue,): (i64,) = sqlx::query_as_with(&q.sql, q.args).fetch_one(&self.read).await?;
        let (outbox_pending,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL").fetch_one(&self.read).await?;
        Ok(OperationalFigures { received, overdue, outbox_pending })
    }
}
