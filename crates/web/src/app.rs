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
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use axum::http::{header, HeaderValue};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
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
    /// The address citizens reach this server at, printed in receipts and QR codes.
    pub public_url: String,
    /// Shows queued SMS and e-mail at `/hop-thu-demo` (demo installations only: the
    /// messages hold one-time codes).
    pub demo_mailbox: bool,
    /// Attempts allowed before a temporary lock (sign-in, lookups, messages).
    pub limits: crate::throttle::Limits,
    /// Behind a reverse proxy: the header it puts the client's address in.
    pub client_ip_header: Option<String>,
    /// Clients allowed to read `/metrics` (default: this machine only).
    pub metrics_allow: Vec<crate::ops::AddressRange>,
    /// A bearer token that also opens `/metrics`, for a scraper elsewhere.
    pub metrics_token: Option<String>,
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
            public_url: "http://localhost:8080".into(),
            demo_mailbox: false,
            limits: crate::throttle::Limits::default(),
            client_ip_header: None,
            metrics_allow: crate::ops::AddressRange::loopback(),
            metrics_token: None,
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
    /// The working calendars in force (national, and agencies' with local days off).
    pub calendars: Arc<std::sync::RwLock<crate::calendars::Calendars>>,
    /// What the calendars are rebuilt from when an administrator saves a schedule.
    pub calendar_sources: Arc<crate::calendars::CalendarSources>,
    pub config: Arc<Config>,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    pub names: Arc<crate::views::Names>,
    pub caches: Arc<Caches>,
    pub throttles: Arc<crate::throttle::Throttles>,
}

/// Per-process caches of hot reference data (see `cache.rs` for the consistency rule).
pub struct Caches {
    /// Session token → user, so a request costs no session queries.
    pub sessions: crate::cache::TtlCache<(String, &'static str), motcua_store::SessionUser>,
    pub procedures: crate::cache::TtlCache<String, Arc<motcua_store::ProcedureRow>>,
    pub agencies: crate::cache::TtlCache<String, Arc<motcua_store::AgencyRow>>,
    pub catalogue: crate::cache::TtlCache<(), Arc<Catalogue>>,
    /// Procedure ids by dossiers received (the home page's "most used").
    pub popular: crate::cache::TtlCache<(), Arc<Vec<i64>>>,
    /// Agencies in force on a day, in Vietnamese order of their names.
    pub agencies_on: crate::cache::TtlCache<String, Arc<Vec<motcua_store::AgencyRow>>>,
    /// QR codes as SVG by the address they encode: choosing a QR mask costs far more than
    /// rendering the page around it.
    pub qr: crate::cache::TtlCache<String, Arc<String>>,
    /// Dossiers per state of a scope (the queue's counts): counting a large agency's
    /// index costs tens of milliseconds, and every queue view shows them. Cleared by every
    /// dossier change this instance makes.
    pub state_counts: crate::cache::TtlCache<Vec<i64>, Arc<Vec<(String, i64)>>>,
    /// One reload at a time: when the catalogue expires under load, one request reads it
    /// and the others wait for that copy instead of all reading 5,000 rows at once.
    reload: tokio::sync::Mutex<()>,
}

/// The whole procedure catalogue with its search text folded once: every catalogue search
/// and the home page read it, and it changes only on import.
pub struct Catalogue {
    pub rows: Vec<motcua_store::ProcedureRow>,
    pub index: Vec<motcua_core::catalogue::Searchable>,
    /// Fields with their number of procedures, in Vietnamese dictionary order.
    pub fields: Vec<(String, usize)>,
    /// Every kind of agency some procedure is received by.
    pub agency_kinds: std::collections::HashSet<String>,
}

impl Catalogue {
    pub fn new(rows: Vec<motcua_store::ProcedureRow>) -> Catalogue {
        let index = rows.iter().map(|r| motcua_core::catalogue::Searchable::of(&r.procedure)).collect();
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for r in &rows {
            *counts.entry(r.procedure.field.as_str()).or_default() += 1;
        }
        let mut fields: Vec<(String, usize)> = counts.into_iter().map(|(f, n)| (f.to_string(), n)).collect();
        fields.sort_by_cached_key(|(f, _)| motcua_core::text::sort_key(f));
        let agency_kinds = rows.iter().flat_map(|r| r.procedure.agency_kinds.iter().cloned()).collect();
        Catalogue { rows, index, fields, agency_kinds }
    }
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            sessions: crate::cache::TtlCache::new(Duration::from_secs(10), 100_000),
            procedures: crate::cache::TtlCache::new(Duration::from_secs(60), 10_000),
            agencies: crate::cache::TtlCache::new(Duration::from_secs(60), 10_000),
            catalogue: crate::cache::TtlCache::new(Duration::from_secs(60), 1),
            popular: crate::cache::TtlCache::new(Duration::from_secs(300), 1),
            agencies_on: crate::cache::TtlCache::new(Duration::from_secs(60), 4),
            qr: crate::cache::TtlCache::new(Duration::from_secs(3600), 20_000),
            state_counts: crate::cache::TtlCache::new(Duration::from_secs(5), 10_000),
            reload: tokio::sync::Mutex::new(()),
        }
    }
}

impl AppState {
    /// The user of a session token, from the cache or the database.
    pub async fn session_user(&self, token: &str, kind: &'static str) -> Result<Option<motcua_store::SessionUser>, motcua_store::StoreError> {
        let key = (token.to_string(), kind);
        if let Some(u) = self.caches.sessions.get(&key).filter(|u| u.expires_at > self.now()) {
            return Ok(Some(u));
        }
        let user = self.store.session_user(token, kind, self.now()).await?;
        if let Some(u) = &user {
            self.caches.sessions.put(key, u.clone());
        }
        Ok(user)
    }

    /// Ends a session here and in the database.
    pub async fn end_session(&self, token: &str, kind: &'static str) -> Result<(), motcua_store::StoreError> {
        self.caches.sessions.remove(&(token.to_string(), kind));
        self.store.delete_session(token).await
    }

    /// A procedure by code, cached.
    pub async fn procedure(&self, code: &str) -> Result<Option<Arc<motcua_store::ProcedureRow>>, motcua_store::StoreError> {
        if let Some(p) = self.caches.procedures.get(&code.to_string()) {
            return Ok(Some(p));
        }
        let p = self.store.procedure_by_code(code).await?.map(Arc::new);
        if let Some(p) = &p {
            self.caches.procedures.put(code.to_string(), p.clone());
        }
        Ok(p)
    }

    /// The whole catalogue, cached.
    pub async fn catalogue(&self) -> Result<Arc<Catalogue>, motcua_store::StoreError> {
        if let Some(c) = self.caches.catalogue.get(&()) {
            return Ok(c);
        }
        let _one = self.caches.reload.lock().await;
        if let Some(c) = self.caches.catalogue.get(&()) {
            return Ok(c);
        }
        let c = Arc::new(Catalogue::new(self.store.search_procedures(&[], None, None, i64::MAX).await?));
        self.caches.catalogue.put((), c.clone());
        Ok(c)
    }

    /// The most used procedures' ids, cached for minutes (a ranking, not a live figure).
    pub async fn popular_procedures(&self) -> Result<Arc<Vec<i64>>, motcua_store::StoreError> {
        if let Some(p) = self.caches.popular.get(&()) {
            return Ok(p);
        }
        let _one = self.caches.reload.lock().await;
        if let Some(p) = self.caches.popular.get(&()) {
            return Ok(p);
        }
        let p = Arc::new(self.store.popular_procedures(8).await?.into_iter().map(|(id, _)| id).collect::<Vec<_>>());
        self.caches.popular.put((), p.clone());
        Ok(p)
    }

    /// The agencies in force today, sorted by name in Vietnamese order, cached.
    pub async fn agencies_today(&self) -> Result<Arc<Vec<motcua_store::AgencyRow>>, motcua_store::StoreError> {
        let today = self.today();
        if let Some(a) = self.caches.agencies_on.get(&today) {
            return Ok(a);
        }
        let _one = self.caches.reload.lock().await;
        if let Some(a) = self.caches.agencies_on.get(&today) {
            return Ok(a);
        }
        let mut rows = self.store.agencies_in_force(&today).await?;
        rows.sort_by_cached_key(|a| motcua_core::text::sort_key(&a.name));
        let rows = Arc::new(rows);
        self.caches.agencies_on.put(today, rows.clone());
        Ok(rows)
    }

    /// An SVG QR code of `data`, cached.
    pub fn qr_svg(&self, data: &str) -> Arc<String> {
        if let Some(svg) = self.caches.qr.get(&data.to_string()) {
            return svg;
        }
        let svg = Arc::new(match qrcode::QrCode::new(data.as_bytes()) {
            Ok(code) => inline_svg(&code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(160, 160).quiet_zone(true).build(), data),
            Err(_) => String::new(),
        });
        self.caches.qr.put(data.to_string(), svg.clone());
        svg
    }

    /// An agency by code, cached.
    pub async fn agency(&self, code: &str) -> Result<Option<Arc<motcua_store::AgencyRow>>, motcua_store::StoreError> {
        if let Some(a) = self.caches.agencies.get(&code.to_string()) {
            return Ok(Some(a));
        }
        let a = self.store.agency_by_code(code).await?.map(Arc::new);
        if let Some(a) = &a {
            self.caches.agencies.put(code.to_string(), a.clone());
        }
        Ok(a)
    }
}

impl AppState {
    /// The state for a store, with empty caches and the process's metrics recorder.
    pub fn new(store: Store, blobs: BlobStore, clock: Arc<dyn Clock>, calendar: WorkCalendar, config: Config) -> Self {
        AppState {
            store,
            blobs,
            clock,
            calendars: crate::calendars::Calendars::only(calendar),
            calendar_sources: Arc::default(),
            throttles: Arc::new(crate::throttle::Throttles::new(config.limits)),
            config: Arc::new(config),
            metrics: crate::ops::install_metrics(),
            names: Arc::default(),
            caches: Arc::default(),
        }
    }

    /// Dossiers per state of a scope, cached briefly (see `Caches::state_counts`).
    pub async fn state_counts(&self, scope: &[i64]) -> Result<Arc<Vec<(String, i64)>>, motcua_store::StoreError> {
        let key = scope.to_vec();
        if let Some(c) = self.caches.state_counts.get(&key) {
            return Ok(c);
        }
        let c = Arc::new(self.store.count_by_state(scope).await?);
        self.caches.state_counts.put(key, c.clone());
        Ok(c)
    }

    /// After a dossier changes: the counts of every scope it is in may have.
    pub fn dossiers_changed(&self) {
        self.caches.state_counts.clear();
    }

    pub fn now(&self) -> Instant {
        self.clock.now()
    }

    /// Today in Vietnam, as stored dates are written (YYYY-MM-DD).
    pub fn today(&self) -> String {
        motcua_core::time::local_date(self.now()).format("%Y-%m-%d").to_string()
    }
}

/// A standalone SVG made fit to sit inside HTML: no XML declaration (not allowed there), and
/// an accessible name, since a screen reader cannot read the picture.
fn inline_svg(svg: &str, data: &str) -> String {
    let svg = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    };
    let label = format!("Mã QR của địa chỉ {data}").replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;");
    svg.replacen("<svg", &format!("<svg role=\"img\" aria-label=\"{label}\""), 1)
}

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
