//! Administration: staff accounts, their role grants, agencies and the procedure
//! catalogue. Every change writes its audit row (who, when, what, before and after) in the
//! transaction of the change itself, so the log cannot miss a change or record one that
//! did not happen.

use crate::audit::{audit, AdminActor};
use crate::users::hash_password_blocking;
use crate::{ms, AgencyRow, NewAgency, Store, StoreError};
use motcua_core::dossier::Role;
use serde_json::json;

/// One row of the audit log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// A staff account as the administration screen lists it.
#[derive(Debug, Clone)]
pub struct StaffAccount {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub active: bool,
    /// Role and agency id of each direct grant.
    pub grants: Vec<(String, i64)>,
    pub system_admin: bool,
    /// The administrator who created it on the administration page.
    pub created_by: Option<i64>,
}

impl Store {
    /// Every staff account, by username; the administration page shows those the
    /// administrator manages (`motcua_core::admin::may_manage_account`).
    pub async fn staff_accounts(&self) -> Result<Vec<StaffAccount>, StoreError> {
        let users: Vec<(i64, String, String, i64, i64, Option<i64>)> =
            sqlx::query_as("SELECT id, username, full_name, active, system_admin, created_by FROM users ORDER BY username").fetch_all(&self.read).await?;
        let grants: Vec<(i64, String, i64)> = sqlx::query_as("SELECT user_id, role, agency_id FROM user_grants ORDER BY user_id, agency_id, role").fetch_all(&self.read).await?;
        Ok(users
            .into_iter()
            .map(|(id, username, full_name, active, system_admin, created_by)| StaffAccount {
                id,
                username,
                full_name,
                active: active == 1,
                grants: grants.iter().filter(|g| g.0 == id).map(|g| (g.1.clone(), g.2)).collect(),
                system_admin: system_admin == 1,
                created_by,
            })
            .collect())
    }

    /// One staff account, with its direct grants.
    pub async fn staff_account(&self, id: i64) -> Result<Option<StaffAccount>, StoreError> {
        let user: Option<(i64, String, String, i64, i64, Option<i64>)> =
            sqlx::query_as("SELECT id, username, full_name, active, system_admin, created_by FROM users WHERE id = $1").bind(id).fetch_optional(&self.read).await?;
        let Some((id, username, full_name, active, system_admin, created_by)) = user else { return Ok(None) };
        let grants: Vec<(String, i64)> = sqlx::query_as("SELECT role, agency_id FROM user_grants WHERE user_id = $1 ORDER BY agency_id, role").bind(id).fetch_all(&self.read).await?;
        Ok(Some(StaffAccount { id, username, full_name, active: active == 1, grants, system_admin: system_admin == 1, created_by }))
    }

    /// Creates a staff account without roles; fails with [`StoreError::Conflict`] when the
    /// username is taken.
    pub async fn create_staff(&self, by: AdminActor<'_>, username: &str, full_name: &str, password: &str) -> Result<i64, StoreError> {
        let hash = hash_password_blocking(password).await?;
        let mut tx = self.write.begin().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1").bind(username).fetch_optional(&mut *tx).await?;
        if taken.is_some() {
            return Err(StoreError::Conflict);
        }
        // The creator is the acting administrator (`user:<id>`, as the log names them): until
        // it has a role, the account is theirs and the province's.
        let creator: Option<i64> = by.label.strip_prefix("user:").and_then(|i| i.parse().ok());
        let id: i64 = sqlx::query_scalar("INSERT INTO users (username, full_name, password_hash, active, created_at, created_by) VALUES ($1, $2, $3, 1, $4, $5) RETURNING id")
            .bind(username)
            .bind(full_name)
            .bind(&hash)
            .bind(ms(by.now))
            .bind(creator)
            .fetch_one(&mut *tx)
            .await?;
        audit(&mut tx, by, "user.create", &format!("user:{id}"), json!({ "username": username, "full_name": full_name })).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds or removes a role at an agency; the account's sessions end so the change takes
    /// effect at once. Returns whether anything changed.
    pub async fn set_grant(&self, by: AdminActor<'_>, user_id: i64, role: Role, agency_id: i64, granted: bool) -> Result<bool, StoreError> {
        let mut tx = self.write.begin().await?;
        let changed = if granted {
            sqlx::query("INSERT INTO user_grants (user_id, role, agency_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        } else {
            sqlx::query("DELETE FROM user_grants WHERE user_id = $1 AND role = $2 AND agency_id = $3")
        }
        .bind(user_id)
        .bind(role.as_str())
        .bind(agency_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if changed {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            let action = if granted { "grant.add" } else { "grant.remove" };
            audit(&mut tx, by, action, &format!("user:{user_id}"), json!({ "role": role.as_str(), "agency_id": agency_id })).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Locks or unlocks an account; locking ends its sessions.
    pub async fn set_staff_active(&self, by: AdminActor<'_>, user_id: i64, active: bool) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        let n = sqlx::query("UPDATE users SET active = $1 WHERE id = $2").bind(active as i64).bind(user_id).execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        }
        audit(&mut tx, by, if active { "user.unlock" } else { "user.lock" }, &format!("user:{user_id}"), json!({})).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password (the officer changes it at first sign-in); sessions end.
    pub async fn reset_staff_password(&self, by: AdminActor<'_>, user_id: i64, password: &str) -> Result<(), StoreError> {
        let hash = hash_password_blocking(password).await?;
        let mut tx = self.write.begin().await?;
        let n = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(&hash).bind(user_id).execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        // The log says a reset happened, never the password.
        audit(&mut tx, by, "user.password_reset", &format!("user:{user_id}"), json!({})).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates an agency, or changes one (matched by code), recording the values before
    /// and after. Returns its id.
    pub async fn save_agency(&self, by: AdminActor<'_>, a: &NewAgency<'_>) -> Result<i64, StoreError> {
        let mut tx = self.write.begin().await?;
        let before: Option<AgencyRow> = sqlx::query_as(&format!("SELECT {} FROM agencies WHERE code = $1", crate::reference::AGENCY_COLUMNS))
            .bind(a.code)
            .fetch_optional(&mut *tx)
            .await?;
        let id = crate::reference::upsert_agency_in(&mut tx, a).await?;
        let after = json!({ "name": a.name, "kind": a.kind, "unit_code": a.unit_code, "parent_id": a.parent_id, "valid_from": a.valid_from, "valid_to": a.valid_to });
        let detail = match before {
            Some(b) => json!({
                "before": { "name": b.name, "kind": b.kind, "unit_code": b.unit_code, "parent_id": b.parent_id, "valid_from": b.valid_from, "valid_to": b.valid_to },
                "after": after,
            }),
            None => json!({ "after": after }),
        };
        let action = if detail.get("before").is_some() { "agency.update" } else { "agency.create" };
        audit(&mut tx, by, action, &format!("agency:{}", a.code), detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a working-calendar schedule (see `calendar_schedules`), recording the text
    /// before and after.
    pub async fn save_calendar_schedule(&self, by: AdminActor<'_>, scope: &str, content: &str) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        let before: Option<String> = sqlx::query_scalar("SELECT content FROM calendar_schedules WHERE scope = $1").bind(scope).fetch_optional(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO calendar_schedules (scope, content, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (scope) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at",
        )
        .bind(scope)
        .bind(content)
        .bind(ms(by.now))
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, by, "calendar.save", &format!("calendar:{scope}"), json!({ "before": before, "after": content })).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every saved schedule: (scope, content).
    pub async fn calendar_schedules(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as("SELECT scope, content FROM calendar_schedules ORDER BY scope").fetch_all(&self.read).await?)
    }

    /// The audit log, newest first, `limit` rows before the row `before` (keyset); with a
    /// filter, only rows about what it names.
    pub async fn audit_log(&self, before: Option<i64>, limit: i64, only: Option<&AuditFilter>) -> Result<Vec<AuditRow>, StoreError> {
        let mut q = crate::sql::SqlBuilder::new("SELECT id, at, actor, action, subject, detail FROM audit_log WHERE id < ");
        q.bind(before.unwrap_or(i64::MAX));
        if let Some(f) = only {
            q.push(" AND (subject IN (");
            // An empty IN list is invalid SQL: no subject is empty.
            let none = [String::new()];
            let subjects = if f.subjects.is_empty() { &none[..] } else { &f.subjects[..] };
            for (i, s) in subjects.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.bind(s.clone());
            }
            q.push(")");
            for p in &f.prefixes {
                q.push(" OR subject LIKE ").bind(format!("{p}%"));
            }
            q.push(")");
        }
        q.push(" ORDER BY id DESC LIMIT ").bind(limit.clamp(1, 500));
        Ok(sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?)
    }
}

/// Which rows of the audit log an administrator reads: exact subjects (`agency:H56.22366`,
/// `user:12`, `calendar:local:H56.22366`) and subject prefixes (`procedures`, `calendar:2`).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub subjects: Vec<String>,
    pub prefixes: Vec<String>,
}
