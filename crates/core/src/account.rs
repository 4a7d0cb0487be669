//! Citizen accounts: what identifies one (a phone number or an e-mail address), which
//! passwords are acceptable, and the one-time codes that prove a contact belongs to its
//! owner.

use crate::ids::Phone;
use crate::time::Instant;

/// How a citizen signs in: the contact that also receives their one-time codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Phone(Phone),
    /// Lower-cased, trimmed.
    Email(String),
}

impl Login {
    /// Reads "a phone number or an e-mail address" as typed in one field.
    pub fn parse(raw: &str) -> Result<Login, &'static str> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Nhập số điện thoại hoặc địa chỉ thư điện tử");
        }
        if s.contains('@') {
            let lower = s.to_lowercase();
            let (local, domain) = lower.split_once('@').ok_or("Địa chỉ thư điện tử không hợp lệ")?;
            let valid = !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && lower.len() <= 200
                && !lower.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
                && !domain.contains('@');
            return if valid { Ok(Login::Email(lower)) } else { Err("Địa chỉ thư điện tử không hợp lệ") };
        }
        Phone::parse(s).map(Login::Phone).map_err(|_| "Số điện thoại phải có 10 chữ số, bắt đầu bằng 0 (hoặc +84)")
    }

    /// The stored, unique form.
    pub fn as_str(&self) -> &str {
        match self {
            Login::Phone(p) => p.as_str(),
            Login::Email(e) => e,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Login::Phone(_) => "phone",
            Login::Email(_) => "email",
        }
    }

    /// Where one-time codes go, said to the user without revealing the whole contact.
    pub fn masked(&self) -> String {
        match self {
            Login::Phone(p) => format!("số điện thoại ******{}", &p.as_str()[6..]),
            Login::Email(e) => {
                let (local, domain) = e.split_once('@').unwrap_or((e, ""));
                let first: String = local.chars().take(1).collect();
                format!("địa chỉ {first}***@{domain}")
            }
        }
    }
}

/// At least ten characters. OWASP ASVS 4.0.3 V2.1.1 asks for 12 and NIST SP 800-63B allows 8;
/// 8 is where the leaked-password lists are densest (`12345678`, `password`), while officers
/// and citizens type these on phones at a counter, so 10 with a common-password list
/// (ASVS V2.1.7) and the guessing limits is the balance chosen here.
pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// The most common passwords, lower case (source in the file's header).
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

/// Whether a password is on the common-password list, ignoring case and surrounding spaces.
pub fn is_common_password(password: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    let set = SET.get_or_init(|| COMMON_PASSWORDS.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect());
    set.contains(password.trim().to_lowercase().as_str())
}

/// Why a new password is refused, if it is (one check for citizens and officers). Length
/// matters more than composition rules (NIST SP 800-63B, OWASP ASVS V2.1): at least
/// [`MIN_PASSWORD_CHARS`], not on the common-password list, not the login itself, not one
/// repeated character.
pub fn password_problem(password: &str, login: &str) -> Option<&'static str> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Some("Mật khẩu cần ít nhất 10 ký tự");
    }
    if n > MAX_PASSWORD_CHARS {
        return Some("Mật khẩu dài quá 128 ký tự");
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Some("Mật khẩu không được chỉ lặp lại một ký tự");
    }
    if password.trim().eq_ignore_ascii_case(login.trim()) {
        return Some("Mật khẩu không được trùng với số điện thoại hoặc thư điện tử");
    }
    if is_common_password(password) {
        return Some("Mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác");
    }
    None
}

/// One-time code settings: six digits, valid ten minutes, five tries, one code a minute.
pub const CODE_DIGITS: usize = 6;
pub const CODE_TTL_MINUTES: i64 = 10;
pub const CODE_MAX_ATTEMPTS: i64 = 5;
pub const CODE_RESEND_SECONDS: i64 = 60;

/// A six-digit code from a random number (the caller supplies the randomness).
pub fn one_time_code(random: u32) -> String {
    format!("{:06}", random % 1_000_000)
}

/// What a typed one-time code looks like after removing spaces; `None` if it cannot be one.
pub fn normalise_code(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Whether a new code may be sent now, given when the last one was.
pub fn may_resend(last_sent: Option<Instant>, now: Instant) -> bool {
    last_sent.is_none_or(|t| (now - t).num_seconds() >= CODE_RESEND_SECONDS)
}

/// The message carrying a code, the same for SMS and e-mail. Without diacritics: an SMS in
/// GSM-7 holds 160 characters, in UCS-2 only 70.
pub fn code_message(code: &str, purpose: CodePurpose) -> String {
    let what = match purpose {
        CodePurpose::Verify => "xac minh tai khoan",
        CodePurpose::Reset => "dat lai mat khau",
    };
    format!("Ma {what} motcua: {code}. Ma co hieu luc {CODE_TTL_MINUTES} phut. Khong chia se ma nay cho bat ky ai.")
}

/// The message carrying the code that confirms a dossier's withdrawal (without diacritics,
/// as [`code_message`]). Withdrawal cannot be undone, and the dossier code and the phone
/// number may both be known to someone else: the code proves the phone is at hand.
pub fn withdrawal_code_message(code: &str, dossier: &str) -> String {
    format!("Ma xac nhan rut ho so: {code} (ho so {dossier}). Ma co hieu luc {CODE_TTL_MINUTES} phut. Neu ban khong yeu cau rut ho so, dung chia se ma nay.")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    Verify,
    Reset,
}

impl CodePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::Verify => "verify",
            CodePurpose::Reset => "reset",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn login_is_a_phone_or_an_email() {
        assert_eq!(Login::parse(" +84 905 123 456 ").unwrap(), Login::Phone(Phone::parse("0905123456").unwrap()));
        assert_eq!(Login::parse("Lan.Nguyen@Example.VN").unwrap(), Login::Email("lan.nguyen@example.vn".into()));
        assert!(Login::parse("").is_err());
        assert!(Login::parse("lan@").is_err());
        assert!(Login::parse("@example.vn").is_err());
        assert!(Login::parse("lan@localhost").is_err());
        assert!(Login::parse("12345").is_err());
    }

    #[test]
    fn masks_contacts() {
        assert_eq!(Login::parse("0905123456").unwrap().masked(), "số điện thoại ******3456");
        assert_eq!(Login::parse("lan@example.vn").unwrap().masked(), "địa chỉ l***@example.vn");
    }

    #[test]
    fn passwords() {
        assert!(password_problem("ngắn", "x").is_some());
        assert!(password_problem("aaaaaaaaaa", "x").is_some());
        assert!(password_problem("0905123456", "0905123456").is_some());
        assert!(password_problem("mật khẩu dài đủ", "0905123456").is_none());
        assert!(password_problem(&"a1".repeat(65), "x").is_some());
        for weak in ["12345678", "password", "1234567890", "Password123", "qwertyuiop", "matkhau123", "anhyeuem123", "motcua@2026", " 123456789A "] {
            assert!(password_problem(weak, "x").is_some(), "{weak}");
        }
        assert!(password_problem("motcua-demo-2026", "x").is_none(), "the demo password");
        assert!(password_problem("mat-khau-du-dai-2026", "x").is_none());
    }

    #[test]
    fn codes() {
        assert_eq!(one_time_code(42), "000042");
        assert_eq!(one_time_code(4_123_456_789), "456789");
        assert_eq!(normalise_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(normalise_code("12345"), None);
        assert_eq!(normalise_code("12345a"), None);
        let t = chrono::Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
        assert!(may_resend(None, t));
        assert!(!may_resend(Some(t), t + chrono::Duration::seconds(59)));
        assert!(may_resend(Some(t), t + chrono::Duration::seconds(60)));
        assert!(code_message("123456", CodePurpose::Verify).is_ascii());
    }
}
