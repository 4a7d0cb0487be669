//! The whole router: API, pages, health and metrics, with the layers every answer goes
//! through (timeouts, panic safety, compression, security and privacy headers).

use crate::state::AppState;
use axum::http::{header, HeaderValue};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

fn all_routes(state: &AppState) -> crate::routes::Routes {
    crate::api::router(state).merge(crate::pages::router(state)).merge(crate::ops::router())
}

/// Every path the server answers, as written in the router (`{code}` and the like for
/// parameters): the authorisation test checks it has a rule for each.
pub fn route_paths(state: &AppState) -> Vec<&'static str> {
    all_routes(state).into_parts().1
}

/// Pages load nothing from elsewhere and run no script of their own (nor any injected
/// into them); styles may be inline (`style=` attributes in the templates).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The whole router: API, pages, health, metrics, with timeouts and panic safety.
pub fn build_router(state: AppState) -> Router {
    let timeout = state.config.request_timeout;
    let secure = state.config.secure_cookies;
    let (routes, _) = all_routes(&state).into_parts();
    routes
        .fallback(crate::pages::errors::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(crate::ops::track_metrics))
        // Pages shrink to a third or less over slow mobile links; PDFs and uploads are
        // already compressed, and small bodies are not worth it.
        .layer(CompressionLayer::new().gzip(true).compress_when(SizeAbove::new(1024).and(NotForContentType::const_new("application/pdf")).and(NotForContentType::IMAGES)))
        // Every answer: no content-type guessing, no script but our own, no framing by other
        // sites (clickjacking of the staff forms), and no dossier addresses leaking to other
        // sites in Referer.
        // A route that needs stricter headers (the sandboxed file view) sets its own.
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(axum::middleware::from_fn_with_state(secure, privacy_headers))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(crate::error::panic_response))
}

/// Whether an answer may be kept by browsers and proxies: only the style sheet, the
/// favicon and what anyone may read (the catalogue, its API, the statistics, the OpenAPI
/// document). Everything else may carry personal data (dossiers, lookups, files, account
/// pages) or a form's one-time token, so it is never stored (OWASP ASVS 8.2.1).
pub fn cacheable_path(path: &str) -> bool {
    const PUBLIC: [&str; 6] = ["/static", "/thu-tuc", "/api/v1/procedures", "/api/v1/agencies", "/thong-ke", "/api/openapi.json"];
    path == "/favicon.ico" || PUBLIC.iter().any(|p| path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// `Cache-Control: no-store` on every answer but public ones ([`cacheable_path`]), and HSTS
/// when cookies need HTTPS: such an installation runs behind HTTPS only, and a browser that
/// once reached it must never fall back to plain HTTP (where a session cookie could be
/// stripped of its protection by a network attacker).
async fn privacy_headers(axum::extract::State(secure): axum::extract::State<bool>, req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let cacheable = cacheable_path(req.uri().path());
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if !cacheable {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if secure {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    resp
}
