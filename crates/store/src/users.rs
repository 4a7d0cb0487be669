//! Staff accounts, their role grants, and sessions (web cookies and API bearer tokens).

use crate::{from_ms, ms, Store, StoreError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use motcua_core::dossier::{Grant, Role};
use motcua_core::time::Instant;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A staff account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub password_hash: String,
    pub active: i64,
}

/// The user behind a valid session, with grants expanded to sub-agencies.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub grants: Vec<Grant>,
    pub expires_at: Instant,
    /// Owns the national catalogue and routes anywhere (`users.system_admin`, set only from
    /// the command line); agency scope still comes from the grants.
    pub system_admin: bool,
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Hashes a password with Argon2id (the crate's defaults follow OWASP: 19 MiB, 2 passes).
fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Config(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Hashes off the async runtime (Argon2 takes tens of milliseconds by design).
pub(crate) async fn hash_password_blocking(password: &str) -> Result<String, StoreError> {
    let owned = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&owned)).await.map_err(|e| StoreError::Config(e.to_string()))?
}

/// Verifies off the async runtime; with no stored hash, verifies against a dummy so an
/// unknown account costs the same time as a wrong password.
pub(crate) async fn verify_password_blocking(password: &str, stored: Option<&str>) -> Result<bool, StoreError> {
    let password = password.to_string();
    let stored = stored.unwrap_or(DUMMY_HASH).to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &stored)).await.map_err(|e| StoreError::Config(e.to_string()))?;
    Ok(ok)
}

/// A stored hash of a password no one has, verified when the username is unknown so
/// that the answer takes as long as for a real account.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0n0s5pXG3Z1Uw5j0mH2h3a3C1dZ0cVYkq3z3FZp8zqk";

impl Store {
    /// Creates a staff account (or resets an existing one's name, password and grants).
    pub async fn upsert_user(&self, username: &str, full_name: &str, password: &str, grants: &[(Role, i64)], now: Instant) -> Result<i64, StoreError> {
        let hash = hash_password_blocking(password).await?;
        let mut tx = self.write.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, full_name, password_hash, active, created_at) VALUES ($1, $2, $3, 1, $4) \
             ON CONFLICT (username) DO UPDATE SET full_name = excluded.full_name, password_hash = excluded.password_hash, active = 1 RETURNING id",
        )
        .bind(username)
        .bind(full_name)
        .bind(&hash)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM user_grants WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        for (role, agency) in grants {
            sqlx::query("INSERT INTO user_grants (user_id, role, agency_id) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(role.as_str())
                .bind(*agency)
                .execute(&mut *tx)
                .await?;
        }
        // A password or role change ends existing sessions.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Checks a username and password; `None` for an unknown user, a wrong password or a
    /// disabled account alike.
    pub async fn authenticate(&self, username: &str, password: &str) -> Result<Option<UserRow>, StoreError> {
        let user: Option<UserRow> = sqlx::query_as("SELECT id, username, full_name, password_hash, active FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.read)
            .await?;
        let ok = verify_password_blocking(password, user.as_ref().map(|u| u.password_hash.as_str())).await?;
        Ok(user.filter(|u| ok && u.active == 1))
    }

    /// Opens a session; returns the token to hand to the client (only its hash is stored).
    pub async fn create_session(&self, user_id: i64, kind: &str, now: Instant, ttl: chrono::Duration) -> Result<String, StoreError> {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        sqlx::query("INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash(&token))
            .bind(user_id)
            .bind(kind)
            .bind(ms(now))
            .bind(ms(now + ttl))
            .execute(&self.write)
            .await?;
        Ok(token)
    }

    pub async fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token)).execute(&self.write).await?;
        Ok(())
    }

    /// Active accounts holding `role` directly at `agency`, by name: the colleagues a
    /// step can be handed to.
    pub async fn holders(&self, role: Role, agency: i64) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT u.id, u.full_name FROM users u JOIN user_grants g ON g.user_id = u.id \
             WHERE g.role = $1 AND g.agency_id = $2 AND u.active = 1 ORDER BY u.full_name",
        )
        .bind(role.as_str())
        .bind(agency)
        .fetch_all(&self.read)
        .await?)
    }

    /// The user of a live session of `kind`, with grants expanded to sub-agencies.
    pub async fn session_user(&self, token: &str, kind: &str, now: Instant) -> Result<Option<SessionUser>, StoreError> {
        let row: Option<(i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT u.id, u.username, u.full_name, s.expires_at, u.system_admin FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.kind = $2 AND s.expires_at > $3 AND u.active = 1",
        )
        .bind(token_hash(token))
        .bind(kind)
        .bind(ms(now))
        .fetch_optional(&self.read)
        .await?;
        let Some((user_id, username, full_name, expires, system_admin)) = row else { return Ok(None) };
        Ok(Some(SessionUser { user_id, username, full_name, grants: self.user_grants(user_id).await?, expires_at: from_ms(expires), system_admin: system_admin == 1 }))
    }

    /// Full names of staff by id (for printed forms and timelines).
    pub async fn user_names(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>, StoreError> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let mut q = crate::sql::SqlBuilder::new("SELECT id, full_name FROM users WHERE id IN (");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind(*id);
        }
        q.push(")");
        let rows: Vec<(i64, String)> = sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?;
        Ok(rows.into_iter().collect())
    }

    /// A user's grants, each extended to every agency below the granted one.
    pub async fn user_grants(&self, user_id: i64) -> Result<Vec<Grant>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "WITH RECURSIVE scope(role, agency_id) AS ( \
                SELECT role, agency_id FROM user_grants WHERE user_id = $1 \
                UNION SELECT scope.role, a.id FROM agencies a JOIN scope ON a.parent_id = scope.agency_id) \
             SELECT role, agency_id FROM scope",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().filter_map(|(r, a)| Role::parse(&r).map(|role| Grant { role, agency_id: a })).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dummy_hash_parses_so_unknown_users_cost_a_real_verification() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("anything", DUMMY_HASH));
    }

    #[test]
    fn hashes_verify() {
        let h = hash_password("mật khẩu").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu", &h));
        assert!(!verify_password("mat khau", &h));
    }
}
