//! motcua's HTTP adapters: the JSON API (`/api/v1`, described at `/api/openapi.json`)
//! and the pages (citizens' portal and lookup, the staff back office), with health and
//! metrics. `api` and `pages` never import each other: both read the request, call one
//! use case of `motcua-app`, and serialise or render its answer. What they share is HTTP
//! plumbing only (state, sign-in extractors, the error mapping, uploads, throttles).

mod api;
mod auth;
mod csrf;
mod error;
mod ops;
mod pages;
mod router;
mod routes;
mod state;
pub mod throttle;
mod uploads;

pub use error::ApiError;
pub use ops::{install_metrics, AddressRange};
pub use router::{build_router, route_paths};
pub use state::{AppState, Config};

/// The OpenAPI document (for tests and tools that want it without a server).
pub fn openapi_json() -> String {
    api::openapi_json()
}
