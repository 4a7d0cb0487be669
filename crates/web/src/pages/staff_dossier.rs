//! The staff dossier page (`/can-bo/ho-so/{code}`): details, papers and files, the
//! actions core allows this officer now, the workflow and the history.

use super::render;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use crate::auth::WebStaff;
use super::queue::{line, short_time};
use motcua_app::views::{dossier_view, prepare_names, Audience, DossierView};

pub struct Summary {
    pub(super) id: String,
    pub(super) procedure: String,
    pub(super) agency: String,
    pub(super) applicant: String,
    pub(super) state: String,
    pub(super) submitted: String,
    pub(super) received: String,
    pub(super) due: String,
    pub(super) due_label: String,
    pub(super) outcome: String,
}

pub struct StepLine {
    pub(super) name: String,
    pub(super) role: String,
    pub(super) agency: String,
    pub(super) current: bool,
}

pub struct EventLine {
    /// The instant as RFC 3339, for `<time datetime>`.
    pub(super) datetime: String,
    pub(super) at: String,
    pub(super) action: String,
    pub(super) state: String,
    pub(super) step: String,
    pub(super) note: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
pub struct DossierPage {
    pub(super) d: Summary,
    /// What this officer may do now (action name, label), the version the forms carry,
    /// and the earlier steps a dossier can be returned to.
    pub(super) actions: Vec<(&'static str, &'static str)>,
    pub(super) version: i64,
    pub(super) earlier_steps: Vec<(usize, String)>,
    pub(super) delivery: String,
    /// The dossier's files: id, paper, file name, size.
    pub(super) files: Vec<(i64, String, String, String)>,
    /// When the apology with a new date is due now: the prompt, and the proposed date and
    /// time for the form.
    pub(super) apology: Option<(String, String, String)>,
    /// Colleagues the current step can be handed to (id, name), and who has it now.
    pub(super) colleagues: Vec<(i64, String)>,
    pub(super) assignee: String,
    pub(super) notice: Option<String>,
    pub(super) error: Option<String>,
    /// Official forms this dossier has (number, name), printable as PDF.
    pub(super) forms: Vec<(&'static str, &'static str)>,
    pub(super) explanation: Vec<String>,
    pub(super) steps: Vec<StepLine>,
    pub(super) timeline: Vec<EventLine>,
}

/// The official forms a dossier's history gives rise to.
fn available_forms(v: &DossierView) -> Vec<(&'static str, &'static str)> {
    let happened = |action: &str| v.timeline.as_ref().is_some_and(|t| t.iter().any(|e| e.action == action));
    let mut forms = Vec::new();
    if v.summary.received_at.is_some() {
        forms.push(("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"));
    }
    for (action, n, name) in [
        ("request_supplement", "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        ("reject", "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        ("extend", "04", "Văn bản xin lỗi và hẹn lại ngày trả kết quả"),
        ("stop", "05", "Thông báo dừng giải quyết hồ sơ"),
    ] {
        if happened(action) {
            forms.push((n, name));
        }
    }
    if v.summary.received_at.is_some() {
        forms.push(("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ"));
    }
    forms
}

pub(super) fn dossier_page(v: DossierView) -> DossierPage {
    let forms = available_forms(&v);
    let s = &v.summary;
    let line = line(s);
    DossierPage {
        actions: Vec::new(),
        version: 0,
        earlier_steps: Vec::new(),
        delivery: String::new(),
        files: Vec::new(),
        apology: None,
        colleagues: Vec::new(),
        assignee: String::new(),
        notice: None,
        error: None,
        forms,
        explanation: v.due_explanation.clone().unwrap_or_default(),
        steps: v
            .steps
            .iter()
            .map(|st| StepLine { name: st.name.clone(), role: st.role_label.clone(), agency: st.agency.name.clone(), current: v.current_step == Some(st.index) })
            .collect(),
        timeline: v
            .timeline
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                // What the officer asked for or whom the step went to, beside the note.
                let detail = match e.action.as_str() {
                    "request_supplement" => e.data.get("items").and_then(|i| i.as_array()).map(|items| {
                        items.iter().map(|i| format!("{}: {}", i["document"].as_str().unwrap_or(""), i["reason"].as_str().unwrap_or(""))).collect::<Vec<_>>().join("; ")
                    }),
                    "assign" => e.data.get("assignee_name").and_then(|n| n.as_str()).map(|n| format!("Giao cho {n}")),
                    _ => None,
                };
                let note = [detail, e.note].into_iter().flatten().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(" — ");
                EventLine { datetime: e.at.clone(), at: short_time(&Some(e.at)), action: e.action_label, state: e.state_label, step: e.step_name.unwrap_or_default(), note }
            })
            .collect(),
        d: Summary {
            agency: s.agency.name.clone(),
            submitted: short_time(&Some(s.submitted_at.clone())),
            received: short_time(&s.received_at),
            due_label: if s.due_status.is_some() { line.due_label } else { String::new() },
            outcome: s.outcome_label.clone().unwrap_or_default(),
            id: line.id,
            procedure: line.procedure,
            applicant: line.applicant,
            state: line.state,
            due: line.due,
        },
    }
}

pub async fn full_view(state: &AppState, d: &motcua_store::DossierRow, audience: Audience) -> Result<DossierView, ApiError> {
    let events = state.store.dossier_events(d.id).await?;
    prepare_names(state, &[d]).await?;
    Ok(dossier_view(state, d, audience, Some(&events), None)?)
}

#[derive(Deserialize)]
pub struct StaffDossierQuery {
    /// The action just done (after the redirect that follows it).
    pub(super) da: Option<String>,
    /// Just received at the counter.
    pub(super) tiep_nhan: Option<u8>,
}

pub async fn staff_dossier(State(state): State<AppState>, staff: WebStaff, Path(code): Path<String>, Query(q): Query<StaffDossierQuery>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let found = match state.store.dossier_by_public_id(&code).await {
        Ok(d) => d,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Some(d) = found.filter(|d| staff.sees(d).unwrap_or(false)) else {
        return ApiError::NotFound.into_response();
    };
    let notice = match q.tiep_nhan {
        Some(_) => Some(format!("Đã tiếp nhận hồ sơ {}. In giấy tiếp nhận và hẹn trả kết quả để giao người nộp:", d.public_id())),
        None => q.da.as_deref().and_then(motcua_core::dossier::ActionKind::parse).map(|k| format!("Đã thực hiện: {}.", k.label_vi())),
    };
    staff_dossier_page(&state, &staff, &d, notice, None, StatusCode::OK).await.unwrap_or_else(IntoResponse::into_response)
}

/// A file of a dossier, for staff who see the dossier: shown in the browser (officers read
/// scans before accepting), sandboxed so a crafted PDF cannot run script on this site.
pub async fn staff_file(State(state): State<AppState>, staff: WebStaff, Path((code, id)): Path<(String, i64)>) -> Response {
    let Some(staff) = staff.0 else { return ApiError::Unauthorized.into_response() };
    let result: Result<Response, ApiError> = async {
        let d = state.store.dossier_by_public_id(&code).await?.filter(|d| staff.sees(d).unwrap_or(false)).ok_or(ApiError::NotFound)?;
        let f = state.store.dossier_documents(d.id).await?.into_iter().find(|f| f.id == id).ok_or(ApiError::NotFound)?;
        let bytes = state.files.get(&f.sha256).await?;
        let name = motcua_core::files::sanitize_name(&f.original_name);
        Ok((
            [
                (header::CONTENT_TYPE, f.content_type),
                (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
                (header::CONTENT_SECURITY_POLICY, "sandbox".into()),
            ],
            bytes,
        )
            .into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The staff page of a dossier, with the actions this officer may take now.
pub async fn staff_dossier_page(
    state: &AppState,
    staff: &crate::auth::Staff,
    d: &motcua_store::DossierRow,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let v = full_view(state, d, Audience::Staff).await?;
    let facts = d.facts()?;
    let actor = staff.actor();
    let mut actions: Vec<(&'static str, &'static str)> = motcua_core::dossier::available_actions(&facts, &actor)
        .into_iter()
        .filter(|k| !matches!(k, motcua_core::dossier::ActionKind::Submit | motcua_core::dossier::ActionKind::Withdraw))
        .map(|k| (k.as_str(), k.label_vi()))
        .collect();
    // From one working day before the due time the law wants the apology with a new date
    // (once): the page says so and puts that form first, filled with a proposed date.
    let cal = &*state.calendar_for(d.receiving_agency_id);
    let now = state.now();
    let apology = match (facts.due_at_now(cal, now), actions.iter().position(|a| a.0 == "extend")) {
        (Some(due), Some(i)) if motcua_core::calendar::apology_due(cal, now, due) => {
            let extend = actions.remove(i);
            actions.insert(0, extend);
            let proposed = motcua_core::time::to_local(motcua_core::calendar::proposed_new_due(cal, now, due));
            let when = motcua_core::time::to_local(due).format("%H:%M ngày %d/%m/%Y");
            let text = if now > due {
                format!("Hồ sơ đã quá hạn trả kết quả ({when}). Cơ quan phải gửi người nộp văn bản xin lỗi và hẹn lại ngày trả (chỉ được hẹn lại một lần).")
            } else {
                format!("Hồ sơ đến hạn trả kết quả lúc {when}. Nếu không kịp, cơ quan phải gửi văn bản xin lỗi và hẹn lại ngày trả trước hạn (chỉ được một lần).")
            };
            Some((text, proposed.format("%Y-%m-%d").to_string(), proposed.format("%H:%M").to_string()))
        }
        _ => None,
    };
    let earlier_steps = v.steps.iter().filter(|s| v.current_step.is_some_and(|c| s.index < c)).map(|s| (s.index, s.name.clone())).collect();
    let delivery = v.delivery.clone();
    let files = if d.document_count > 0 {
        state
            .store
            .dossier_documents(d.id)
            .await?
            .into_iter()
            .map(|f| {
                let paper = if f.role == "result" { format!("Kết quả giải quyết — {}", f.name) } else { f.name };
                (f.id, paper, f.original_name, format!("{} KB", (f.size + 1023) / 1024))
            })
            .collect()
    } else {
        Vec::new()
    };
    let step = facts.current_step.and_then(|i| facts.steps.get(i));
    let colleagues = match step {
        Some(s) if actions.iter().any(|a| a.0 == "assign") => state.store.holders(s.role, s.agency_id).await?,
        _ => Vec::new(),
    };
    let assignee = match d.assignee_id {
        Some(id) => state.store.user_names(&[id]).await?.remove(&id).unwrap_or_default(),
        None => String::new(),
    };
    let colleagues: Vec<(i64, String)> = colleagues.into_iter().filter(|(id, _)| Some(*id) != d.assignee_id).collect();
    if colleagues.is_empty() {
        actions.retain(|a| a.0 != "assign");
    }
    let mut page = dossier_page(v);
    page.colleagues = colleagues;
    page.assignee = assignee;
    page.files = files;
    page.apology = apology;
    page.actions = actions;
    page.version = d.version;
    page.earlier_steps = earlier_steps;
    page.delivery = delivery;
    page.notice = notice;
    page.error = error;
    Ok((status, render(page)).into_response())
}
