//! What the administration screens accept: staff accounts and agencies. Error paths are
//! the form's field names.

use crate::account::password_problem;
use crate::catalogue::agency_kind_label;
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
}
