//! Connections that hold the server without asking anything: a client that sends part of
//! its request headers and goes silent, and a keep-alive connection left idle, are closed
//! after the header timeout; neither keeps the real server (`motcua serve`) from exiting
//! on SIGTERM within its grace period. Timeouts are set short by flags.

#[macro_use]
mod common;

use common::serve_binary;
use motcua_store::{Store, StoreOptions};
use std::process::{Child, Command};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Server {
    child: Child,
    addr: String,
    dir: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn start(header_timeout_secs: u64, shutdown_grace_secs: u64) -> Server {
    let dir = std::env::temp_dir().join(format!("motcua-conn-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.join("motcua.db").display()), &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    store.close().await;
    let (child, base) = serve_binary(&dir, &["--header-timeout-secs", &header_timeout_secs.to_string(), "--shutdown-grace-secs", &shutdown_grace_secs.to_string()]).await;
    Server { child, addr: base.trim_start_matches("http://").to_string(), dir }
}

/// Reads until the server closes the connection; how long that took (`None` if it was
/// still open after `limit`).
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit.saturating_sub(started.elapsed()), stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {} // an answer (e.g. 408) before closing
        }
    }
}

#[tokio::test]
async fn a_client_that_sends_half_its_headers_is_disconnected() {
    let server = start(1, 5).await;
    let mut slow = TcpStream::connect(&server.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let closed = closed_within(&mut slow, Duration::from_secs(6)).await;
    assert!(closed.is_some(), "a client that stopped half-way through its headers still held its connection after 6 s");
    // The server still serves others.
    let ok = reqwest::get(format!("http://{}/healthz", server.addr)).await.unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = start(1, 5).await;
    let mut idle = TcpStream::connect(&server.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf)).await.expect("an answer").unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&buf[..n]));
    // Kept alive after the answer, then closed once idle for the timeout.
    let closed = closed_within(&mut idle, Duration::from_secs(6)).await;
    let closed = closed.expect("an idle keep-alive connection still open after 6 s");
    assert!(closed >= Duration::from_millis(500), "closed at once ({closed:?}): keep-alive should hold for the timeout");
}

#[tokio::test]
async fn a_silent_client_does_not_block_shutdown() {
    // The header timeout is long here, so it is the shutdown grace that must free the process.
    let mut server = start(60, 2).await;
    let mut half = TcpStream::connect(&server.addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut idle = TcpStream::connect(&server.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf)).await.expect("an answer");
    let mut silent = TcpStream::connect(&server.addr).await.unwrap(); // connected, sent nothing
    tokio::time::sleep(Duration::from_millis(200)).await;

    let term = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(term.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "SIGTERM did not stop the server within 10 s (grace 2 s) while clients held connections");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "a clean exit: {exit:?}");
    for s in [&mut half, &mut idle, &mut silent] {
        assert!(closed_within(s, Duration::from_secs(2)).await.is_some(), "a connection outlived the server");
    }
    assert!(TcpStream::connect(&server.addr).await.is_err(), "new connections are refused after exit");
}
