//! Tamper evidence: the chain of administrative changes (written here, in each change's
//! transaction) and the verification of every chain, for `motcua audit verify`.
//!
//! A hash chain shows that stored history was edited by hand; it cannot stop someone who
//! rewrites a whole chain consistently. The heads `verify` prints, kept somewhere else
//! (a signed daily report), catch that too.

use crate::events::{verify_chain, ChainBreak, EventRow};
use crate::{ms, Store, StoreError};
use motcua_core::dossier::{audit_hash, AuditRecord, GENESIS_HASH};
use motcua_core::time::Instant;
use sqlx::AnyConnection;

/// Who makes an administrative change, and when.
#[derive(Debug, Clone, Copy)]
pub struct AdminActor<'a> {
    pub label: &'a str,
    pub now: Instant,
}

/// Appends one change to the chain. Locks the chain's head until the transaction ends, so
/// changes made at once on several servers queue instead of forking the chain.
pub(crate) async fn audit(conn: &mut AnyConnection, by: AdminActor<'_>, action: &str, subject: &str, detail: serde_json::Value) -> Result<(), StoreError> {
    let (seq, prev): (i64, String) = sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash").fetch_one(&mut *conn).await?;
    let detail = detail.to_string();
    let at = ms(by.now);
    let hash = audit_hash(&prev, &AuditRecord { seq, at_ms: at, actor: by.label, action, subject, detail: &detail });
    sqlx::query("INSERT INTO audit_log (at, actor, action, subject, detail, seq, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(at)
        .bind(by.label)
        .bind(action)
        .bind(subject)
        .bind(detail)
        .bind(seq)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *conn).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuditLink {
    id: i64,
    seq: Option<i64>,
    at: i64,
    actor: String,
    action: String,
    subject: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl AuditLink {
    fn record(&self, seq: i64) -> AuditRecord<'_> {
        AuditRecord { seq, at_ms: self.at, actor: &self.actor, action: &self.action, subject: &self.subject, detail: &self.detail }
    }
}

/// The first administrative change that does not follow the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBreak {
    /// The chain position expected at the break.
    pub seq: i64,
    /// The row found there, if any.
    pub row_id: Option<i64>,
    pub reason: &'static str,
}

/// What a full verification found.
#[derive(Debug, Default)]
pub struct VerifyReport {
    pub dossiers: u64,
    pub events: u64,
    pub dossier_breaks: Vec<(String, ChainBreak)>,
    pub audit_rows: u64,
    pub audit_break: Option<AuditBreak>,
    /// The chain of administrative changes' head, to keep outside the database.
    pub audit_head: String,
}

const BATCH: i64 = 500;

impl Store {
    /// Chains the audit rows written before the chain existed (migration 0007), in id order.
    /// Runs at every start but acts only once: after the chain has begun, a row outside it
    /// was written by hand, and `verify` must report it rather than have it sealed.
    pub async fn seal_audit_log(&self) -> Result<u64, StoreError> {
        let mut tx = self.write.begin().await?;
        let (head_seq,): (i64,) = sqlx::query_as("SELECT seq FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
        if head_seq > 0 {
            return Ok(0);
        }
        let rows: Vec<AuditLink> =
            sqlx::query_as("SELECT id, seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log WHERE seq IS NULL ORDER BY id")
                .fetch_all(&mut *tx)
                .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let (mut seq, mut prev) = (0i64, GENESIS_HASH.to_string());
        for r in &rows {
            seq += 1;
            let hash = audit_hash(&prev, &r.record(seq));
            sqlx::query("UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4")
                .bind(seq)
                .bind(&prev)
                .bind(&hash)
                .bind(r.id)
                .execute(&mut *tx)
                .await?;
            prev = hash;
        }
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1").bind(seq).bind(&prev).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    /// Walks the chain of administrative changes from the first: the number of changes
    /// that follow, the first break, and the head's hash.
    pub async fn verify_audit_chain(&self) -> Result<(u64, Option<AuditBreak>, String), StoreError> {
        let (head_seq, head_hash): (i64, String) = sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.read).await?;
        let outside: Option<(i64,)> = sqlx::query_as("SELECT id FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT 1").fetch_optional(&self.read).await?;
        if let Some((id,)) = outside {
            return Ok((0, Some(AuditBreak { seq: 0, row_id: Some(id), reason: "change written outside the chain" }), head_hash));
        }
        let mut prev = GENESIS_HASH.to_string();
        let mut seq = 0i64;
        loop {
            let rows: Vec<AuditLink> =
                sqlx::query_as("SELECT id, seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
                    .bind(seq)
                    .bind(BATCH)
                    .fetch_all(&self.read)
                    .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let expected = seq + 1;
                let reason = if r.seq != Some(expected) {
                    Some("missing or reordered change")
                } else if r.prev_hash != prev {
                    Some("previous hash does not match")
                } else if audit_hash(&prev, &r.record(expected)) != r.hash {
                    Some("change was altered")
                } else {
                    None
                };
                if let Some(reason) = reason {
                    return Ok((seq as u64, Some(AuditBreak { seq: expected, row_id: Some(r.id), reason }), head_hash));
                }
                prev = r.hash.clone();
                seq = expected;
            }
        }
        if seq != head_seq || prev != head_hash {
            return Ok((seq as u64, Some(AuditBreak { seq: seq + 1, row_id: None, reason: "changes after the last one were deleted" }), head_hash));
        }
        Ok((seq as u64, None, head_hash))
    }

    /// Every dossier's chain, a batch of dossiers at a time, and the audit chain.
    pub async fn verify_all(&self) -> Result<VerifyReport, StoreError> {
        let mut report = VerifyReport::default();
        let mut after = 0i64;
        loop {
            let heads: Vec<(i64, String, Option<String>, i64, String, String)> =
                sqlx::query_as("SELECT id, reference, code, version, last_hash, state FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2")
                    .bind(after)
                    .bind(BATCH)
                    .fetch_all(&self.read)
                    .await?;
            let (Some(first), Some(last)) = (heads.first(), heads.last()) else {
                break;
            };
            let events: Vec<EventRow> = sqlx::query_as(
                "SELECT id, dossier_id, seq, at, actor, action, from_state, to_state, step, note, data, prev_hash, hash \
                 FROM dossier_events WHERE dossier_id BETWEEN $1 AND $2 ORDER BY dossier_id, seq",
            )
            .bind(first.0)
            .bind(last.0)
            .fetch_all(&self.read)
            .await?;
            report.events += events.len() as u64;
            let mut rest = &events[..];
            for (id, reference, code, version, last_hash, state) in &heads {
                let n = rest.iter().take_while(|e| e.dossier_id == *id).count();
                let (mine, tail) = rest.split_at(n);
                rest = tail;
                let name = code.clone().unwrap_or_else(|| reference.clone());
                let brk = verify_chain(*id, reference, mine, *version, last_hash).or_else(|| {
                    // The chain is whole but the dossier row says something its history does not.
                    mine.last().filter(|e| e.to_state != *state).map(|_| ChainBreak {
                        dossier_id: *id,
                        seq: *version,
                        reason: "dossier state differs from its last event",
                    })
                });
                if let Some(b) = brk {
                    report.dossier_breaks.push((name, b));
                }
            }
            report.dossiers += heads.len() as u64;
            after = last.0;
        }
        let (rows, brk, head) = self.verify_audit_chain().await?;
        report.audit_rows = rows;
        report.audit_break = brk;
        report.audit_head = head;
        Ok(report)
    }
}
