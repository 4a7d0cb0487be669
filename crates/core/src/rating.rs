//! The applicant's evaluation of one dossier (DOMAIN.md, "Evaluation"): nine criteria of
//! 0–2 points (at most 18) and a satisfaction level, given once, after the result.

use crate::dossier::State;
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

/// The nine criteria, in the order of the national evaluation form.
pub const CRITERIA: [&str; 9] = [
    "Tổng thời gian giải quyết so với thời gian quy định",
    "Thời gian giải quyết của từng cơ quan tham gia",
    "Số lần phải liên hệ (kể cả trực tuyến) để hoàn thiện hồ sơ",
    "Số cơ quan phải liên hệ",
    "Tiếp nhận, giải quyết và trả kết quả qua Bộ phận Một cửa",
    "Công khai thủ tục hành chính",
    "Thái độ của cán bộ",
    "Tiếp thu, giải trình ý kiến phản ánh, kiến nghị",
    "Tiến độ và chất lượng dịch vụ công trực tuyến",
];

/// Labels of the points of a criterion.
pub const POINTS: [&str; 3] = ["Chưa tốt (0 điểm)", "Đạt (1 điểm)", "Tốt (2 điểm)"];

/// The satisfaction question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    VerySatisfied,
    Satisfied,
    NotSatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [Satisfaction::VerySatisfied, Satisfaction::Satisfied, Satisfaction::NotSatisfied];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "very_satisfied",
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::NotSatisfied => "not_satisfied",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "Rất hài lòng",
            Satisfaction::Satisfied => "Hài lòng",
            Satisfaction::NotSatisfied => "Không hài lòng",
        }
    }
}

/// A valid evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub scores: [u8; 9],
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
}

impl Rating {
    /// Parses form input: nine scores "0"/"1"/"2", a satisfaction level, an optional comment.
    pub fn parse(scores: &[Option<String>], satisfaction: Option<&str>, comment: Option<&str>) -> Result<Rating, FieldErrors> {
        let mut e = FieldErrors::default();
        let mut out = [0u8; 9];
        for (i, slot) in out.iter_mut().enumerate() {
            match scores.get(i).and_then(|s| s.as_deref()).and_then(|s| s.trim().parse::<u8>().ok()) {
                Some(v) if v <= 2 => *slot = v,
                _ => e.add(format!("criteria[{i}]"), "Chọn mức đánh giá cho tiêu chí này"),
            }
        }
        let sat = satisfaction.and_then(Satisfaction::parse);
        if sat.is_none() {
            e.add("satisfaction", "Chọn mức độ hài lòng");
        }
        let comment = comment.map(str::trim).filter(|c| !c.is_empty()).map(|c| c.chars().take(1000).collect());
        e.finish(|| Rating { scores: out, satisfaction: sat.unwrap_or(Satisfaction::Satisfied), comment })
    }

    /// Total points, at most 18.
    pub fn total(&self) -> u32 {
        self.scores.iter().map(|&s| s as u32).sum()
    }

    /// The suggested band of a total: > 15 excellent, 12–15 good, 9–12 fair, 6–9 average, < 6 weak.
    pub fn band_vi(&self) -> &'static str {
        match self.total() {
            16.. => "Xuất sắc",
            12..=15 => "Tốt",
            9..=11 => "Khá",
            6..=8 => "Trung bình",
            _ => "Yếu",
        }
    }
}

/// Whether a dossier in this state can be rated: once its result exists.
pub fn may_rate(state: State) -> bool {
    matches!(state, State::ResultReady | State::Returned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<Option<String>> {
        v.iter().map(|x| Some(x.to_string())).collect()
    }

    #[test]
    fn parses_and_scores() {
        let r = Rating::parse(&s(&["2", "2", "2", "2", "2", "2", "2", "1", "0"]), Some("satisfied"), Some("  Cán bộ nhiệt tình ")).unwrap();
        assert_eq!(r.total(), 15);
        assert_eq!(r.band_vi(), "Tốt");
        assert_eq!(r.comment.as_deref(), Some("Cán bộ nhiệt tình"));
        assert_eq!(Rating::parse(&s(&["2"; 9]), Some("very_satisfied"), None).unwrap().band_vi(), "Xuất sắc");
    }

    #[test]
    fn reports_every_missing_or_bad_field() {
        let e = Rating::parse(&s(&["3", "x", "1"]), Some("meh"), None).unwrap_err();
        let paths: Vec<&str> = e.0.iter().map(|x| x.path.as_str()).collect();
        assert!(paths.contains(&"criteria[0]") && paths.contains(&"criteria[1]") && paths.contains(&"criteria[8]") && paths.contains(&"satisfaction"));
        assert!(!paths.contains(&"criteria[2]"));
    }

    #[test]
    fn only_after_the_result() {
        assert!(may_rate(State::Returned) && may_rate(State::ResultReady));
        assert!(!may_rate(State::Processing) && !may_rate(State::Withdrawn));
    }
}
