//! The tracking book of an agency for a period (Mẫu 07, composed by
//! `motcua_app::exports::tracking_book`), as PDF or XLSX:
//! `/can-bo/so-theo-doi?co-quan=…&tu=…&den=…&dinh-dang=…`. The XLSX is streamed from its
//! temporary file, so a year of a busy agency does not sit in memory.

use crate::auth::WebStaff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use motcua_app::exports::tracking_book::{tracking_book, Book, BookRequest};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct BookQuery {
    #[serde(rename = "co-quan")]
    agency: Option<String>,
    tu: Option<String>,
    den: Option<String>,
    #[serde(rename = "dinh-dang")]
    format: Option<String>,
}

pub async fn book(State(state): State<AppState>, staff: WebStaff, Query(q): Query<BookQuery>) -> Response {
    let result: Result<Response, ApiError> = async {
        let staff = staff.0.ok_or(ApiError::Unauthorized)?;
        let request = BookRequest { agency: q.agency.as_deref(), from: q.tu.as_deref(), to: q.den.as_deref(), format: q.format.as_deref() };
        let (file, book) = tracking_book(&state, &staff, &request).await?;
        Ok(match book {
            Book::Xlsx(tmp) => {
                let f = tokio::fs::File::open(tmp.path()).await.map_err(|e| ApiError::Internal(e.to_string()))?;
                // The temporary file is removed when `tmp` drops; the open handle keeps its
                // contents readable until the body is sent (Unix semantics).
                drop(tmp);
                let body = Body::from_stream(tokio_util::io::ReaderStream::new(f));
                (
                    [
                        (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.xlsx\"")),
                    ],
                    body,
                )
                    .into_response()
            }
            Book::Pdf(pdf) => ([(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, format!("inline; filename=\"{file}.pdf\""))], pdf).into_response(),
        })
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
