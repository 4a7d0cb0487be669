//! What handlers share: the application (every use case works over it) and what only
//! the HTTP layer needs besides (its settings, the throttles, the QR cache, the metrics
//! recorder).

use motcua_app::cache::TtlCache;
use motcua_app::App;
use std::sync::Arc;
use std::time::Duration;

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
    pub request_timeout: Duration,
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
            request_timeout: Duration::from_secs(30),
            limits: crate::throttle::Limits::default(),
            client_ip_header: None,
            metrics_allow: crate::ops::AddressRange::loopback(),
            metrics_token: None,
        }
    }
}

/// The application with the HTTP layer's own parts.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<Config>,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    pub throttles: Arc<crate::throttle::Throttles>,
    /// QR codes as SVG by the address they encode: choosing a QR mask costs far more than
    /// rendering the page around it.
    qr: Arc<TtlCache<String, Arc<String>>>,
}

/// Handlers read the application's parts (`state.store`, `state.now()`) as their own:
/// the HTTP state is the application plus the few things above.
impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

impl AppState {
    /// The HTTP state over an application, with the process's metrics recorder.
    pub fn new(app: App, config: Config) -> Self {
        AppState {
            app,
            throttles: Arc::new(crate::throttle::Throttles::new(config.limits)),
            config: Arc::new(config),
            metrics: crate::ops::install_metrics(),
            qr: Arc::new(TtlCache::new(Duration::from_secs(3600), 20_000)),
        }
    }

    /// An SVG QR code of `data`, cached.
    pub fn qr_svg(&self, data: &str) -> Arc<String> {
        if let Some(svg) = self.qr.get(&data.to_string()) {
            return svg;
        }
        let svg = Arc::new(match qrcode::QrCode::new(data.as_bytes()) {
            Ok(code) => inline_svg(&code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(160, 160).quiet_zone(true).build(), data),
            Err(_) => String::new(),
        });
        self.qr.put(data.to_string(), svg.clone());
        svg
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

