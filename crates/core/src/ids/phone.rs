//! Vietnamese phone numbers, normalised to the national form `0XXXXXXXXX`.

use super::IdError;
use std::fmt;

/// A phone number in national form: `0` followed by 9 digits (mobile and, since 2017,
/// fixed lines with area code). `+84`/`84` prefixes, spaces, dots and dashes are accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let digits: String = raw
            .trim()
            .trim_start_matches('+')
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::PhoneFormat);
        }
        let national = if let Some(rest) = digits.strip_prefix("84") {
            if digits.len() == 11 { format!("0{rest}") } else { digits }
        } else {
            digits
        };
        if national.len() != 10 || !national.starts_with('0') || national.as_bytes()[1] == b'0' {
            return Err(IdError::PhoneFormat);
        }
        Ok(Phone(national))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_international_and_separators() {
        assert_eq!(Phone::parse("+84 912 345 678").unwrap().as_str(), "0912345678");
        assert_eq!(Phone::parse("0912.345.678").unwrap().as_str(), "0912345678");
        assert_eq!(Phone::parse("84912345678").unwrap().as_str(), "0912345678");
    }

    #[test]
    fn refuses_short_or_lettered() {
        assert!(Phone::parse("091234567").is_err());
        assert!(Phone::parse("09123456ab").is_err());
        assert!(Phone::parse("0012345678").is_err());
    }
}
