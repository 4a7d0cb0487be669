//! Running the server: open the store, migrate, build the app, serve until SIGTERM or
//! Ctrl-C, finishing requests in flight.

use crate::config::ServerArgs;
use anyhow::{bail, Context, Result};
use chrono::NaiveTime;
use motcua_core::calendar::{CountingRule, DeadlineRules, WorkCalendar};
use motcua_store::{BlobStore, Store, StoreOptions};
use motcua_app::calendars::CalendarSources;
use motcua_app::ports::{PdfRenderer, SystemClock};
use motcua_app::{App, Settings};
use motcua_web::{build_router, AppState, Config};
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::time::Duration;
use tower::Service;

/// Opens (creating if needed) the store named by the arguments and migrates it.
pub async fn open_store(args: &ServerArgs) -> Result<Store> {
    let url = args.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&args.data_dir).with_context(|| format!("creating {}", args.data_dir.display()))?;
    }
    let store = Store::connect(&url, &StoreOptions { max_connections: args.db_connections, ..StoreOptions::default() })
        .await
        .with_context(|| format!("connecting to {}", redact(&url)))?;
    store.migrate().await.context("running migrations")?;
    Ok(store)
}

/// A URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

/// The deadline rules set by the arguments.
fn rules(args: &ServerArgs) -> Result<DeadlineRules> {
    let counting = match args.counting.as_str() {
        "working-hours" => CountingRule::WorkingHours,
        "civil-code" => CountingRule::CivilCode,
        other => bail!("--counting phải là working-hours hoặc civil-code: {other}"),
    };
    let same_day_cutoff = NaiveTime::parse_from_str(&args.same_day_cutoff, "%H:%M").with_context(|| format!("--same-day-cutoff: {}", args.same_day_cutoff))?;
    Ok(DeadlineRules { counting, same_day_cutoff, due_soon_minutes: args.due_soon_hours as i64 * 60 })
}

/// `--metrics-allow`: addresses or networks, comma-separated.
fn metrics_allow(list: &str) -> Result<Vec<motcua_web::AddressRange>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| motcua_web::AddressRange::parse(s).with_context(|| format!("--metrics-allow: địa chỉ không hợp lệ: {s} (dạng 127.0.0.1, ::1 hoặc 10.0.0.0/8)")))
        .collect()
}

/// The application state for a store, with the Vietnamese working calendar, the
/// configured sessions, and the calendars of agencies that have local days off.
pub async fn app_state(store: Store, args: &ServerArgs) -> Result<AppState> {
    let config = Config {
        secure_cookies: args.secure_cookies,
        client_ip_header: args.client_ip_header.clone(),
        metrics_allow: metrics_allow(&args.metrics_allow)?,
        metrics_token: args.metrics_token.clone().filter(|t| !t.is_empty()),
        ..Config::default()
    };
    let settings = Settings { rules: rules(args)?, public_url: args.public_url(), demo_mailbox: args.demo_mailbox, ..Settings::default() };
    let sessions = crate::calendar_cmd::parse_sessions(&args.work_sessions)?;
    let dir = args.calendar_dir.as_deref();
    let sources = CalendarSources { official: crate::calendar_cmd::official_schedules(dir)?, local: crate::calendar_cmd::local_schedules(dir)?, sessions };
    for (code, _) in &sources.local {
        store.agency_by_code(code).await?.with_context(|| format!("lịch riêng cho cơ quan không tồn tại: {code}"))?;
    }
    let mut app = App::new(store, Arc::new(BlobStore::new(args.files_dir())), Arc::new(SystemClock), Arc::new(PdfRenderer), WorkCalendar::weekdays(), settings);
    app.reload_calendars(&sources).await.map_err(|e| anyhow::anyhow!("building the working calendars: {e}"))?;
    app.calendar_sources = Arc::new(sources);
    Ok(AppState::new(app, config))
}

/// Limits on client connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Time to send a request's headers, from when the connection waits for a request
    /// (which also bounds how long a keep-alive connection may sit idle).
    pub header_timeout: Duration,
    /// After a shutdown signal, how long requests in flight may take before the remaining
    /// connections are closed.
    pub shutdown_grace: Duration,
}

/// Serves until a shutdown signal.
///
/// Connections are served here rather than by `axum::serve`, which sets no timer (so no
/// header timeout) and waits for every connection on shutdown: one client that sent half
/// its headers and went silent kept the process alive for ever. HTTP/1.1 only; production
/// runs behind a TLS reverse proxy, which speaks HTTP/1.1 to its upstream.
pub async fn run(state: AppState, listen: &str, limits: ConnectionLimits, on_ready: impl FnOnce(std::net::SocketAddr)) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    on_ready(addr);
    let store = state.store.clone();
    let router = build_router(state);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: wait instead of spinning.
                        tracing::warn!(error = %e, "accepting a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let router = router.clone();
                let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    router.clone().call(req.map(axum::body::Body::new))
                });
                let conn = http.serve_connection(TokioIo::new(stream), service).with_upgrades();
                let mut stop = stop_rx.clone();
                connections.spawn(async move {
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => return,
                        _ = stop.changed() => {}
                    }
                    // Idle connections close now; a request in flight finishes first.
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                });
            }
        }
    }
    // New connections are refused from here on.
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(limits.shutdown_grace, async { while connections.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!(open = connections.len(), "closing connections still open after the grace period");
        connections.shutdown().await;
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}
