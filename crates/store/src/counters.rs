//! Daily counters per receiving agency, kept in the same transaction as the actions that
//! change them so statistics never drift from the events (they can be recounted).

use crate::sql::SqlBuilder;
use crate::{Store, StoreError};

/// Adds to a batch the increment of each metric (repeats add more) for an agency and day.
pub(crate) fn push_counters(q: &mut SqlBuilder, agency_id: i64, day: &str, metrics: &[&str]) {
    let mut counts: Vec<(&str, i64)> = Vec::with_capacity(metrics.len());
    for m in metrics {
        match counts.iter_mut().find(|(k, _)| k == m) {
            Some((_, n)) => *n += 1,
            None => counts.push((m, 1)),
        }
    }
    if counts.is_empty() {
        return;
    }
    // Sorted, so concurrent transactions lock counter rows in the same order (no deadlock).
    counts.sort_unstable();
    q.next_statement().push("INSERT INTO daily_counts (agency_id, day, metric, n) VALUES ");
    for (i, (metric, n)) in counts.iter().enumerate() {
        q.push(if i == 0 { "(" } else { ", (" });
        q.bind(agency_id).push(", ").bind(day.to_string()).push(", ").bind(metric.to_string()).push(", ").bind(*n).push(")");
    }
    q.push(" ON CONFLICT (agency_id, day, metric) DO UPDATE SET n = daily_counts.n + excluded.n");
}

impl Store {
    /// Sum of a metric over agencies and an inclusive range of local days.
    pub async fn count_metric(&self, agencies: &[i64], metric: &str, from_day: &str, to_day: &str) -> Result<i64, StoreError> {
        let mut q = SqlBuilder::new("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM daily_counts WHERE metric = ");
        q.bind(metric.to_string()).push(" AND day >= ").bind(from_day.to_string()).push(" AND day <= ").bind(to_day.to_string());
        q.push(" AND agency_id IN (");
        for (i, a) in agencies.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(*a);
        }
        if agencies.is_empty() {
            q.push("NULL");
        }
        q.push(")");
        Ok(sqlx::query_scalar_with(&q.sql, q.args).fetch_one(&self.read).await?)
    }
}

impl Store {
    /// Totals of every metric per agency over an inclusive range of local days, from the
    /// daily counters (primary key order: agency, day, metric).
    pub async fn metric_totals(&self, from_day: &str, to_day: &str) -> Result<Vec<(i64, String, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT agency_id, metric, CAST(SUM(n) AS BIGINT) FROM daily_counts WHERE day >= $1 AND day <= $2 GROUP BY agency_id, metric",
        )
        .bind(from_day)
        .bind(to_day)
        .fetch_all(&self.read)
        .await?)
    }
}
