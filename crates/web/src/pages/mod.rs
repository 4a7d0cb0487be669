//! Server-rendered pages, one module per screen: the citizens' portal (home, catalogue,
//! submission, lookup, account, rating, feedback, statistics) and the staff back office
//! (sign-in, queue, dossier page and its actions and forms, reception, dashboard,
//! tracking book, feedback, administration). They work without JavaScript.

use crate::error::ApiError;
use crate::routes::Routes;
use crate::state::AppState;
use askama::Template;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

mod account;
mod admin;
mod catalogue;
mod dashboard;
pub(crate) mod errors;
mod feedback;
mod forms;
mod home;
mod lookup;
mod queue;
mod staff_actions;
mod staff_dossier;
mod staff_feedback;
mod staff_login;
mod rating;
mod reception;
mod statistics;
mod submit;
mod tracking_book;

const CSS: &str = include_str!("../../static/app.css");

pub fn router(state: &AppState) -> Routes {
    use crate::throttle::Guard;
    let body_limit = |r: Router<AppState>| r.layer(axum::extract::DefaultBodyLimit::max(state.config.max_upload_bytes));
    let uploads = Routes::new()
        .route("/nop-ho-so/{code}", get(submit::form).post(submit::post))
        .route("/nop-ho-so/xem-lai/{token}", get(submit::review).post(submit::confirm))
        .route("/can-bo/tiep-nhan", get(reception::form).post(reception::post))
        .route("/can-bo/quan-tri/thu-tuc", post(admin::import))
        .with(body_limit);
    // Where a stranger could guess: codes with their secrets, passwords, one-time codes.
    let lookups = Routes::new()
        .route("/tra-cuu/bo-sung", post(lookup::supply))
        .with(body_limit)
        .route("/tra-cuu", get(lookup::lookup_form).post(lookup::lookup))
        .route("/tra-cuu/rut-ho-so", post(lookup::withdraw))
        .route("/tra-cuu/ket-qua", post(lookup::download_result))
        .route("/danh-gia", get(rating::form).post(rating::submit))
        .route("/phan-anh/tra-cuu", post(feedback::lookup))
        .route("/tai-khoan/xac-minh", post(account::verify))
        .route("/tai-khoan/dat-lai-mat-khau", post(account::reset))
        .guarded(state, Guard::Lookup);
    let sign_in = Routes::new().route("/dang-nhap", get(staff_login::login_form).post(staff_login::login)).route("/tai-khoan/dang-nhap", get(account::login_form).post(account::login)).guarded(state, Guard::SignIn);
    let messages = Routes::new()
        .route("/tai-khoan/dang-ky", get(account::signup_form).post(account::signup))
        .route("/tai-khoan/gui-lai-ma", post(account::resend))
        .route("/tai-khoan/quen-mat-khau", get(account::forgot_form).post(account::forgot))
        .guarded(state, Guard::Messages);
    Routes::new()
        .merge(uploads)
        .merge(lookups)
        .merge(sign_in)
        .merge(messages)
        .route("/", get(home::home))
        .route("/static/app.css", get(css))
        .route("/dang-xuat", post(staff_login::logout))
        .route("/can-bo", get(queue::staff_list))
        .route("/can-bo/ho-so/{code}", get(staff_dossier::staff_dossier))
        .route("/can-bo/ho-so/{code}/mau/{form}", get(forms::form_pdf))
        .route("/can-bo/ho-so/{code}/thao-tac/{action}", post(staff_actions::act))
        .route("/can-bo/ho-so/{code}/tep/{id}", get(staff_dossier::staff_file))
        .route("/can-bo/phan-anh", get(staff_feedback::list))
        .route("/can-bo/quan-tri", get(admin::show))
        .route("/can-bo/quan-tri/nhat-ky", get(admin::audit_log))
        .route("/can-bo/quan-tri/can-bo", post(admin::create_staff))
        .route("/can-bo/quan-tri/can-bo/{id}/quyen", post(admin::grant))
        .route("/can-bo/quan-tri/can-bo/{id}/khoa", post(admin::lock))
        .route("/can-bo/quan-tri/can-bo/{id}/mat-khau", post(admin::password))
        .route("/can-bo/quan-tri/co-quan", post(admin::save_agency))
        .route("/can-bo/quan-tri/lich", post(admin::save_calendar))
        .route("/can-bo/quan-tri/tuyen", post(admin::save_route))
        .route("/can-bo/so-theo-doi", get(tracking_book::book))
        .route("/can-bo/bang-dieu-khien", get(dashboard::dashboard))
        .route("/can-bo/phan-anh/{code}", post(staff_feedback::answer))
        .route("/thong-ke", get(statistics::statistics))
        .route("/phan-anh", get(feedback::show).post(feedback::submit))
        .route("/nop-ho-so/bien-nhan/{token}", get(submit::receipt))
        .route("/nop-ho-so/bien-nhan/{token}/pdf", get(submit::receipt_pdf))
        .route("/tai-khoan/dang-xuat", post(account::logout))
        .route("/ho-so-cua-toi", get(account::my_dossiers))
        .route("/ho-so-cua-toi/{code}", get(account::my_dossier))
        .route("/ho-so-cua-toi/nhap/{token}/xoa", post(account::delete_draft))
        .route("/giay-to-cua-toi", get(account::my_documents))
        .route("/giay-to-cua-toi/{sha256}", get(account::download))
        .route("/hop-thu-demo", get(account::mailbox))
        .route("/thu-tuc", get(catalogue::search))
        .route("/thu-tuc/{code}", get(catalogue::procedure))
        .route("/thu-tuc/{code}/in", get(catalogue::printable))
        .with(|r| r.layer(axum::middleware::from_fn_with_state(state.clone(), crate::csrf::same_origin)).layer(axum::middleware::map_response(errors::html_errors)))
}

/// Encodes a value for a query string.
pub(crate) fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => ApiError::Internal(format!("template: {e}")).into_response(),
    }
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], CSS).into_response()
}

