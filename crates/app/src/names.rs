//! Codes and names of agencies and procedures for what the use cases show and print.

use crate::context::App;
use crate::error::AppError;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant as StdInstant};

/// Codes and names of agencies and procedures, cached because every dossier view needs
/// them and they change rarely (refreshed on a miss and every minute).
#[derive(Default)]
pub struct Names {
    inner: RwLock<NamesInner>,
}

#[derive(Default)]
struct NamesInner {
    agencies: HashMap<i64, (String, String)>,
    procedures: HashMap<i64, (String, String)>,
    loaded: Option<StdInstant>,
}

const NAMES_TTL: Duration = Duration::from_secs(60);

impl Names {
    fn fresh(&self) -> bool {
        self.inner.read().map(|i| i.loaded.is_some_and(|t| t.elapsed() < NAMES_TTL)).unwrap_or(false)
    }

    async fn reload(&self, app: &App) -> Result<(), AppError> {
        let (agencies, procedures) = app.store.reference_names().await?;
        if let Ok(mut i) = self.inner.write() {
            i.agencies = agencies;
            i.procedures = procedures;
            i.loaded = Some(StdInstant::now());
        }
        Ok(())
    }

    /// Makes sure the given agencies and procedure are cached, so the sync getters find them.
    pub async fn ensure(&self, app: &App, agency: &[i64], procedure: Option<i64>) -> Result<(), AppError> {
        let missing = {
            let i = self.inner.read().map_err(|_| AppError::Internal("names lock".into()))?;
            agency.iter().any(|a| !i.agencies.contains_key(a)) || procedure.is_some_and(|p| !i.procedures.contains_key(&p))
        };
        if missing || !self.fresh() {
            self.reload(app).await?;
        }
        Ok(())
    }

    /// A cached agency (empty if unknown: call [`Names::ensure`] first).
    pub fn agency(&self, id: i64) -> AgencyRef {
        let (code, name) = self.inner.read().ok().and_then(|i| i.agencies.get(&id).cloned()).unwrap_or_default();
        AgencyRef { code, name }
    }

    /// A cached procedure (empty if unknown: call [`Names::ensure`] first).
    pub fn procedure(&self, id: i64) -> ProcedureRef {
        let (code, name) = self.inner.read().ok().and_then(|i| i.procedures.get(&id).cloned()).unwrap_or_default();
        ProcedureRef { code, name }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcedureRef {
    pub code: String,
    pub name: String,
}

