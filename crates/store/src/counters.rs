//! Daily counters per receiving agency, kept in the same transaction as the actions that
//! change them so statistics never drift from the events (they can be recounted).

use crate::{Store, StoreError};
use sqlx::AnyConnection;

pub(crate) async fn bump(conn: &mut AnyConnection, agency_id: i64, day: &str, metric: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO daily_counts (agency_id, day, metric, n) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (agency_id, day, metric) DO UPDATE SET n = daily_counts.n + 1",
    )
    .bind(agency_id)
    .bind(day)
    .bind(metric)
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// Sum of a metric over agencies and an inclusive range of local days.
    pub async fn count_metric(&self, agencies: &[i64], metric: &str, from_day: &str, to_day: &str) -> Result<i64, StoreError> {
        let mut q = crate::sql::SqlBuilder::new("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM daily_counts WHERE metric = ");
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
