//! Electronic identifier code of an agency (Quyết định 20/2020/QĐ-TTg).
//!
//! Groups separated by dots, read left to right from the level-1 body: the first group
//! is a capital letter and two digits (`H55` for a province), each next group a child
//! unit (`H55.242`). At most 35 characters. National procedure codes still embed an
//! older reversed, zero-padded form (`000.00.00.H28`), accepted by [`AgencyCode::parse_any`].

use super::IdError;
use serde::{Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgencyCode(String);

impl AgencyCode {
    /// Parses the current (left-to-right) form.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let s = raw.trim();
        if s.is_empty() || s.len() > 35 {
            return Err(IdError::AgencyFormat);
        }
        let mut groups = s.split('.');
        let first = groups.next().ok_or(IdError::AgencyFormat)?.as_bytes();
        if first.len() != 3 || !first[0].is_ascii_uppercase() || !first[1..].iter().all(u8::is_ascii_digit) {
            return Err(IdError::AgencyFormat);
        }
        for g in groups {
            if g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
                return Err(IdError::AgencyFormat);
            }
        }
        Ok(AgencyCode(s.to_string()))
    }

    /// Parses either form; the reversed form is turned around and its all-zero
    /// placeholder groups dropped (`000.00.12.H28` → `H28.12`).
    pub fn parse_any(raw: &str) -> Result<Self, IdError> {
        let s = raw.trim();
        let groups: Vec<&str> = s.split('.').collect();
        let last = groups.last().copied().unwrap_or("");
        let reversed = groups.len() > 1
            && last.len() == 3
            && last.as_bytes()[0].is_ascii_uppercase()
            && groups[0].bytes().all(|b| b.is_ascii_digit());
        if !reversed {
            return Self::parse(s);
        }
        let kept: Vec<&str> = groups
            .iter()
            .rev()
            .copied()
            .filter(|g| !g.bytes().all(|b| b == b'0'))
            .collect();
        Self::parse(&kept.join("."))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code of the parent unit, if this is not a level-1 body.
    pub fn parent(&self) -> Option<AgencyCode> {
        self.0.rsplit_once('.').map(|(p, _)| AgencyCode(p.to_string()))
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for AgencyCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_current_form_and_parent() {
        let c = AgencyCode::parse("H55.242").unwrap();
        assert_eq!(c.parent().unwrap().as_str(), "H55");
        assert!(AgencyCode::parse("H55").unwrap().parent().is_none());
        assert!(AgencyCode::parse("G01.B12.7").is_ok());
    }

    #[test]
    fn parses_reversed_form() {
        assert_eq!(AgencyCode::parse_any("000.00.00.H28").unwrap().as_str(), "H28");
        assert_eq!(AgencyCode::parse_any("000.00.12.H28").unwrap().as_str(), "H28.12");
        assert_eq!(AgencyCode::parse_any("H28.12").unwrap().as_str(), "H28.12");
    }

    #[test]
    fn refuses_bad_codes() {
        for bad in ["", "h55", "H5", "H55.", "H55..1", "H55-1", "HH5.1", &"H55.1".repeat(8)] {
            assert_eq!(AgencyCode::parse(bad), Err(IdError::AgencyFormat), "{bad}");
        }
    }
}
