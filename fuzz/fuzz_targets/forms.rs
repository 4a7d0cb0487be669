//! The other web forms and request values parsed in core: `account::Login::parse`,
//! `account::normalise_code`, `account::password_problem`, `rating::Rating::parse`,
//! `feedback::Feedback::parse`, `admin::check_staff`, `admin::check_agency`,
//! `files::sanitize_name`, `files::sniff`, `files::FileKind::from_content_type`, and the
//! `parse`/`as_str` pairs of the enums read from query strings and forms.
//!
//! Input: fields separated by newlines (missing fields are empty).
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use motcua_core::account::{
    normalise_code, password_problem, Login, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS,
};
use motcua_core::admin::{check_agency, check_staff, username_problem};
use motcua_core::calendar::Outcome;
use motcua_core::catalogue::{agency_kind_label, Level, OnlineLevel};
use motcua_core::dossier::{ActionKind, Channel, Role, State};
use motcua_core::feedback::{Feedback, FeedbackInput, Topic};
use motcua_core::files::{sanitize_name, sniff, FileKind};
use motcua_core::ids::{AgencyCode, Phone};
use motcua_core::rating::{Rating, Satisfaction};
use motcua_core::reception::PaperForm;

/// `parse(x) == Some(v)` implies `parse(v.as_str()) == Some(v)`, and every variant's
/// name parses to it.
macro_rules! round_trip {
    ($s:expr, $ty:ty, [$($v:expr),* $(,)?]) => {{
        if let Some(v) = <$ty>::parse($s) {
            assert_eq!(<$ty>::parse(v.as_str()), Some(v), "{}: {:?}", stringify!($ty), $s);
        }
        $( assert_eq!(<$ty>::parse($v.as_str()), Some($v)); )*
    }};
}

fn check_enums(s: &str) {
    round_trip!(s, State, [State::Draft, State::Stopped]);
    for v in State::ALL {
        assert_eq!(State::parse(v.as_str()), Some(v));
    }
    round_trip!(
        s,
        Channel,
        [Channel::Counter, Channel::Online, Channel::Post]
    );
    if let Some(c) = Channel::parse(s) {
        assert_eq!(Channel::parse(&c.number().to_string()), Some(c));
    }
    for v in Role::ALL {
        assert_eq!(Role::parse(v.as_str()), Some(v));
    }
    round_trip!(s, Role, []);
    for v in ActionKind::ALL {
        assert_eq!(ActionKind::parse(v.as_str()), Some(v));
    }
    round_trip!(s, ActionKind, []);
    round_trip!(s, Outcome, [Outcome::Early, Outcome::OnTime, Outcome::Late]);
    for v in PaperForm::ALL {
        assert_eq!(PaperForm::parse(v.as_str()), Some(v));
    }
    round_trip!(s, PaperForm, []);
    for v in Topic::ALL {
        assert_eq!(Topic::parse(v.as_str()), Some(v));
    }
    round_trip!(s, Topic, []);
    for v in Satisfaction::ALL {
        assert_eq!(Satisfaction::parse(v.as_str()), Some(v));
    }
    round_trip!(s, Satisfaction, []);
    round_trip!(
        s,
        OnlineLevel,
        [OnlineLevel::Full, OnlineLevel::Partial, OnlineLevel::None]
    );
    round_trip!(s, Level, [Level::Central, Level::Province, Level::Commune]);
    if let Some(k) = FileKind::from_content_type(s) {
        assert_eq!(k.content_type(), s);
    }
    let _ = agency_kind_label(s);
}

fn check_login(s: &str) {
    match Login::parse(s) {
        Ok(Login::Email(e)) => {
            assert_eq!(e.matches('@').count(), 1, "{e:?}");
            let (local, domain) = e.split_once('@').unwrap();
            assert!(
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.'),
                "{e:?}"
            );
            assert!(
                e.len() <= 200 && !e.chars().any(char::is_whitespace),
                "{e:?}"
            );
            assert_eq!(e, e.to_lowercase(), "stored lower-case");
            assert_eq!(
                Login::parse(&e),
                Ok(Login::Email(e.clone())),
                "stored form re-parses"
            );
            let m = Login::Email(e.clone()).masked();
            assert!(m.ends_with(&format!("@{domain}")), "{m}");
        }
        Ok(Login::Phone(p)) => {
            assert_eq!(Phone::parse(s).as_ref(), Ok(&p));
            let l = Login::Phone(p.clone());
            assert_eq!(
                Login::parse(l.as_str()),
                Ok(l.clone()),
                "stored form re-parses"
            );
            assert!(l.masked().ends_with(&p.as_str()[6..]));
        }
        Err(m) => assert!(!m.is_empty()),
    }
    if let Some(c) = normalise_code(s) {
        assert!(
            c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()),
            "{c:?}"
        );
        assert_eq!(normalise_code(&c), Some(c.clone()));
    }
}

fn check_password(pw: &str, login: &str) {
    if password_problem(pw, login).is_none() {
        let n = pw.chars().count();
        assert!(
            (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n),
            "{n} chars"
        );
        let first = pw.chars().next();
        assert!(
            pw.chars().any(|c| Some(c) != first),
            "one repeated character"
        );
        assert!(
            !pw.trim().eq_ignore_ascii_case(login.trim()),
            "password is the login"
        );
    }
}

fn check_file_name(s: &str) {
    let n = sanitize_name(s);
    assert!(!n.is_empty() && n.chars().count() <= 120, "{n:?}");
    assert!(!n.starts_with('.'), "{n:?}");
    assert!(
        !n.chars()
            .any(|c| c.is_control()
                || matches!(c, '/' | '\\' | '"' | '<' | '>' | ':' | '*' | '?' | '|')),
        "{s:?} -> {n:?}"
    );
}

fn check_sniff(b: &[u8]) {
    match sniff(b) {
        Some(FileKind::Pdf) => assert!(b.starts_with(b"%PDF-")),
        Some(FileKind::Jpeg) => assert!(b.starts_with(&[0xFF, 0xD8, 0xFF])),
        Some(FileKind::Png) => assert!(b.starts_with(b"\x89PNG\r\n\x1a\n")),
        None => {}
    }
    if let Some(k) = sniff(b) {
        assert_eq!(FileKind::from_content_type(k.content_type()), Some(k));
    }
}

fn check_rating(f: &[&str]) {
    let scores: Vec<Option<String>> = f
        .iter()
        .take(9)
        .map(|x| (*x != "-").then(|| x.to_string()))
        .collect();
    if let Ok(r) = Rating::parse(&scores, f.get(9).copied(), f.get(10).copied()) {
        assert!(r.scores.iter().all(|&x| x <= 2) && r.total() <= 18);
        for (i, x) in r.scores.iter().enumerate() {
            assert_eq!(
                scores[i].as_deref().unwrap().trim().parse::<u8>().ok(),
                Some(*x),
                "criterion {i}"
            );
        }
        assert_eq!(
            Some(r.satisfaction),
            f.get(9).and_then(|s| Satisfaction::parse(s))
        );
        if let Some(c) = &r.comment {
            assert!(!c.is_empty() && c.chars().count() <= 1000, "comment {c:?}");
            assert_eq!(c.trim_start(), c.as_str());
        }
        let _ = r.band_vi();
    }
}

fn check_feedback(f: &[&str]) {
    let g = |i: usize| f.get(i).copied().unwrap_or("");
    let input = FeedbackInput {
        topic: g(0),
        subject: g(1),
        content: g(2),
        name: g(3),
        phone: g(4),
        email: g(5),
    };
    if let Ok(fb) = Feedback::parse(&input) {
        assert_eq!(Topic::parse(g(0)), Some(fb.topic));
        for (what, v, max) in [
            ("subject", &fb.subject, 200),
            ("content", &fb.content, 5000),
            ("name", &fb.name, 200),
        ] {
            assert!(
                !v.is_empty() && v.trim() == v && v.chars().count() <= max,
                "{what} {v:?}"
            );
        }
        assert!(fb.content.chars().count() >= 10);
        assert_eq!(Phone::parse(g(4)).as_ref(), Ok(&fb.phone));
        if let Some(m) = &fb.email {
            assert!(
                m.len() <= 200 && m.contains('@') && !m.starts_with('@') && !m.ends_with('@'),
                "email {m:?}"
            );
        }
    }
}

fn check_admin(f: &[&str]) {
    let g = |i: usize| f.get(i).copied().unwrap_or("");
    if let Ok(st) = check_staff(g(0), g(1), g(2)) {
        assert_eq!(username_problem(&st.username), None);
        assert_eq!(password_problem(&st.password, &st.username), None);
        assert!(
            !st.full_name.is_empty()
                && st.full_name.trim() == st.full_name
                && st.full_name.chars().count() <= 100
        );
    }
    if let Ok(a) = check_agency(g(0), g(1), g(2), g(3), g(4), g(5)) {
        assert_eq!(
            AgencyCode::parse(&a.code).map(|c| c.to_string()).as_deref(),
            Ok(a.code.as_str()),
            "code {:?}",
            a.code
        );
        assert!(agency_kind_label(&a.kind).is_some());
        if let Some(u) = &a.unit_code {
            assert!(
                !u.is_empty() && u.len() <= 5 && u.bytes().all(|b| b.is_ascii_digit()),
                "unit {u:?}"
            );
        }
        let from = NaiveDate::parse_from_str(&a.valid_from, "%Y-%m-%d")
            .unwrap_or_else(|_| panic!("valid_from {:?}", a.valid_from));
        if let Some(t) = &a.valid_to {
            let to = NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .unwrap_or_else(|_| panic!("valid_to {t:?}"));
            assert!(to > from, "{from} .. {to}");
        }
        assert!(!a.name.is_empty() && a.name.trim() == a.name && a.name.chars().count() <= 200);
    }
}

fuzz_target!(|data: &[u8]| {
    check_sniff(data);
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let fields: Vec<&str> = s.split('\n').collect();
    check_enums(s);
    check_login(s);
    check_file_name(s);
    for f in &fields {
        check_enums(f);
        check_login(f);
    }
    check_password(fields[0], fields.get(1).copied().unwrap_or(""));
    check_rating(&fields);
    check_feedback(&fields);
    check_admin(&fields);
});
