//! Applicants' evaluations of their dossiers, with the counters statistics read.

use crate::counters::push_counters;
use crate::sql::SqlBuilder;
use crate::{ms, DossierRow, Store, StoreError};
use motcua_core::rating::Rating;
use motcua_core::time::{local_date, Instant};

impl Store {
    /// Records a rating once: a second one for the same dossier fails as a unique violation
    /// and writes nothing.
    pub async fn rate_dossier(&self, d: &DossierRow, r: &Rating, now: Instant) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        sqlx::query("INSERT INTO ratings (dossier_id, agency_id, scores, total, satisfaction, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(d.id)
            .bind(d.receiving_agency_id)
            .bind(serde_json::to_string(&r.scores).unwrap_or_default())
            .bind(r.total() as i64)
            .bind(r.satisfaction.as_str())
            .bind(&r.comment)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        let mut q = SqlBuilder::new("");
        let mut metrics = vec!["rated", satisfaction_metric(r)];
        // Points are summed through the counter too (one row per point keeps `n` additive).
        metrics.extend(std::iter::repeat_n("rating_points", r.total() as usize));
        push_counters(&mut q, d.receiving_agency_id, &local_date(now).format("%Y-%m-%d").to_string(), &metrics);
        q.execute_batch(&mut tx, self.backend).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a dossier has been rated.
    pub async fn is_rated(&self, dossier_id: i64) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ratings WHERE dossier_id = $1").bind(dossier_id).fetch_one(&self.read).await?;
        Ok(n > 0)
    }
}

fn satisfaction_metric(r: &Rating) -> &'static str {
    match r.satisfaction {
        motcua_core::rating::Satisfaction::VerySatisfied => "rated_very_satisfied",
        motcua_core::rating::Satisfaction::Satisfied => "rated_satisfied",
        motcua_core::rating::Satisfaction::NotSatisfied => "rated_not_satisfied",
    }
}
