//! Feedback and complaints: record with a tracking code, answer, publish, list.

use crate::{from_ms, ms, Store, StoreError};
use motcua_core::feedback::Feedback;
use motcua_core::time::Instant;

/// A stored piece of feedback.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedbackRow {
    pub code: String,
    pub topic: String,
    pub procedure_code: Option<String>,
    pub agency_id: Option<i64>,
    pub subject: String,
    pub content: String,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
    pub published: i64,
    pub created_at: i64,
}

impl FeedbackRow {
    pub fn answered_at(&self) -> Option<Instant> {
        self.answered_at.map(from_ms)
    }
}

const COLUMNS: &str = "code, topic, procedure_code, agency_id, subject, content, name, phone, email, answer, answered_at, published, created_at";

impl Store {
    pub async fn create_feedback(&self, code: &str, f: &Feedback, procedure_code: Option<&str>, agency_id: Option<i64>, now: Instant) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO feedback (code, topic, procedure_code, agency_id, subject, content, name, phone, email, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(code)
        .bind(f.topic.as_str())
        .bind(procedure_code)
        .bind(agency_id)
        .bind(&f.subject)
        .bind(&f.content)
        .bind(&f.name)
        .bind(f.phone.as_str())
        .bind(&f.email)
        .bind(ms(now))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn feedback_by_code(&self, code: &str) -> Result<Option<FeedbackRow>, StoreError> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM feedback WHERE code = $1")).bind(code).fetch_optional(&self.read).await?)
    }

    /// Records a staff answer and whether to publish it.
    pub async fn answer_feedback(&self, code: &str, answer: &str, user_id: i64, publish: bool, now: Instant) -> Result<(), StoreError> {
        let r = sqlx::query("UPDATE feedback SET answer = $1, answered_by = $2, answered_at = $3, published = $4 WHERE code = $5")
            .bind(answer)
            .bind(user_id)
            .bind(ms(now))
            .bind(publish as i64)
            .bind(code)
            .execute(&self.write)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Feedback for staff: about the given agencies, plus (when `unassigned`) feedback not
    /// about any agency; unanswered first, then newest; one page (keyset on creation).
    pub async fn feedback_for_staff(&self, agencies: &[i64], unassigned: bool, before: Option<i64>, limit: i64) -> Result<Vec<FeedbackRow>, StoreError> {
        let mut q = crate::sql::SqlBuilder::new(&format!("SELECT {COLUMNS} FROM feedback WHERE created_at < "));
        q.bind(before.unwrap_or(i64::MAX)).push(" AND (");
        if unassigned {
            q.push("agency_id IS NULL OR ");
        }
        q.push("agency_id IN (");
        // An empty IN list is invalid SQL: no agency matches -1.
        let ids: Vec<i64> = if agencies.is_empty() { vec![-1] } else { agencies.to_vec() };
        for (i, a) in ids.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(*a);
        }
        q.push(")) ORDER BY created_at DESC LIMIT ").bind(limit);
        Ok(sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?)
    }

    /// Published answers, newest first, one page (keyset on the answer instant).
    pub async fn published_feedback(&self, before: Option<i64>, limit: i64) -> Result<Vec<FeedbackRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM feedback WHERE published = 1 AND answered_at < $1 ORDER BY answered_at DESC LIMIT $2"
        ))
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }
}
