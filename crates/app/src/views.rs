//! What the use cases show of a dossier: the shapes the API returns as JSON (documented
//! in OpenAPI) and the pages and forms print, built from rows, with Vietnamese labels
//! from core.

use crate::context::App;
use crate::error::AppError;
pub use crate::names::{AgencyRef, ProcedureRef};
use motcua_core::calendar::{due_status, Outcome};
use motcua_core::dossier::{ActionKind, State, StepFacts};
use motcua_core::time::rfc3339_vn;
use motcua_store::{from_ms, DocumentRow, DossierRow, EventRow};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepView {
    pub index: usize,
    pub name: String,
    pub role: String,
    pub role_label: String,
    pub agency: AgencyRef,
    pub budget_minutes: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicantView {
    /// `person` or `organisation`.
    pub kind: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventView {
    pub seq: i64,
    /// RFC 3339 in Vietnamese time.
    pub at: String,
    pub action: String,
    pub action_label: String,
    pub from_state: String,
    pub to_state: String,
    pub state_label: String,
    pub step: Option<i64>,
    pub step_name: Option<String>,
    pub note: Option<String>,
    /// Who acted (`user:7`, `applicant`); shown to staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentView {
    pub id: i64,
    pub name: String,
    pub original_name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
}

/// A dossier as the API returns it: its summary, and what only the detail needs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierView {
    #[serde(flatten)]
    pub summary: DossierSummary,
    pub delivery: String,
    pub applicant: ApplicantView,
    pub finished_at: Option<String>,
    pub returned_at: Option<String>,
    pub supplement_requests: i64,
    pub extended: bool,
    /// Index of the workflow step the dossier is at.
    pub current_step: Option<usize>,
    pub steps: Vec<StepView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<EventView>>,
    /// How the due date was computed, in Vietnamese: skipped days and why, pauses, extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_explanation: Option<Vec<String>>,
}

/// The explanation of a received dossier's due date, from its facts and its events
/// (pauses are the spans from a supplement request after reception to the supply).
fn explain(app: &App, facts: &motcua_core::dossier::DossierFacts, events: &[EventRow]) -> Option<Vec<String>> {
    let received = facts.received_at?;
    let cal = &*app.calendar_for(facts.receiving_agency);
    let mut pauses = Vec::new();
    let mut open: Option<motcua_core::time::Instant> = None;
    for e in events {
        let at = from_ms(e.at);
        match e.action.as_str() {
            "request_supplement" if at >= received => open = Some(at),
            "supply" => {
                if let Some(p) = open.take() {
                    pauses.push((p, at));
                }
            }
            _ => {}
        }
    }
    if let Some(p) = open {
        pauses.push((p, app.now().max(p)));
    }
    let (_, mut lines) = motcua_core::calendar::explain_due(cal, &app.settings.rules, received, facts.processing, &pauses);
    if facts.paused_at.is_some() {
        lines.push("Hồ sơ đang chờ bổ sung: thời hạn tạm dừng cho đến khi nhận đủ giấy tờ.".to_string());
    }
    if let (true, Some(due)) = (facts.extended, facts.due_at) {
        lines.push(format!("Cơ quan đã xin lỗi và gia hạn đến {}; hồ sơ vẫn được tính là trễ hạn.", rfc3339_vn(due)));
    }
    Some(lines)
}

/// A dossier as lists show it: enough to pick it, without steps or history.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierSummary {
    /// Regulated code, issued at reception (`H56.22366-261123-0001`).
    pub code: Option<String>,
    /// Provisional reference given at submission; also accepted wherever a code is.
    pub reference: String,
    pub state: String,
    pub state_label: String,
    pub procedure: ProcedureRef,
    pub agency: AgencyRef,
    /// counter | online | post
    pub channel: String,
    pub applicant_name: String,
    pub submitted_at: String,
    pub received_at: Option<String>,
    pub due_at: Option<String>,
    /// For open dossiers: on_track | due_soon | overdue.
    pub due_status: Option<String>,
    /// For finished dossiers: early | on_time | late.
    pub outcome: Option<String>,
    pub outcome_label: Option<String>,
    /// Name of the workflow step the dossier is at.
    pub current_step_name: Option<String>,
    /// Number of events; send it back to detect concurrent changes.
    pub version: i64,
}

fn due_status_of(app: &App, facts: &motcua_core::dossier::DossierFacts) -> Option<String> {
    let cal = &*app.calendar_for(facts.receiving_agency);
    match (facts.state.is_handled(), facts.due_at_now(cal, app.now())) {
        (false, Some(due)) => Some(
            match due_status(cal, &app.settings.rules, app.now(), due) {
                motcua_core::calendar::DueStatus::OnTrack => "on_track",
                motcua_core::calendar::DueStatus::DueSoon => "due_soon",
                motcua_core::calendar::DueStatus::Overdue => "overdue",
            }
            .to_string(),
        ),
        _ => None,
    }
}

/// The list view of a dossier (names from the cache: call [`prepare_names`] first).
pub fn dossier_summary(app: &App, d: &DossierRow) -> Result<DossierSummary, AppError> {
    let facts = d.facts()?;
    Ok(DossierSummary {
        code: d.code.clone(),
        reference: d.reference.clone(),
        state: facts.state.as_str().into(),
        state_label: facts.state.label_vi().into(),
        procedure: app.names.procedure(d.procedure_id),
        agency: app.names.agency(d.receiving_agency_id),
        channel: d.channel.clone(),
        applicant_name: d.applicant_name.clone(),
        submitted_at: rfc3339_vn(from_ms(d.submitted_at)),
        received_at: ts(d.received_at),
        due_at: ts(d.due_at),
        due_status: due_status_of(app, &facts),
        outcome: facts.outcome.map(|o| o.as_str().into()),
        outcome_label: facts.outcome.map(|o: Outcome| o.label_vi().into()),
        current_step_name: facts.current_step.and_then(|i| facts.steps.get(i)).map(|s| s.name.clone()),
        version: d.version,
    })
}

fn ts(ms: Option<i64>) -> Option<String> {
    ms.map(|m| rfc3339_vn(from_ms(m)))
}

/// Who is looking, which decides what the view includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Staff,
    Applicant,
}

fn step_views(app: &App, steps: &[StepFacts]) -> Vec<StepView> {
    steps
        .iter()
        .enumerate()
        .map(|(index, s)| StepView {
            index,
            name: s.name.clone(),
            role: s.role.as_str().into(),
            role_label: s.role.label_vi().into(),
            agency: app.names.agency(s.agency_id),
            budget_minutes: s.budget_minutes,
        })
        .collect()
}

/// Caches the names the views of these dossiers need.
pub async fn prepare_names(app: &App, dossiers: &[&DossierRow]) -> Result<(), AppError> {
    let mut agencies = Vec::new();
    for d in dossiers {
        agencies.push(d.receiving_agency_id);
        agencies.extend(d.steps()?.iter().map(|s| s.agency_id));
        app.names.ensure(app, &agencies, Some(d.procedure_id)).await?;
        agencies.clear();
    }
    Ok(())
}

/// The view of a dossier; with `events`/`documents` for the detail view. Names come from
/// the cache: call [`prepare_names`] first.
pub fn dossier_view(
    app: &App,
    d: &DossierRow,
    audience: Audience,
    events: Option<&[EventRow]>,
    documents: Option<Vec<DocumentRow>>,
) -> Result<DossierView, AppError> {
    let facts = d.facts()?;
    let steps = step_views(app, &facts.steps);
    // What the applicant may see of each event is core's one definition; staff see all.
    let sees = |e: &EventRow| match (audience, ActionKind::parse(&e.action)) {
        (Audience::Staff, _) => motcua_core::dossier::ApplicantSees { event: true, note: true, data: true },
        (Audience::Applicant, Some(k)) => motcua_core::dossier::applicant_sees(k),
        (Audience::Applicant, None) => motcua_core::dossier::ApplicantSees { event: false, note: false, data: false },
    };
    let timeline = events.map(|evs| {
        evs.iter()
            .filter(|e| sees(e).event)
            .map(|e| {
                let to = State::parse(&e.to_state);
                let shown = sees(e);
                EventView {
                    seq: e.seq,
                    at: rfc3339_vn(from_ms(e.at)),
                    action: e.action.clone(),
                    action_label: ActionKind::parse(&e.action).map(|a| a.label_vi()).unwrap_or("").into(),
                    from_state: e.from_state.clone(),
                    to_state: e.to_state.clone(),
                    state_label: to.map(|s| s.label_vi()).unwrap_or("").into(),
                    step: e.step,
                    step_name: e.step.and_then(|i| facts.steps.get(i as usize)).map(|s| s.name.clone()),
                    note: e.note.clone().filter(|_| shown.note),
                    actor: (audience == Audience::Staff).then(|| e.actor.clone()),
                    data: if shown.data { serde_json::from_str(&e.data).unwrap_or_default() } else { serde_json::json!({}) },
                    hash: e.hash.clone(),
                }
            })
            .collect()
    });
    Ok(DossierView {
        summary: dossier_summary(app, d)?,
        delivery: d.delivery.clone(),
        applicant: ApplicantView {
            kind: d.applicant_kind.clone(),
            name: d.applicant_name.clone(),
            id_number: d.applicant_id_number.clone(),
            phone: d.applicant_phone.clone(),
            email: d.applicant_email.clone(),
            address: d.applicant_address.clone(),
        },
        finished_at: ts(d.finished_at),
        returned_at: ts(d.returned_at),
        supplement_requests: d.supplement_requests,
        extended: d.extended != 0,
        current_step: facts.current_step,
        steps,
        documents: documents.map(|docs| {
            docs.into_iter()
                .map(|x| DocumentView { id: x.id, name: x.name, original_name: x.original_name, size: x.size, content_type: x.content_type, sha256: x.sha256 })
                .collect()
        }),
        due_explanation: events.and_then(|evs| explain(app, &facts, evs)),
        timeline,
    })
}
