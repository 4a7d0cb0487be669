//! The application as a value: its shared state and its router, built the same way by
//! `motcua serve`, `motcua demo` and the tests.

use axum::Router;
use motcua_core::calendar::{DeadlineRules, WorkCalendar};
use motcua_core::ids::DossierCodeFormat;
use motcua_core::time::{Clock, Instant};
use motcua_store::{BlobStore, Store};
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest request body for uploads (dossier creation with documents).
    pub max_upload_bytes: usize,
    /// Largest single uploaded file.
    pub max_file_bytes: usize,
    /// Largest number of files in one submission.
    pub max_files: usize,
    /// Lifetime of staff sessions and API tokens.
    pub session_ttl: chrono::Duration,
    /// Whether cookies need HTTPS (off for a laptop on plain HTTP).
    pub secure_cookies: bool,
    pub code_format: DossierCodeFormat,
    pub rules: DeadlineRules,
    pub request_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_upload_bytes: 25 * 1024 * 1024,
            max_file_bytes: 10 * 1024 * 1024,
            max_files: 20,
            session_ttl: chrono::Duration::hours(12),
            secure_cookies: false,
            code_format: DossierCodeFormat::default(),
            rules: DeadlineRules::default(),
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        chrono::Utc::now()
    }
}

/// Everything handlers share.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub blobs: BlobStore,
    pub clock: Arc<dyn Clock>,
    pub calendar: Arc<WorkCalendar>,
    pub config: Arc<Config>,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    pub names: Arc<crate::views::Names>,
}

impl AppState {
    pub fn now(&self) -> Instant {
        self.clock.now()
    }
}

/// The whole router: API, pages, health, metrics, with timeouts and panic safety.
pub fn build_router(state: AppState) -> Router {
    let timeout = state.config.request_timeout;
    Router::new()
        .merge(crate::api::router(&state))
        .merge(crate::pages::router())
        .merge(crate::ops::router())
        .with_state(state)
        .layer(axum::middleware::from_fn(crate::ops::track_metrics))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(crate::error::panic_response))
}
