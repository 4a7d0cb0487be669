//! When the database goes away the server answers 503 with a clear page (and the API its
//! JSON error) within seconds, not a hang or a 500, and recovers by itself when the
//! database returns. PostgreSQL is reached through a proxy this test can cut, or refuses
//! and terminates connections; on SQLite another process holds the write lock.

mod common;

use common::*;
use motcua_store::{BlobStore, Store, StoreOptions};
use motcua_app::ports::PdfRenderer;
use motcua_app::{App, Settings};
use motcua_web::{build_router, AppState, Config};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A TCP proxy to PostgreSQL whose link can be cut (every connection dropped, new ones
/// refused) and restored.
struct Proxy {
    port: u16,
    cut: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (cut, links) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(Vec::new())));
        let (c, l) = (cut.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if c.load(Ordering::SeqCst) {
                    continue; // dropped: the database is "down"
                }
                let upstream = upstream.clone();
                l.lock().unwrap().push(tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                }));
            }
        });
        Proxy { port, cut, links }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_database_gives_503_and_the_server_recovers() {
    let Some(admin) = postgres_url() else { return };
    let schema = postgres_schema(&admin).await;
    let url = reqwest::Url::parse(&admin).unwrap();
    let proxy = Proxy::start(format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432))).await;
    let mut via_proxy = url.clone();
    via_proxy.set_host(Some("127.0.0.1")).unwrap();
    via_proxy.set_port(Some(proxy.port)).unwrap();
    let db_url = with_search_path(via_proxy.as_str(), &schema);

    let store = Store::connect(&db_url, &StoreOptions { max_connections: 4, acquire_timeout: Duration::from_secs(3) }).await.unwrap();
    store.migrate().await.unwrap();
    motcua::demo::seed_reference(&store, monday_morning()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("motcua-outage-{:016x}", rand::random::<u64>()));
    let clock = TestClock::new(monday_morning());
    let state = AppState::new(App::new(store.clone(), Arc::new(BlobStore::new(dir.join("files"))), Arc::new(clock), Arc::new(PdfRenderer), motcua_core::calendar::WorkCalendar::weekdays(), Settings::default()), Config::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, build_router(state)).await.unwrap() });
    let http = reqwest::Client::new();
    let lookup = || http.post(format!("{base}/tra-cuu")).form(&[("code", "H56.22366-261123-0001"), ("secret", "0905123456")]).send();

    assert_eq!(http.get(format!("{base}/healthz")).send().await.unwrap().status(), 200);
    assert_eq!(lookup().await.unwrap().status(), 404, "a lookup that reaches the database");

    proxy.cut();
    let started = Instant::now();
    let health = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 503);
    let page = lookup().await.unwrap();
    assert_eq!(page.status(), 503);
    assert_eq!(page.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("30"));
    let text = page.text().await.unwrap();
    assert!(text.contains("Hệ thống tạm gián đoạn") && text.contains("vui lòng thử lại sau ít phút"), "{text}");
    let api = http.get(format!("{base}/api/v1/dossiers/H56.22366-261123-0001")).header("x-applicant-secret", "0905123456").send().await.unwrap();
    assert_eq!(api.status(), 503);
    assert_eq!(api.json::<serde_json::Value>().await.unwrap()["error"], "unavailable");
    assert!(started.elapsed() < Duration::from_secs(20), "answers come within the pool's wait, not a hang: {:?}", started.elapsed());

    // Back without a restart.
    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if lookup().await.unwrap().status() == 404 && http.get(format!("{base}/healthz")).send().await.unwrap().status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the server did not recover after the database returned");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    server.abort();
    store.close().await;
    drop_schema(&admin, &schema).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// A write refused because the database is temporarily out of reach answers 503 with
/// `Retry-After` and the JSON error `unavailable`, never a 500.
async fn expect_unavailable(r: reqwest::Response, what: &str) {
    let status = r.status().as_u16();
    let retry_after = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    assert_eq!(status, 503, "{what}: {body}");
    assert_eq!(retry_after.as_deref(), Some("30"), "{what}");
    assert_eq!(body["error"], "unavailable", "{what}");
}

/// Another process (a backup tool, `sqlite3` on the console) holds SQLite's write lock for
/// longer than the busy timeout: writes answer 503, and succeed once the lock is released.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_lock_held_by_another_process_gives_503_not_500() {
    use sqlx::Connection;
    let app = spawn_app(Backend::Sqlite).await.expect("SQLite always runs");
    let token = app.token("motcua.nhatrang").await;
    let write = || app.client.post(app.url("/api/v1/dossiers")).bearer_auth(&token).json(&submission(BIRTH, NHA_TRANG, "counter")).send();
    assert_eq!(write().await.unwrap().status(), 201);

    let mut other = sqlx::sqlite::SqliteConnection::connect(&app.db_url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();
    let started = Instant::now();
    expect_unavailable(write().await.unwrap(), "a write while another process holds the lock").await;
    assert!(started.elapsed() < Duration::from_secs(15), "refused after the busy timeout, not a hang: {:?}", started.elapsed());
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let _ = other.close().await;

    assert_eq!(write().await.unwrap().status(), 201, "writes succeed again once the lock is released");
    app.cleanup().await;
}

/// PostgreSQL stops accepting connections to the database (SQLSTATE 55000, as during
/// maintenance) and an administrator terminates the server's connections (57P01): requests
/// answer 503, and the server recovers by itself once connections are allowed again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminated_and_refused_postgres_connections_give_503_then_recover() {
    use sqlx::Connection;
    let Some(admin) = postgres_url() else { return };
    // A database of its own: closing it must not disturb other tests.
    let name = format!("motcua_outage_{:016x}", rand::random::<u64>());
    let mut control = sqlx::postgres::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut control).await.unwrap();
    let mut db_url = reqwest::Url::parse(&admin).unwrap();
    db_url.set_path(&format!("/{name}"));
    let db_url = db_url.to_string();

    let store = Store::connect(&db_url, &StoreOptions { max_connections: 4, acquire_timeout: Duration::from_secs(3) }).await.unwrap();
    store.migrate().await.unwrap();
    motcua::demo::seed_reference(&store, monday_morning()).await.unwrap();
    motcua::demo::seed_users(&store, monday_morning()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("motcua-outage-{:016x}", rand::random::<u64>()));
    let state = AppState::new(App::new(store.clone(), Arc::new(BlobStore::new(dir.join("files"))), Arc::new(TestClock::new(monday_morning())), Arc::new(PdfRenderer), motcua_core::calendar::WorkCalendar::weekdays(), Settings::default()), Config::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, build_router(state)).await.unwrap() });
    let http = reqwest::Client::new();
    let token = token_at(&http, &base, "motcua.nhatrang").await;
    let write = || http.post(format!("{base}/api/v1/dossiers")).bearer_auth(&token).json(&submission(BIRTH, NHA_TRANG, "counter")).send();
    assert_eq!(write().await.unwrap().status(), 201);

    sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).execute(&mut control).await.unwrap();
    let terminated: Vec<(bool,)> = sqlx::query_as("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&name)
        .fetch_all(&mut control)
        .await
        .unwrap();
    assert!(!terminated.is_empty(), "the server had connections to terminate");
    // The first requests meet terminated connections (57P01), later ones refused ones (55000).
    for i in 0..3 {
        expect_unavailable(write().await.unwrap(), &format!("write {i} while the database refuses connections")).await;
    }
    let page = http.post(format!("{base}/tra-cuu")).form(&[("code", "H56.22366-261123-0001"), ("secret", "0905123456")]).send().await.unwrap();
    assert_eq!(page.status(), 503, "a page while the database refuses connections");

    sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).execute(&mut control).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = write().await.unwrap().status();
        if status == 201 {
            break;
        }
        assert_eq!(status, 503);
        assert!(Instant::now() < deadline, "the server did not recover once connections were allowed again");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    server.abort();
    store.close().await;
    let _ = sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut control).await;
    let _ = control.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
