//! motcua's HTTP layer: the JSON API (`/api/v1`, described at `/api/openapi.json`), the
//! staff and lookup pages, health and metrics. Handlers stay thin: authenticate, parse
//! into core types, load, ask core, one store call, respond.

mod api;
mod app;
mod auth;
mod cache;
pub mod calendars;
mod codes;
mod csrf;
mod error;
mod ops;
mod pages;
mod routes;
pub mod throttle;
mod views;

pub use app::{build_router, route_paths, AppState, Config, SystemClock};
pub use error::ApiError;
pub use ops::{install_metrics, AddressRange};

/// The OpenAPI document (for tests and tools that want it without a server).
pub fn openapi_json() -> String {
    api::openapi_json()
}
