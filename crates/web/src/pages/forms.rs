//! The official forms of a dossier as PDF, for staff who can see the dossier:
//! `/can-bo/ho-so/{code}/mau/{01..06}` (composed by `motcua_app::documents`).

use crate::auth::WebStaff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

pub async fn form_pdf(State(state): State<AppState>, staff: WebStaff, Path((code, n)): Path<(String, String)>) -> Response {
    let result: Result<Response, ApiError> = async {
        let staff = staff.0.ok_or(ApiError::Unauthorized)?;
        let (file, pdf) = motcua_app::documents::official_form(&state, &staff, &code, &n).await?;
        Ok(([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file}\""))], pdf).into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
