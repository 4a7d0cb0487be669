//! Tax code of an organisation (mã số thuế): 10 digits with a check digit, optionally
//! followed by `-` and a 3-digit branch suffix (Thông tư 105/2020/TT-BTC).

use super::IdError;
use std::fmt;

const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/// A valid organisation tax code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaxCode(String);

impl TaxCode {
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let s = raw.trim();
        let (main, branch) = match s.split_once('-') {
            Some((m, b)) => (m, Some(b)),
            None => (s, None),
        };
        if main.len() != 10 || !main.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::TaxFormat);
        }
        if let Some(b) = branch {
            if b.len() != 3 || !b.bytes().all(|c| c.is_ascii_digit()) || b == "000" {
                return Err(IdError::TaxFormat);
            }
        }
        let d: Vec<u32> = main.bytes().map(|b| (b - b'0') as u32).collect();
        if d[2..9].iter().all(|&x| x == 0) {
            return Err(IdError::TaxFormat);
        }
        let sum: u32 = WEIGHTS.iter().zip(&d[..9]).map(|(w, x)| w * x).sum();
        let check = 10 - (sum % 11);
        if check == 10 || check != d[9] {
            return Err(IdError::TaxCheckDigit);
        }
        Ok(TaxCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TaxCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_the_check_digit() {
        assert!(TaxCode::parse("0100233488").is_ok());
        assert_eq!(TaxCode::parse("0100233480"), Err(IdError::TaxCheckDigit));
    }

    #[test]
    fn accepts_branch_suffix() {
        assert!(TaxCode::parse("0100233488-001").is_ok());
        assert_eq!(TaxCode::parse("0100233488-000"), Err(IdError::TaxFormat));
        assert_eq!(TaxCode::parse("0100233488-01"), Err(IdError::TaxFormat));
    }

    #[test]
    fn refuses_bad_shapes() {
        assert_eq!(TaxCode::parse("010023348"), Err(IdError::TaxFormat));
        assert_eq!(TaxCode::parse("01002334a8"), Err(IdError::TaxFormat));
        assert_eq!(TaxCode::parse("0100000000"), Err(IdError::TaxFormat));
    }
}
