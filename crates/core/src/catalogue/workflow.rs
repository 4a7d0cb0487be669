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

/// Instantiates a workflow for a dossier: each step's agency resolved to an id, the
/// receiving agency for [`AgencyTarget::Receiving`] and `by_kind` for the others.
/// Returns the first agency kind that has no agency, if any.
pub fn instantiate_workflow(
    steps: &[WorkflowStep],
    receiving: crate::dossier::AgencyId,
    by_kind: &std::collections::HashMap<String, crate::dossier::AgencyId>,
) -> Result<Vec<crate::dossier::StepFacts>, String> {
    steps
        .iter()
        .map(|s| {
            let agency_id = match &s.agency {
                AgencyTarget::Receiving => receiving,
                AgencyTarget::Kind(k) => *by_kind.get(k).ok_or_else(|| k.clone())?,
            };
            Ok(crate::dossier::StepFacts { name: s.name.clone(), role: s.role, agency_id, budget_minutes: s.budget_minutes })
        })
        .collect()
}

/// The agency kinds a workflow needs besides the receiving agency.
pub fn needed_kinds(steps: &[WorkflowStep]) -> Vec<&str> {
    let mut kinds: Vec<&str> = steps
        .iter()
        .filter_map(|s| match &s.agency {
            AgencyTarget::Kind(k) => Some(k.as_str()),
            AgencyTarget::Receiving => None,
        })
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}
