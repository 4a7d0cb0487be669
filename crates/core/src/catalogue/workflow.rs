//! Internal workflow templates (quy trình nội bộ): the ordered steps a dossier goes
//! through after reception, each with a role, an agency and a time budget.

use crate::calendar::ProcessingTime;
use crate::dossier::Role;
use serde::{Deserialize, Serialize};

/// Which agency handles a step.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "kind")]
pub enum AgencyTarget {
    /// The agency that received the dossier.
    Receiving,
    /// The agency of this kind serving the receiving agency's commune, or else its province
    /// (inter-agency procedures: police for residence, social insurance for health cards).
    Kind(String),
}

/// One step of a workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowStep {
    pub name: String,
    pub role: Role,
    pub agency: AgencyTarget,
    /// Time budget in working minutes.
    pub budget_minutes: i64,
}

/// The usual three-step workflow in the receiving agency (specialist appraises, head of
/// unit reviews, leader signs), splitting the legal time roughly 70/15/15 with at least
/// half an hour per step.
pub fn default_workflow(time: ProcessingTime, minutes_per_day: i64) -> Vec<WorkflowStep> {
    let total = match time {
        ProcessingTime::SameDay => minutes_per_day / 2,
        ProcessingTime::WorkingDays { half_days } => (half_days as i64 * minutes_per_day / 2).max(minutes_per_day / 2),
        ProcessingTime::CalendarDays { days } => days as i64 * minutes_per_day * 5 / 7,
    };
    let review = (total * 15 / 100).max(30);
    let sign = review;
    let appraise = (total - review - sign).max(30);
    vec![
        WorkflowStep { name: "Thẩm định hồ sơ".into(), role: Role::Specialist, agency: AgencyTarget::Receiving, budget_minutes: appraise },
        WorkflowStep { name: "Xem xét, trình ký".into(), role: Role::HeadOfUnit, agency: AgencyTarget::Receiving, budget_minutes: review },
        WorkflowStep { name: "Phê duyệt, ký kết quả".into(), role: Role::SigningLeader, agency: AgencyTarget::Receiving, budget_minutes: sign },
    ]
}
