//! What the applicant may see of their dossier's history. Officers write notes to each
//! other when they hand a dossier on (transfer, forward, return to a step, assignment to a
//! named colleague) and the signing leader comments on an approval: these are the office's
//! internal working documents, not information owed to the applicant (Law on Access to
//! Information 2016, art. 7(1)(b): internal working papers are not disclosed). The
//! applicant is owed what concerns them (Decree 61/2018, art. 18–20): that their dossier
//! moved and where it stands, and every request, reason and date addressed to them.
//!
//! One definition, used by every view an applicant reads (the lookup page and the API).

use super::action::ActionKind;

/// How much of an event the applicant sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplicantSees {
    /// Whether the event is listed at all.
    pub event: bool,
    /// Whether its free-text note is shown.
    pub note: bool,
    /// Whether its structured data (items asked for, due dates, delivery) is shown.
    pub data: bool,
}

/// What the applicant sees of an event of this kind.
pub fn applicant_sees(kind: ActionKind) -> ApplicantSees {
    const HIDDEN: ApplicantSees = ApplicantSees { event: false, note: false, data: false };
    const MOVED: ApplicantSees = ApplicantSees { event: true, note: false, data: false };
    const ADDRESSED: ApplicantSees = ApplicantSees { event: true, note: true, data: true };
    match kind {
        // A hand-over names the colleague: who works on a dossier is the office's business.
        ActionKind::Assign => HIDDEN,
        ActionKind::Transfer | ActionKind::Forward | ActionKind::ReturnToStep | ActionKind::Approve => MOVED,
        // The reception note is the officer's; the due date it set is the applicant's.
        ActionKind::Receive => ApplicantSees { event: true, note: false, data: true },
        ActionKind::Submit
        | ActionKind::RequestSupplement
        | ActionKind::Supply
        | ActionKind::Reject
        | ActionKind::Stop
        | ActionKind::Extend
        | ActionKind::Withdraw
        | ActionKind::ReturnResult => ADDRESSED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_hand_overs_keep_their_notes_and_names_inside() {
        for k in [ActionKind::Transfer, ActionKind::Forward, ActionKind::ReturnToStep, ActionKind::Approve, ActionKind::Assign] {
            let s = applicant_sees(k);
            assert!(!s.note && !s.data, "{k:?}");
        }
        assert!(!applicant_sees(ActionKind::Assign).event);
        for k in [ActionKind::RequestSupplement, ActionKind::Reject, ActionKind::Stop, ActionKind::Extend] {
            assert_eq!(applicant_sees(k), ApplicantSees { event: true, note: true, data: true }, "{k:?}: addressed to the applicant");
        }
    }
}
