//! Step routes (which agency handles a procedure's inter-agency steps in an area), the
//! level of an administrator, and who owns each procedure of the catalogue. The rules
//! themselves are in `motcua_core::catalogue` (`choose_route`, `may_set_route`,
//! `catalogue_write`); this module stores and reads what they decide over.

use crate::audit::{audit, AdminActor};
use crate::{ms, AgencyRow, ImportReport, Store, StoreError};
use motcua_core::catalogue::{catalogue_write, choose_route, AdminLevel, AdminSeat, Place, Procedure, ProcedureOwner, ScopeRefusal, StepRoute};
use motcua_core::dossier::StepFacts;
use motcua_core::time::Instant;
use serde_json::json;
use std::collections::HashMap;

/// A route as the administration screen lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RouteRow {
    pub procedure_code: String,
    pub kind: String,
    pub area: String,
    pub agency_id: i64,
    pub agency_code: String,
}

impl Store {
    /// The routes that may apply to `procedure` (its own and those for every procedure),
    /// to agencies in force.
    pub async fn step_routes(&self, procedure: &str) -> Result<Vec<StepRoute>, StoreError> {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT r.procedure_code, r.kind, r.area, r.agency_id FROM step_routes r JOIN agencies a ON a.id = r.agency_id \
             WHERE r.procedure_code IN ($1, '*') AND a.valid_to IS NULL",
        )
        .bind(procedure)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|(procedure, kind, area, agency_id)| StepRoute { procedure, kind, area, agency_id }).collect())
    }

    /// Every route, for the administration screen.
    pub async fn all_step_routes(&self) -> Result<Vec<RouteRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT r.procedure_code, r.kind, r.area, r.agency_id, a.code AS agency_code FROM step_routes r JOIN agencies a ON a.id = r.agency_id \
             ORDER BY r.area, r.kind, r.procedure_code",
        )
        .fetch_all(&self.read)
        .await?)
    }

    /// Sets (or, with `agency_id` `None`, removes) a route. From the administration screen
    /// (`by`) the change and the agency before and after are logged in the same transaction;
    /// seeds and the command line pass `None`.
    pub async fn save_step_route(&self, by: Option<AdminActor<'_>>, procedure: &str, kind: &str, area: &str, agency_id: Option<i64>, now: Instant) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        let before: Option<i64> = sqlx::query_scalar("SELECT agency_id FROM step_routes WHERE procedure_code = $1 AND kind = $2 AND area = $3")
            .bind(procedure)
            .bind(kind)
            .bind(area)
            .fetch_optional(&mut *tx)
            .await?;
        match agency_id {
            Some(id) => {
                sqlx::query(
                    "INSERT INTO step_routes (procedure_code, kind, area, agency_id, updated_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (procedure_code, kind, area) DO UPDATE SET agency_id = excluded.agency_id, updated_at = excluded.updated_at",
                )
                .bind(procedure)
                .bind(kind)
                .bind(area)
                .bind(id)
                .bind(ms(now))
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM step_routes WHERE procedure_code = $1 AND kind = $2 AND area = $3")
                    .bind(procedure)
                    .bind(kind)
                    .bind(area)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if let Some(by) = by {
            let action = if agency_id.is_some() { "route.set" } else { "route.remove" };
            let detail = json!({ "procedure": procedure, "kind": kind, "area": area, "before": before, "after": agency_id });
            audit(&mut tx, by, action, &format!("route:{procedure}/{kind}/{area}"), detail).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The province of an administrative unit: itself for a province, its parent for a
    /// commune; `None` for an unknown unit.
    pub async fn unit_province(&self, unit: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT code, parent_code FROM admin_units WHERE code = $1").bind(unit).fetch_optional(&self.read).await?;
        Ok(row.map(|(code, parent)| parent.unwrap_or(code)))
    }

    /// A procedure's workflow instantiated for a dossier received by `agency`: each
    /// inter-agency step's agency by the routes configured for this procedure and place
    /// (see [`choose_route`]). `Err(kind)` names a kind no route covers there.
    pub async fn resolve_workflow(
        &self,
        procedure: &str,
        workflow: &[motcua_core::catalogue::WorkflowStep],
        agency: &AgencyRow,
    ) -> Result<Result<Vec<StepFacts>, String>, StoreError> {
        let needed = motcua_core::catalogue::needed_kinds(workflow);
        let mut by_kind = HashMap::new();
        if !needed.is_empty() {
            let routes = self.step_routes(procedure).await?;
            let province = match agency.unit_code.as_deref() {
                Some(u) => self.unit_province(u).await?,
                None => None,
            };
            let place = Place { agency_code: &agency.code, unit: agency.unit_code.as_deref(), province: province.as_deref() };
            for k in needed {
                if let Some(r) = choose_route(&routes, procedure, k, place) {
                    by_kind.insert(k.to_string(), r.agency_id);
                }
            }
        }
        Ok(motcua_core::catalogue::instantiate_workflow(workflow, agency.id, &by_kind))
    }

    /// The agencies where a user holds the admin role directly, as the level rule reads
    /// them (see [`motcua_core::catalogue::admin_level`]).
    pub async fn admin_level(&self, user_id: i64, system_admin: bool) -> Result<AdminLevel, StoreError> {
        let rows: Vec<(Option<i64>, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT a.parent_id, a.unit_code, u.code FROM user_grants g JOIN agencies a ON a.id = g.agency_id \
             LEFT JOIN admin_units u ON u.code = a.unit_code AND u.parent_code IS NULL \
             WHERE g.user_id = $1 AND g.role = 'admin'",
        )
        .bind(user_id)
        .fetch_all(&self.read)
        .await?;
        let seats: Vec<AdminSeat<'_>> =
            rows.iter().map(|(parent, unit, province)| AdminSeat { top_level: parent.is_none(), unit: unit.as_deref(), unit_is_province: province.is_some() }).collect();
        Ok(motcua_core::catalogue::admin_level(system_admin, &seats))
    }

    /// Makes an account a system administrator or not (command line and seeds only).
    pub async fn set_system_admin(&self, user_id: i64, system_admin: bool) -> Result<(), StoreError> {
        let n = sqlx::query("UPDATE users SET system_admin = $1 WHERE id = $2").bind(system_admin as i64).bind(user_id).execute(&self.write).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The owner of a procedure, if it exists.
    pub async fn procedure_owner(&self, code: &str) -> Result<Option<ProcedureOwner>, StoreError> {
        let v: Option<String> = sqlx::query_scalar("SELECT owner FROM procedures WHERE code = $1").bind(code).fetch_optional(&self.read).await?;
        Ok(v.as_deref().map(ProcedureOwner::parse))
    }

    /// Imports procedures as an administrator of `level`, all or nothing: every procedure
    /// of the file must be one `level` may write ([`catalogue_write`]), checked in the
    /// transaction that writes them; the first one refused is returned with its code and
    /// nothing is written (no audit row either).
    pub async fn import_procedures_as(
        &self,
        procedures: &[Procedure],
        now: Instant,
        by: AdminActor<'_>,
        level: &AdminLevel,
    ) -> Result<Result<ImportReport, (String, ScopeRefusal)>, StoreError> {
        let mut tx = self.write.begin().await?;
        let existing: HashMap<String, (String, String)> = sqlx::query_as::<_, (String, String, String)>("SELECT code, data, owner FROM procedures")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|(code, data, owner)| (code, (data, owner)))
            .collect();
        let mut owners = Vec::with_capacity(procedures.len());
        for p in procedures {
            let before = existing.get(&p.code).map(|(_, o)| ProcedureOwner::parse(o));
            match catalogue_write(level, before.as_ref()) {
                Ok(o) => owners.push(o),
                Err(refusal) => return Ok(Err((p.code.clone(), refusal))),
            }
        }
        let data: HashMap<String, String> = existing.into_iter().map(|(c, (d, _))| (c, d)).collect();
        let report = crate::catalogue::write_procedures(&mut tx, procedures, &owners, &data, now, Some(by)).await?;
        tx.commit().await?;
        Ok(Ok(report))
    }
}
