//! Staff accounts: created by an administrator, given roles at agencies, locked, their
//! password reset. An administrator acts only on accounts whose every grant is in their
//! scope, or that they created (`core::admin::may_manage_account`).

use super::{admin_grants, Admin};
use crate::access::Staff;
use crate::context::App;
use crate::error::AppError;
use motcua_core::dossier::Role;
use motcua_store::{StaffAccount, StoreError};

/// Creates a staff account (no grant yet), under the creator's name.
pub async fn create_staff(app: &App, staff: &Staff, username: &str, full_name: &str, password: &str) -> Result<i64, AppError> {
    admin_grants(staff)?;
    let new = motcua_core::admin::check_staff(username, full_name, password)?;
    let label = staff.label();
    let actor = motcua_store::AdminActor { label: &label, now: app.now() };
    match app.store.create_staff(actor, &new.username, &new.full_name, &new.password).await {
        Err(StoreError::Conflict) => Err(AppError::field("username", "Tên đăng nhập đã có người dùng")),
        other => Ok(other?),
    }
}

/// The accounts this administrator manages.
pub async fn managed_accounts(app: &App, admin: &Admin) -> Result<Vec<StaffAccount>, AppError> {
    Ok(app.store.staff_accounts().await?.into_iter().filter(|u| admin.manages(u)).collect())
}

/// The account, if this administrator manages it ("not found" otherwise).
async fn managed(app: &App, admin: &Admin, id: i64) -> Result<(), AppError> {
    let account = app.store.staff_account(id).await?.ok_or(AppError::NotFound)?;
    admin.manages(&account).then_some(()).ok_or(AppError::NotFound)
}

/// Gives (`add`) or takes back a role at an agency in the administrator's scope. Nobody
/// takes their own administrator role.
pub async fn set_grant(app: &App, admin: &Admin, id: i64, role: Option<Role>, agency_code: Option<&str>, add: bool) -> Result<(), AppError> {
    managed(app, admin, id).await?;
    let agency = match agency_code {
        Some(code) => app.agency(code).await?.filter(|a| admin.agencies.contains(&a.id)),
        None => None,
    };
    let (Some(role), Some(agency)) = (role, agency) else {
        return Err(AppError::field("grant", "Chọn vai trò và cơ quan trong phạm vi quản trị của bạn"));
    };
    if !add && id == admin.user_id && role == Role::Admin {
        return Err(AppError::field("grant", "Không tự bỏ quyền quản trị của chính mình"));
    }
    app.store.set_grant(admin.actor(app), id, role, agency.id, add).await?;
    app.caches.sessions.clear();
    Ok(())
}

/// Locks or unlocks an account (not one's own); its sessions end at once.
pub async fn set_active(app: &App, admin: &Admin, id: i64, active: bool) -> Result<(), AppError> {
    managed(app, admin, id).await?;
    if !active && id == admin.user_id {
        return Err(AppError::field("active", "Không tự khóa tài khoản của chính mình"));
    }
    app.store.set_staff_active(admin.actor(app), id, active).await?;
    app.caches.sessions.clear();
    Ok(())
}

/// Sets a new password on an account; its sessions end at once.
pub async fn reset_password(app: &App, admin: &Admin, id: i64, password: &str) -> Result<(), AppError> {
    managed(app, admin, id).await?;
    if let Some(m) = motcua_core::account::password_problem(password, "") {
        return Err(AppError::field("password", m));
    }
    app.store.reset_staff_password(admin.actor(app), id, password).await?;
    app.caches.sessions.clear();
    Ok(())
}
