//! Who handles an inter-agency step, and who may decide it; who owns a procedure and who
//! may change it.
//!
//! Decree 118/2025/NĐ-CP (Art. 5–6, on the inter-agency one-stop mechanism) has the
//! province's people's committee decide which agencies take part in each inter-agency
//! procedure of its province, and the national database of procedures (published by the
//! Government Office) fixes the national catalogue; a province adds only its own
//! procedures and its local values. So steps follow *configuration* set by the level that
//! owns it, never a guess over agencies by their kind — an agency's kind, unit and parent
//! are typed by administrators, and a commune administrator who could create an agency of
//! the right kind would otherwise capture other agencies' dossiers.

use crate::dossier::AgencyId;

/// Where a route applies: a receiving agency, or an administrative unit (a commune or a
/// province). Stored as text: unit codes are digits, agency codes start with a letter
/// (Decision 20/2020/QĐ-TTg).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteArea {
    ReceivingAgency(String),
    Unit(String),
}

impl RouteArea {
    /// Reads the stored form back; `None` for text that is neither.
    pub fn parse(s: &str) -> Option<RouteArea> {
        let s = s.trim();
        if !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit()) {
            Some(RouteArea::Unit(s.to_string()))
        } else if crate::ids::AgencyCode::parse(s).is_ok() {
            Some(RouteArea::ReceivingAgency(s.to_string()))
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            RouteArea::ReceivingAgency(s) | RouteArea::Unit(s) => s,
        }
    }
}

/// The procedure code of a route that applies to every procedure.
pub const EVERY_PROCEDURE: &str = "*";

/// One configured route: steps of `kind` of `procedure` (or of every procedure, `"*"`),
/// for dossiers received in `area`, go to `agency_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRoute {
    pub procedure: String,
    pub kind: String,
    pub area: String,
    pub agency_id: AgencyId,
}

/// Where a dossier was received: the receiving agency's code, its unit and the province
/// of that unit (the same as the unit for a province-level agency).
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub agency_code: &'a str,
    pub unit: Option<&'a str>,
    pub province: Option<&'a str>,
}

/// The route that applies to a step of `kind` of `procedure` received at `place`: the
/// most specific area first (the receiving agency, then its commune, then its province),
/// and within one area a route for this procedure before one for every procedure. `None`
/// when nothing is configured: the step then has no agency and the dossier cannot be
/// received there, which is safer than guessing.
pub fn choose_route<'r>(routes: &'r [StepRoute], procedure: &str, kind: &str, place: Place<'_>) -> Option<&'r StepRoute> {
    let area_rank = |area: &str| -> Option<u8> {
        if area == place.agency_code {
            Some(0)
        } else if place.unit == Some(area) && place.unit != place.province {
            Some(1)
        } else if place.province == Some(area) {
            Some(2)
        } else {
            None
        }
    };
    routes
        .iter()
        .filter(|r| r.kind == kind && (r.procedure == procedure || r.procedure == EVERY_PROCEDURE))
        .filter_map(|r| Some(((area_rank(&r.area)?, r.procedure == EVERY_PROCEDURE), r)))
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, r)| r)
}

/// The level an administrator acts at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminLevel {
    /// Owns the national catalogue; may route anywhere. Set only from the command line.
    System,
    /// Administrator of a province's top-level agency: the province's unit code.
    Province(String),
    /// Administrator of agencies below (a commune, a department): no catalogue or routing
    /// power.
    Agency,
}

/// One agency an administrator holds the admin role at directly: whether it has no parent
/// and its unit, with whether that unit is a province.
#[derive(Debug, Clone, Copy)]
pub struct AdminSeat<'a> {
    pub top_level: bool,
    pub unit: Option<&'a str>,
    pub unit_is_province: bool,
}

/// The level of an administrator: system by the account's flag; province when one of its
/// admin grants is at a top-level agency whose unit is a province (the province's people's
/// committee); otherwise agency level. A commune made top-level keeps a commune unit, so
/// it does not become a province.
pub fn admin_level(system_admin: bool, seats: &[AdminSeat<'_>]) -> AdminLevel {
    if system_admin {
        return AdminLevel::System;
    }
    seats
        .iter()
        .find_map(|s| match (s.top_level, s.unit_is_province, s.unit) {
            (true, true, Some(u)) => Some(AdminLevel::Province(u.to_string())),
            _ => None,
        })
        .unwrap_or(AdminLevel::Agency)
}

/// Why a routing or catalogue change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeRefusal {
    #[error("Chỉ quản trị cấp tỉnh hoặc quản trị hệ thống được thực hiện việc này")]
    NotProvinceLevel,
    #[error("Địa bàn này không thuộc tỉnh bạn quản trị")]
    AreaOutsideProvince,
    #[error("Cơ quan được chỉ định phải thuộc phạm vi quản trị của bạn")]
    AgencyOutsideScope,
    #[error("Danh mục thủ tục quốc gia chỉ do quản trị hệ thống cập nhật")]
    NationalCatalogue,
    #[error("Thủ tục này thuộc tỉnh khác")]
    OtherProvince,
}

/// Whether `level` may set a route for dossiers received in an area of province
/// `area_province` (`None` when the area is unknown) to an agency, `target_in_scope` telling
/// whether that agency is within the administrator's agencies. The province decides its
/// inter-agency routes (Decree 118/2025 Art. 6), for its own province and to its own
/// agencies; a procedure owned by another province is not theirs to route.
pub fn may_set_route(level: &AdminLevel, area_province: Option<&str>, target_in_scope: bool, owner: Option<&ProcedureOwner>) -> Result<(), ScopeRefusal> {
    match level {
        AdminLevel::System => Ok(()),
        AdminLevel::Agency => Err(ScopeRefusal::NotProvinceLevel),
        AdminLevel::Province(p) => {
            if area_province != Some(p.as_str()) {
                return Err(ScopeRefusal::AreaOutsideProvince);
            }
            if matches!(owner, Some(ProcedureOwner::Province(q)) if q != p) {
                return Err(ScopeRefusal::OtherProvince);
            }
            if !target_in_scope {
                return Err(ScopeRefusal::AgencyOutsideScope);
            }
            Ok(())
        }
    }
}

/// Who owns a procedure in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcedureOwner {
    /// The national catalogue (CSDL quốc gia về TTHC): the system administrator's.
    National,
    /// A province's own procedure: its unit code.
    Province(String),
}

impl ProcedureOwner {
    pub const NATIONAL: &'static str = "national";

    pub fn parse(s: &str) -> ProcedureOwner {
        if s == Self::NATIONAL {
            ProcedureOwner::National
        } else {
            ProcedureOwner::Province(s.to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ProcedureOwner::National => Self::NATIONAL,
            ProcedureOwner::Province(p) => p,
        }
    }
}

/// Whether `level` may write a procedure that is `existing` (owned so) or new, and the owner
/// it has afterwards: the system administrator writes anything (new procedures join the
/// national catalogue); a province adds its own and changes only those; below the province
/// nobody writes the catalogue.
pub fn catalogue_write(level: &AdminLevel, existing: Option<&ProcedureOwner>) -> Result<ProcedureOwner, ScopeRefusal> {
    match (level, existing) {
        (AdminLevel::System, Some(o)) => Ok(o.clone()),
        (AdminLevel::System, None) => Ok(ProcedureOwner::National),
        (AdminLevel::Agency, _) => Err(ScopeRefusal::NotProvinceLevel),
        (AdminLevel::Province(p), None) => Ok(ProcedureOwner::Province(p.clone())),
        (AdminLevel::Province(_), Some(ProcedureOwner::National)) => Err(ScopeRefusal::NationalCatalogue),
        (AdminLevel::Province(p), Some(ProcedureOwner::Province(q))) if p == q => Ok(ProcedureOwner::Province(p.clone())),
        (AdminLevel::Province(_), Some(ProcedureOwner::Province(_))) => Err(ScopeRefusal::OtherProvince),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(procedure: &str, kind: &str, area: &str, agency_id: AgencyId) -> StepRoute {
        StepRoute { procedure: procedure.into(), kind: kind.into(), area: area.into(), agency_id }
    }

    const COMMUNE: Place<'static> = Place { agency_code: "H56.22453", unit: Some("22453"), province: Some("56") };
    const CENTRE: Place<'static> = Place { agency_code: "H56.01", unit: Some("56"), province: Some("56") };

    #[test]
    fn the_most_specific_area_wins_then_the_procedure() {
        let routes = vec![
            route("*", "province_police", "56", 5),
            route("*", "commune_police", "22453", 11),
            route("*", "commune_police", "22366", 9),
            route("TAM.0001", "province_police", "H56.01", 7),
            route("*", "province_police", "79", 99),
        ];
        assert_eq!(choose_route(&routes, "TAM.0001", "province_police", CENTRE).unwrap().agency_id, 7);
        assert_eq!(choose_route(&routes, "TAM.0004", "province_police", CENTRE).unwrap().agency_id, 5);
        assert_eq!(choose_route(&routes, "TAM.0004", "province_police", COMMUNE).unwrap().agency_id, 5);
        assert_eq!(choose_route(&routes, "TAM.0005", "commune_police", COMMUNE).unwrap().agency_id, 11);
        assert_eq!(choose_route(&routes, "TAM.0005", "social_insurance", COMMUNE), None);
        let mut more = routes.clone();
        more.push(route("TAM.0004", "province_police", "56", 6));
        more.push(route("*", "province_police", "22453", 12));
        assert_eq!(choose_route(&more, "TAM.0004", "province_police", CENTRE).unwrap().agency_id, 6, "procedure over every procedure");
        assert_eq!(choose_route(&more, "TAM.0004", "province_police", COMMUNE).unwrap().agency_id, 12, "commune over province");
    }

    #[test]
    fn areas_are_units_or_agency_codes() {
        assert_eq!(RouteArea::parse("56"), Some(RouteArea::Unit("56".into())));
        assert_eq!(RouteArea::parse("H56.01"), Some(RouteArea::ReceivingAgency("H56.01".into())));
        assert_eq!(RouteArea::parse("nowhere"), None);
        assert_eq!(RouteArea::parse("123456"), None);
    }

    #[test]
    fn only_a_province_top_level_seat_makes_a_province_administrator() {
        let province = AdminSeat { top_level: true, unit: Some("56"), unit_is_province: true };
        let commune = AdminSeat { top_level: false, unit: Some("22453"), unit_is_province: false };
        let commune_made_top = AdminSeat { top_level: true, unit: Some("22453"), unit_is_province: false };
        assert_eq!(admin_level(false, &[commune, province]), AdminLevel::Province("56".into()));
        assert_eq!(admin_level(false, &[commune]), AdminLevel::Agency);
        assert_eq!(admin_level(false, &[commune_made_top]), AdminLevel::Agency);
        assert_eq!(admin_level(true, &[]), AdminLevel::System);
    }

    #[test]
    fn routes_are_the_provinces_to_set_within_it() {
        let p = AdminLevel::Province("56".into());
        assert_eq!(may_set_route(&AdminLevel::Agency, Some("56"), true, None), Err(ScopeRefusal::NotProvinceLevel));
        assert_eq!(may_set_route(&p, Some("56"), true, None), Ok(()));
        assert_eq!(may_set_route(&p, Some("79"), true, None), Err(ScopeRefusal::AreaOutsideProvince));
        assert_eq!(may_set_route(&p, Some("56"), false, None), Err(ScopeRefusal::AgencyOutsideScope));
        assert_eq!(may_set_route(&p, Some("56"), true, Some(&ProcedureOwner::Province("79".into()))), Err(ScopeRefusal::OtherProvince));
        assert_eq!(may_set_route(&AdminLevel::System, None, false, None), Ok(()));
    }

    #[test]
    fn the_national_catalogue_is_the_systems_and_a_provinces_own_is_its_own() {
        let p = AdminLevel::Province("56".into());
        let national = ProcedureOwner::National;
        let own = ProcedureOwner::Province("56".into());
        let other = ProcedureOwner::Province("79".into());
        assert_eq!(catalogue_write(&AdminLevel::System, Some(&national)), Ok(ProcedureOwner::National));
        assert_eq!(catalogue_write(&AdminLevel::System, None), Ok(ProcedureOwner::National));
        assert_eq!(catalogue_write(&AdminLevel::System, Some(&own)), Ok(own.clone()));
        assert_eq!(catalogue_write(&AdminLevel::Agency, None), Err(ScopeRefusal::NotProvinceLevel));
        assert_eq!(catalogue_write(&p, Some(&national)), Err(ScopeRefusal::NationalCatalogue));
        assert_eq!(catalogue_write(&p, None), Ok(own.clone()));
        assert_eq!(catalogue_write(&p, Some(&own)), Ok(own.clone()));
        assert_eq!(catalogue_write(&p, Some(&other)), Err(ScopeRefusal::OtherProvince));
    }
}
