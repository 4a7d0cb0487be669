//! The use cases run without HTTP: a worker, a payment callback or a CLI command calls
//! `motcua_app` as the handlers do, with the same rules, and what it records is what the
//! API then shows.

#[macro_use]
mod common;

use common::*;
use motcua::demo::DEMO_PASSWORD;
use motcua_app::access::{self, Staff};
use motcua_app::action_input::parse_action;
use motcua_app::submission::{self, CreateDossier, Origin, Submitted};
use motcua_app::{actions, App, AppError};
use motcua_core::dossier::{ActionKind, Actor};
use motcua_store::DossierRow;
use serde_json::json;

/// An officer signed in through the use cases (no page, no token endpoint).
async fn officer(app: &App, username: &str) -> Staff {
    let user = access::authenticate_staff(app, username, DEMO_PASSWORD).await.expect("authenticating").unwrap_or_else(|| panic!("demo officer {username}"));
    let token = access::open_staff_session(app, user.id, "api", chrono::Duration::hours(1)).await.expect("opening a session");
    Staff(app.session_user(&token, "api").await.expect("reading the session").expect("a live session"))
}

/// The officer who holds the role of the dossier's current step.
async fn step_officer(app: &App, d: &DossierRow) -> Staff {
    let facts = d.facts().expect("facts");
    let step = &facts.steps[facts.current_step.expect("at a step")];
    let agency = app.store.agency_by_id(step.agency_id).await.expect("reading the agency").expect("the step's agency");
    officer(app, user_for(step.role.as_str(), &agency.code)).await
}

async fn act(app: &App, d: &DossierRow, who: &Staff, kind: ActionKind, body: serde_json::Value) -> Result<DossierRow, AppError> {
    let action = parse_action(kind, body.to_string().as_bytes())?;
    Ok(actions::perform(app, d, &who.actor(), &who.label(), &action, None).await?.dossier)
}

async fn a_dossier_goes_through_the_use_cases_alone(t: &TestApp) {
    let app: &App = &t.state.app;
    let reception = officer(app, "motcua.nhatrang").await;

    // Received by post, entered by reception: received at once, with its code.
    let body: CreateDossier = serde_json::from_value(submission("1.001193", NHA_TRANG, "post")).expect("a submission");
    let Submitted::Created(d, _) = submission::submit(app, Some(&reception), &body, &[], None, false, Origin::Api).await.expect("submitting") else {
        panic!("the dossier was not created")
    };
    assert_eq!(d.state, "received");
    let code = d.code.clone().expect("a code issued at reception");

    // The same refusals as through HTTP: a dossier is received once.
    let received_again = act(app, &d, &reception, ActionKind::Receive, json!({})).await;
    assert!(matches!(received_again, Err(AppError::Conflict(_))), "{received_again:?}");

    let d = act(app, &d, &reception, ActionKind::Transfer, json!({})).await.expect("transferring");
    assert_eq!(d.state, "processing");
    let specialist = step_officer(app, &d).await;
    let d = act(app, &d, &specialist, ActionKind::RequestSupplement, json!({ "items": [{ "document": "Giấy chứng sinh", "reason": "Bản chụp mờ" }] })).await.expect("asking for papers");
    assert_eq!(d.state, "supplement_requested");
    let supplied = actions::perform(app, &d, &Actor::Applicant, "applicant", &parse_action(ActionKind::Supply, b"{}").expect("supply"), None).await.expect("supplying");
    let d = supplied.dossier;

    // The rule of core: a second request needs its reason, recorded as an exception.
    let second = act(app, &d, &specialist, ActionKind::RequestSupplement, json!({ "items": [{ "document": "Tờ khai", "reason": "Thiếu chữ ký" }] })).await;
    match second {
        Err(AppError::Invalid(e)) => assert!(e.0.iter().any(|x| x.path == "exception_reason"), "{e:?}"),
        other => panic!("a second request without a reason was not refused: {other:?}"),
    }
    let d = act(app, &d, &specialist, ActionKind::RequestSupplement, json!({ "items": [{ "document": "Tờ khai", "reason": "Thiếu chữ ký" }], "exception_reason": "Người nộp ký sai mẫu" }))
        .await
        .expect("a second request with its reason");
    assert_eq!(d.supplement_requests, 2);

    // The API reads what the use cases wrote, event by event.
    let token = t.token("motcua.nhatrang").await;
    let v = t.get(&format!("/api/v1/dossiers/{code}"), Some(&token)).await.expect(200);
    assert_eq!(v["state"], "supplement_requested");
    assert_eq!(v["supplement_requests"], 2);
    let actions: Vec<&str> = v["timeline"].as_array().expect("timeline").iter().map(|e| e["action"].as_str().expect("action")).collect();
    assert_eq!(actions, ["submit", "receive", "transfer", "request_supplement", "supply", "request_supplement"]);
    assert_eq!(v["timeline"][5]["data"]["exception_reason"], "Người nộp ký sai mẫu");
}

on_both_backends!(a_dossier_goes_through_the_use_cases_alone => use_cases_run_without_http_sqlite, use_cases_run_without_http_postgres);
