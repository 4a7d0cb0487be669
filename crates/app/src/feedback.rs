//! Citizens' feedback and complaints (phản ánh, kiến nghị; Decree 20/2008): filed with
//! a tracking code, routed to the agency of the dossier they name (or to the province),
//! answered by an officer of that agency, and published if the officer chooses.

use crate::access::Staff;
use crate::context::App;
use crate::error::AppError;
use motcua_core::admin::{handles_unassigned_feedback, AgencyPlace};
use motcua_core::dossier::Role;
use motcua_core::feedback::Feedback;

/// Files a complaint and answers its tracking code. `agency` is the receiving agency of
/// the dossier it names, if any; `procedure` a code of the catalogue.
pub async fn file(app: &App, feedback: &Feedback, procedure: Option<&str>, agency: Option<i64>) -> Result<String, AppError> {
    let code = crate::codes::random_code("PA-");
    app.store.create_feedback(&code, feedback, procedure, agency, app.now()).await?;
    Ok(code)
}

/// Whether the officer also handles what names no agency: the province's supervisors and
/// administrators, and system administrators.
pub async fn handles_unassigned(app: &App, staff: &Staff) -> Result<bool, AppError> {
    if staff.0.system_admin {
        return Ok(true);
    }
    let agencies = app.agencies_today().await?;
    Ok(staff.0.grants.iter().filter(|g| matches!(g.role, Role::Supervisor | Role::Admin)).any(|g| {
        agencies.iter().find(|a| a.id == g.agency_id).is_some_and(|a| {
            handles_unassigned_feedback(g.role, &AgencyPlace { code: &a.code, kind: &a.kind, unit_code: a.unit_code.as_deref(), parent_id: a.parent_id })
        })
    }))
}

/// An officer answers a complaint that concerns their agencies (anything else is "not
/// found"), publishing the answer or not.
pub async fn answer(app: &App, staff: &Staff, code: &str, text: &str, publish: bool) -> Result<(), AppError> {
    let row = app.store.feedback_by_code(code).await?.ok_or(AppError::NotFound)?;
    let allowed = match row.agency_id {
        Some(a) => staff.agencies().contains(&a),
        None => handles_unassigned(app, staff).await?,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 5000 {
        return Err(AppError::field("answer", "Nhập câu trả lời (tối đa 5.000 ký tự)"));
    }
    Ok(app.store.answer_feedback(code, text, staff.0.user_id, publish, app.now()).await?)
}
