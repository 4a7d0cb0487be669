//! The procedure catalogue and the routes of inter-agency steps: the system's (national
//! procedures) or a province's own, so changed from province level up.

use super::current_admin_agencies;
use crate::access::Staff;
use crate::context::App;
use crate::error::AppError;
use motcua_core::catalogue::{may_set_route, parse_for_import, AdminLevel, RouteArea, ScopeRefusal, EVERY_PROCEDURE};
use motcua_core::validation::FieldErrors;
use motcua_store::{AdminActor, ImportReport, RouteRow};

/// The kinds of agency a step can be routed to.
pub const AGENCY_KINDS: [&str; 9] = [
    "province_people_committee",
    "province_service_centre",
    "department_justice",
    "department_finance",
    "department_construction",
    "province_police",
    "commune_people_committee",
    "commune_police",
    "social_insurance",
];

/// The right to change the catalogue and the step routes, held from province level up.
/// Only [`catalogue_right`] makes one, so an adapter that refuses early (before reading an
/// uploaded file) passes it on instead of the use case asking the database twice.
pub struct CatalogueRight {
    level: AdminLevel,
    label: String,
}

/// The officer's right to change the catalogue and routes; refused below province level.
pub async fn catalogue_right(app: &App, staff: &Staff) -> Result<CatalogueRight, AppError> {
    let level = super::level(app, staff).await?;
    if level == AdminLevel::Agency {
        return Err(AppError::Forbidden(ScopeRefusal::NotProvinceLevel.to_string()));
    }
    Ok(CatalogueRight { level, label: staff.label() })
}

/// Imports a catalogue file (the format of `data/procedures.json`: procedures with their
/// documents, fees, processing time and workflow steps with time budgets): all or
/// nothing, with the errors by line.
pub async fn import_catalogue(app: &App, right: &CatalogueRight, text: &str) -> Result<ImportReport, AppError> {
    if text.trim().is_empty() {
        return Err(AppError::field("catalogue", "Dán nội dung tệp danh mục thủ tục (JSON)"));
    }
    let procedures = parse_for_import(text, app.national_calendar().minutes_per_day()).map_err(|bad| {
        let shown: Vec<String> = bad.iter().take(20).cloned().collect();
        let more = if bad.len() > 20 { format!(" … và {} lỗi khác", bad.len() - 20) } else { String::new() };
        AppError::field("catalogue", format!("{} lỗi, không nhập thủ tục nào: {}{more}", bad.len(), shown.join("; ")))
    })?;
    let actor = AdminActor { label: &right.label, now: app.now() };
    let report = app
        .store
        .import_procedures_as(&procedures, app.now(), actor, &right.level)
        .await?
        .map_err(|(code, refusal)| AppError::Forbidden(format!("{refusal} (thủ tục {code}); không nhập thủ tục nào")))?;
    app.caches.catalogue.clear();
    app.caches.procedures.clear();
    Ok(report)
}

/// A route as typed: which agency handles a kind of step, for one procedure (or every
/// procedure: empty or `*`), for dossiers received in an area (a unit code, or a
/// receiving agency's code); an empty agency removes the route.
pub struct RouteForm<'a> {
    pub procedure: &'a str,
    pub kind: &'a str,
    pub area: &'a str,
    pub agency: &'a str,
}

/// Saves a step route: only a province (or system) administrator, for their province and
/// to agencies they manage (`core::catalogue::may_set_route`).
pub async fn save_route(app: &App, staff: &Staff, f: &RouteForm<'_>) -> Result<(), AppError> {
    let right = catalogue_right(app, staff).await?;
    let mut errors = FieldErrors::default();
    let procedure = match f.procedure.trim() {
        "" | EVERY_PROCEDURE => EVERY_PROCEDURE.to_string(),
        code => code.to_string(),
    };
    let owner = if procedure == EVERY_PROCEDURE { None } else { app.store.procedure_owner(&procedure).await? };
    if procedure != EVERY_PROCEDURE && owner.is_none() {
        errors.add("route_procedure", "Không có thủ tục với mã này (để trống hoặc * cho mọi thủ tục)");
    }
    let kind = f.kind.trim();
    if !AGENCY_KINDS.contains(&kind) {
        errors.add("route_kind", "Chọn loại cơ quan của bước, ví dụ Công an tỉnh");
    }
    let area = RouteArea::parse(f.area.trim());
    let area_province = match &area {
        Some(RouteArea::Unit(u)) => app.store.unit_province(u).await?,
        Some(RouteArea::ReceivingAgency(code)) => match app.store.agency_by_code(code).await?.and_then(|a| a.unit_code) {
            Some(u) => app.store.unit_province(&u).await?,
            None => None,
        },
        None => None,
    };
    if area_province.is_none() {
        errors.add("route_area", "Địa bàn là mã đơn vị hành chính (tỉnh hoặc xã) hoặc mã cơ quan tiếp nhận");
    }
    let target = match f.agency.trim() {
        "" => None,
        code => match app.store.agency_by_code(code).await? {
            Some(a) if a.valid_to.is_none() => Some(a),
            _ => {
                errors.add("route_agency", "Không có cơ quan đang hoạt động với mã này");
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let in_scope = match &target {
        Some(a) => current_admin_agencies(app, staff).await?.contains(&a.id),
        None => true,
    };
    may_set_route(&right.level, area_province.as_deref(), in_scope, owner.as_ref()).map_err(|r| AppError::Forbidden(r.to_string()))?;
    let Some(area) = area else { return Err(AppError::Internal("checked area".into())) };
    let actor = AdminActor { label: &right.label, now: app.now() };
    app.store.save_step_route(Some(actor), &procedure, kind, area.as_str(), target.map(|a| a.id), app.now()).await?;
    Ok(())
}

/// The step routes an officer sees: to agencies they administer (all of them for a system
/// administrator).
pub async fn visible_routes(app: &App, staff: &Staff) -> Result<Vec<RouteRow>, AppError> {
    let scope = current_admin_agencies(app, staff).await?;
    Ok(app.store.all_step_routes().await?.into_iter().filter(|r| staff.0.system_admin || scope.contains(&r.agency_id)).collect())
}
