//! When the database goes away the server answers 503 with a clear page (and the API its
//! JSON error) within seconds, not a hang or a 500, and recovers by itself when the
//! database returns. PostgreSQL is reached through a proxy this test can cut; SQLite is a
//! file and has no outage of this kind.

mod common;

use common::*;
use motcua_store::{BlobStore, Store, StoreOptions};
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
    let state = AppState::new(store.clone(), BlobStore::new(dir.join("files")), Arc::new(clock), motcua_core::calendar::WorkCalendar::weekdays(), Config::default());
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
