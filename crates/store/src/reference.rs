//! Reference data: administrative units after the 1 July 2025 reorganisation, and
//! agencies with their electronic codes, hierarchy and validity periods.

use crate::{Store, StoreError};
use crate::sql::SqlBuilder;

/// An administrative unit (province or commune-level).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_code: Option<String>,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

/// An agency (cơ quan).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AgencyRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub unit_code: Option<String>,
    pub parent_id: Option<i64>,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

/// An agency to create or update (matched by code).
#[derive(Debug, Clone)]
pub struct NewAgency<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub unit_code: Option<&'a str>,
    pub parent_id: Option<i64>,
    pub valid_from: &'a str,
    pub valid_to: Option<&'a str>,
}

pub(crate) const AGENCY_COLUMNS: &str = "id, code, name, kind, unit_code, parent_id, valid_from, valid_to";

impl Store {
    /// Inserts or updates units in one transaction, in batches (3,355 rows load in one go).
    pub async fn upsert_units(&self, units: &[UnitRow]) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        for chunk in units.chunks(100) {
            let mut q = SqlBuilder::new("INSERT INTO admin_units (code, name, kind, parent_code, valid_from, valid_to) VALUES ");
            for (i, u) in chunk.iter().enumerate() {
                q.push(if i == 0 { "(" } else { ", (" });
                q.bind(u.code.clone()).push(", ").bind(u.name.clone()).push(", ").bind(u.kind.clone()).push(", ");
                q.bind(u.parent_code.clone()).push(", ").bind(u.valid_from.clone()).push(", ").bind(u.valid_to.clone()).push(")");
            }
            q.push(
                " ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent_code = excluded.parent_code, \
                 valid_from = excluded.valid_from, valid_to = excluded.valid_to",
            );
            sqlx::query_with(&q.sql, q.args).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn unit_exists(&self, code: &str) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admin_units WHERE code = $1").bind(code).fetch_one(&self.read).await?;
        Ok(n > 0)
    }

    pub async fn count_units(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM admin_units").fetch_one(&self.read).await?)
    }

    /// Units under a parent (communes of a province), or provinces when `parent` is `None`.
    pub async fn units_under(&self, parent: Option<&str>) -> Result<Vec<UnitRow>, StoreError> {
        let sql = "SELECT code, name, kind, parent_code, valid_from, valid_to FROM admin_units WHERE ";
        Ok(match parent {
            Some(p) => sqlx::query_as(&format!("{sql} parent_code = $1 ORDER BY name")).bind(p).fetch_all(&self.read).await?,
            None => sqlx::query_as(&format!("{sql} parent_code IS NULL ORDER BY code")).fetch_all(&self.read).await?,
        })
    }

    /// Creates the agency or updates the one with the same code; returns its id.
    pub async fn upsert_agency(&self, a: &NewAgency<'_>) -> Result<i64, StoreError> {
        let mut conn = self.write.acquire().await?;
        upsert_agency_in(&mut conn, a).await
    }

    pub async fn agency_by_code(&self, code: &str) -> Result<Option<AgencyRow>, StoreError> {
        Ok(sqlx::query_as(&format!("SELECT {AGENCY_COLUMNS} FROM agencies WHERE code = $1"))
            .bind(code)
            .fetch_optional(&self.read)
            .await?)
    }

    pub async fn agency_by_id(&self, id: i64) -> Result<Option<AgencyRow>, StoreError> {
        Ok(sqlx::query_as(&format!("SELECT {AGENCY_COLUMNS} FROM agencies WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?)
    }

    /// All agencies in force on `day` (YYYY-MM-DD), ordered by code.
    pub async fn agencies_in_force(&self, day: &str) -> Result<Vec<AgencyRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {AGENCY_COLUMNS} FROM agencies WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1) ORDER BY code"
        ))
        .bind(day)
        .fetch_all(&self.read)
        .await?)
    }

    /// For each agency in force on `day`: its code and the province it serves (its own
    /// unit, or the province above its commune), so applicants can choose province first.
    pub async fn agency_provinces(&self, day: &str) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT a.code, p.code, p.name FROM agencies a JOIN admin_units u ON u.code = a.unit_code              JOIN admin_units p ON p.code = COALESCE(u.parent_code, u.code)              WHERE a.valid_from <= $1 AND (a.valid_to IS NULL OR a.valid_to > $1) ORDER BY p.name, a.code",
        )
        .bind(day)
        .fetch_all(&self.read)
        .await?)
    }

    /// The ids of an agency and all agencies below it (a grant covers its sub-agencies).
    pub async fn agency_subtree(&self, root: i64) -> Result<Vec<i64>, StoreError> {
        // A recursive CTE is portable between SQLite and PostgreSQL.
        Ok(sqlx::query_scalar(
            "WITH RECURSIVE sub(id) AS (SELECT id FROM agencies WHERE id = $1 \
             UNION SELECT a.id FROM agencies a JOIN sub ON a.parent_id = sub.id) SELECT id FROM sub",
        )
        .bind(root)
        .fetch_all(&self.read)
        .await?)
    }
}

/// Codes and names by id, for display.
pub type NameMap = std::collections::HashMap<i64, (String, String)>;

impl Store {
    /// (code, name) of every agency and every procedure, for display caches.
    pub async fn reference_names(&self) -> Result<(NameMap, NameMap), StoreError> {
        let agencies: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, code, name FROM agencies").fetch_all(&self.read).await?;
        let procedures: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, code, name FROM procedures").fetch_all(&self.read).await?;
        let map = |v: Vec<(i64, String, String)>| v.into_iter().map(|(id, c, n)| (id, (c, n))).collect();
        Ok((map(agencies), map(procedures)))
    }
}

/// Inserts or updates an agency (matched by code) on a connection or in a transaction.
pub(crate) async fn upsert_agency_in(conn: &mut sqlx::AnyConnection, a: &NewAgency<'_>) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO agencies (code, name, kind, unit_code, parent_id, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, unit_code = excluded.unit_code, \
         parent_id = excluded.parent_id, valid_from = excluded.valid_from, valid_to = excluded.valid_to RETURNING id",
    )
    .bind(a.code)
    .bind(a.name)
    .bind(a.kind)
    .bind(a.unit_code)
    .bind(a.parent_id)
    .bind(a.valid_from)
    .bind(a.valid_to)
    .fetch_one(conn)
    .await?)
}
