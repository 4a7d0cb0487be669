//! What the administration screens accept: staff accounts and agencies. Error paths are
//! the form's field names.

use crate::account::password_problem;
use crate::catalogue::{agency_kind_label, AdminLevel};
use crate::dossier::Role;
use crate::ids::AgencyCode;
use crate::validation::FieldErrors;
use chrono::NaiveDate;

/// A new staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaff {
    pub username: String,
    pub full_name: String,
    pub password: String,
}

/// Usernames are what officers type at sign-in: lower-case letters, digits, `.`, `_`, `-`.
pub fn username_problem(u: &str) -> Option<&'static str> {
    let n = u.chars().count();
    if !(3..=50).contains(&n) {
        return Some("Tên đăng nhập dài từ 3 đến 50 ký tự");
    }
    if !u.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')) {
        return Some("Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số và . _ -");
    }
    None
}

pub fn check_staff(username: &str, full_name: &str, password: &str) -> Result<NewStaff, FieldErrors> {
    let mut e = FieldErrors::default();
    let username = username.trim().to_string();
    if let Some(m) = username_problem(&username) {
        e.add("username", m);
    }
    let full_name = e.text("full_name", full_name, 100);
    if let Some(m) = password_problem(password, &username) {
        e.add("password", m);
    }
    e.finish(|| NewStaff { username, full_name: full_name.unwrap_or_default(), password: password.to_string() })
}

/// An agency as typed on the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub unit_code: Option<String>,
    pub valid_from: String,
    pub valid_to: Option<String>,
}

fn date(e: &mut FieldErrors, path: &str, s: &str) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            e.add(path, "Ngày theo dạng năm-tháng-ngày, ví dụ 2026-01-01");
            None
        }
    }
}

pub fn check_agency(code: &str, name: &str, kind: &str, unit_code: &str, valid_from: &str, valid_to: &str) -> Result<AgencyInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let code = e.check("code", AgencyCode::parse(code).map(|c| c.to_string()));
    let name = e.text("name", name, 200);
    if agency_kind_label(kind).is_none() {
        e.add("kind", "Chọn loại cơ quan trong danh sách");
    }
    let unit_code = unit_code.trim();
    let digits = unit_code.len() <= 5 && unit_code.chars().all(|c| c.is_ascii_digit());
    if !digits {
        e.add("unit_code", "Mã đơn vị hành chính gồm 2 (tỉnh) hoặc 5 (xã) chữ số");
    }
    let from = date(&mut e, "valid_from", valid_from);
    let to = match valid_to.trim() {
        "" => None,
        s => date(&mut e, "valid_to", s),
    };
    if let (Some(f), Some(t)) = (from, to) {
        if t <= f {
            e.add("valid_to", "Ngày thôi hoạt động phải sau ngày bắt đầu");
        }
    }
    e.finish(|| AgencyInput {
        code: code.unwrap_or_default(),
        name: name.unwrap_or_default(),
        kind: kind.to_string(),
        unit_code: (!unit_code.is_empty()).then(|| unit_code.to_string()),
        valid_from: from.map(|d| d.to_string()).unwrap_or_default(),
        valid_to: to.map(|d| d.to_string()),
    })
}

/// An administrator, as the rules about accounts and agencies see them.
#[derive(Debug, Clone)]
pub struct Administrator<'a> {
    pub user_id: i64,
    pub level: &'a AdminLevel,
    /// The agencies they administer: those of their administrator grants and every agency below.
    pub scope: &'a [i64],
}

/// A staff account an administrator wants to act on.
#[derive(Debug, Clone)]
pub struct ManagedAccount<'a> {
    pub system_admin: bool,
    /// The agency of each of its direct grants, whatever the role.
    pub grant_agencies: &'a [i64],
    /// The administrator who created it, when it was created on the administration page.
    pub created_by: Option<i64>,
}

/// Whether an administrator may act on a staff account (reset its password, lock or unlock
/// it, grant or revoke its roles, list it). Whoever controls an account's password acts with
/// ALL of its roles, so one grant outside the administrator's scope is enough to refuse:
/// otherwise a commune administrator could reset the password of an officer who also signs
/// for another commune, sign in as them and read that commune's dossiers (issue 12, item 5).
/// An account with no grant belongs to the administrator who created it, and to the province
/// (province-level administrators) — never to any administrator who happens to see it.
/// A system administrator's account is managed by system administrators only, and they may
/// act on every account.
pub fn may_manage_account(admin: &Administrator<'_>, account: &ManagedAccount<'_>) -> bool {
    if *admin.level == AdminLevel::System {
        return true;
    }
    if account.system_admin {
        return false;
    }
    if account.grant_agencies.is_empty() {
        return account.created_by == Some(admin.user_id) || matches!(admin.level, AdminLevel::Province(_));
    }
    account.grant_agencies.iter().all(|a| admin.scope.contains(a))
}

/// An agency's place in the tree, as the rules about changing agencies see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgencyPlace<'a> {
    pub code: &'a str,
    pub kind: &'a str,
    pub unit_code: Option<&'a str>,
    pub parent_id: Option<i64>,
}

/// A change to an agency (creation when `before` is `None`), with what the rules need to know.
#[derive(Debug, Clone)]
pub struct AgencyChange<'a> {
    pub level: &'a AdminLevel,
    /// Code and unit of each province-level agency (`H56`, `56`) the administrator administers.
    pub provinces: &'a [(&'a str, &'a str)],
    pub before: Option<AgencyPlace<'a>>,
    /// As it would be saved; `parent_id: None` makes it top-level.
    pub after: AgencyPlace<'a>,
    /// The parent chosen (none when the agency would be top-level).
    pub parent: Option<AgencyPlace<'a>>,
    /// The province of `after.unit_code` (the unit itself for a province), when it has a unit.
    pub unit_province: Option<&'a str>,
}

fn province_group(code: &str) -> &str {
    code.split('.').next().unwrap_or(code)
}

/// What an administrator may not do to an agency, as (field, message) pairs; empty when the
/// change is theirs to make. The structure of the administration — where an agency sits (its
/// parent), what it is (its kind) and where it serves (its unit) — decides who may administer
/// it, which steps of which procedures it is given and which citizens are offered it, so it
/// belongs to the level above (issue 12, items 4 and 6):
/// - a top-level agency is made only by a system administrator (a commune made top-level
///   escaped its province's supervision and could save the national calendar);
/// - a province-level administrator re-parents, re-kinds and creates agencies within their own
///   province only (its code prefix `H56` and its administrative units: `H79.01` created under
///   a Khánh Hòa commune was offered to citizens of Hồ Chí Minh City);
/// - an agency-level (commune) administrator renames and closes agencies in scope, and creates
///   only sub-units of an agency they administer: its code below the parent's, the parent's
///   kind and unit.
pub fn agency_change_problems(c: &AgencyChange<'_>) -> Vec<(&'static str, &'static str)> {
    let mut e = Vec::new();
    if *c.level == AdminLevel::System {
        return e;
    }
    let a = &c.after;
    let was_top = c.before.is_some_and(|b| b.parent_id.is_none());
    if a.parent_id.is_none() && !was_top {
        e.push(("parent", "Chỉ quản trị hệ thống được đặt cơ quan ở cấp cao nhất (không có cơ quan cấp trên)"));
    }
    let kind_changed = c.before.is_some_and(|b| b.kind != a.kind);
    let unit_changed = c.before.is_some_and(|b| b.unit_code != a.unit_code);
    let parent_changed = c.before.is_some_and(|b| b.parent_id != a.parent_id);
    match c.level {
        AdminLevel::System => {}
        AdminLevel::Province(_) => {
            if was_top && (kind_changed || unit_changed) {
                e.push(("kind", "Chỉ quản trị hệ thống được đổi loại hoặc đơn vị hành chính của cơ quan cấp cao nhất"));
            }
            // The new agency's code and unit belong to one of the administrator's provinces.
            let check_code = c.before.is_none();
            let check_unit = (c.before.is_none() || unit_changed) && a.unit_code.is_some();
            let in_province = |(code, unit): &(&str, &str)| {
                (!check_code || province_group(a.code) == province_group(code)) && (!check_unit || c.unit_province == Some(*unit))
            };
            if !c.provinces.iter().any(in_province) {
                e.push(("unit_code", "Cơ quan phải thuộc tỉnh bạn quản trị (mã cơ quan và đơn vị hành chính của tỉnh)"));
            }
        }
        AdminLevel::Agency => {
            if parent_changed {
                e.push(("parent", "Chỉ quản trị cấp tỉnh được chuyển cơ quan sang cơ quan cấp trên khác"));
            }
            if kind_changed {
                e.push(("kind", "Chỉ quản trị cấp tỉnh được đổi loại cơ quan"));
            }
            if unit_changed {
                e.push(("unit_code", "Chỉ quản trị cấp tỉnh được đổi đơn vị hành chính của cơ quan"));
            }
            if let (None, Some(p)) = (&c.before, &c.parent) {
                if !a.code.strip_prefix(p.code).is_some_and(|rest| rest.starts_with('.')) {
                    e.push(("code", "Mã đơn vị trực thuộc bắt đầu bằng mã của cơ quan cấp trên và dấu chấm"));
                }
                if a.kind != p.kind {
                    e.push(("kind", "Đơn vị trực thuộc cùng loại với cơ quan cấp trên; loại khác do quản trị cấp tỉnh tạo"));
                }
                if a.unit_code != p.unit_code {
                    e.push(("unit_code", "Đơn vị trực thuộc cùng đơn vị hành chính với cơ quan cấp trên"));
                }
            }
        }
    }
    e
}

/// A province's top agency: no parent, and a province's unit (2-digit code).
pub fn is_province(place: &AgencyPlace<'_>) -> bool {
    place.parent_id.is_none() && place.unit_code.is_some_and(|u| u.len() == 2 && u.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a grant makes its holder handle complaints that name no agency. Those are the
/// province's (Nghị định 61/2018/NĐ-CP, art. 35: the province's public-service centre
/// receives and answers feedback about the one-stop system): the centre's supervisor and
/// the province's administrators, not every commune's (issue 12, item 21).
pub fn handles_unassigned_feedback(role: Role, at: &AgencyPlace<'_>) -> bool {
    matches!(role, Role::Supervisor | Role::Admin) && (is_province(at) || at.kind == "province_service_centre")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(e: FieldErrors) -> Vec<String> {
        e.0.into_iter().map(|x| x.path).collect()
    }

    #[test]
    fn staff_accounts_need_a_plain_username_a_name_and_a_real_password() {
        assert!(check_staff("motcua.camranh", "Lê Thị Hoa", "mat-khau-dai").is_ok());
        // "12345678" is among the most common passwords (and too short): refused for officers too.
        assert_eq!(paths(check_staff("Lê Hoa", " ", "12345678").unwrap_err()), ["username", "full_name", "password"]);
        assert_eq!(paths(check_staff("ab", "Hoa", "aaaaaaaaaa").unwrap_err()), ["username", "password"]);
        assert_eq!(paths(check_staff("hoa.le", "Hoa", "hoa.le").unwrap_err()), ["password"]);
    }

    #[test]
    fn agencies_need_a_valid_code_kind_and_period() {
        let ok = check_agency("H56.22390", "Ủy ban nhân dân phường Cam Ranh", "commune_people_committee", "22390", "2025-07-01", "").unwrap();
        assert_eq!((ok.code.as_str(), ok.unit_code.as_deref(), ok.valid_to), ("H56.22390", Some("22390"), None));
        let e = check_agency("xyz", "", "bakery", "12a", "01/07/2025", "2025-01-01").unwrap_err();
        assert_eq!(paths(e), ["code", "name", "kind", "unit_code", "valid_from"]);
        let e = check_agency("H56.22390", "UBND", "commune_people_committee", "", "2025-07-01", "2025-07-01").unwrap_err();
        assert_eq!(paths(e), ["valid_to"]);
    }

    const NHA_TRANG: i64 = 8;
    const CAM_LAM: i64 = 10;

    #[test]
    fn an_account_is_managed_only_when_every_grant_is_in_scope() {
        let khanh_hoa = AdminLevel::Province("56".into());
        let commune = Administrator { user_id: 1, level: &AdminLevel::Agency, scope: &[NHA_TRANG, 9] };
        let province = Administrator { user_id: 2, level: &khanh_hoa, scope: &[1, NHA_TRANG, 9, CAM_LAM] };
        let system = Administrator { user_id: 3, level: &AdminLevel::System, scope: &[] };
        let acc = |grant_agencies, created_by| ManagedAccount { system_admin: false, grant_agencies, created_by };
        assert!(may_manage_account(&commune, &acc(&[NHA_TRANG, 9], None)));
        assert!(!may_manage_account(&commune, &acc(&[NHA_TRANG, CAM_LAM], None)), "one grant elsewhere is enough to refuse");
        assert!(may_manage_account(&province, &acc(&[NHA_TRANG, CAM_LAM], None)));
        assert!(may_manage_account(&commune, &acc(&[], Some(1))), "the creator keeps a new account");
        assert!(!may_manage_account(&commune, &acc(&[], Some(2))));
        assert!(!may_manage_account(&commune, &acc(&[], None)), "an account of unknown origin is the province's");
        assert!(may_manage_account(&province, &acc(&[], None)) && may_manage_account(&province, &acc(&[], Some(1))));
        let sys_account = ManagedAccount { system_admin: true, grant_agencies: &[1], created_by: None };
        assert!(!may_manage_account(&province, &sys_account) && may_manage_account(&system, &sys_account));
        assert!(may_manage_account(&system, &acc(&[42], None)));
    }

    fn place<'a>(code: &'a str, kind: &'a str, unit: &'a str, parent_id: Option<i64>) -> AgencyPlace<'a> {
        AgencyPlace { code, kind, unit_code: Some(unit), parent_id }
    }

    #[test]
    fn the_structure_of_agencies_belongs_to_the_level_above() {
        let cam_lam = place("H56.22453", "commune_people_committee", "22453", Some(1));
        let (agency, province, system) = (AdminLevel::Agency, AdminLevel::Province("56".into()), AdminLevel::System);
        let change = |level: &'static str, before: Option<AgencyPlace<'static>>, after, parent, unit_province| {
            let level = match level {
                "agency" => &agency,
                "province" => &province,
                _ => &system,
            };
            agency_change_problems(&AgencyChange { level, provinces: &[("H56", "56")], before, after, parent, unit_province }).into_iter().map(|(f, _)| f).collect::<Vec<_>>()
        };
        // Rename in place: fine for the commune.
        let renamed = place("H56.22453", "commune_people_committee", "22453", Some(1));
        assert!(change("agency", Some(cam_lam), renamed, None, Some("56")).is_empty());
        // Top-level, other kind, other unit: not the commune's.
        assert_eq!(change("agency", Some(cam_lam), place("H56.22453", "commune_people_committee", "22453", None), None, Some("56")), ["parent", "parent"]);
        assert_eq!(change("agency", Some(cam_lam), place("H56.22453", "province_police", "22453", Some(1)), None, Some("56")), ["kind"]);
        assert_eq!(change("province", Some(cam_lam), place("H56.22453", "commune_people_committee", "22453", None), None, Some("56")), ["parent"]);
        assert!(change("system", Some(cam_lam), place("H56.22453", "commune_people_committee", "22453", None), None, Some("56")).is_empty());
        // New sub-units: the commune's code, kind and unit only.
        let sub = place("H56.22453.01", "commune_people_committee", "22453", Some(10));
        assert!(change("agency", None, sub, Some(cam_lam), Some("56")).is_empty());
        let foreign = place("H79.01", "province_police", "79", Some(10));
        assert_eq!(change("agency", None, foreign, Some(cam_lam), Some("79")), ["code", "kind", "unit_code"]);
        // The province: its own code and units, any kind.
        assert_eq!(change("province", None, foreign, Some(cam_lam), Some("79")), ["unit_code"]);
        let police = place("H56.05.22390", "commune_police", "22390", Some(5));
        assert!(change("province", None, police, Some(cam_lam), Some("56")).is_empty());
        assert!(change("province", Some(cam_lam), place("H56.22453", "commune_police", "22453", Some(5)), None, Some("56")).is_empty());
    }

    #[test]
    fn complaints_naming_no_agency_go_to_the_province() {
        let province = place("H56", "province_people_committee", "56", None);
        let centre = place("H56.01", "province_service_centre", "56", Some(1));
        let commune = place("H56.22453", "commune_people_committee", "22453", Some(1));
        assert!(handles_unassigned_feedback(Role::Supervisor, &province) && handles_unassigned_feedback(Role::Admin, &province));
        assert!(handles_unassigned_feedback(Role::Supervisor, &centre));
        assert!(!handles_unassigned_feedback(Role::Admin, &commune) && !handles_unassigned_feedback(Role::Supervisor, &commune));
        assert!(!handles_unassigned_feedback(Role::Reception, &province));
    }
}
