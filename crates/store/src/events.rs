//! The dossier event log: append with hash chain, read the timeline, verify the chain.

use crate::sql::SqlBuilder;
use crate::{ms, ActionContext, Store, StoreError};
use motcua_core::dossier::{chain_hash, EventDraft, EventRecord, GENESIS_HASH};

/// A stored event.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EventRow {
    pub id: i64,
    pub dossier_id: i64,
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub step: Option<i64>,
    pub note: Option<String>,
    pub data: String,
    pub prev_hash: String,
    pub hash: String,
}

impl EventRow {
    fn record<'a>(&'a self, reference: &'a str) -> EventRecord<'a> {
        EventRecord {
            dossier_ref: reference,
            seq: self.seq,
            at_ms: self.at,
            actor: &self.actor,
            action: &self.action,
            from_state: &self.from_state,
            to_state: &self.to_state,
            step: self.step,
            note: self.note.as_deref(),
            data: &self.data,
        }
    }
}

/// Where a dossier's chain is broken: the first event whose stored hashes do not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub dossier_id: i64,
    /// The sequence number expected at the break.
    pub seq: i64,
    pub reason: &'static str,
}

/// An event ready to insert, its hash computed.
pub(crate) struct PendingEvent {
    pub seq: i64,
    at_ms: i64,
    actor: String,
    action: &'static str,
    from_state: &'static str,
    to_state: &'static str,
    step: Option<i64>,
    note: Option<String>,
    data: String,
    prev_hash: String,
    pub hash: String,
}

impl PendingEvent {
    pub fn new(reference: &str, seq: i64, prev_hash: &str, ctx: &ActionContext<'_>, e: &EventDraft) -> Self {
        let data = e.data.to_string();
        let step = e.step.map(|s| s as i64);
        let record = EventRecord {
            dossier_ref: reference,
            seq,
            at_ms: ms(ctx.now),
            actor: ctx.actor,
            action: e.action.as_str(),
            from_state: e.from.as_str(),
            to_state: e.to.as_str(),
            step,
            note: e.note.as_deref(),
            data: &data,
        };
        let hash = chain_hash(prev_hash, &record);
        PendingEvent {
            seq,
            at_ms: record.at_ms,
            actor: ctx.actor.to_string(),
            action: e.action.as_str(),
            from_state: e.from.as_str(),
            to_state: e.to.as_str(),
            step,
            note: e.note.clone(),
            data,
            prev_hash: prev_hash.to_string(),
            hash,
        }
    }
}

/// Adds the insert of one dossier's events to a batch.
pub(crate) fn push_events(q: &mut SqlBuilder, dossier_id: i64, events: &[PendingEvent]) {
    if events.is_empty() {
        return;
    }
    q.next_statement().push("INSERT INTO dossier_events (dossier_id, seq, at, actor, action, from_state, to_state, step, note, data, prev_hash, hash) VALUES ");
    for (i, e) in events.iter().enumerate() {
        q.push(if i == 0 { "(" } else { ", (" });
        q.bind(dossier_id).push(", ").bind(e.seq).push(", ").bind(e.at_ms).push(", ").bind(e.actor.clone()).push(", ");
        q.bind(e.action).push(", ").bind(e.from_state).push(", ").bind(e.to_state).push(", ").bind(e.step).push(", ");
        q.bind(e.note.clone()).push(", ").bind(e.data.clone()).push(", ").bind(e.prev_hash.clone()).push(", ").bind(e.hash.clone()).push(")");
    }
}

impl Store {
    /// A dossier's events in order.
    pub async fn dossier_events(&self, dossier_id: i64) -> Result<Vec<EventRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, dossier_id, seq, at, actor, action, from_state, to_state, step, note, data, prev_hash, hash \
             FROM dossier_events WHERE dossier_id = $1 ORDER BY seq",
        )
        .bind(dossier_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Checks a dossier's chain against its stored events and the dossier's head.
    pub async fn verify_dossier_chain(&self, dossier_id: i64) -> Result<Option<ChainBreak>, StoreError> {
        let dossier = self.dossier_by_id(dossier_id).await?.ok_or(StoreError::NotFound)?;
        let events = self.dossier_events(dossier_id).await?;
        Ok(verify_chain(dossier_id, &dossier.reference, &events, dossier.version, &dossier.last_hash))
    }
}

/// Walks events in sequence order; names the first that was altered, deleted or reordered.
pub fn verify_chain(dossier_id: i64, reference: &str, events: &[EventRow], head_version: i64, head_hash: &str) -> Option<ChainBreak> {
    let mut prev = GENESIS_HASH.to_string();
    for (i, e) in events.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        let brk = |reason| Some(ChainBreak { dossier_id, seq: expected_seq, reason });
        if e.seq != expected_seq {
            return brk("missing or reordered event");
        }
        if e.prev_hash != prev {
            return brk("previous hash does not match");
        }
        if e.dossier_id != dossier_id || chain_hash(&prev, &e.record(reference)) != e.hash {
            return brk("event content was altered");
        }
        prev = e.hash.clone();
    }
    let n = events.len() as i64;
    if n != head_version || prev != head_hash {
        return Some(ChainBreak { dossier_id, seq: n + 1, reason: "events after the last one were deleted" });
    }
    None
}
