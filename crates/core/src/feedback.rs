//! Feedback and complaints from citizens (phản ánh, kiến nghị): about a procedure, an
//! agency or an officer's conduct. Parsed here; stored and answered by the adapters.

use crate::ids::Phone;
use crate::validation::FieldErrors;

/// What a piece of feedback is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Procedure,
    Agency,
    Officer,
    Other,
}

impl Topic {
    pub const ALL: [Topic; 4] = [Topic::Procedure, Topic::Agency, Topic::Officer, Topic::Other];

    pub fn parse(s: &str) -> Option<Topic> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Procedure => "procedure",
            Topic::Agency => "agency",
            Topic::Officer => "officer",
            Topic::Other => "other",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Topic::Procedure => "Quy định thủ tục hành chính",
            Topic::Agency => "Cơ quan giải quyết",
            Topic::Officer => "Thái độ, hành vi của cán bộ",
            Topic::Other => "Nội dung khác",
        }
    }
}

/// A valid piece of feedback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub topic: Topic,
    pub subject: String,
    pub content: String,
    pub name: String,
    pub phone: Phone,
    pub email: Option<String>,
}

/// Raw form input.
#[derive(Debug, Default, Clone)]
pub struct FeedbackInput<'a> {
    pub topic: &'a str,
    pub subject: &'a str,
    pub content: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
}

impl Feedback {
    pub fn parse(i: &FeedbackInput<'_>) -> Result<Feedback, FieldErrors> {
        let mut e = FieldErrors::default();
        let topic = Topic::parse(i.topic);
        if topic.is_none() {
            e.add("topic", "Chọn nội dung phản ánh");
        }
        let subject = e.text("subject", i.subject, 200);
        let content = e.text("content", i.content, 5000);
        if content.as_deref().is_some_and(|c| c.chars().count() < 10) {
            e.add("content", "Nội dung phản ánh quá ngắn (ít nhất 10 ký tự)");
        }
        let name = e.text("name", i.name, 200);
        let phone = e.check("phone", Phone::parse(i.phone));
        let email = Some(i.email.trim()).filter(|m| !m.is_empty()).map(String::from);
        if email.as_deref().is_some_and(|m| m.len() > 200 || !m.contains('@') || m.starts_with('@') || m.ends_with('@')) {
            e.add("email", "Địa chỉ thư điện tử không hợp lệ");
        }
        e.finish(|| Feedback {
            topic: topic.unwrap_or(Topic::Other),
            subject: subject.unwrap_or_default(),
            content: content.unwrap_or_default(),
            name: name.unwrap_or_default(),
            phone: phone.unwrap_or_else(|| Phone::parse("0900000000").expect("valid placeholder")),
            email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_every_bad_field() {
        let ok = Feedback::parse(&FeedbackInput {
            topic: "officer",
            subject: "Cán bộ hẹn nhiều lần",
            content: "Tôi được hẹn lại ba lần cho cùng một giấy tờ.",
            name: "Lê Văn Tâm",
            phone: "0905 123 456",
            email: "",
        })
        .unwrap();
        assert_eq!(ok.topic, Topic::Officer);
        assert_eq!(ok.phone.as_str(), "0905123456");
        let bad = Feedback::parse(&FeedbackInput { topic: "x", content: "ngắn", phone: "12", email: "a@", ..Default::default() }).unwrap_err();
        let paths: Vec<&str> = bad.0.iter().map(|f| f.path.as_str()).collect();
        for p in ["topic", "subject", "content", "name", "phone", "email"] {
            assert!(paths.contains(&p), "{p} in {paths:?}");
        }
    }
}
