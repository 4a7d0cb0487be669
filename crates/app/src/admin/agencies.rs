//! Agencies: created, renamed, moved or closed by an administrator, within their scope
//! and their level's limits (`core::admin::agency_change_problems`).

use super::{place, Admin};
use crate::context::App;
use crate::error::AppError;
use motcua_core::admin::{agency_change_problems, AgencyChange, AgencyPlace};
use motcua_store::NewAgency;

/// The fields of the agency form, as typed.
pub struct AgencyForm<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub unit_code: &'a str,
    pub valid_from: &'a str,
    pub valid_to: &'a str,
    /// The agency above it (empty: the one it has, or top level for a new one whose code
    /// this is).
    pub parent: &'a str,
}

/// Saves an agency (new or changed); every problem of the form comes back at once.
pub async fn save_agency(app: &App, admin: &Admin, f: &AgencyForm<'_>) -> Result<(), AppError> {
    let scope = &admin.agencies;
    let checked = motcua_core::admin::check_agency(f.code, f.name, f.kind, f.unit_code, f.valid_from, f.valid_to);
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    let existing = match &checked {
        Ok(a) => app.store.agency_by_code(&a.code).await?,
        Err(_) => None,
    };
    if existing.as_ref().is_some_and(|e| !scope.contains(&e.id)) {
        errors.add("code", "Mã này thuộc cơ quan ngoài phạm vi quản trị của bạn");
    }
    // The parent: one this administrator manages, or the one the agency already has (also
    // when none is chosen); the agency's own code asks for a top-level agency, which the
    // rules below decide.
    let mut parent_code = f.parent.trim().to_string();
    if let (true, Some(e)) = (parent_code.is_empty(), &existing) {
        parent_code = match e.parent_id {
            Some(id) => app.store.agency_by_id(id).await?.map(|p| p.code).unwrap_or_default(),
            None => e.code.clone(),
        };
    }
    let top = checked.as_ref().is_ok_and(|a| a.code == parent_code);
    let parent = if top {
        None
    } else {
        match app.store.agency_by_code(&parent_code).await? {
            Some(p) if scope.contains(&p.id) || existing.as_ref().is_some_and(|e| e.parent_id == Some(p.id)) => Some(p),
            _ => {
                errors.add("parent", "Chọn cơ quan cấp trên trong phạm vi quản trị của bạn");
                None
            }
        }
    };
    if let Ok(a) = &checked {
        let mut unit_province = None;
        if let Some(u) = &a.unit_code {
            unit_province = app.store.unit_province(u).await?;
            if unit_province.is_none() {
                errors.add("unit_code", "Không có đơn vị hành chính với mã này");
            }
        }
        if top || parent.is_some() {
            let provinces: Vec<(&str, &str)> = admin.provinces.iter().map(|(c, u)| (c.as_str(), u.as_str())).collect();
            let change = AgencyChange {
                level: &admin.level,
                provinces: &provinces,
                before: existing.as_ref().map(place),
                after: AgencyPlace { code: &a.code, kind: &a.kind, unit_code: a.unit_code.as_deref(), parent_id: parent.as_ref().map(|p| p.id) },
                parent: parent.as_ref().map(place),
                unit_province: unit_province.as_deref(),
            };
            for (field, message) in agency_change_problems(&change) {
                errors.add(field, message);
            }
        }
    }
    let (Ok(a), true) = (checked, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let new = NewAgency {
        code: &a.code,
        name: &a.name,
        kind: &a.kind,
        unit_code: a.unit_code.as_deref(),
        parent_id: parent.as_ref().map(|p| p.id),
        valid_from: &a.valid_from,
        valid_to: a.valid_to.as_deref(),
    };
    app.store.save_agency(admin.actor(app), &new).await?;
    app.caches.agencies.clear();
    app.caches.agencies_on.clear();
    // Grants reach the agencies below the granted one: a moved or new agency changes them.
    app.caches.sessions.clear();
    Ok(())
}
