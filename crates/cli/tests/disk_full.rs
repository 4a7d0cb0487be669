//! A full disk under the SQLite data directory: the real server (`motcua serve`) runs on a
//! small tmpfs this test mounts and fills while four clients enter dossiers, some with an
//! uploaded file. While the disk is full every write is refused with 503 and `Retry-After`
//! (never a 500, never a false 201); once space is freed writes succeed again without a
//! restart; after a restart every acknowledged dossier is there and no partial upload is
//! left on disk. SQLite only: PostgreSQL's disk is the database server's.

mod common;

use common::*;
use motcua_store::{Store, StoreOptions};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A tmpfs mounted for the test, unmounted and removed when dropped.
struct Mount(PathBuf);

impl Mount {
    fn new(size: &str) -> Option<Mount> {
        let dir = std::env::temp_dir().join(format!("motcua-full-{:016x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(&dir).stderr(Stdio::null()).status();
        if !mounted.is_ok_and(|s| s.success()) {
            eprintln!("disk-full test NOT RUN: mounting a tmpfs at {} is not permitted here (it needs root or CAP_SYS_ADMIN)", dir.display());
            let _ = std::fs::remove_dir(&dir);
            return None;
        }
        Some(Mount(dir))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start(dir: &Path) -> (Child, String) {
    serve_binary(dir, &[]).await
}

/// Fills the file system holding `dir` with one file, then gives back `slack` bytes so a
/// few writes still fit before the disk is full.
fn fill(dir: &Path, slack: u64) -> PathBuf {
    let path = dir.join("ballast");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0x55u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        match f.write(&chunk) {
            Ok(0) => break,
            Ok(n) => written += n as u64,
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(28), "filling the disk: {e}");
                break;
            }
        }
    }
    f.set_len(written.saturating_sub(slack)).unwrap();
    path
}

/// Partial uploads (the blob store's `.tmp` files) anywhere under `dir`.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "tmp") {
                found.push(p);
            }
        }
    }
    found
}

#[derive(Default)]
struct Outcomes {
    acked: Vec<String>,
    refused: usize,
    /// Answers that are neither 201 nor a proper temporary refusal.
    wrong: Vec<String>,
}

/// Enters one dossier at the counter, with a distinct uploaded paper when `paper` is given.
async fn enter(http: &reqwest::Client, base: &str, token: &str, paper: Option<&str>, out: &Mutex<Outcomes>) -> bool {
    let mut body = submission(BIRTH, NHA_TRANG, "counter");
    let req = http.post(format!("{base}/api/v1/dossiers")).bearer_auth(token);
    let req = match paper {
        Some(name) => {
            body["documents"] = json!([{ "name": name, "part": "f0" }]);
            // Distinct bytes each time: the blob store keeps one copy of identical files.
            let mut bytes = PDF.to_vec();
            bytes.extend((0..24 * 1024).map(|_| rand::random::<u8>()));
            let part = reqwest::multipart::Part::bytes(bytes).file_name("to-khai.pdf").mime_str("application/pdf").unwrap();
            req.multipart(reqwest::multipart::Form::new().text("dossier", body.to_string()).part("f0", part))
        }
        None => req.json(&body),
    };
    let r = match req.send().await {
        Ok(r) => r,
        Err(e) => {
            out.lock().unwrap().wrong.push(format!("no answer: {e}"));
            return false;
        }
    };
    let status = r.status().as_u16();
    let retry_after = r.headers().get("retry-after").is_some();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    let mut out = out.lock().unwrap();
    match status {
        201 => {
            out.acked.push(code_of(&v));
            true
        }
        503 | 507 if retry_after && v["error"] == "unavailable" && v["message"].as_str().is_some_and(|m| m.contains("thử lại")) => {
            out.refused += 1;
            false
        }
        _ => {
            out.wrong.push(format!("{status} (Retry-After: {retry_after}) {v}"));
            false
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_dossiers_survive_a_full_disk() {
    let Some(mount) = Mount::new("48m") else { return };
    let dir = mount.0.clone();
    let db_url = format!("sqlite://{}", dir.join("motcua.db").display());
    {
        let store = Store::connect(&db_url, &StoreOptions::default()).await.unwrap();
        store.migrate().await.unwrap();
        let now = chrono::Utc::now();
        motcua::demo::seed_reference(&store, now).await.unwrap();
        motcua::demo::seed_users(&store, now).await.unwrap();
        store.close().await;
    }
    let (mut server, base) = start(&dir).await;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let token = token_at(&http, &base, "motcua.nhatrang").await;
    let procedure: Value = http.get(format!("{base}/api/v1/procedures/{BIRTH}")).send().await.unwrap().json().await.unwrap();
    let paper = procedure["documents"][0]["name"].as_str().expect("a paper of the procedure").to_string();
    let out = Arc::new(Mutex::new(Outcomes::default()));
    for i in 0..4 {
        assert!(enter(&http, &base, &token, (i % 2 == 0).then_some(paper.as_str()), &out).await, "before the disk fills: {:?}", out.lock().unwrap().wrong);
    }

    // Full, with a little room left so some writes pass before the first fails.
    let ballast = fill(&dir, 256 * 1024);
    let started = Instant::now();
    let clients: Vec<_> = (0..4)
        .map(|i| {
            let (http, base, token, paper, out) = (http.clone(), base.clone(), token.clone(), paper.clone(), out.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while out.lock().unwrap().refused < 40 && n < 400 && started.elapsed() < Duration::from_secs(60) {
                    enter(&http, &base, &token, (i % 2 == 0 && n % 2 == 0).then_some(paper.as_str()), &out).await;
                    n += 1;
                }
            })
        })
        .collect();
    for c in clients {
        c.await.unwrap();
    }
    {
        let o = out.lock().unwrap();
        assert!(o.wrong.is_empty(), "while the disk is full, writes must be refused with 503 and Retry-After: {:?}", o.wrong);
        assert!(o.refused >= 40, "the disk never filled: {} refused, {} acknowledged", o.refused, o.acked.len());
        eprintln!("disk full: {} acknowledged in all, {} refused", o.acked.len(), o.refused);
    }

    // Space freed: work resumes by itself, without a restart.
    std::fs::remove_file(&ballast).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !enter(&http, &base, &token, Some(&paper), &out).await {
        assert!(out.lock().unwrap().wrong.is_empty(), "{:?}", out.lock().unwrap().wrong);
        assert!(Instant::now() < deadline, "writes did not resume after space was freed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for i in 0..20 {
        assert!(enter(&http, &base, &token, (i % 2 == 0).then_some(paper.as_str()), &out).await, "after space was freed: {:?}", out.lock().unwrap().wrong);
    }
    // What was acknowledged is visible to other connections now, not only to the writer's:
    // the last dossier can be moved on.
    let last = out.lock().unwrap().acked.last().cloned().unwrap();
    let r = http.post(format!("{base}/api/v1/dossiers/{last}/transfer")).bearer_auth(&token).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 200, "transfer of {last}, acknowledged after the disk was freed");

    let term = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(term.success());
    assert!(server.wait().unwrap().success(), "a clean exit");

    // Restarted: every acknowledged dossier is there.
    let store = Store::connect(&db_url, &StoreOptions::default()).await.unwrap();
    let acked = out.lock().unwrap().acked.clone();
    let mut lost = Vec::new();
    for code in &acked {
        if store.dossier_by_public_id(code).await.unwrap().is_none() {
            lost.push(code.clone());
        }
    }
    assert!(lost.is_empty(), "{} of {} acknowledged dossiers lost: {lost:?}", lost.len(), acked.len());
    let report = store.verify_all().await.unwrap();
    assert!(report.dossier_breaks.is_empty(), "{:?}", report.dossier_breaks);
    store.close().await;
    let left = temp_files(&dir);
    assert!(left.is_empty(), "failed uploads left partial files behind: {left:?}");
    drop(mount);
}
