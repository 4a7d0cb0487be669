//! Side effects a transition implies beyond the dossier row: daily counters for the
//! statistics and notifications to the applicant. Decided here so the storage layer
//! only writes what it is told.

use super::action::ActionKind;
use super::state::{Channel, State};
use super::transition::Transition;
use crate::calendar::Outcome;

/// The daily counters (per receiving agency and local day) a transition increments.
pub fn counter_metrics(t: &Transition, channel: Channel) -> Vec<&'static str> {
    let mut m = Vec::with_capacity(3);
    match t.event.action {
        ActionKind::Submit => {
            m.push("submitted");
            if channel == Channel::Online {
                m.push("submitted_online");
            }
        }
        ActionKind::Receive => {
            m.push("received");
            if channel == Channel::Online {
                m.push("received_online");
            }
        }
        ActionKind::RequestSupplement => m.push("supplement_requested"),
        ActionKind::Extend => m.push("extended"),
        ActionKind::ReturnResult => m.push("returned"),
        _ => {}
    }
    if t.event.to.is_handled() && !t.event.from.is_handled() {
        m.push(match t.event.to {
            State::Rejected => "rejected",
            State::Withdrawn => "withdrawn",
            State::Stopped => "stopped",
            _ => "resolved",
        });
        match t.next.outcome {
            Some(Outcome::Early) => m.push("finished_early"),
            Some(Outcome::OnTime) => m.push("finished_on_time"),
            Some(Outcome::Late) => m.push("finished_late"),
            None => {}
        }
    }
    m
}

/// Whether the applicant is told of this action (SMS/e-mail through the outbox).
pub fn notifies_applicant(kind: ActionKind) -> bool {
    matches!(
        kind,
        ActionKind::Receive
            | ActionKind::RequestSupplement
            | ActionKind::Reject
            | ActionKind::Stop
            | ActionKind::Extend
            | ActionKind::Approve
            | ActionKind::ReturnResult
    )
}
