//! The home page: the most used procedures and the fields of the catalogue.

use super::render;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

struct ProcedureLine {
    code: String,
    name: String,
    processing: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    procedures: Vec<ProcedureLine>,
    fields: Vec<(String, usize)>,
}

pub async fn home(State(state): State<AppState>) -> Response {
    let catalogue = match state.catalogue().await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let all = &catalogue.rows;
    // Most used first: by dossiers received, then the catalogue order.
    let popular = state.popular_procedures().await.unwrap_or_default();
    let mut chosen: Vec<&motcua_store::ProcedureRow> = popular.iter().filter_map(|id| all.iter().find(|r| r.id == *id)).collect();
    for r in all {
        if chosen.len() >= 8 {
            break;
        }
        if !chosen.iter().any(|c| c.id == r.id) {
            chosen.push(r);
        }
    }
    let procedures = chosen
        .into_iter()
        .map(|r| ProcedureLine { code: r.procedure.code.clone(), name: r.procedure.name.clone(), processing: r.procedure.processing.label_vi() })
        .collect();
    render(HomePage { procedures, fields: catalogue.fields.clone() })
}
