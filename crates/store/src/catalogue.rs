//! The procedure catalogue: idempotent import and search.

use crate::sql::SqlBuilder;
use crate::{ms, Store, StoreError};
use motcua_core::catalogue::{Procedure, ProcedureOwner};
use motcua_core::time::Instant;
use std::collections::HashMap;

/// A stored procedure.
#[derive(Debug, Clone)]
pub struct ProcedureRow {
    pub id: i64,
    pub procedure: Procedure,
}

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

fn decode(id: i64, data: &str) -> Result<ProcedureRow, StoreError> {
    let procedure = serde_json::from_str(data).map_err(|e| StoreError::Corrupt(format!("procedure {id}: {e}")))?;
    Ok(ProcedureRow { id, procedure })
}

impl Store {
    /// Imports procedures in one transaction at the system level (the command line and the
    /// seeds): see [`write_procedures`]. Owners stay; new procedures are national. The
    /// administration screen imports through `import_procedures_as`, which checks the
    /// administrator's level against each procedure's owner.
    pub async fn import_procedures(&self, procedures: &[Procedure], now: Instant, by: Option<crate::AdminActor<'_>>) -> Result<ImportReport, StoreError> {
        let mut tx = self.write.begin().await?;
        let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT code, data, owner FROM procedures").fetch_all(&mut *tx).await?;
        // The command line and the seeds act for the system: owners stay, new procedures are national.
        let mut existing = HashMap::with_capacity(rows.len());
        let mut owner_of = HashMap::with_capacity(rows.len());
        for (code, data, owner) in rows {
            owner_of.insert(code.clone(), ProcedureOwner::parse(&owner));
            existing.insert(code, data);
        }
        let owners: Vec<ProcedureOwner> = procedures.iter().map(|p| owner_of.get(&p.code).cloned().unwrap_or(ProcedureOwner::National)).collect();
        let report = write_procedures(&mut tx, procedures, &owners, &existing, now, by).await?;
        tx.commit().await?;
        Ok(report)
    }

    pub async fn procedure_by_code(&self, code: &str) -> Result<Option<ProcedureRow>, StoreError> {
        let row: Option<(i64, String)> = sqlx::query_as("SELECT id, data FROM procedures WHERE code = $1").bind(code).fetch_optional(&self.read).await?;
        row.map(|(id, data)| decode(id, &data)).transpose()
    }

    pub async fn procedure_by_id(&self, id: i64) -> Result<Option<ProcedureRow>, StoreError> {
        let row: Option<(i64, String)> = sqlx::query_as("SELECT id, data FROM procedures WHERE id = $1").bind(id).fetch_optional(&self.read).await?;
        row.map(|(id, data)| decode(id, &data)).transpose()
    }

    pub async fn count_procedures(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM procedures").fetch_one(&self.read).await?)
    }

    /// Procedures whose folded text contains every folded word of `words`, in code order
    /// after `after` (keyset), at most `limit`. An empty word list lists everything.
    pub async fn search_procedures(
        &self,
        words: &[String],
        level: Option<&str>,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ProcedureRow>, StoreError> {
        let mut q = SqlBuilder::new("SELECT id, data FROM procedures WHERE 1 = 1");
        for w in words {
            // Words are folded to [a-z0-9], so they hold no LIKE wildcard.
            q.push(" AND search_text LIKE ").bind(format!("%{w}%"));
        }
        if let Some(l) = level {
            q.push(" AND level = ").bind(l.to_string());
        }
        if let Some(a) = after {
            q.push(" AND code > ").bind(a.to_string());
        }
        q.push(" ORDER BY code LIMIT ").bind(limit);
        let rows: Vec<(i64, String)> = sqlx::query_as_with(&q.sql, q.args).fetch_all(&self.read).await?;
        rows.iter().map(|(id, data)| decode(*id, data)).collect()
    }
}

impl Store {
    /// Procedures by number of dossiers, most used first (uses `dossiers_procedure_id`).
    pub async fn popular_procedures(&self, limit: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(sqlx::query_as("SELECT procedure_id, COUNT(*) AS n FROM dossiers GROUP BY procedure_id ORDER BY n DESC, procedure_id LIMIT $1")
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }
}

/// Writes procedures (each with its owner) in the caller's transaction, matching by code:
/// new ones are inserted, changed ones updated, identical ones left alone, so running an
/// import twice changes nothing the second time. From the administration screen (`by`)
/// the report and the codes changed are logged in the same transaction.
pub(crate) async fn write_procedures(
    tx: &mut sqlx::AnyConnection,
    procedures: &[Procedure],
    owners: &[ProcedureOwner],
    existing: &HashMap<String, String>,
    now: Instant,
    by: Option<crate::AdminActor<'_>>,
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    let mut changed = Vec::new();
    for (p, owner) in procedures.iter().zip(owners) {
        let data = serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        match existing.get(&p.code) {
            Some(old) if *old == data => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => report.updated += 1,
            None => report.inserted += 1,
        }
        changed.push(p.code.as_str());
        sqlx::query(
            "INSERT INTO procedures (code, name, field, level, online, search_text, data, updated_at, owner) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, field = excluded.field, level = excluded.level, online = excluded.online, \
             search_text = excluded.search_text, data = excluded.data, updated_at = excluded.updated_at, owner = excluded.owner",
        )
        .bind(&p.code)
        .bind(&p.name)
        .bind(&p.field)
        .bind(p.level.as_str())
        .bind(p.online.as_str())
        .bind(p.search_text())
        .bind(&data)
        .bind(ms(now))
        .bind(owner.as_str())
        .execute(&mut *tx)
        .await?;
    }
    if let Some(by) = by {
        let detail = serde_json::json!({ "inserted": report.inserted, "updated": report.updated, "unchanged": report.unchanged, "codes": changed });
        crate::audit::audit(tx, by, "procedures.import", "procedures", detail).await?;
    }
    Ok(report)
}
