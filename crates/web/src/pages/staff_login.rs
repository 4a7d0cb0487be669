//! Staff sign-in and sign-out (a web session in an HttpOnly cookie).

use super::render;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use crate::auth::SESSION_COOKIE;

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    error: Option<String>,
    username: String,
}

pub async fn login_form() -> Response {
    render(LoginPage { error: None, username: String::new() })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login(State(state): State<AppState>, addr: crate::throttle::ClientAddr, headers: axum::http::HeaderMap, Form(f): Form<LoginForm>) -> Response {
    match state.sign_in_staff(&f.username, &f.password, &addr).await {
        Ok(Some(u)) => {
            // A new session for every sign-in: a token planted before it is worth nothing.
            if let Some(old) = crate::auth::cookie(&headers, SESSION_COOKIE) {
                let _ = state.end_session(old, "web").await;
            }
            match motcua_app::access::open_staff_session(&state, u.id, "web", state.config.session_ttl).await {
                Ok(token) => {
                    let cookie = crate::auth::session_cookie(SESSION_COOKIE, &token, state.config.session_ttl.num_seconds(), state.config.secure_cookies);
                    ([(header::SET_COOKIE, cookie)], Redirect::to("/can-bo")).into_response()
                }
                Err(e) => ApiError::from(e).into_response(),
            }
        }
        Ok(None) => (StatusCode::UNAUTHORIZED, render(LoginPage { error: Some("Tên đăng nhập hoặc mật khẩu không đúng".into()), username: f.username })).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn logout(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(t) = crate::auth::cookie(&headers, SESSION_COOKIE) {
        let _ = state.end_session(t, "web").await;
    }
    let cookie = crate::auth::session_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies);
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}
