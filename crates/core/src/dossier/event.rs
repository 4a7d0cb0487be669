//! The event log's hash chain: each event carries the hash of the one before it in the
//! same dossier, so altering, deleting or reordering a stored event breaks the chain.
//! Events name their dossier by its immutable reference, known before the dossier row
//! exists, so a dossier and its first events can be written in one statement each.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of a dossier's first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an event that the hash covers, in a fixed order.
#[derive(Debug, Clone, Serialize)]
pub struct EventRecord<'a> {
    /// The dossier's provisional reference (unique, never changes).
    pub dossier_ref: &'a str,
    pub seq: i64,
    /// Milliseconds since the Unix epoch (UTC); both databases store them exactly.
    pub at_ms: i64,
    pub actor: &'a str,
    pub action: &'a str,
    pub from_state: &'a str,
    pub to_state: &'a str,
    pub step: Option<i64>,
    pub note: Option<&'a str>,
    /// The event's data as JSON text, hashed as stored.
    pub data: &'a str,
}

/// SHA-256 over the previous hash and the event's canonical JSON, as lowercase hex.
pub fn chain_hash(prev_hash: &str, event: &EventRecord<'_>) -> String {
    link_hash(prev_hash, event)
}

/// The fields of an administrative change (audit log row) that its hash covers.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord<'a> {
    pub seq: i64,
    pub at_ms: i64,
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    /// The change's details as JSON text, hashed as stored.
    pub detail: &'a str,
}

/// The global chain of administrative changes links like a dossier's events.
pub fn audit_hash(prev_hash: &str, change: &AuditRecord<'_>) -> String {
    link_hash(prev_hash, change)
}

fn link_hash(prev_hash: &str, record: &impl Serialize) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    // Serialising a struct of plain fields cannot fail.
    h.update(serde_json::to_vec(record).unwrap_or_default());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(seq: i64, note: Option<&'static str>) -> EventRecord<'static> {
        EventRecord { dossier_ref: "HS-TEST", seq, at_ms: 1_790_000_000_000, actor: "user:1", action: "receive", from_state: "submitted", to_state: "received", step: None, note, data: "{}" }
    }

    #[test]
    fn any_change_changes_the_hash() {
        let h1 = chain_hash(GENESIS_HASH, &ev(1, None));
        assert_eq!(h1.len(), 64);
        assert_eq!(h1, chain_hash(GENESIS_HASH, &ev(1, None)));
        assert_ne!(h1, chain_hash(GENESIS_HASH, &ev(1, Some("x"))));
        assert_ne!(h1, chain_hash(GENESIS_HASH, &ev(2, None)));
        assert_ne!(h1, chain_hash(&h1, &ev(1, None)));
    }
}
