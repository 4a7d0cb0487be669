//! Staff handling of feedback and complaints (`/can-bo/phan-anh`): each officer sees what
//! concerns their agencies (the province's supervisors and administrators also what names no
//! agency: `core::admin::handles_unassigned_feedback`),
//! answers it, and chooses whether the answer is published on `/phan-anh`.

use super::render;
use crate::state::AppState;
use crate::auth::{Staff, WebStaff};
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_app::AppError;
use motcua_core::time::to_local;
use motcua_store::FeedbackRow;
use serde::Deserialize;

struct Item {
    code: String,
    topic: &'static str,
    subject: String,
    content: String,
    from: String,
    created: String,
    answer: String,
    answered: String,
    published: bool,
}

#[derive(Template)]
#[template(path = "staff_feedback.html")]
struct StaffFeedbackPage {
    user: String,
    items: Vec<Item>,
    notice: Option<&'static str>,
    error: Option<(String, String)>,
    next: Option<i64>,
}

const PAGE: i64 = 30;

fn time(ms: i64) -> String {
    to_local(motcua_store::from_ms(ms)).format("%H:%M %d/%m/%Y").to_string()
}

fn item(f: FeedbackRow) -> Item {
    Item {
        topic: motcua_core::feedback::Topic::parse(&f.topic).map(|t| t.label_vi()).unwrap_or(""),
        from: format!("{} · {}", f.name, f.phone),
        created: time(f.created_at),
        answered: f.answered_at.map(time).unwrap_or_default(),
        published: f.published == 1,
        answer: f.answer.unwrap_or_default(),
        code: f.code,
        subject: f.subject,
        content: f.content,
    }
}

async fn page(state: &AppState, staff: &Staff, before: Option<i64>) -> Result<StaffFeedbackPage, ApiError> {
    let rows = state.store.feedback_for_staff(&staff.agencies(), motcua_app::feedback::handles_unassigned(state, staff).await?, before, PAGE + 1).await?;
    let next = (rows.len() as i64 > PAGE).then(|| rows[PAGE as usize - 1].created_at);
    Ok(StaffFeedbackPage { user: staff.0.full_name.clone(), items: rows.into_iter().take(PAGE as usize).map(item).collect(), notice: None, error: None, next })
}

#[derive(Deserialize)]
pub struct ListQuery {
    truoc: Option<i64>,
    da_tra_loi: Option<u8>,
}

pub async fn list(State(state): State<AppState>, staff: WebStaff, Query(q): Query<ListQuery>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    match page(&state, &staff, q.truoc).await {
        Ok(mut p) => {
            p.notice = q.da_tra_loi.map(|_| "Đã lưu câu trả lời.");
            render(p)
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct AnswerForm {
    // Defaults, so a caller who may not answer learns that first, not what the form lacks.
    #[serde(default)]
    answer: String,
    publish: Option<String>,
}

pub async fn answer(State(state): State<AppState>, staff: WebStaff, Path(code): Path<String>, Form(f): Form<AnswerForm>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        match motcua_app::feedback::answer(&state, &staff, &code, &f.answer, f.publish.is_some()).await {
            Err(AppError::Invalid(e)) => {
                let mut p = page(&state, &staff, None).await?;
                p.error = Some((code, e.0.into_iter().next().map(|x| x.message).unwrap_or_default()));
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(p)).into_response());
            }
            other => other?,
        }
        Ok(Redirect::to("/can-bo/phan-anh?da_tra_loi=1").into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
