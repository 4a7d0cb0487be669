//! The applicant's evaluation of a dossier (`/danh-gia`): nine criteria and a satisfaction
//! level, once per dossier, after the result; errors are shown next to their fields and
//! what was typed is kept.

use super::render;
use crate::state::AppState;
use motcua_app::access::applicant_secret_matches;
use motcua_app::AppError;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_core::rating::{Rating, Satisfaction, CRITERIA, POINTS};
use serde::Deserialize;
use std::collections::HashMap;

struct Criterion {
    name: &'static str,
    value: String,
    error: String,
}

#[derive(Template)]
#[template(path = "rating.html")]
struct RatingPage {
    code: String,
    criteria: Vec<Criterion>,
    points: [&'static str; 3],
    satisfactions: Vec<(&'static str, &'static str)>,
    satisfaction: String,
    satisfaction_error: String,
    comment: String,
    error: Option<String>,
    done: Option<String>,
}

fn page(form: &HashMap<String, String>, errors: &HashMap<String, String>, error: Option<String>, done: Option<String>) -> RatingPage {
    RatingPage {
        code: form.get("code").cloned().unwrap_or_default(),
        criteria: CRITERIA
            .iter()
            .enumerate()
            .map(|(i, name)| Criterion {
                name,
                value: form.get(&format!("c{i}")).cloned().unwrap_or_default(),
                error: errors.get(&format!("criteria[{i}]")).cloned().unwrap_or_default(),
            })
            .collect(),
        points: POINTS,
        satisfactions: Satisfaction::ALL.iter().map(|s| (s.as_str(), s.label_vi())).collect(),
        satisfaction: form.get("satisfaction").cloned().unwrap_or_default(),
        satisfaction_error: errors.get("satisfaction").cloned().unwrap_or_default(),
        comment: form.get("comment").cloned().unwrap_or_default(),
        error,
        done,
    }
}

#[derive(Deserialize)]
pub struct RatingQuery {
    #[serde(rename = "ma")]
    code: Option<String>,
}

pub async fn form(Query(q): Query<RatingQuery>) -> Response {
    let mut f = HashMap::new();
    if let Some(c) = q.code {
        f.insert("code".to_string(), c.chars().take(80).collect());
    }
    render(page(&f, &HashMap::new(), None, None))
}

pub async fn submit(State(state): State<AppState>, Form(f): Form<HashMap<String, String>>) -> Response {
    let refuse = |status: StatusCode, msg: &str, errors: HashMap<String, String>| (status, render(page(&f, &errors, Some(msg.to_string()), None))).into_response();
    let scores: Vec<Option<String>> = (0..CRITERIA.len()).map(|i| f.get(&format!("c{i}")).cloned()).collect();
    let rating = Rating::parse(&scores, f.get("satisfaction").map(String::as_str), f.get("comment").map(String::as_str));
    // Who is asking comes first: a stranger learns nothing, not even what the form lacks.
    let code = f.get("code").map(|c| c.trim()).unwrap_or("");
    let secret = f.get("secret").map(String::as_str).unwrap_or("");
    let found = if code.is_empty() || code.len() > 80 { Ok(None) } else { state.store.dossier_by_public_id(code).await };
    let found = match found {
        Ok(d) => d,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let proven = match state.throttles.applicant_guess(code, found.as_ref().map(|d| d.id), secret, state.now(), || found.as_ref().is_some_and(|d| applicant_secret_matches(d, secret))) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Some(d) = found.filter(|_| proven) else {
        return refuse(StatusCode::NOT_FOUND, "Không tìm thấy hồ sơ khớp với mã và số điện thoại hoặc số định danh đã nhập", HashMap::new());
    };
    let rating = match rating {
        Ok(r) => r,
        Err(e) => {
            let errors = e.0.into_iter().map(|x| (x.path, x.message)).collect();
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, "Vui lòng chọn mức đánh giá cho mọi tiêu chí", errors);
        }
    };
    match motcua_app::rating::rate(&state, &d, &rating).await {
        Ok(()) => {
            let thanks = format!("Cảm ơn bạn. Đánh giá hồ sơ {}: {} điểm/18 ({}), {}.", d.public_id(), rating.total(), rating.band_vi(), rating.satisfaction.label_vi().to_lowercase());
            let mut p = page(&f, &HashMap::new(), None, Some(thanks));
            // The way back to the dossier, by the code it goes by (not as typed).
            p.code = d.public_id().to_string();
            render(p)
        }
        Err(AppError::Conflict(m)) => refuse(StatusCode::CONFLICT, &m, HashMap::new()),
        Err(e) => ApiError::from(e).into_response(),
    }
}
