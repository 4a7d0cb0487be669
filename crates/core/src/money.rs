//! Money in integer đồng: the currency has no minor unit in use, so no floats anywhere.

use serde::{Deserialize, Serialize};

/// An amount in Vietnamese đồng.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    /// Formats as Vietnamese readers expect: dot thousands separator, "đồng".
    pub fn display_vnd(self) -> String {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 6);
        if self.0 < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        out.push_str(" đồng");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_dot_separators() {
        assert_eq!(Money(0).display_vnd(), "0 đồng");
        assert_eq!(Money(2000).display_vnd(), "2.000 đồng");
        assert_eq!(Money(1_200_000).display_vnd(), "1.200.000 đồng");
        assert_eq!(Money(100).display_vnd(), "100 đồng");
    }
}
