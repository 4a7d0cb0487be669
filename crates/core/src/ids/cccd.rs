//! Personal identification number (số định danh cá nhân, printed on the CCCD card).
//!
//! 12 digits: 3-digit province of birth registration, 1 digit for century and sex,
//! 2 digits of the birth year, 6 random digits (Nghị định 137/2015/NĐ-CP as amended;
//! Thông tư 07/2016/TT-BCA). No check digit, so validation is structural.

use super::IdError;
use serde::{Serialize, Serializer};
use std::fmt;

/// Province codes of the 63 provinces before the 2025 merger. Birth registrations keep
/// their original code, and the 34 merged provinces kept codes from this list.
const PROVINCE_CODES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36,
    37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74,
    75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// A valid personal identification number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cccd(String);

impl Cccd {
    /// Parses a number, given the current year (for the "not born in the future" rule).
    pub fn parse(raw: &str, current_year: i32) -> Result<Self, IdError> {
        let s = raw.trim();
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::CccdFormat);
        }
        let d = s.as_bytes();
        let province = (d[0] - b'0') as u16 * 100 + (d[1] - b'0') as u16 * 10 + (d[2] - b'0') as u16;
        if !PROVINCE_CODES.contains(&province) {
            return Err(IdError::CccdProvince(s[..3].to_string()));
        }
        let year = birth_year(d[3] - b'0', (d[4] - b'0') as i32 * 10 + (d[5] - b'0') as i32);
        if year > current_year {
            return Err(IdError::CccdFutureBirth(year));
        }
        Ok(Cccd(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Year of birth encoded in the number.
    pub fn birth_year(&self) -> i32 {
        let d = self.0.as_bytes();
        birth_year(d[3] - b'0', (d[4] - b'0') as i32 * 10 + (d[5] - b'0') as i32)
    }
}

/// Century digit: 0/1 → 1900s, 2/3 → 2000s, 4/5 → 2100s, 6/7 → 2200s, 8/9 → 2300s
/// (even = male, odd = female).
fn birth_year(century_sex: u8, yy: i32) -> i32 {
    1900 + (century_sex / 2) as i32 * 100 + yy
}

impl fmt::Display for Cccd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Cccd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_well_formed_number() {
        let c = Cccd::parse("001090012345", 2026).unwrap();
        assert_eq!(c.birth_year(), 1990);
        assert_eq!(Cccd::parse(" 079305000001 ", 2026).unwrap().birth_year(), 2005);
    }

    #[test]
    fn refuses_wrong_length_letters_unknown_province_and_future_birth() {
        assert_eq!(Cccd::parse("00109001234", 2026), Err(IdError::CccdFormat));
        assert_eq!(Cccd::parse("00109001234a", 2026), Err(IdError::CccdFormat));
        assert_eq!(Cccd::parse("003090012345", 2026), Err(IdError::CccdProvince("003".into())));
        assert_eq!(Cccd::parse("001230012345", 2026), Err(IdError::CccdFutureBirth(2030)));
        assert!(Cccd::parse("001226012345", 2026).is_ok());
    }
}
