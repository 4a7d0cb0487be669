//! Durability under crash: the real server (`motcua serve`) takes counter entries and
//! transfers from several clients and is killed with SIGKILL in the middle, three times at
//! different moments. After each restart every acknowledged dossier and action is there;
//! after the last, every chain verifies (nothing is half written) and the daily counters
//! equal a recount from the events. On SQLite and on PostgreSQL.

mod common;

use common::*;
use motcua_store::{Store, StoreOptions};
use serde_json::json;
use std::collections::HashMap;
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Server {
    child: Child,
    base: String,
}

async fn start(db_url: &str, dir: &std::path::Path) -> Server {
    let (child, base) = serve_binary(dir, &["--database-url", db_url]).await;
    Server { child, base }
}

/// What the server acknowledged: dossier code → the state its last acknowledged action
/// left it in.
type Acked = Arc<Mutex<HashMap<String, &'static str>>>;

/// One client: enters a dossier at the counter, then transfers it, until the server dies.
async fn client(base: String, token: String, acked: Acked) {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    loop {
        let body = submission(BIRTH, NHA_TRANG, "counter");
        let Ok(r) = http.post(format!("{base}/api/v1/dossiers")).bearer_auth(&token).json(&body).send().await else {
            return;
        };
        if r.status() != 201 {
            return;
        }
        let Ok(v) = r.json::<serde_json::Value>().await else {
            return;
        };
        let code = code_of(&v);
        acked.lock().unwrap().insert(code.clone(), "received");
        let Ok(r) = http.post(format!("{base}/api/v1/dossiers/{code}/transfer")).bearer_auth(&token).json(&json!({})).send().await else {
            return;
        };
        if r.status() != 200 {
            return;
        }
        acked.lock().unwrap().insert(code, "processing");
    }
}

/// Counters each event implies (the ones a counter entry and a transfer make), by agency
/// and local day, recounted from the stored events.
async fn recount(db_url: &str) -> HashMap<(i64, String, String), i64> {
    let rows: Vec<(i64, i64, String, String)> =
        raw_rows::<(i64, i64, String, String)>(db_url, "SELECT d.receiving_agency_id, e.at, e.action, d.channel FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id").await;
    let mut counts = HashMap::new();
    for (agency, at, action, channel) in rows {
        let day = motcua_core::time::local_date(chrono::DateTime::from_timestamp_millis(at).unwrap()).format("%Y-%m-%d").to_string();
        let metrics: &[&str] = match (action.as_str(), channel == "online") {
            ("submit", false) => &["submitted"],
            ("submit", true) => &["submitted", "submitted_online"],
            ("receive", false) => &["received"],
            ("receive", true) => &["received", "received_online"],
            _ => &[],
        };
        for m in metrics {
            *counts.entry((agency, day.clone(), m.to_string())).or_default() += 1;
        }
    }
    counts
}

async fn acknowledged_work_survives_sigkill(db_url: String, dir: std::path::PathBuf) {
    let store = Store::connect(&db_url, &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    let now = chrono::Utc::now();
    motcua::demo::seed_reference(&store, now).await.unwrap();
    motcua::demo::seed_users(&store, now).await.unwrap();

    let acked: Acked = Arc::default();
    let mut token = None;
    // Killed early (mostly first entries), in full flow, and later under more load.
    for (round, kill_after_ms) in [400u64, 1500, 2500].into_iter().enumerate() {
        let server = start(&db_url, &dir).await;
        let t = match &token {
            Some(t) => t,
            None => {
                token.insert(token_at(&reqwest::Client::new(), &server.base, "motcua.nhatrang").await)
            }
        };
        let before = acked.lock().unwrap().len();
        let clients: Vec<_> = (0..4).map(|_| tokio::spawn(client(server.base.clone(), t.clone(), acked.clone()))).collect();
        tokio::time::sleep(Duration::from_millis(kill_after_ms)).await;
        let mut child = server.child;
        child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
        child.wait().unwrap();
        for c in clients {
            c.await.unwrap();
        }
        let after = acked.lock().unwrap().len();
        assert!(after > before, "round {round}: the server acknowledged nothing before the kill");

        // Restarted: everything acknowledged is there, in at least the acknowledged state.
        let server = start(&db_url, &dir).await;
        let snapshot = acked.lock().unwrap().clone();
        for (code, state) in &snapshot {
            let d = store.dossier_by_public_id(code).await.unwrap().unwrap_or_else(|| panic!("round {round}: acknowledged dossier {code} lost"));
            if *state == "processing" {
                assert_eq!(d.state, "processing", "round {round}: acknowledged transfer of {code} lost");
            } else {
                assert!(d.state == "received" || d.state == "processing", "{code}: {}", d.state);
            }
        }
        let mut child = server.child;
        child.kill().unwrap();
        child.wait().unwrap();
    }

    // Nothing half written: every dossier's events follow its chain and match its state.
    let report = store.verify_all().await.unwrap();
    assert!(report.dossier_breaks.is_empty(), "{:?}", report.dossier_breaks);
    assert!(report.dossiers as usize >= acked.lock().unwrap().len());
    // Counters committed with their events, no more and no fewer.
    let stored: HashMap<(i64, String, String), i64> = raw_rows::<(i64, String, String, i64)>(
        &db_url,
        "SELECT agency_id, day, metric, n FROM daily_counts WHERE metric IN ('submitted', 'submitted_online', 'received', 'received_online')",
    )
    .await
    .into_iter()
    .map(|(a, d, m, n)| ((a, d, m), n))
    .collect();
    assert_eq!(stored, recount(&db_url).await);
    eprintln!("kill test: {} dossiers acknowledged over 3 kills, {} in the database, all chains whole", acked.lock().unwrap().len(), report.dossiers);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_work_survives_sigkill_sqlite() {
    let dir = std::env::temp_dir().join(format!("motcua-crash-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    acknowledged_work_survives_sigkill(format!("sqlite://{}", dir.join("motcua.db").display()), dir.clone()).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_work_survives_sigkill_postgres() {
    let Some(admin) = postgres_url() else { return };
    let dir = std::env::temp_dir().join(format!("motcua-crash-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = postgres_schema(&admin).await;
    acknowledged_work_survives_sigkill(with_search_path(&admin, &schema), dir.clone()).await;
    drop_schema(&admin, &schema).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// SIGTERM: the server stops taking connections, finishes what it is answering, and
/// exits cleanly; every dossier it acknowledged is there after a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight_and_exits_cleanly() {
    let dir = std::env::temp_dir().join(format!("motcua-term-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_url = format!("sqlite://{}", dir.join("motcua.db").display());
    let store = Store::connect(&db_url, &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    motcua::demo::seed_reference(&store, chrono::Utc::now()).await.unwrap();
    motcua::demo::seed_users(&store, chrono::Utc::now()).await.unwrap();
    let server = start(&db_url, &dir).await;
    let http = reqwest::Client::new();
    let token = token_at(&http, &server.base, "motcua.nhatrang").await;
    let requests: Vec<_> = (0..24)
        .map(|_| {
            let (http, base, token) = (http.clone(), server.base.clone(), token.clone());
            tokio::spawn(async move {
                match http.post(format!("{base}/api/v1/dossiers")).bearer_auth(&token).json(&submission(BIRTH, NHA_TRANG, "counter")).send().await {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        // A response that started must arrive whole.
                        let v: serde_json::Value = r.json().await.expect("a complete answer");
                        Some((status, v))
                    }
                    Err(_) => None, // refused: the server had stopped accepting
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(30)).await;
    let mut child = server.child;
    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(term.success());
    let mut acked = Vec::new();
    for r in requests {
        if let Some((status, v)) = r.await.unwrap() {
            assert_eq!(status, 201, "{v}");
            acked.push(code_of(&v));
        }
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(std::time::Instant::now() < deadline, "the server did not stop within 20 s of SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "a clean exit: {exit:?}");
    assert!(!acked.is_empty());
    for code in &acked {
        assert!(store.dossier_by_public_id(code).await.unwrap().is_some(), "{code} acknowledged before SIGTERM, then lost");
    }
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
