//! Citizen accounts: sign-up, one-time codes (sent through the outbox in the same
//! transaction that records them), passwords, sessions, and what belongs to an account —
//! its dossiers and every document in them.

use crate::dossiers::DOSSIER_COLUMNS;
use crate::users::{hash_password_blocking, token_hash, verify_password_blocking};
use crate::{from_ms, ms, DossierRow, Store, StoreError};
use base64::Engine;
use motcua_core::account::{may_resend, CodePurpose, Login, CODE_MAX_ATTEMPTS, CODE_TTL_MINUTES};
use motcua_core::time::Instant;
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CitizenRow {
    pub id: i64,
    pub login: String,
    pub login_kind: String,
    pub full_name: String,
    pub password_hash: String,
    pub verified_at: Option<i64>,
}

impl CitizenRow {
    pub fn verified(&self) -> bool {
        self.verified_at.is_some()
    }

    pub fn login(&self) -> Option<Login> {
        Login::parse(&self.login).ok()
    }

    /// Whether a dossier belongs to this citizen (the rule of [`Store::citizen_dossiers`]);
    /// `dossier_citizen` is the account the dossier was filed from.
    pub fn owns(&self, d: &DossierRow, dossier_citizen: Option<i64>) -> bool {
        let (phone, email) = self.contacts();
        dossier_citizen == Some(self.id) || d.applicant_phone == phone || d.applicant_email.as_deref() == Some(email)
    }

    /// The verified phone and e-mail that also make a dossier this citizen's (a value no
    /// dossier holds when the account has none of that kind or is unverified).
    fn contacts(&self) -> (&str, &str) {
        const NONE: &str = "\u{1}";
        match (self.verified(), self.login_kind.as_str()) {
            (true, "phone") => (&self.login, NONE),
            (true, "email") => (NONE, &self.login),
            _ => (NONE, NONE),
        }
    }
}

/// What signing up did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUp {
    /// A new, unverified account.
    Created(i64),
    /// An account that was never verified took the new name and password: whoever proves
    /// the contact with the code owns it.
    Replaced(i64),
    /// A verified account exists; nothing changed.
    Exists(i64),
}

/// What checking a one-time code found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    Accepted,
    Wrong { attempts_left: i64 },
    /// Expired, used up, or never sent: ask for a new code.
    NoLiveCode,
}

/// A document of an account's document store.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CitizenDocument {
    pub sha256: String,
    pub name: String,
    pub original_name: String,
    pub content_type: String,
    pub size: i64,
    pub role: String,
    pub dossier: String,
    pub created_at: i64,
}

/// A submission being prepared.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftRow {
    pub token: String,
    pub citizen_id: Option<i64>,
    pub procedure_code: String,
    pub form: String,
    pub files: String,
    pub status: String,
    pub dossier_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A message waiting in (or sent from) the outbox, for the demo mailbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMessage {
    pub topic: String,
    pub payload: String,
    pub created_at: i64,
}

const CITIZEN_COLUMNS: &str = "id, login, login_kind, full_name, password_hash, verified_at";
/// Which files are in an account's document store (`$1` the account, `$2`/`$3` its
/// verified phone and e-mail; `d` the dossier, `dd` its document): the files its holder
/// handed in while signed in (submitted or supplied on a dossier filed from the account),
/// and results issued to them once returned. A phone or e-mail typed into an anonymous
/// submission proves nothing about who sent the files, so it brings in results only: else
/// anyone could plant a file in a citizen's store, offered to them for reuse.
const IN_STORE: &str = "((d.citizen_id = $1 AND dd.role IN ('submitted', 'supplement')) \
     OR (dd.role = 'result' AND d.state = 'returned' AND (d.citizen_id = $1 OR d.applicant_phone = $2 OR d.applicant_email = $3)))";

const DRAFT_COLUMNS: &str = "token, citizen_id, procedure_code, form, files, status, dossier_id, created_at, updated_at";

fn code_hash(citizen_id: i64, purpose: CodePurpose, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{citizen_id}:{}:{code}", purpose.as_str()).as_bytes()))
}

fn dossier_code_hash(dossier_id: i64, purpose: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("dossier:{dossier_id}:{purpose}:{code}").as_bytes()))
}

/// Which table holds a kind of one-time code, and the column naming its owner: a
/// citizen's account codes, or the codes sent to a dossier's applicant.
#[derive(Clone, Copy)]
enum CodeHolder {
    Citizen,
    Dossier,
}

impl CodeHolder {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            CodeHolder::Citizen => ("one_time_codes", "citizen_id"),
            CodeHolder::Dossier => ("dossier_codes", "dossier_id"),
        }
    }
}

/// Checks a code against the live one of `owner` inside `tx`: a right one expires (kept for
/// the resend interval), a wrong one costs one of the five attempts.
async fn consume_in(tx: &mut sqlx::Transaction<'_, sqlx::Any>, holder: CodeHolder, owner: i64, purpose: &str, hash: &str, now: Instant) -> Result<CodeCheck, StoreError> {
    let (table, column) = holder.table();
    let row: Option<(String, i64, i64)> =
        sqlx::query_as(&format!("SELECT code_hash, expires_at, attempts FROM {table} WHERE {column} = $1 AND purpose = $2")).bind(owner).bind(purpose).fetch_optional(&mut **tx).await?;
    let Some((stored, expires_at, attempts)) = row else { return Ok(CodeCheck::NoLiveCode) };
    if expires_at <= ms(now) || attempts >= CODE_MAX_ATTEMPTS {
        return Ok(CodeCheck::NoLiveCode);
    }
    let right = stored == hash;
    let change = if right { "expires_at = 0" } else { "attempts = attempts + 1" };
    sqlx::query(&format!("UPDATE {table} SET {change} WHERE {column} = $1 AND purpose = $2")).bind(owner).bind(purpose).execute(&mut **tx).await?;
    Ok(if right { CodeCheck::Accepted } else { CodeCheck::Wrong { attempts_left: CODE_MAX_ATTEMPTS - attempts - 1 } })
}

/// A fresh unguessable token (sessions, drafts).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Writes an outbox row for a message to a citizen's contact: topic `otp.sms`,
/// `notice.email` and so on, so the sender picks the channel from the topic.
async fn queue(tx: &mut sqlx::AnyConnection, login: &Login, what: &str, message: &str, now: Instant) -> Result<(), StoreError> {
    let channel = match login {
        Login::Phone(_) => "sms",
        Login::Email(_) => "email",
    };
    let payload = serde_json::json!({ "to": login.as_str(), "text": message }).to_string();
    sqlx::query("INSERT INTO outbox (topic, payload, created_at, available_at) VALUES ($1, $2, $3, $3)")
        .bind(format!("{what}.{channel}"))
        .bind(payload)
        .bind(ms(now))
        .execute(tx)
        .await?;
    Ok(())
}

impl Store {
    pub async fn citizen_by_login(&self, login: &Login) -> Result<Option<CitizenRow>, StoreError> {
        Ok(sqlx::query_as(&format!("SELECT {CITIZEN_COLUMNS} FROM citizens WHERE login = $1")).bind(login.as_str()).fetch_optional(&self.read).await?)
    }

    pub async fn sign_up_citizen(&self, login: &Login, full_name: &str, password: &str, now: Instant) -> Result<SignUp, StoreError> {
        let hash = hash_password_blocking(password).await?;
        let mut tx = self.write.begin().await?;
        let existing: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT id, verified_at FROM citizens WHERE login = $1").bind(login.as_str()).fetch_optional(&mut *tx).await?;
        let outcome = match existing {
            Some((id, Some(_))) => SignUp::Exists(id),
            Some((id, None)) => {
                sqlx::query("UPDATE citizens SET full_name = $1, password_hash = $2 WHERE id = $3").bind(full_name).bind(&hash).bind(id).execute(&mut *tx).await?;
                SignUp::Replaced(id)
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO citizens (login, login_kind, full_name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(login.as_str())
                .bind(login.kind())
                .bind(full_name)
                .bind(&hash)
                .bind(ms(now))
                .fetch_one(&mut *tx)
                .await?;
                SignUp::Created(id)
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Checks a login and password; `None` for an unknown login or a wrong password alike,
    /// in about the same time.
    pub async fn authenticate_citizen(&self, login: &Login, password: &str) -> Result<Option<CitizenRow>, StoreError> {
        let row = self.citizen_by_login(login).await?;
        let ok = verify_password_blocking(password, row.as_ref().map(|c| c.password_hash.as_str())).await?;
        Ok(row.filter(|_| ok))
    }

    /// Records a one-time code and queues its message in one transaction. Returns false,
    /// sending nothing, when the previous code went out less than a minute ago.
    pub async fn issue_code(&self, citizen_id: i64, purpose: CodePurpose, code: &str, login: &Login, message: &str, now: Instant) -> Result<bool, StoreError> {
        self.issue_in(CodeHolder::Citizen, citizen_id, purpose.as_str(), &code_hash(citizen_id, purpose, code), login, message, now).await
    }

    /// Queues a plain message to a contact (SMS or e-mail by the kind of contact).
    pub async fn queue_message(&self, login: &Login, message: &str, now: Instant) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        queue(&mut tx, login, "notice", message, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a code: a right one is used up (and verifies the account); a wrong one costs
    /// one of the five attempts.
    pub async fn consume_code(&self, citizen_id: i64, purpose: CodePurpose, code: &str, now: Instant) -> Result<CodeCheck, StoreError> {
        let mut tx = self.write.begin().await?;
        let check = consume_in(&mut tx, CodeHolder::Citizen, citizen_id, purpose.as_str(), &code_hash(citizen_id, purpose, code), now).await?;
        if check == CodeCheck::Accepted {
            sqlx::query("UPDATE citizens SET verified_at = $1 WHERE id = $2 AND verified_at IS NULL").bind(ms(now)).bind(citizen_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(check)
    }

    /// Records a dossier's one-time code (for `purpose`, e.g. `withdraw`) and queues its
    /// message to the applicant's contact in one transaction, under the same rules as
    /// citizens' codes. Returns false, sending nothing, within a minute of the last one.
    pub async fn issue_dossier_code(&self, dossier_id: i64, purpose: &str, code: &str, to: &Login, message: &str, now: Instant) -> Result<bool, StoreError> {
        self.issue_in(CodeHolder::Dossier, dossier_id, purpose, &dossier_code_hash(dossier_id, purpose, code), to, message, now).await
    }

    /// Checks a dossier's one-time code: a right one is used up, a wrong one costs one of
    /// the five attempts.
    pub async fn consume_dossier_code(&self, dossier_id: i64, purpose: &str, code: &str, now: Instant) -> Result<CodeCheck, StoreError> {
        let mut tx = self.write.begin().await?;
        let check = consume_in(&mut tx, CodeHolder::Dossier, dossier_id, purpose, &dossier_code_hash(dossier_id, purpose, code), now).await?;
        tx.commit().await?;
        Ok(check)
    }

    /// One code for `owner` in `holder`'s table, replacing the last, and its message, in one
    /// transaction; nothing within a minute of the last one.
    #[allow(clippy::too_many_arguments)]
    async fn issue_in(&self, holder: CodeHolder, owner: i64, purpose: &str, hash: &str, to: &Login, message: &str, now: Instant) -> Result<bool, StoreError> {
        let (table, column) = holder.table();
        let mut tx = self.write.begin().await?;
        let last: Option<i64> = sqlx::query_scalar(&format!("SELECT sent_at FROM {table} WHERE {column} = $1 AND purpose = $2")).bind(owner).bind(purpose).fetch_optional(&mut *tx).await?;
        if !may_resend(last.map(from_ms), now) {
            return Ok(false);
        }
        sqlx::query(&format!(
            "INSERT INTO {table} ({column}, purpose, code_hash, sent_at, expires_at, attempts) VALUES ($1, $2, $3, $4, $5, 0) \
             ON CONFLICT ({column}, purpose) DO UPDATE SET code_hash = excluded.code_hash, sent_at = excluded.sent_at, \
             expires_at = excluded.expires_at, attempts = 0"
        ))
        .bind(owner)
        .bind(purpose)
        .bind(hash)
        .bind(ms(now))
        .bind(ms(now + chrono::Duration::minutes(CODE_TTL_MINUTES)))
        .execute(&mut *tx)
        .await?;
        queue(&mut tx, to, "otp", message, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Sets a new password and ends every session of the account.
    pub async fn set_citizen_password(&self, citizen_id: i64, password: &str) -> Result<(), StoreError> {
        let hash = hash_password_blocking(password).await?;
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE citizens SET password_hash = $1 WHERE id = $2").bind(&hash).bind(citizen_id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM citizen_sessions WHERE citizen_id = $1").bind(citizen_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_citizen_session(&self, citizen_id: i64, now: Instant, ttl: chrono::Duration) -> Result<String, StoreError> {
        let token = new_token();
        sqlx::query("INSERT INTO citizen_sessions (token_hash, citizen_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash(&token))
            .bind(citizen_id)
            .bind(ms(now))
            .bind(ms(now + ttl))
            .execute(&self.write)
            .await?;
        Ok(token)
    }

    /// The verified citizen of a live session.
    pub async fn citizen_session(&self, token: &str, now: Instant) -> Result<Option<CitizenRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT c.id, c.login, c.login_kind, c.full_name, c.password_hash, c.verified_at FROM citizen_sessions s \
             JOIN citizens c ON c.id = s.citizen_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND c.verified_at IS NOT NULL",
        )
        .bind(token_hash(token))
        .bind(ms(now))
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn end_citizen_session(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM citizen_sessions WHERE token_hash = $1").bind(token_hash(token)).execute(&self.write).await?;
        Ok(())
    }

    /// A citizen's dossiers, newest first (keyset on id): those filed from the account and
    /// those filed anywhere with its verified phone or e-mail.
    pub async fn citizen_dossiers(&self, c: &CitizenRow, before: Option<i64>, limit: i64) -> Result<Vec<DossierRow>, StoreError> {
        let (phone, email) = c.contacts();
        Ok(sqlx::query_as(&format!(
            "SELECT {DOSSIER_COLUMNS} FROM dossiers WHERE (citizen_id = $1 OR applicant_phone = $2 OR applicant_email = $3) AND id < $4 \
             ORDER BY id DESC LIMIT $5"
        ))
        .bind(c.id)
        .bind(phone)
        .bind(email)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// The account holder of a dossier, if it was filed from an account.
    pub async fn dossier_citizen(&self, dossier_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT citizen_id FROM dossiers WHERE id = $1").bind(dossier_id).fetch_optional(&self.read).await?.flatten())
    }

    /// The document store of an account (see [`IN_STORE`]), newest first, each content once.
    pub async fn citizen_documents(&self, c: &CitizenRow, limit: i64) -> Result<Vec<CitizenDocument>, StoreError> {
        let (phone, email) = c.contacts();
        let rows: Vec<CitizenDocument> = sqlx::query_as(&format!(
            "SELECT dd.sha256, dd.name, dd.original_name, b.content_type, b.size, dd.role, COALESCE(d.code, d.reference) AS dossier, dd.created_at \
             FROM dossiers d JOIN dossier_documents dd ON dd.dossier_id = d.id JOIN blobs b ON b.sha256 = dd.sha256 \
             WHERE {IN_STORE} ORDER BY dd.created_at DESC, dd.id DESC LIMIT $4"
        ))
        .bind(c.id)
        .bind(phone)
        .bind(email)
        .bind(limit * 2)
        .fetch_all(&self.read)
        .await?;
        let mut seen = std::collections::HashSet::new();
        Ok(rows.into_iter().filter(|d| seen.insert(d.sha256.clone())).take(limit as usize).collect())
    }

    /// One document of an account's store, by content hash.
    pub async fn citizen_document(&self, c: &CitizenRow, sha256: &str) -> Result<Option<CitizenDocument>, StoreError> {
        let (phone, email) = c.contacts();
        Ok(sqlx::query_as(&format!(
            "SELECT dd.sha256, dd.name, dd.original_name, b.content_type, b.size, dd.role, COALESCE(d.code, d.reference) AS dossier, dd.created_at \
             FROM dossier_documents dd JOIN dossiers d ON d.id = dd.dossier_id JOIN blobs b ON b.sha256 = dd.sha256 \
             WHERE dd.sha256 = $4 AND {IN_STORE} ORDER BY dd.id DESC LIMIT 1"
        ))
        .bind(c.id)
        .bind(phone)
        .bind(email)
        .bind(sha256)
        .fetch_optional(&self.read)
        .await?)
    }

    /// Creates or updates an open draft.
    pub async fn save_draft(&self, d: &DraftRow) -> Result<(), StoreError> {
        let r = sqlx::query(
            "INSERT INTO submission_drafts (token, citizen_id, procedure_code, form, files, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) \
             ON CONFLICT (token) DO UPDATE SET form = excluded.form, files = excluded.files, updated_at = excluded.updated_at, \
             citizen_id = COALESCE(submission_drafts.citizen_id, excluded.citizen_id) WHERE submission_drafts.status = 'open'",
        )
        .bind(&d.token)
        .bind(d.citizen_id)
        .bind(&d.procedure_code)
        .bind(&d.form)
        .bind(&d.files)
        .bind(d.created_at)
        .bind(d.updated_at)
        .execute(&self.write)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(())
    }

    pub async fn draft(&self, token: &str) -> Result<Option<DraftRow>, StoreError> {
        Ok(sqlx::query_as(&format!("SELECT {DRAFT_COLUMNS} FROM submission_drafts WHERE token = $1")).bind(token).fetch_optional(&self.write).await?)
    }

    /// A citizen's unfinished drafts, most recently edited first.
    pub async fn citizen_drafts(&self, citizen_id: i64, limit: i64) -> Result<Vec<DraftRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DRAFT_COLUMNS} FROM submission_drafts WHERE citizen_id = $1 AND status = 'open' ORDER BY updated_at DESC LIMIT $2"
        ))
        .bind(citizen_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// Takes an open draft for submission; false if another request already did (a double
    /// click submits once).
    pub async fn claim_draft(&self, token: &str, now: Instant) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE submission_drafts SET status = 'submitting', updated_at = $1 WHERE token = $2 AND status = 'open'")
            .bind(ms(now))
            .bind(token)
            .execute(&self.write)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Gives a claimed draft back when its submission failed.
    pub async fn release_draft(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE submission_drafts SET status = 'open' WHERE token = $1 AND status = 'submitting'").bind(token).execute(&self.write).await?;
        Ok(())
    }

    pub async fn delete_draft(&self, token: &str, citizen_id: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM submission_drafts WHERE token = $1 AND citizen_id = $2 AND status = 'open'")
            .bind(token)
            .bind(citizen_id)
            .execute(&self.write)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// The latest SMS and e-mail messages of the outbox (the demo mailbox shows them).
    pub async fn recent_messages(&self, limit: i64) -> Result<Vec<OutboxMessage>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT topic, payload, created_at FROM outbox WHERE topic LIKE '%.sms' OR topic LIKE '%.email' ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }
}
