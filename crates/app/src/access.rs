//! Who is acting, and what they may see: staff by their grants (core's roles and
//! scopes), an applicant by a secret only they should know.

use crate::context::App;
use crate::error::AppError;
use motcua_core::dossier::{Actor, Grant};
use motcua_store::{DossierRow, SessionUser, UserRow};

/// A signed-in officer (by a web session or an API token: the adapter decides how).
#[derive(Debug, Clone)]
pub struct Staff(pub SessionUser);

impl Staff {
    pub fn actor(&self) -> Actor {
        Actor::Staff { user_id: self.0.user_id, grants: self.0.grants.clone() }
    }

    /// How the officer is recorded in events and the audit log.
    pub fn label(&self) -> String {
        format!("user:{}", self.0.user_id)
    }

    /// Agencies whose dossiers this person may see.
    pub fn agencies(&self) -> Vec<i64> {
        let mut v: Vec<i64> = self.0.grants.iter().map(|g: &Grant| g.agency_id).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Whether this officer sees a dossier: a role in its receiving agency or in the
    /// agency of one of its steps.
    pub fn sees(&self, d: &DossierRow) -> Result<bool, AppError> {
        let actor = self.actor();
        Ok(actor.sees(d.receiving_agency_id) || d.steps()?.iter().any(|s| actor.sees(s.agency_id)))
    }
}

/// Whether `secret` proves the caller is this dossier's applicant: the phone number or
/// the ID number given at submission. Compared without early exit.
pub fn applicant_secret_matches(d: &DossierRow, secret: &str) -> bool {
    let s = secret.trim();
    if s.is_empty() {
        return false;
    }
    let phone = motcua_core::ids::Phone::parse(s).map(|p| p.as_str().to_string()).unwrap_or_else(|_| s.to_string());
    constant_time_eq(phone.as_bytes(), d.applicant_phone.as_bytes()) | constant_time_eq(s.as_bytes(), d.applicant_id_number.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks an officer's username and password: the account, or `None` for a wrong pair
/// (the adapter counts failures against its sign-in limits).
pub async fn authenticate_staff(app: &App, username: &str, password: &str) -> Result<Option<UserRow>, AppError> {
    if username.len() > 100 || password.len() > 200 {
        return Ok(None);
    }
    Ok(app.store.authenticate(username.trim(), password).await?)
}

/// A new session for an officer: `web` (a cookie of the pages) or `api` (a bearer token).
pub async fn open_staff_session(app: &App, user_id: i64, kind: &'static str, ttl: chrono::Duration) -> Result<String, AppError> {
    Ok(app.store.create_session(user_id, kind, app.now(), ttl).await?)
}
