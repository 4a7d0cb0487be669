//! The dossier aggregate: creation and actions, each in one transaction that writes the
//! dossier row (optimistic version check), its event (hash-chained), outbox rows, daily
//! counters and the idempotency record together — or nothing.

use crate::counters::push_counters;
use crate::events::{push_events, PendingEvent};
use crate::sql::SqlBuilder;
use crate::idempotency::{IdempotencyKey, StoredResponse};
use crate::{from_ms, ms, Backend, Store, StoreError};
use motcua_core::calendar::{Outcome, ProcessingTime};
use motcua_core::dossier::{counter_metrics, notifies_applicant, ActionKind, Channel, DossierFacts, State, StepFacts, Transition, GENESIS_HASH};
use motcua_core::ids::{AgencyCode, DossierCodeFormat};
use motcua_core::reception::CounterReception;
use motcua_core::time::{local_date, Instant};
use sqlx::AnyConnection;

/// A stored dossier.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DossierRow {
    pub id: i64,
    pub reference: String,
    pub code: Option<String>,
    pub procedure_id: i64,
    pub receiving_agency_id: i64,
    pub channel: String,
    pub state: String,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub applicant_id_number: String,
    pub applicant_phone: String,
    pub applicant_email: Option<String>,
    pub applicant_address: Option<String>,
    pub delivery: String,
    pub processing: String,
    pub steps: String,
    pub current_step: Option<i64>,
    pub step_started_at: Option<i64>,
    pub submitted_at: i64,
    pub received_at: Option<i64>,
    pub due_at: Option<i64>,
    pub original_due_at: Option<i64>,
    pub paused_at: Option<i64>,
    pub supplement_requests: i64,
    pub extended: i64,
    pub finished_at: Option<i64>,
    pub outcome: Option<String>,
    pub returned_at: Option<i64>,
    pub document_count: i64,
    pub version: i64,
    pub last_hash: String,
    pub updated_at: i64,
    pub assignee_id: Option<i64>,
}

pub(crate) const DOSSIER_COLUMNS: &str = "id, reference, code, procedure_id, receiving_agency_id, channel, state, applicant_kind, \
    applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, delivery, processing, steps, \
    current_step, step_started_at, submitted_at, received_at, due_at, original_due_at, paused_at, supplement_requests, extended, \
    finished_at, outcome, returned_at, document_count, version, last_hash, updated_at, assignee_id";

fn corrupt(id: i64, what: &str) -> StoreError {
    StoreError::Corrupt(format!("dossier {id}: bad {what}"))
}

impl DossierRow {
    /// The facts the core rules work on.
    pub fn facts(&self) -> Result<DossierFacts, StoreError> {
        let processing: ProcessingTime = serde_json::from_str(&self.processing).map_err(|_| corrupt(self.id, "processing"))?;
        Ok(DossierFacts {
            state: self.state()?,
            receiving_agency: self.receiving_agency_id,
            processing,
            steps: self.steps()?,
            current_step: self.current_step.map(|s| s as usize),
            step_started_at: self.step_started_at.map(from_ms),
            received_at: self.received_at.map(from_ms),
            due_at: self.due_at.map(from_ms),
            original_due_at: self.original_due_at.map(from_ms),
            paused_at: self.paused_at.map(from_ms),
            supplement_requests: self.supplement_requests as u32,
            extended: self.extended != 0,
            finished_at: self.finished_at.map(from_ms),
            outcome: self.outcome.as_deref().and_then(Outcome::parse),
            assignee: self.assignee_id,
        })
    }

    pub fn state(&self) -> Result<State, StoreError> {
        State::parse(&self.state).ok_or_else(|| corrupt(self.id, "state"))
    }

    pub fn channel(&self) -> Result<Channel, StoreError> {
        Channel::parse(&self.channel).ok_or_else(|| corrupt(self.id, "channel"))
    }

    pub fn steps(&self) -> Result<Vec<StepFacts>, StoreError> {
        serde_json::from_str(&self.steps).map_err(|_| corrupt(self.id, "steps"))
    }

    /// The code if issued, else the provisional reference.
    pub fn public_id(&self) -> &str {
        self.code.as_deref().unwrap_or(&self.reference)
    }
}

/// A dossier to create.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub reference: String,
    pub procedure_id: i64,
    pub receiving_agency_id: i64,
    /// Every agency the workflow involves besides the receiving one.
    pub step_agencies: Vec<i64>,
    pub channel: Channel,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub applicant_id_number: String,
    pub applicant_phone: String,
    pub applicant_email: Option<String>,
    pub applicant_address: Option<String>,
    pub delivery: String,
    pub processing: ProcessingTime,
    pub steps: Vec<StepFacts>,
    pub documents: Vec<NewDocument>,
    /// The citizen account that filed it online, if signed in.
    pub citizen_id: Option<i64>,
    /// The portal draft this submission finishes (marked submitted in the same transaction).
    pub draft_token: Option<String>,
    /// The counter's checklist and fee, when received at the counter.
    pub reception: Option<CounterReception>,
}

/// A document attached to a new dossier (its bytes are already in the blob store).
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub name: String,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub original_name: String,
}

/// A stored document of a dossier.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DocumentRow {
    pub id: i64,
    pub name: String,
    pub sha256: String,
    pub original_name: String,
    pub size: i64,
    pub content_type: String,
    /// submitted | supplement | result
    pub role: String,
}

/// The result of an action: the dossier as committed, and the response stored for the
/// idempotency key (if one was given).
#[derive(Debug, Clone)]
pub struct ActionOutcome {
    pub dossier: DossierRow,
    pub response: Option<StoredResponse>,
}

/// What an action needs beyond the transition itself.
pub struct ActionContext<'a> {
    pub actor: &'a str,
    pub now: Instant,
    /// Code of the receiving agency, to issue the dossier code at reception.
    pub agency_code: &'a AgencyCode,
    pub code_format: &'a DossierCodeFormat,
}

/// Renders the response stored under an idempotency key from the committed dossier.
pub type Render<'a> = &'a (dyn Fn(&DossierRow) -> StoredResponse + Send + Sync);

impl Store {
    /// Creates a dossier and applies its first transitions (submission, and reception
    /// when entered at the counter), all in one transaction of a few statements: the row
    /// is written once in its final state, with its events in one multi-row insert.
    pub async fn create_dossier(
        &self,
        new: &NewDossier,
        transitions: &[Transition],
        ctx: &ActionContext<'_>,
        idem: Option<(&IdempotencyKey, Render<'_>)>,
    ) -> Result<ActionOutcome, StoreError> {
        let processing = serde_json::to_string(&new.processing).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let steps = serde_json::to_string(&new.steps).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let draft = DossierFacts::new(new.receiving_agency_id, new.processing, new.steps.clone(), State::Draft);
        let facts = transitions.last().map(|t| &t.next).unwrap_or(&draft);
        let mut tx = self.write.begin().await?;
        let code = match transitions.iter().any(|t| t.event.action == ActionKind::Receive) {
            true => Some(issue_code(&mut tx, new.receiving_agency_id, ctx).await?),
            false => None,
        };
        let mut events = Vec::with_capacity(transitions.len());
        let mut last_hash = GENESIS_HASH.to_string();
        for (i, t) in transitions.iter().enumerate() {
            let e = PendingEvent::new(&new.reference, i as i64 + 1, &last_hash, ctx, &t.event);
            last_hash = e.hash.clone();
            events.push(e);
        }
        let returned_at = (facts.state == State::Returned).then(|| ms(ctx.now));
        let dossier: DossierRow = sqlx::query_as(&format!(
            "INSERT INTO dossiers (reference, code, procedure_id, receiving_agency_id, channel, state, applicant_kind, applicant_name, \
             applicant_id_number, applicant_phone, applicant_email, applicant_address, delivery, processing, steps, current_step, \
             step_started_at, submitted_at, received_at, due_at, original_due_at, paused_at, supplement_requests, extended, finished_at, \
             outcome, returned_at, version, last_hash, document_count, updated_at, citizen_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, \
             $26, $27, $28, $29, $30, $18, $31) RETURNING {DOSSIER_COLUMNS}"
        ))
        .bind(&new.reference)
        .bind(&code)
        .bind(new.procedure_id)
        .bind(new.receiving_agency_id)
        .bind(new.channel.as_str())
        .bind(facts.state.as_str())
        .bind(&new.applicant_kind)
        .bind(&new.applicant_name)
        .bind(&new.applicant_id_number)
        .bind(&new.applicant_phone)
        .bind(&new.applicant_email)
        .bind(&new.applicant_address)
        .bind(&new.delivery)
        .bind(&processing)
        .bind(&steps)
        .bind(facts.current_step.map(|s| s as i64))
        .bind(facts.step_started_at.map(ms))
        .bind(ms(ctx.now))
        .bind(facts.received_at.map(ms))
        .bind(facts.due_at.map(ms))
        .bind(facts.original_due_at.map(ms))
        .bind(facts.paused_at.map(ms))
        .bind(facts.supplement_requests as i64)
        .bind(facts.extended as i64)
        .bind(facts.finished_at.map(ms))
        .bind(facts.outcome.map(|o| o.as_str()))
        .bind(returned_at)
        .bind(transitions.len() as i64)
        .bind(&last_hash)
        .bind(new.documents.len() as i64)
        .bind(new.citizen_id)
        .fetch_one(&mut *tx)
        .await?;
        let id = dossier.id;
        let mut agencies = vec![new.receiving_agency_id];
        agencies.extend(new.step_agencies.iter().copied());
        agencies.sort_unstable();
        agencies.dedup();
        // Everything else the creation writes goes in one round trip.
        let mut q = SqlBuilder::new("INSERT INTO dossier_agencies (agency_id, dossier_id, state, due_key) VALUES ");
        let due_key = crate::read::due_key(facts.due_at.map(ms));
        for (i, a) in agencies.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" }).bind(*a).push(", ").bind(id).push(", ").bind(facts.state.as_str()).push(", ").bind(due_key).push(")");
        }
        push_events(&mut q, id, &events);
        if let Some(token) = &new.draft_token {
            q.next_statement()
                .push("UPDATE submission_drafts SET status = 'submitted', dossier_id = ")
                .bind(id)
                .push(", updated_at = ")
                .bind(ms(ctx.now))
                .push(" WHERE token = ")
                .bind(token.clone());
        }
        for d in &new.documents {
            insert_document(&mut tx, id, d, "submitted", ctx.now).await?;
        }
        if let Some(r) = &new.reception {
            let papers = serde_json::to_string(&r.papers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            q.next_statement().push("INSERT INTO dossier_receptions (dossier_id, papers, sets, fee_amount, fee_receipt, created_at) VALUES (");
            q.bind(id).push(", ").bind(papers).push(", ").bind(r.sets as i64).push(", ").bind(r.fee.0).push(", ");
            q.bind(r.fee_receipt.clone()).push(", ").bind(ms(ctx.now)).push(")");
        }
        for t in transitions {
            push_notify(&mut q, id, code.as_deref(), t, ctx);
        }
        let metrics: Vec<&str> = transitions.iter().flat_map(|t| counter_metrics(t, new.channel)).collect();
        push_counters(&mut q, new.receiving_agency_id, &local_day(ctx.now), &metrics);
        let response = push_idempotent(&mut q, idem, &dossier, ctx.now);
        q.execute_batch(&mut tx, self.backend).await?;
        tx.commit().await?;
        Ok(ActionOutcome { dossier, response })
    }

    /// Applies a decided transition to a dossier last read at `dossier.version`.
    /// Fails with [`StoreError::Conflict`] if someone changed it since.
    pub async fn apply_action(
        &self,
        dossier: &DossierRow,
        transition: &Transition,
        ctx: &ActionContext<'_>,
        idem: Option<(&IdempotencyKey, Render<'_>)>,
    ) -> Result<ActionOutcome, StoreError> {
        let mut tx = self.write.begin().await?;
        let (updated, response) = apply_in_tx(&mut tx, self.backend, dossier, transition, ctx, idem).await?;
        tx.commit().await?;
        Ok(ActionOutcome { dossier: updated, response })
    }

    /// A dossier by its code or its provisional reference.
    pub async fn dossier_by_public_id(&self, public_id: &str) -> Result<Option<DossierRow>, StoreError> {
        // Two indexed lookups rather than `code = $1 OR reference = $1`, which SQLite
        // cannot answer from the two unique indexes at once.
        let by_code = sqlx::query_as(&format!("SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE code = $1"))
            .bind(public_id)
            .fetch_optional(&self.read)
            .await?;
        if by_code.is_some() {
            return Ok(by_code);
        }
        Ok(sqlx::query_as(&format!("SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE reference = $1"))
            .bind(public_id)
            .fetch_optional(&self.read)
            .await?)
    }

    pub async fn dossier_by_id(&self, id: i64) -> Result<Option<DossierRow>, StoreError> {
        Ok(sqlx::query_as(&format!("SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE id = $1")).bind(id).fetch_optional(&self.read).await?)
    }

    /// Every agency a dossier involves.
    pub async fn dossier_agencies(&self, dossier_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT agency_id FROM dossier_agencies WHERE dossier_id = $1").bind(dossier_id).fetch_all(&self.read).await?)
    }

    pub async fn dossier_documents(&self, dossier_id: i64) -> Result<Vec<DocumentRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT d.id, d.name, d.sha256, d.original_name, b.size, b.content_type, d.role FROM dossier_documents d \
             JOIN blobs b ON b.sha256 = d.sha256 WHERE d.dossier_id = $1 ORDER BY d.id",
        )
        .bind(dossier_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Whether the agency has attached the electronic result to a dossier.
    pub async fn has_result_document(&self, dossier_id: i64) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dossier_documents WHERE dossier_id = $1 AND role = 'result'")
            .bind(dossier_id)
            .fetch_one(&self.read)
            .await?;
        Ok(n > 0)
    }

    /// What the counter recorded at reception, if the dossier was received there.
    pub async fn dossier_reception(&self, dossier_id: i64) -> Result<Option<CounterReception>, StoreError> {
        let row: Option<(String, i64, i64, Option<String>)> =
            sqlx::query_as("SELECT papers, sets, fee_amount, fee_receipt FROM dossier_receptions WHERE dossier_id = $1")
                .bind(dossier_id)
                .fetch_optional(&self.read)
                .await?;
        let Some((papers, sets, fee, fee_receipt)) = row else { return Ok(None) };
        let papers = serde_json::from_str(&papers).map_err(|_| corrupt(dossier_id, "reception papers"))?;
        Ok(Some(CounterReception { papers, sets: sets as u32, fee: motcua_core::Money(fee), fee_receipt }))
    }

    /// The applicant's details from their latest dossier with this CCCD or tax code among
    /// those of `agencies` (the officer's: a CCCD must not reveal the name, phone and
    /// address another agency holds), for the counter to prefill: (kind, name, phone,
    /// e-mail, address).
    pub async fn latest_applicant(&self, id_number: &str, agencies: &[i64]) -> Result<Option<(String, String, String, Option<String>, Option<String>)>, StoreError> {
        if agencies.is_empty() {
            return Ok(None);
        }
        let mut q = SqlBuilder::new(
            "SELECT d.applicant_kind, d.applicant_name, d.applicant_phone, d.applicant_email, d.applicant_address FROM dossiers d \
             WHERE d.applicant_id_number = ",
        );
        q.bind(id_number.to_string()).push(" AND EXISTS (SELECT 1 FROM dossier_agencies da WHERE da.dossier_id = d.id AND da.agency_id IN (");
        for (i, a) in agencies.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(*a);
        }
        q.push(")) ORDER BY d.id DESC LIMIT 1");
        Ok(sqlx::query_as_with(&q.sql, q.args).fetch_optional(&self.read).await?)
    }

    pub async fn count_dossiers(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM dossiers").fetch_one(&self.read).await?)
    }
}

/// Adds the idempotency record (if a key was given) to a batch; returns the response.
fn push_idempotent(q: &mut SqlBuilder, idem: Option<(&IdempotencyKey, Render<'_>)>, dossier: &DossierRow, now: Instant) -> Option<StoredResponse> {
    let (key, render) = idem?;
    let response = render(dossier);
    crate::idempotency::push_insert(q, key, &response, now);
    Some(response)
}

fn local_day(at: Instant) -> String {
    local_date(at).format("%Y-%m-%d").to_string()
}

/// Issues the next dossier code of the receiving agency for the local day of `ctx.now`.
async fn issue_code(conn: &mut AnyConnection, agency_id: i64, ctx: &ActionContext<'_>) -> Result<String, StoreError> {
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO code_sequences (agency_id, day, last) VALUES ($1, $2, 1) \
         ON CONFLICT (agency_id, day) DO UPDATE SET last = code_sequences.last + 1 RETURNING last",
    )
    .bind(agency_id)
    .bind(local_day(ctx.now))
    .fetch_one(conn)
    .await?;
    Ok(ctx.code_format.issue(ctx.agency_code, local_date(ctx.now), seq as u32).to_string())
}

/// Adds to a batch the outbox row telling the applicant, when the action is one they must hear of.
fn push_notify(q: &mut SqlBuilder, id: i64, code: Option<&str>, t: &Transition, ctx: &ActionContext<'_>) {
    if !notifies_applicant(t.event.action) {
        return;
    }
    let payload = serde_json::json!({ "dossier_id": id, "code": code, "action": t.event.action.as_str(), "state": t.next.state.as_str() });
    q.next_statement().push("INSERT INTO outbox (topic, dossier_id, payload, created_at, available_at) VALUES ('notify.applicant', ");
    q.bind(id).push(", ").bind(payload.to_string()).push(", ").bind(ms(ctx.now)).push(", ").bind(ms(ctx.now)).push(")");
}

/// Writes one transition: row update with version check (returning the new row), then
/// event, outbox, counters and idempotency record in one batch.
async fn apply_in_tx(
    conn: &mut AnyConnection,
    backend: Backend,
    d: &DossierRow,
    t: &Transition,
    ctx: &ActionContext<'_>,
    idem: Option<(&IdempotencyKey, Render<'_>)>,
) -> Result<(DossierRow, Option<StoredResponse>), StoreError> {
    let n = &t.next;
    let code = match t.event.action == ActionKind::Receive {
        true => Some(issue_code(&mut *conn, d.receiving_agency_id, ctx).await?),
        false => None,
    };
    let event = PendingEvent::new(&d.reference, d.version + 1, &d.last_hash, ctx, &t.event);
    let returned_at = (t.event.to == State::Returned).then(|| ms(ctx.now));
    let updated: Option<DossierRow> = sqlx::query_as(&format!(
        "UPDATE dossiers SET code = COALESCE($1, code), state = $2, current_step = $3, step_started_at = $4, received_at = $5, \
         due_at = $6, original_due_at = $7, paused_at = $8, supplement_requests = $9, extended = $10, finished_at = $11, \
         outcome = $12, returned_at = COALESCE($13, returned_at), version = $14, last_hash = $15, updated_at = $16, assignee_id = $19 \
         WHERE id = $17 AND version = $18 RETURNING {DOSSIER_COLUMNS}"
    ))
    .bind(&code)
    .bind(n.state.as_str())
    .bind(n.current_step.map(|s| s as i64))
    .bind(n.step_started_at.map(ms))
    .bind(n.received_at.map(ms))
    .bind(n.due_at.map(ms))
    .bind(n.original_due_at.map(ms))
    .bind(n.paused_at.map(ms))
    .bind(n.supplement_requests as i64)
    .bind(n.extended as i64)
    .bind(n.finished_at.map(ms))
    .bind(n.outcome.map(|o| o.as_str()))
    .bind(returned_at)
    .bind(event.seq)
    .bind(&event.hash)
    .bind(ms(ctx.now))
    .bind(d.id)
    .bind(d.version)
    .bind(n.assignee)
    .fetch_optional(&mut *conn)
    .await?;
    let updated = updated.ok_or(StoreError::Conflict)?;
    let mut q = SqlBuilder::new("UPDATE dossier_agencies SET state = ");
    q.bind(n.state.as_str()).push(", due_key = ").bind(crate::read::due_key(n.due_at.map(ms))).push(" WHERE dossier_id = ").bind(d.id);
    push_events(&mut q, d.id, std::slice::from_ref(&event));
    push_notify(&mut q, d.id, updated.code.as_deref(), t, ctx);
    // Counters last: on PostgreSQL their rows are the most contended, so their locks are
    // held for the shortest time before commit.
    push_counters(&mut q, d.receiving_agency_id, &local_day(ctx.now), &counter_metrics(t, d.channel()?));
    let response = push_idempotent(&mut q, idem, &updated, ctx.now);
    q.execute_batch(&mut *conn, backend).await?;
    Ok((updated, response))
}

/// A dossier's events as one JSON array column, so the dossier and its history come back
/// as a single row: with SQLite every row crosses from the connection's thread to the
/// runtime, and under load those hand-offs, not the query, were most of a lookup's cost.
fn events_json_column(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Sqlite => {
            "(SELECT json_group_array(json_array(e.id, e.seq, e.at, e.actor, e.action, e.from_state, e.to_state, e.step, e.note, \
             e.data, e.prev_hash, e.hash)) FROM (SELECT * FROM dossier_events WHERE dossier_id = d.id ORDER BY seq) e) AS events_json"
        }
        crate::Backend::Postgres => {
            "(SELECT COALESCE(json_agg(json_build_array(e.id, e.seq, e.at, e.actor, e.action, e.from_state, e.to_state, e.step, e.note, \
             e.data, e.prev_hash, e.hash) ORDER BY e.seq), '[]')::text FROM dossier_events e WHERE e.dossier_id = d.id) AS events_json"
        }
    }
}

type EventTuple = (i64, i64, i64, String, String, String, String, Option<i64>, Option<String>, String, String, String);

fn events_from_json(json: &str, dossier_id: i64) -> Result<Vec<crate::EventRow>, StoreError> {
    let tuples: Vec<EventTuple> = serde_json::from_str(json).map_err(|_| corrupt(dossier_id, "events"))?;
    let mut events: Vec<crate::EventRow> = tuples
        .into_iter()
        .map(|(id, seq, at, actor, action, from_state, to_state, step, note, data, prev_hash, hash)| crate::EventRow {
            id,
            dossier_id,
            seq,
            at,
            actor,
            action,
            from_state,
            to_state,
            step,
            note,
            data,
            prev_hash,
            hash,
        })
        .collect();
    events.sort_by_key(|e| e.seq);
    Ok(events)
}

impl Store {
    /// A dossier (by code or reference) with its events in order, in one round trip and
    /// one row: the detail view is the most frequent read, by citizens and staff alike.
    pub async fn dossier_with_events(&self, public_id: &str) -> Result<Option<(DossierRow, Vec<crate::EventRow>)>, StoreError> {
        use sqlx::{FromRow, Row};
        for column in ["code", "reference"] {
            let row = sqlx::query(&format!("SELECT d.*, {} FROM dossiers d WHERE d.{column} = $1", events_json_column(self.backend)))
                .bind(public_id)
                .fetch_optional(&self.read)
                .await?;
            let Some(row) = row else { continue };
            let dossier = DossierRow::from_row(&row)?;
            let json: String = row.try_get("events_json")?;
            let events = events_from_json(&json, dossier.id)?;
            return Ok(Some((dossier, events)));
        }
        Ok(None)
    }
}

/// Records a document of a dossier (its bytes are already in the file store) and its blob
/// row, inside the action's transaction.
async fn insert_document(tx: &mut sqlx::AnyConnection, dossier_id: i64, d: &NewDocument, role: &str, now: Instant) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO blobs (sha256, size, content_type, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING")
        .bind(&d.sha256)
        .bind(d.size)
        .bind(&d.content_type)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO dossier_documents (dossier_id, name, sha256, original_name, created_at, role) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(dossier_id)
        .bind(&d.name)
        .bind(&d.sha256)
        .bind(&d.original_name)
        .bind(ms(now))
        .bind(role)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

impl Store {
    /// Applies a transition (the applicant supplying papers, an approval with its result)
    /// and attaches the documents, in one transaction, with the idempotency record of the
    /// dossier as it ends (its documents counted), like every other action.
    pub async fn apply_action_with_documents(
        &self,
        dossier: &DossierRow,
        transition: &Transition,
        ctx: &ActionContext<'_>,
        documents: &[NewDocument],
        role: &str,
        idem: Option<(&IdempotencyKey, Render<'_>)>,
    ) -> Result<ActionOutcome, StoreError> {
        let mut tx = self.write.begin().await?;
        let (mut updated, _) = apply_in_tx(&mut tx, self.backend, dossier, transition, ctx, None).await?;
        for d in documents {
            insert_document(&mut tx, dossier.id, d, role, ctx.now).await?;
        }
        if !documents.is_empty() {
            sqlx::query("UPDATE dossiers SET document_count = document_count + $1 WHERE id = $2")
                .bind(documents.len() as i64)
                .bind(dossier.id)
                .execute(&mut *tx)
                .await?;
            updated.document_count += documents.len() as i64;
        }
        let mut q = SqlBuilder::new("");
        let response = push_idempotent(&mut q, idem, &updated, ctx.now);
        q.execute_batch(&mut tx, self.backend).await?;
        tx.commit().await?;
        Ok(ActionOutcome { dossier: updated, response })
    }
}
