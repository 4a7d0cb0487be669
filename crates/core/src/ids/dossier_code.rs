//! Dossier code (Thông tư 03/2025/TT-VPCP): `<agency code>-<YYMMDD of reception>-<sequence>`,
//! the sequence counting that agency's receptions that day, at least 4 digits. Shared
//! national platforms put a 2-digit platform prefix before the sequence; the format is
//! configurable for that.

use super::{AgencyCode, IdError};
use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};
use std::fmt;

/// How codes are written by this deployment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DossierCodeFormat {
    /// Two digits placed before the sequence on shared platforms (`None` = plain format).
    pub platform_prefix: Option<String>,
}

impl DossierCodeFormat {
    /// Builds the code of the `sequence`-th dossier received by `agency` on `day` (local date).
    pub fn issue(&self, agency: &AgencyCode, day: NaiveDate, sequence: u32) -> DossierCode {
        let prefix = self.platform_prefix.as_deref().unwrap_or("");
        DossierCode(format!(
            "{}-{:02}{:02}{:02}-{}{:04}",
            agency,
            day.year() % 100,
            day.month(),
            day.day(),
            prefix,
            sequence
        ))
    }
}

/// A dossier code in the regulated format.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DossierCode(String);

impl DossierCode {
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let s = raw.trim();
        // The agency part's own parser forgives spaces; a code is kept as written, so it
        // may hold none (found by fuzzing: "H56 -261123-0001").
        if s.contains(char::is_whitespace) {
            return Err(IdError::DossierFormat);
        }
        let mut parts = s.rsplitn(3, '-');
        let (seq, date, agency) = match (parts.next(), parts.next(), parts.next()) {
            (Some(q), Some(d), Some(a)) => (q, d, a),
            _ => return Err(IdError::DossierFormat),
        };
        AgencyCode::parse(agency).map_err(|_| IdError::DossierFormat)?;
        let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
        if date.len() != 6 || !digits(date) || seq.len() < 4 || seq.len() > 12 || !digits(seq) {
            return Err(IdError::DossierFormat);
        }
        let n = |i: usize| date[i..i + 2].parse::<u32>().unwrap_or(0);
        if NaiveDate::from_ymd_opt(2000 + n(0) as i32, n(2), n(4)).is_none() {
            return Err(IdError::DossierFormat);
        }
        Ok(DossierCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for DossierCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn issues_the_regulated_format() {
        let agency = AgencyCode::parse("H56.12").unwrap();
        let code = DossierCodeFormat::default().issue(&agency, day(), 1);
        assert_eq!(code.as_str(), "H56.12-261123-0001");
        assert_eq!(DossierCodeFormat::default().issue(&agency, day(), 12345).as_str(), "H56.12-261123-12345");
        let shared = DossierCodeFormat { platform_prefix: Some("01".into()) };
        assert_eq!(shared.issue(&agency, day(), 7).as_str(), "H56.12-261123-010007");
    }

    #[test]
    fn refuses_spaces_inside_a_code() {
        for bad in ["H56 -261123-0001", "H56.12 -261123-0001", "H56.12-261123-00 01", "H56\t.12-261123-0001"] {
            assert!(DossierCode::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(DossierCode::parse("  H56.12-261123-0001 ").unwrap().as_str(), "H56.12-261123-0001");
    }

    #[test]
    fn parses_round_trip_and_refuses_malformed() {
        assert!(DossierCode::parse("H56.12-261123-0001").is_ok());
        for bad in ["", "H56.12-261123-001", "H56.12-261323-0001", "h56-261123-0001", "H56.12-2611230001", "H56.12-261123-00a1"] {
            assert_eq!(DossierCode::parse(bad), Err(IdError::DossierFormat), "{bad}");
        }
    }
}
