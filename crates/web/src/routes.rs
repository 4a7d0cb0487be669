//! A router that remembers its paths, so the authorisation test can list every route the
//! server answers and fail when one is added without a rule.

use crate::state::AppState;
use axum::routing::MethodRouter;
use axum::Router;

pub struct Routes {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Routes {
    pub fn new() -> Self {
        Routes { router: Router::new(), paths: Vec::new() }
    }

    pub fn route(mut self, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, handler);
        self.paths.push(path);
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }

    /// Applies layers to the routes added so far.
    pub fn with(mut self, f: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Self {
        self.router = f(self.router);
        self
    }

    /// Puts the routes added so far under a guessing limit (`throttle::guard`).
    pub fn guarded(self, state: &AppState, g: crate::throttle::Guard) -> Self {
        let st = (state.clone(), g);
        self.with(|r| r.route_layer(axum::middleware::from_fn_with_state(st, crate::throttle::guard)))
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<&'static str>) {
        (self.router, self.paths)
    }
}
