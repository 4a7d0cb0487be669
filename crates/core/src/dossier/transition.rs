//! The dossier state machine: may this actor do this action in this state, and what
//! follows. Pure: callers load the facts, pass the instant, and persist the result.

use super::action::{Action, ActionKind};
use super::role::{Actor, Party, Role};
use super::state::State;
use crate::calendar::{due_at, outcome, push_due_for_pause, DeadlineRules, Outcome, ProcessingTime, WorkCalendar};
use crate::time::{rfc3339_vn, Instant};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub type AgencyId = i64;

/// A workflow step as instantiated for one dossier (agencies resolved at reception).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepFacts {
    pub name: String,
    pub role: Role,
    pub agency_id: AgencyId,
    pub budget_minutes: i64,
}

/// What the rules need to know about a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierFacts {
    pub state: State,
    pub receiving_agency: AgencyId,
    pub processing: ProcessingTime,
    pub steps: Vec<StepFacts>,
    pub current_step: Option<usize>,
    pub step_started_at: Option<Instant>,
    pub received_at: Option<Instant>,
    /// Due instant now in force (after pauses and any extension).
    pub due_at: Option<Instant>,
    /// Due instant after pauses but without extension: the one timeliness is judged by.
    pub original_due_at: Option<Instant>,
    pub paused_at: Option<Instant>,
    pub supplement_requests: u32,
    pub extended: bool,
    pub finished_at: Option<Instant>,
    pub outcome: Option<Outcome>,
    /// The officer the current step is handed to by name, if any (cleared when the step
    /// changes).
    pub assignee: Option<i64>,
}

impl DossierFacts {
    /// A dossier just submitted online, or being entered at the counter.
    pub fn new(receiving_agency: AgencyId, processing: ProcessingTime, steps: Vec<StepFacts>, state: State) -> Self {
        DossierFacts {
            state,
            receiving_agency,
            processing,
            steps,
            current_step: None,
            step_started_at: None,
            received_at: None,
            due_at: None,
            original_due_at: None,
            paused_at: None,
            supplement_requests: 0,
            extended: false,
            finished_at: None,
            outcome: None,
            assignee: None,
        }
    }

    /// The due instant as it stands at `now`: while a supplement is awaited the clock is
    /// stopped, so the wait so far is added (a waiting dossier never turns overdue).
    pub fn due_at_now(&self, cal: &WorkCalendar, now: Instant) -> Option<Instant> {
        let due = self.due_at?;
        Some(match self.paused_at {
            Some(p) => push_due_for_pause(cal, due, p, now),
            None => due,
        })
    }

    fn step(&self) -> Option<&StepFacts> {
        self.current_step.and_then(|i| self.steps.get(i))
    }
}

/// What the event log records of a transition.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDraft {
    pub action: ActionKind,
    pub from: State,
    pub to: State,
    /// The step the dossier is at after the action.
    pub step: Option<usize>,
    pub note: Option<String>,
    pub data: serde_json::Value,
}

/// The outcome of a permitted action.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub next: DossierFacts,
    pub event: EventDraft,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Không thể {action} khi hồ sơ ở trạng thái “{state}”", action = .action.label_vi().to_lowercase(), state = .state.label_vi())]
    WrongState { action: ActionKind, state: State },
    #[error("Vai trò của bạn không được thực hiện thao tác này")]
    Forbidden,
    #[error("Hồ sơ không thuộc phạm vi cơ quan của bạn")]
    OutOfScope,
    #[error("{message}")]
    Invalid { path: &'static str, message: String },
}

fn invalid(path: &'static str, message: impl Into<String>) -> Refusal {
    Refusal::Invalid { path, message: message.into() }
}

/// The permission table: whether `party` may do `kind` to a dossier in its present state
/// and step. Scope is checked separately ([`scope_agency`]).
pub fn permitted(d: &DossierFacts, kind: ActionKind, party: Party) -> Result<(), Refusal> {
    use ActionKind as A;
    use State as S;
    let received = d.received_at.is_some();
    let step = d.step();
    let is_last_step = d.current_step.is_some_and(|i| i + 1 == d.steps.len());
    let step_role = |p: Party| matches!((p, step), (Party::Staff(r), Some(s)) if r == s.role);
    let reception = party == Party::Staff(Role::Reception);
    let leader = matches!(party, Party::Staff(Role::HeadOfUnit | Role::SigningLeader));
    let handler = matches!(party, Party::Staff(r) if r.handles_steps());
    let (state_ok, party_ok) = match kind {
        A::Submit => (d.state == S::Draft, party == Party::Applicant),
        A::Receive => (d.state == S::Submitted, reception),
        A::RequestSupplement => match d.state {
            S::Submitted => (true, reception),
            S::Processing => (true, handler),
            _ => (false, false),
        },
        A::Supply => (d.state == S::SupplementRequested, party == Party::Applicant || reception),
        A::Transfer => (d.state == S::Received, reception),
        A::Forward => (d.state == S::Processing && !is_last_step, step_role(party)),
        // The step's own role hands it to a colleague; leaders assign work too.
        A::Assign => (d.state == S::Processing, step_role(party) || leader),
        A::ReturnToStep => (d.state == S::Processing && d.current_step.is_some_and(|i| i > 0), step_role(party)),
        A::Approve => (d.state == S::Processing && is_last_step, step_role(party)),
        A::Reject => match d.state {
            S::Submitted => (true, reception),
            S::SupplementRequested if !received => (true, reception),
            S::Processing => (true, leader),
            _ => (false, false),
        },
        A::Stop => (d.state == S::Processing || (d.state == S::SupplementRequested && received), leader),
        A::Extend => (d.state == S::Processing || (d.state == S::SupplementRequested && received), handler),
        A::Withdraw => (
            matches!(d.state, S::Submitted | S::Received | S::Processing | S::SupplementRequested),
            party == Party::Applicant || reception,
        ),
        A::ReturnResult => (d.state == S::ResultReady, reception),
    };
    if !state_ok {
        Err(Refusal::WrongState { action: kind, state: d.state })
    } else if !party_ok {
        Err(Refusal::Forbidden)
    } else {
        Ok(())
    }
}

/// The agency whose staff may do `kind`: the receiving agency (one-stop section) for
/// reception and return, the current step's agency for handling.
pub fn scope_agency(d: &DossierFacts, kind: ActionKind) -> AgencyId {
    use ActionKind as A;
    let step_agency = d.step().map(|s| s.agency_id).unwrap_or(d.receiving_agency);
    match kind {
        A::Submit | A::Receive | A::Supply | A::Transfer | A::Withdraw | A::ReturnResult => d.receiving_agency,
        A::RequestSupplement | A::Reject if d.state != State::Processing => d.receiving_agency,
        _ => step_agency,
    }
}

/// Decides an action: checks state, role and scope, then computes the new facts and the
/// event to record. `now` is the instant of the action.
pub fn decide(
    d: &DossierFacts,
    actor: &Actor,
    action: &Action,
    now: Instant,
    cal: &WorkCalendar,
    rules: &DeadlineRules,
) -> Result<Transition, Refusal> {
    authorize(d, actor, action.kind())?;
    apply(d, action, now, cal, rules)
}

/// Whether `actor` may do `kind` to the dossier now: state, role and scope, before any
/// input is looked at.
pub fn authorize(d: &DossierFacts, actor: &Actor, kind: ActionKind) -> Result<(), Refusal> {
    // The state decides alone whether an action exists here, whoever asks.
    if let Err(e @ Refusal::WrongState { .. }) = permitted(d, kind, Party::Applicant) {
        return Err(e);
    }
    match actor {
        Actor::Applicant => permitted(d, kind, Party::Applicant),
        Actor::Staff { grants, .. } => {
            let agency = scope_agency(d, kind);
            let mut allowed = grants.iter().filter(|g| permitted(d, kind, Party::Staff(g.role)).is_ok()).peekable();
            if allowed.peek().is_none() {
                return Err(Refusal::Forbidden);
            }
            if !allowed.any(|g| g.agency_id == agency) {
                return Err(Refusal::OutOfScope);
            }
            Ok(())
        }
    }
}

/// The actions `actor` may take on the dossier now, in the order of the lifecycle.
/// An extension already given is not offered again (the law allows one; asked anyway, it
/// is refused with the reason).
pub fn available_actions(d: &DossierFacts, actor: &Actor) -> Vec<ActionKind> {
    ActionKind::ALL.into_iter().filter(|k| !(*k == ActionKind::Extend && d.extended)).filter(|k| authorize(d, actor, *k).is_ok()).collect()
}

fn finish(next: &mut DossierFacts, now: Instant) {
    next.finished_at = Some(now);
    if let Some(due) = next.original_due_at {
        // Time spent waiting for a supplement up to the end still does not count.
        let judged_due = match next.paused_at {
            Some(p) => due.max(p),
            None => due,
        };
        next.outcome = Some(outcome(judged_due, now, next.extended, next.supplement_requests));
    }
}

fn step_outcome(d: &DossierFacts, now: Instant, cal: &WorkCalendar) -> Option<&'static str> {
    let (step, started) = (d.step()?, d.step_started_at?);
    let step_due = cal.add_working_minutes(started, step.budget_minutes);
    Some(outcome(step_due, now, false, 0).as_str())
}

fn apply(d: &DossierFacts, action: &Action, now: Instant, cal: &WorkCalendar, rules: &DeadlineRules) -> Result<Transition, Refusal> {
    let mut next = d.clone();
    let mut note = None;
    let mut data = json!({});
    // A named hand-over holds while the dossier stays at its step (a supplement round or
    // an apology does not move it).
    if !matches!(action, Action::Assign { .. } | Action::Extend { .. } | Action::RequestSupplement { .. } | Action::Supply { .. }) {
        next.assignee = None;
    }
    match action {
        Action::Submit => next.state = State::Submitted,
        Action::Receive { note: n } => {
            note = n.clone();
            let due = due_at(cal, rules, now, d.processing);
            next.state = State::Received;
            next.received_at = Some(now);
            next.due_at = Some(due);
            next.original_due_at = Some(due);
            data = json!({ "due_at": rfc3339_vn(due) });
        }
        Action::RequestSupplement { items, exception_reason } => {
            if items.is_empty() || items.iter().any(|i| i.document.trim().is_empty() || i.reason.trim().is_empty()) {
                return Err(invalid("items", "Liệt kê đầy đủ từng giấy tờ cần bổ sung và lý do"));
            }
            let exception = exception_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            if d.supplement_requests >= 1 && exception.is_none() {
                return Err(invalid(
                    "exception_reason",
                    "Pháp luật chỉ cho phép yêu cầu bổ sung một lần; lần thứ hai phải ghi rõ lý do ngoại lệ và hồ sơ sẽ bị tính là trễ hạn",
                ));
            }
            next.state = State::SupplementRequested;
            next.paused_at = Some(now);
            next.supplement_requests += 1;
            data = json!({ "items": items, "exception_reason": exception, "request_number": next.supplement_requests });
        }
        Action::Supply { note: n } => {
            note = n.clone();
            if let (Some(paused), Some(due), Some(orig)) = (d.paused_at, d.due_at, d.original_due_at) {
                next.due_at = Some(push_due_for_pause(cal, due, paused, now));
                next.original_due_at = Some(push_due_for_pause(cal, orig, paused, now));
                data = json!({ "due_at": next.due_at.map(rfc3339_vn) });
            }
            next.paused_at = None;
            next.state = if d.received_at.is_some() {
                if d.current_step.is_some() { State::Processing } else { State::Received }
            } else {
                State::Submitted
            };
        }
        Action::Transfer { note: n } => {
            note = n.clone();
            if d.steps.is_empty() {
                return Err(invalid("workflow", "Thủ tục chưa có quy trình xử lý"));
            }
            next.state = State::Processing;
            next.current_step = Some(0);
            next.step_started_at = Some(now);
        }
        Action::Forward { note: n } => {
            note = n.clone();
            data = json!({ "step_outcome": step_outcome(d, now, cal) });
            next.current_step = d.current_step.map(|i| i + 1);
            next.step_started_at = Some(now);
        }
        Action::Assign { assignee, assignee_name, note: n } => {
            if d.assignee == Some(*assignee) {
                return Err(invalid("assignee", format!("Hồ sơ đã được giao cho {assignee_name}")));
            }
            note = n.clone();
            data = json!({ "assignee": assignee, "assignee_name": assignee_name });
            next.assignee = Some(*assignee);
        }
        Action::ReturnToStep { step, reason } => {
            if d.current_step.is_none_or(|c| *step >= c) {
                return Err(invalid("step", "Chỉ được trả lại một bước trước đó"));
            }
            if reason.trim().is_empty() {
                return Err(invalid("reason", "Ghi rõ lý do trả lại"));
            }
            note = Some(reason.clone());
            data = json!({ "step_outcome": step_outcome(d, now, cal) });
            next.current_step = Some(*step);
            next.step_started_at = Some(now);
        }
        Action::Approve { note: n } => {
            note = n.clone();
            data = json!({ "step_outcome": step_outcome(d, now, cal) });
            next.state = State::ResultReady;
            next.step_started_at = None;
            finish(&mut next, now);
        }
        Action::Reject { reason, legal_ground } => {
            if reason.trim().is_empty() {
                return Err(invalid("reason", "Ghi rõ lý do từ chối"));
            }
            note = Some(reason.clone());
            data = json!({ "legal_ground": legal_ground });
            next.state = State::Rejected;
            finish(&mut next, now);
        }
        Action::Stop { reason } => {
            if reason.trim().is_empty() {
                return Err(invalid("reason", "Ghi rõ lý do dừng giải quyết"));
            }
            note = Some(reason.clone());
            next.state = State::Stopped;
            finish(&mut next, now);
        }
        Action::Extend { new_due, reason } => {
            if d.extended {
                return Err(invalid("new_due", "Hồ sơ đã được gia hạn một lần; pháp luật chỉ cho phép gia hạn một lần"));
            }
            if reason.trim().is_empty() {
                return Err(invalid("reason", "Ghi rõ lý do chậm trễ"));
            }
            if d.due_at.is_none_or(|due| *new_due <= due) || *new_due <= now {
                return Err(invalid("new_due", "Ngày hẹn mới phải sau ngày hẹn hiện tại"));
            }
            note = Some(reason.clone());
            data = json!({ "previous_due_at": d.due_at.map(rfc3339_vn), "new_due_at": rfc3339_vn(*new_due) });
            next.due_at = Some(*new_due);
            next.extended = true;
        }
        Action::Withdraw { reason } => {
            note = Some(reason.clone()).filter(|r| !r.trim().is_empty());
            next.state = State::Withdrawn;
            finish(&mut next, now);
        }
        Action::ReturnResult { delivery } => {
            data = serde_json::to_value(delivery).unwrap_or_default();
            next.state = State::Returned;
        }
    }
    let event = EventDraft { action: action.kind(), from: d.state, to: next.state, step: next.current_step, note, data };
    Ok(Transition { next, event })
}
