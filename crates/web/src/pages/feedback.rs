//! Feedback and complaints (`/phan-anh`): citizens send one about a procedure, an agency or
//! an officer's conduct and get a tracking code; with it and their phone they read the
//! answer; answers staff chose to publish are listed for everyone.

use super::render;
use crate::state::AppState;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_core::feedback::{Feedback, FeedbackInput, Topic};
use motcua_core::ids::Phone;
use motcua_core::time::to_local;
use serde::Deserialize;

#[derive(Default, Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    procedure: String,
    /// A dossier the complaint is about: it routes the complaint to that dossier's agency.
    #[serde(default)]
    dossier: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
}

pub struct Published {
    subject: String,
    topic: &'static str,
    answered: String,
    content: String,
    answer: String,
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage {
    form: FeedbackForm,
    topics: Vec<(&'static str, &'static str)>,
    errors: Vec<(String, String)>,
    created: Option<String>,
    lookup_code: String,
    lookup_message: Option<String>,
    lookup_answer: Option<String>,
    published: Vec<Published>,
    next: Option<i64>,
}

const PAGE: i64 = 20;

async fn page(state: &AppState, before: Option<i64>) -> Result<FeedbackPage, ApiError> {
    let rows = state.store.published_feedback(before, PAGE + 1).await?;
    let next = if rows.len() as i64 > PAGE { rows.get(PAGE as usize - 1).and_then(|r| r.answered_at) } else { None };
    Ok(FeedbackPage {
        form: FeedbackForm::default(),
        topics: Topic::ALL.iter().map(|t| (t.as_str(), t.label_vi())).collect(),
        errors: Vec::new(),
        created: None,
        lookup_code: String::new(),
        lookup_message: None,
        lookup_answer: None,
        published: rows
            .into_iter()
            .take(PAGE as usize)
            .map(|r| Published {
                answered: r.answered_at().map(|t| to_local(t).format("%d/%m/%Y").to_string()).unwrap_or_default(),
                topic: Topic::parse(&r.topic).map(Topic::label_vi).unwrap_or(""),
                subject: r.subject,
                content: r.content,
                answer: r.answer.unwrap_or_default(),
            })
            .collect(),
        next,
    })
}

#[derive(Deserialize)]
pub struct ListQuery {
    truoc: Option<i64>,
}

pub async fn show(State(state): State<AppState>, Query(q): Query<ListQuery>) -> Response {
    match page(&state, q.truoc).await {
        Ok(p) => render(p),
        Err(e) => e.into_response(),
    }
}

pub async fn submit(State(state): State<AppState>, addr: crate::throttle::ClientAddr, citizen: crate::auth::WebCitizen, Form(f): Form<FeedbackForm>) -> Response {
    // Anonymous complaints are limited per address; a signed-in citizen answers for theirs.
    let anonymous = citizen.0.is_none();
    if anonymous {
        if let Err(e) = state.throttles.may_send_anonymously(&addr, state.now()) {
            return e.into_response();
        }
    }
    let mut p = match page(&state, None).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let parsed = Feedback::parse(&FeedbackInput {
        topic: &f.topic,
        subject: &f.subject,
        content: &f.content,
        name: &f.name,
        phone: &f.phone,
        email: &f.email,
    });
    let procedure = Some(f.procedure.trim()).filter(|c| !c.is_empty());
    let known_procedure = match procedure {
        Some(code) => match state.procedure(code).await {
            Ok(p) => p.is_some(),
            Err(e) => return ApiError::from(e).into_response(),
        },
        None => true,
    };
    // The dossier named routes the complaint to its agency. A code that names none is taken
    // alike (the complaint goes to the province, as one naming no dossier), or this form
    // would tell which codes exist; it counts as a failed lookup for the address.
    let dossier_code = f.dossier.trim();
    let agency_id = match dossier_code {
        "" => None,
        c => {
            if let Err(e) = state.throttles.may_look_up(&addr, state.now()) {
                return e.into_response();
            }
            let found = if c.len() > 80 { Ok(None) } else { state.store.dossier_by_public_id(c).await };
            match found {
                Ok(Some(d)) => Some(d.receiving_agency_id),
                Ok(None) => {
                    state.throttles.failed_lookup(&addr, state.now());
                    None
                }
                Err(e) => return ApiError::from(e).into_response(),
            }
        }
    };
    match parsed {
        Ok(fb) if known_procedure => {
            let code = match motcua_app::feedback::file(&state, &fb, procedure, agency_id).await {
                Ok(code) => code,
                Err(e) => return ApiError::from(e).into_response(),
            };
            if anonymous {
                state.throttles.sent_anonymously(&addr, state.now());
            }
            p.created = Some(code.clone());
            p.lookup_code = code;
            (StatusCode::CREATED, render(p)).into_response()
        }
        other => {
            let mut errors: Vec<(String, String)> = other.err().map(|e| e.0.into_iter().map(|x| (x.path, x.message)).collect()).unwrap_or_default();
            if !known_procedure {
                errors.push(("procedure".into(), "Không có thủ tục với mã này".into()));
            }
            p.errors = errors;
            p.form = f;
            (StatusCode::UNPROCESSABLE_ENTITY, render(p)).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    phone: String,
}

pub async fn lookup(State(state): State<AppState>, Form(f): Form<LookupForm>) -> Response {
    let mut p = match page(&state, None).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let phone = Phone::parse(&f.phone).map(|p| p.as_str().to_string()).unwrap_or_default();
    let found = if f.code.len() <= 40 { state.store.feedback_by_code(f.code.trim()).await } else { Ok(None) };
    let found = match found {
        Ok(r) => r.filter(|r| !phone.is_empty() && r.phone == phone),
        Err(e) => return ApiError::from(e).into_response(),
    };
    p.lookup_code = f.code;
    let status = match found {
        // The same answer for a wrong code and a wrong phone.
        None => {
            p.lookup_message = Some("Không tìm thấy phản ánh khớp với mã và số điện thoại đã nhập".into());
            StatusCode::NOT_FOUND
        }
        Some(r) => {
            match r.answer {
                Some(a) => {
                    p.lookup_message = Some("Cơ quan đã trả lời:".into());
                    p.lookup_answer = Some(a);
                }
                None => p.lookup_message = Some("Phản ánh của bạn đã được tiếp nhận và đang được xem xét.".into()),
            }
            StatusCode::OK
        }
    };
    (status, render(p)).into_response()
}
