//! Administration, for officers with the administrator role, at three levels (commune
//! agency, province, system: `core::catalogue::AdminLevel`): staff accounts and their
//! grants, agencies, the procedure catalogue and inter-agency routes, the working
//! calendars, and the audit log of every change. Each change writes its audit row in the
//! same transaction (the store's); who may change what is `core::admin`.

mod accounts;
mod agencies;
mod calendar;
mod catalogue;

pub use accounts::{create_staff, managed_accounts, reset_password, set_active, set_grant};
pub use agencies::{save_agency, AgencyForm};
pub use calendar::save_calendar;
pub use catalogue::{catalogue_right, import_catalogue, save_route, visible_routes, CatalogueRight, RouteForm, AGENCY_KINDS};

use crate::access::Staff;
use crate::context::App;
use crate::error::AppError;
use motcua_core::admin::{is_province, may_manage_account, Administrator, AgencyPlace, ManagedAccount};
use motcua_core::catalogue::AdminLevel;
use motcua_core::dossier::Role;
use motcua_store::{AdminActor, AgencyRow, AuditFilter, AuditRow, StaffAccount};

/// An administrator: their level and the agencies they administer.
pub struct Admin {
    pub user_id: i64,
    pub label: String,
    pub level: AdminLevel,
    pub agencies: Vec<i64>,
    /// Code and unit of each province-level agency they administer.
    pub provinces: Vec<(String, String)>,
}

impl Admin {
    fn rules(&self) -> Administrator<'_> {
        Administrator { user_id: self.user_id, level: &self.level, scope: &self.agencies }
    }

    /// Whether this administrator may act on an account (`core::admin::may_manage_account`).
    pub fn manages(&self, account: &StaffAccount) -> bool {
        let grants: Vec<i64> = account.grants.iter().map(|g| g.1).collect();
        may_manage_account(&self.rules(), &ManagedAccount { system_admin: account.system_admin, grant_agencies: &grants, created_by: account.created_by })
    }

    fn actor<'a>(&'a self, app: &App) -> AdminActor<'a> {
        AdminActor { label: &self.label, now: app.now() }
    }
}

/// The agencies an officer administers (their grants already include sub-agencies).
fn admin_grants(staff: &Staff) -> Result<Vec<i64>, AppError> {
    let scope: Vec<i64> = staff.0.grants.iter().filter(|g| g.role == Role::Admin).map(|g| g.agency_id).collect();
    if scope.is_empty() {
        return Err(AppError::Forbidden("Chỉ quản trị hệ thống được vào trang này".into()));
    }
    Ok(scope)
}

fn place(r: &AgencyRow) -> AgencyPlace<'_> {
    AgencyPlace { code: &r.code, kind: &r.kind, unit_code: r.unit_code.as_deref(), parent_id: r.parent_id }
}

/// The level an officer administers at (system, province or agency), from the account's
/// flag and where its admin grants are (see `motcua_core::catalogue::admin_level`).
pub async fn level(app: &App, staff: &Staff) -> Result<AdminLevel, AppError> {
    Ok(app.store.admin_level(staff.0.user_id, staff.0.system_admin).await?)
}

/// The administrator behind a request (forbidden to anyone else).
pub async fn administrator(app: &App, staff: &Staff) -> Result<Admin, AppError> {
    let agencies = admin_grants(staff).or_else(|e| if staff.0.system_admin { Ok(Vec::new()) } else { Err(e) })?;
    let level = level(app, staff).await?;
    let provinces = app
        .agencies_today()
        .await?
        .iter()
        .filter(|a| agencies.contains(&a.id) && is_province(&place(a)))
        .map(|a| (a.code.clone(), a.unit_code.clone().unwrap_or_default()))
        .collect();
    Ok(Admin { user_id: staff.0.user_id, label: staff.label(), level, agencies, provinces })
}

/// The rows of the audit log an administrator reads, newest first, and where the next page
/// starts: about the agencies, accounts and local calendars in their scope; the
/// catalogue, step routes and the national calendar from province level; everything for a
/// system administrator.
pub async fn audit_log(app: &App, admin: &Admin, before: Option<i64>, limit: i64) -> Result<(Vec<AuditRow>, Option<i64>), AppError> {
    let filter = audit_filter(app, admin).await?;
    let mut rows = app.store.audit_log(before, limit + 1, filter.as_ref()).await?;
    let next = (rows.len() as i64 > limit).then(|| rows[limit as usize - 1].id);
    rows.truncate(limit as usize);
    // A grant's row names its agency: one outside the scope stays hidden even on an account
    // that is in scope now.
    if filter.is_some() {
        rows.retain(|r| {
            let agency = serde_json::from_str::<serde_json::Value>(&r.detail).ok().and_then(|d| d.get("agency_id").and_then(|a| a.as_i64()));
            agency.is_none_or(|a| admin.agencies.contains(&a))
        });
    }
    Ok((rows, next))
}

async fn audit_filter(app: &App, admin: &Admin) -> Result<Option<AuditFilter>, AppError> {
    if admin.level == AdminLevel::System {
        return Ok(None);
    }
    let mut f = AuditFilter::default();
    for a in app.agencies_today().await?.iter().filter(|a| admin.agencies.contains(&a.id)) {
        f.subjects.push(format!("agency:{}", a.code));
        f.subjects.push(format!("calendar:local:{}", a.code));
    }
    for u in app.store.staff_accounts().await?.iter().filter(|u| admin.manages(u)) {
        f.subjects.push(format!("user:{}", u.id));
    }
    if admin.level != AdminLevel::Agency {
        f.prefixes.extend(["procedure", "route:", "calendar:1", "calendar:2"].map(String::from));
    }
    Ok(Some(f))
}

/// The agencies an administrator's admin grants name, read afresh (the session's copy
/// predates agencies created since sign-in).
async fn current_admin_agencies(app: &App, staff: &Staff) -> Result<Vec<i64>, AppError> {
    Ok(app.store.user_grants(staff.0.user_id).await?.into_iter().filter(|g| g.role == Role::Admin).map(|g| g.agency_id).collect())
}
