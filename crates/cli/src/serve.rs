//! Running the server: open the store, migrate, build the app, serve until SIGTERM or
//! Ctrl-C, finishing requests in flight.

use crate::config::ServerArgs;
use anyhow::{bail, Context, Result};
use chrono::NaiveTime;
use motcua_core::calendar::{CountingRule, DeadlineRules, WorkCalendar};
use motcua_store::{BlobStore, Store, StoreOptions};
use motcua_web::calendars::CalendarSources;
use motcua_web::{build_router, AppState, Config, SystemClock};
use std::sync::Arc;

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
        rules: rules(args)?,
        public_url: args.public_url(),
        demo_mailbox: args.demo_mailbox,
        client_ip_header: args.client_ip_header.clone(),
        metrics_allow: metrics_allow(&args.metrics_allow)?,
        metrics_token: args.metrics_token.clone().filter(|t| !t.is_empty()),
        ..Config::default()
    };
    let sessions = crate::calendar_cmd::parse_sessions(&args.work_sessions)?;
    let dir = args.calendar_dir.as_deref();
    let sources = CalendarSources { official: crate::calendar_cmd::official_schedules(dir)?, local: crate::calendar_cmd::local_schedules(dir)?, sessions };
    for (code, _) in &sources.local {
        store.agency_by_code(code).await?.with_context(|| format!("lịch riêng cho cơ quan không tồn tại: {code}"))?;
    }
    let mut state = AppState::new(store, BlobStore::new(args.files_dir()), Arc::new(SystemClock), WorkCalendar::weekdays(), config);
    state.reload_calendars(&sources).await.map_err(|e| anyhow::anyhow!("building the working calendars: {e}"))?;
    state.calendar_sources = Arc::new(sources);
    Ok(state)
}

/// Serves until a shutdown signal.
pub async fn run(state: AppState, listen: &str, on_ready: impl FnOnce(std::net::SocketAddr)) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    on_ready(addr);
    let store = state.store.clone();
    axum::serve(listener, build_router(state).into_make_service_with_connect_info::<std::net::SocketAddr>()).with_graceful_shutdown(shutdown_signal()).await?;
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
