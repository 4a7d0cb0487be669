//! Bulk loading of generated dossiers for benchmarks (`motcua generate`): the same rows,
//! events and hash chains the normal path writes, in multi-row statements of one
//! transaction per batch. Not used by the application itself.

use crate::sql::SqlBuilder;
use crate::{ms, Backend, NewDossier, Store, StoreError};
use motcua_core::dossier::{chain_hash, DossierFacts, EventDraft, EventRecord, GENESIS_HASH};
use motcua_core::time::Instant;

/// A generated dossier: what it was created with, its final facts and its history.
pub struct BulkDossier {
    pub new: NewDossier,
    pub code: Option<String>,
    pub submitted_at: Instant,
    pub facts: DossierFacts,
    pub events: Vec<(EventDraft, Instant)>,
}

impl Store {
    /// Inserts a batch in one transaction with explicit ids after the current maximum.
    pub async fn bulk_load(&self, batch: &[BulkDossier], actor: &str) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        let first: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM dossiers").fetch_one(&mut *tx).await?;
        let mut heads = Vec::with_capacity(batch.len());
        let mut events = Vec::new();
        for (i, b) in batch.iter().enumerate() {
            let id = first + i as i64;
            let mut prev = GENESIS_HASH.to_string();
            for (seq, (e, at)) in b.events.iter().enumerate() {
                let data = e.data.to_string();
                let rec = EventRecord {
                    dossier_ref: &b.new.reference,
                    seq: seq as i64 + 1,
                    at_ms: ms(*at),
                    actor,
                    action: e.action.as_str(),
                    from_state: e.from.as_str(),
                    to_state: e.to.as_str(),
                    step: e.step.map(|s| s as i64),
                    note: e.note.as_deref(),
                    data: &data,
                };
                let hash = chain_hash(&prev, &rec);
                events.push((id, rec.seq, rec.at_ms, e.action.as_str(), e.from.as_str(), e.to.as_str(), rec.step, e.note.clone(), data.clone(), prev.clone(), hash.clone()));
                prev = hash;
            }
            heads.push((id, b.events.len() as i64, prev));
        }
        for chunk in batch.iter().zip(&heads).collect::<Vec<_>>().chunks(200) {
            let mut q = SqlBuilder::new(
                "INSERT INTO dossiers (id, reference, code, procedure_id, receiving_agency_id, channel, state, applicant_kind, applicant_name, \
                 applicant_id_number, applicant_phone, delivery, processing, steps, current_step, step_started_at, submitted_at, received_at, \
                 due_at, original_due_at, finished_at, outcome, version, last_hash, updated_at) VALUES ",
            );
            for (i, (b, (id, version, hash))) in chunk.iter().enumerate() {
                let n = &b.new;
                let f = &b.facts;
                q.push(if i == 0 { "(" } else { ", (" });
                q.bind(*id).push(", ").bind(n.reference.clone()).push(", ").bind(b.code.clone()).push(", ").bind(n.procedure_id).push(", ");
                q.bind(n.receiving_agency_id).push(", ").bind(n.channel.as_str()).push(", ").bind(f.state.as_str()).push(", ");
                q.bind(n.applicant_kind.clone()).push(", ").bind(n.applicant_name.clone()).push(", ").bind(n.applicant_id_number.clone()).push(", ");
                q.bind(n.applicant_phone.clone()).push(", ").bind(n.delivery.clone()).push(", ");
                q.bind(serde_json::to_string(&n.processing).unwrap_or_default()).push(", ").bind(serde_json::to_string(&n.steps).unwrap_or_default()).push(", ");
                q.bind(f.current_step.map(|s| s as i64)).push(", ").bind(f.step_started_at.map(ms)).push(", ").bind(ms(b.submitted_at)).push(", ");
                q.bind(f.received_at.map(ms)).push(", ").bind(f.due_at.map(ms)).push(", ").bind(f.original_due_at.map(ms)).push(", ");
                q.bind(f.finished_at.map(ms)).push(", ").bind(f.outcome.map(|o| o.as_str())).push(", ").bind(*version).push(", ");
                q.bind(hash.clone()).push(", ").bind(b.events.last().map(|e| ms(e.1)).unwrap_or(ms(b.submitted_at))).push(")");
            }
            sqlx::query_with(&q.sql, q.args).execute(&mut *tx).await?;
            let mut q = SqlBuilder::new("INSERT INTO dossier_agencies (agency_id, dossier_id, state, due_key) VALUES ");
            let mut first_row = true;
            for (b, (id, _, _)) in chunk {
                let mut agencies: Vec<i64> = b.new.step_agencies.clone();
                agencies.push(b.new.receiving_agency_id);
                agencies.sort_unstable();
                agencies.dedup();
                for a in agencies {
                    q.push(if first_row { "(" } else { ", (" });
                    first_row = false;
                    q.bind(a).push(", ").bind(*id).push(", ").bind(b.facts.state.as_str()).push(", ").bind(crate::read::due_key(b.facts.due_at.map(ms))).push(")");
                }
            }
            sqlx::query_with(&q.sql, q.args).execute(&mut *tx).await?;
        }
        for chunk in events.chunks(400) {
            let mut q = SqlBuilder::new("INSERT INTO dossier_events (dossier_id, seq, at, actor, action, from_state, to_state, step, note, data, prev_hash, hash) VALUES ");
            for (i, e) in chunk.iter().enumerate() {
                q.push(if i == 0 { "(" } else { ", (" });
                q.bind(e.0).push(", ").bind(e.1).push(", ").bind(e.2).push(", ").bind(actor.to_string()).push(", ").bind(e.3).push(", ");
                q.bind(e.4).push(", ").bind(e.5).push(", ").bind(e.6).push(", ").bind(e.7.clone()).push(", ").bind(e.8.clone()).push(", ");
                q.bind(e.9.clone()).push(", ").bind(e.10.clone()).push(")");
            }
            sqlx::query_with(&q.sql, q.args).execute(&mut *tx).await?;
        }
        if self.backend == Backend::Postgres {
            // Explicit ids do not advance the identity sequence; move it past them.
            sqlx::query("SELECT setval(pg_get_serial_sequence('dossiers', 'id'), (SELECT MAX(id) FROM dossiers))").execute(&mut *tx).await?;
            sqlx::query("SELECT setval(pg_get_serial_sequence('dossier_events', 'id'), (SELECT MAX(id) FROM dossier_events))").execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every (agency, day, last issued sequence), so generated codes continue them.
    pub async fn code_sequences(&self) -> Result<Vec<(i64, String, i64)>, StoreError> {
        Ok(sqlx::query_as("SELECT agency_id, day, last FROM code_sequences").fetch_all(&self.read).await?)
    }

    /// Raises a code sequence to at least `last` (after bulk loading issued codes).
    pub async fn raise_code_sequence(&self, agency_id: i64, day: &str, last: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO code_sequences (agency_id, day, last) VALUES ($1, $2, $3) \
             ON CONFLICT (agency_id, day) DO UPDATE SET last = CASE WHEN code_sequences.last > $3 THEN code_sequences.last ELSE $3 END",
        )
        .bind(agency_id)
        .bind(day)
        .bind(last)
        .execute(&self.write)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Adds counts to the daily counters in one transaction (after a bulk load).
    pub async fn add_counts(&self, counts: &[((i64, String, &'static str), i64)]) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        for chunk in counts.chunks(300) {
            let mut q = SqlBuilder::new("INSERT INTO daily_counts (agency_id, day, metric, n) VALUES ");
            for (i, ((agency, day, metric), n)) in chunk.iter().enumerate() {
                q.push(if i == 0 { "(" } else { ", (" });
                q.bind(*agency).push(", ").bind(day.clone()).push(", ").bind(*metric).push(", ").bind(*n).push(")");
            }
            q.push(" ON CONFLICT (agency_id, day, metric) DO UPDATE SET n = daily_counts.n + excluded.n");
            sqlx::query_with(&q.sql, q.args).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
