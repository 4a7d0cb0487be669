//! Operations endpoints: `/healthz` for load balancers, `/metrics` for Prometheus, and the
//! site's icon.

use crate::state::AppState;
use crate::routes::Routes;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;
use std::time::Instant;

pub fn router() -> Routes {
    Routes::new().route("/healthz", get(healthz)).route("/metrics", get(metrics)).route("/favicon.ico", get(favicon))
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

static FAVICON: &[u8] = include_bytes!("../static/favicon.ico");

/// Browsers ask for `/favicon.ico` on every site: a tiny icon, cached for a day, instead of
/// a 404 page per visit.
async fn favicon() -> Response {
    ([(header::CONTENT_TYPE, "image/x-icon"), (header::CACHE_CONTROL, "public, max-age=86400")], FAVICON).into_response()
}

/// Addresses `/metrics` answers (an address and a prefix length, as in `10.0.0.0/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressRange {
    addr: IpAddr,
    prefix: u8,
}

impl AddressRange {
    /// `127.0.0.1`, `::1`, `10.0.0.0/8` or `fd00::/8`; `None` if malformed.
    pub fn parse(s: &str) -> Option<AddressRange> {
        let (a, p) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(AddressRange { addr, prefix })
    }

    /// Only this machine: what `/metrics` answers unless configured otherwise.
    pub fn loopback() -> Vec<AddressRange> {
        ["127.0.0.0/8", "::1"].iter().filter_map(|s| AddressRange::parse(s)).collect()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        let bits = |ip: IpAddr| -> u128 {
            match ip {
                IpAddr::V4(v) => u32::from(v) as u128,
                IpAddr::V6(v) => u128::from(v),
            }
        };
        if self.addr.is_ipv4() != ip.is_ipv4() {
            return false;
        }
        let width = if ip.is_ipv4() { 32 } else { 128 };
        let shift = width - self.prefix as u32;
        if shift >= 128 {
            return true;
        }
        (bits(ip) >> shift) == (bits(self.addr) >> shift)
    }
}

/// The client of a request as `/metrics` judges it: behind the configured reverse proxy the
/// address it reports (otherwise every request through the proxy would look local), else
/// the socket's peer; `None` when neither is known.
fn client_ip(state: &AppState, req: &Request) -> Option<IpAddr> {
    if let Some(h) = &state.config.client_ip_header {
        if let Some(v) = req.headers().get(h.as_str()).and_then(|v| v.to_str().ok()) {
            return v.rsplit(',').next().and_then(|ip| ip.trim().parse().ok());
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

/// Equal strings in time independent of where they differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the caller may read the metrics: from an allowed address, or with the token.
/// The figures show traffic, pool use and backlogs, which help an attacker time a load
/// and no citizen needs.
fn may_read_metrics(state: &AppState, req: &Request) -> bool {
    if let Some(token) = state.config.metrics_token.as_deref().filter(|t| !t.is_empty()) {
        let given = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        if given.is_some_and(|g| same_secret(g.trim().as_bytes(), token.as_bytes())) {
            return true;
        }
    }
    client_ip(state, req).is_some_and(|ip| state.config.metrics_allow.iter().any(|r| r.contains(ip)))
}

async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    if !may_read_metrics(&state, &req) {
        return (StatusCode::FORBIDDEN, [(header::WWW_AUTHENTICATE, "Bearer")], "metrics are not public").into_response();
    }
    let Some(h) = &state.metrics else { return (StatusCode::NOT_FOUND, "metrics disabled").into_response() };
    record_state_metrics(&state).await;
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], h.render()).into_response()
}

/// Gauges read at scrape time: the pools' connections, and the deployment's business
/// figures from indexed counts (shared by every server of a deployment: aggregate them with
/// `max`, not `sum`).
async fn record_state_metrics(state: &AppState) {
    let (read, write) = state.store.pool_stats();
    for (pool, s) in [("read", read), ("write", write)] {
        metrics::gauge!("motcua_db_pool_in_use", "pool" => pool).set(s.size.saturating_sub(s.idle) as f64);
        metrics::gauge!("motcua_db_pool_idle", "pool" => pool).set(s.idle as f64);
        metrics::gauge!("motcua_db_pool_max", "pool" => pool).set(s.max as f64);
    }
    match state.store.operational_figures(motcua_store::ms(state.now())).await {
        Ok(f) => {
            metrics::counter!("motcua_dossiers_received_total").absolute(f.received.max(0) as u64);
            metrics::gauge!("motcua_dossiers_overdue").set(f.overdue as f64);
            metrics::gauge!("motcua_outbox_pending").set(f.outbox_pending as f64);
        }
        Err(e) => tracing::warn!(error = %e, "business metrics unavailable"),
    }
}

/// Request durations' bucket bounds in seconds: pages answer in milliseconds, uploads and
/// the PDFs of a long period in seconds, and the request timeout is 30 s.
const DURATION_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// Installs the global Prometheus recorder once per process and returns its handle (the
/// same handle on later calls). Durations are histograms, which add up across servers,
/// unlike the quantiles of a summary.
pub fn install_metrics() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new().set_buckets_for_metric(Matcher::Full("http_request_duration_seconds".into()), DURATION_BUCKETS).ok()?;
            let handle = builder.install_recorder().ok()?;
            describe_metrics();
            // Histogram samples are folded into buckets by upkeep: without scrapes they
            // would pile up in memory.
            let upkeep = handle.clone();
            let _ = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_secs(5));
                upkeep.run_upkeep();
            });
            Some(handle)
        })
        .clone()
}

/// The `# HELP` lines.
fn describe_metrics() {
    use metrics::Unit;
    metrics::describe_counter!("http_requests_total", Unit::Count, "HTTP requests by method, route template and status");
    metrics::describe_histogram!("http_request_duration_seconds", Unit::Seconds, "HTTP request duration by method, route template and status");
    metrics::describe_gauge!("motcua_db_pool_in_use", Unit::Count, "Database connections in use, by pool (read, write)");
    metrics::describe_gauge!("motcua_db_pool_idle", Unit::Count, "Database connections open and idle, by pool (read, write)");
    metrics::describe_gauge!("motcua_db_pool_max", Unit::Count, "Largest number of database connections of a pool (read, write)");
    metrics::describe_counter!("motcua_dossiers_received_total", Unit::Count, "Dossiers received since the start of the deployment (database-wide: the same on every server)");
    metrics::describe_gauge!("motcua_dossiers_overdue", Unit::Count, "Dossiers being processed past their due time now (database-wide)");
    metrics::describe_gauge!("motcua_outbox_pending", Unit::Count, "SMS and e-mail messages not yet delivered (database-wide)");
}

/// The method as a label: one of the standard methods, else "other" (a client may send any
/// token as a method, and each new label value would be a new series kept for ever).
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts requests and their latency by route template (`/thu-tuc/{code}`, never the raw
/// path: codes would explode the label set), bounded method, and status.
pub async fn track_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "unmatched".into());
    let method = method_label(req.method());
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    let labels = [("method", method.to_string()), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(start.elapsed().as_secs_f64());
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_ranges() {
        let lo = AddressRange::loopback();
        assert!(lo.iter().any(|r| r.contains("127.0.0.1".parse().unwrap())));
        assert!(lo.iter().any(|r| r.contains("::1".parse().unwrap())));
        assert!(lo.iter().any(|r| r.contains("::ffff:127.0.0.1".parse().unwrap())));
        assert!(!lo.iter().any(|r| r.contains("10.0.0.1".parse().unwrap())));
        let net = AddressRange::parse("10.1.0.0/16").unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(AddressRange::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        assert!(AddressRange::parse("10.0.0.0/33").is_none());
        assert!(AddressRange::parse("nope").is_none());
    }
}
