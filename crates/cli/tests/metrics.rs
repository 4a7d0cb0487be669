//! `/metrics`: who may read it, that a client cannot grow its label sets, and that what it
//! shows can be aggregated across servers (histograms, described series, pool and business
//! figures).

#[macro_use]
mod common;

use common::*;
use motcua_core::calendar::WorkCalendar;
use motcua_web::{AddressRange, Config};
use std::collections::BTreeSet;

/// The recorder is one per process: scenarios of this file scrape one at a time, so the
/// gauges one sets are the ones it reads.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn scrape(app: &TestApp, bearer: Option<&str>) -> Resp {
    let mut rb = app.client.get(app.url("/metrics"));
    if let Some(t) = bearer {
        rb = rb.bearer_auth(t);
    }
    app.send(rb).await
}

fn body(r: &Resp) -> String {
    r.text.clone()
}

/// The values of `label` over the series of `metric`.
fn label_values(text: &str, metric: &str, label: &str) -> BTreeSet<String> {
    let key = format!("{label}=\"");
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")))
        .filter_map(|l| l.split(&key).nth(1).and_then(|rest| rest.split('"').next()).map(String::from))
        .collect()
}

/// The value of the series `series` (the metric name with its labels, as printed).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')).and_then(|v| v.trim().parse().ok()))
}

async fn metrics_labels_cannot_be_inflated(app: &TestApp) {
    let _one = ONE_AT_A_TIME.lock().await;
    for i in 0..40 {
        let method = reqwest::Method::from_bytes(format!("INVENTED{i}").as_bytes()).unwrap();
        app.send(app.client.request(method, app.url(&format!("/thu-tuc/RAW-{i}")))).await;
        app.send(app.client.get(app.url(&format!("/khong-co-trang-nay/RAW-{i}")))).await;
        app.send(app.client.get(app.url(&format!("/thu-tuc/RAW-{i}")))).await;
    }
    let r = scrape(app, None).await;
    assert_eq!(r.status, 200, "{}", body(&r));
    let text = body(&r);
    assert!(!text.contains("INVENTED"), "invented methods became label values:\n{text}");
    assert!(!text.contains("RAW-"), "raw paths became label values:\n{text}");
    let methods = label_values(&text, "http_requests_total", "method");
    let known: BTreeSet<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"].iter().map(|s| s.to_string()).collect();
    assert!(methods.contains("other") && methods.is_subset(&known), "{methods:?}");
    // Every route label is a route template of the router (or the one "unmatched").
    let templates: BTreeSet<String> = motcua_web::route_paths(&app.state).iter().map(|s| s.to_string()).chain(["unmatched".to_string()]).collect();
    let routes = label_values(&text, "http_requests_total", "route");
    assert!(routes.contains("/thu-tuc/{code}") && routes.contains("unmatched"), "{routes:?}");
    assert!(routes.is_subset(&templates), "routes not in the router: {:?}", routes.difference(&templates).collect::<Vec<_>>());
    // 120 requests of 40 methods and 80 paths: a handful of series, not hundreds.
    let other: Vec<&str> = text.lines().filter(|l| l.starts_with("http_requests_total{") && l.contains("method=\"other\"")).collect();
    assert!(other.len() <= 4, "{other:?}");
}

on_both_backends!(metrics_labels_cannot_be_inflated => metrics_labels_cannot_be_inflated_sqlite, metrics_labels_cannot_be_inflated_postgres);

#[tokio::test]
async fn metrics_are_not_public() {
    let _one = ONE_AT_A_TIME.lock().await;
    // Default: this machine only (the test client is on 127.0.0.1).
    let local = spawn_app(Backend::Sqlite).await.unwrap();
    assert_eq!(scrape(&local, None).await.status, 200);
    local.cleanup().await;

    // Only a scraper's network and its token.
    let config = Config {
        metrics_allow: vec![AddressRange::parse("192.0.2.0/24").unwrap()],
        metrics_token: Some("scrape-secret-5b1e".into()),
        ..Config::default()
    };
    let app = spawn_app_configured(Backend::Sqlite, WorkCalendar::weekdays(), config).await.unwrap();
    let r = scrape(&app, None).await;
    assert_eq!(r.status, 403, "{}", body(&r));
    assert!(!body(&r).contains("http_requests_total"));
    assert_eq!(scrape(&app, Some("scrape-secret-5b1f")).await.status, 403);
    assert_eq!(scrape(&app, Some("")).await.status, 403);
    let r = scrape(&app, Some("scrape-secret-5b1e")).await;
    assert_eq!(r.status, 200);
    assert!(body(&r).contains("http_requests_total"));
    app.cleanup().await;

    // Behind a reverse proxy on this machine, the client is the one the proxy names.
    let config = Config { client_ip_header: Some("X-Real-IP".into()), ..Config::default() };
    let app = spawn_app_configured(Backend::Sqlite, WorkCalendar::weekdays(), config).await.unwrap();
    assert_eq!(app.send(app.client.get(app.url("/metrics")).header("X-Real-IP", "203.0.113.9")).await.status, 403);
    assert_eq!(app.send(app.client.get(app.url("/metrics")).header("X-Real-IP", "127.0.0.1")).await.status, 200);
    app.cleanup().await;
}

async fn metrics_are_described_and_aggregatable(app: &TestApp) {
    let _one = ONE_AT_A_TIME.lock().await;
    for _ in 0..3 {
        create_at_counter(app, BIRTH).await;
    }
    // Same-day dossiers received Monday 09:00, due 17:00: overdue by Tuesday.
    app.clock.advance(chrono::Duration::days(1));
    app.send(app.client.get(app.url("/thu-tuc"))).await;
    let r = scrape(app, None).await;
    assert_eq!(r.status, 200);
    let text = body(&r);
    for m in ["http_requests_total", "http_request_duration_seconds", "motcua_db_pool_in_use", "motcua_db_pool_idle", "motcua_db_pool_max", "motcua_dossiers_received_total", "motcua_dossiers_overdue", "motcua_outbox_pending"] {
        assert!(text.contains(&format!("# HELP {m} ")), "no HELP for {m}:\n{text}");
    }
    assert!(text.contains("# TYPE http_request_duration_seconds histogram"), "{text}");
    assert!(text.contains("http_request_duration_seconds_bucket{") && text.contains("le=\"+Inf\""), "{text}");
    assert!(!text.contains("quantile="), "a summary's quantiles cannot be added across servers:\n{text}");
    let buckets = text.lines().filter(|l| l.starts_with("http_request_duration_seconds_bucket{") && l.contains("route=\"/thu-tuc\"")).count();
    assert!(buckets >= 10, "{buckets} buckets");

    for pool in ["read", "write"] {
        let max = value(&text, &format!("motcua_db_pool_max{{pool=\"{pool}\"}}")).unwrap_or_else(|| panic!("{pool} pool size:\n{text}"));
        let in_use = value(&text, &format!("motcua_db_pool_in_use{{pool=\"{pool}\"}}")).unwrap();
        let idle = value(&text, &format!("motcua_db_pool_idle{{pool=\"{pool}\"}}")).unwrap();
        assert!(max >= 1.0 && in_use + idle <= max, "{pool}: {in_use} in use + {idle} idle of {max}");
    }
    assert!(value(&text, "motcua_dossiers_received_total").unwrap() >= 3.0, "{text}");
    assert_eq!(value(&text, "motcua_dossiers_overdue"), Some(3.0), "{text}");
    let pending: Vec<(i64,)> = app.raw_rows("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL").await;
    assert_eq!(value(&text, "motcua_outbox_pending"), Some(pending[0].0 as f64), "{text}");
}

on_both_backends!(metrics_are_described_and_aggregatable => metrics_are_described_and_aggregatable_sqlite, metrics_are_described_and_aggregatable_postgres);
