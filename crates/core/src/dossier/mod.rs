//! The dossier (hồ sơ): its states, who may do what, and the event log that records it.

mod action;
mod applicant_view;
mod effects;
mod event;
mod role;
mod state;
mod transition;

pub use action::{Action, ActionKind, Delivery, SupplementItem};
pub use applicant_view::{applicant_sees, ApplicantSees};
pub use effects::{counter_metrics, notifies_applicant};
pub use event::{audit_hash, chain_hash, AuditRecord, EventRecord, GENESIS_HASH};
pub use role::{Actor, Grant, Party, Role};
pub use state::{Channel, State};
pub use transition::{authorize, available_actions, decide, permitted, scope_agency, AgencyId, DossierFacts, EventDraft, Refusal, StepFacts, Transition};
