//! Backup and restore: `motcua backup` copies a running instance (SQLite or PostgreSQL)
//! while dossiers keep arriving; `motcua restore` into a fresh instance brings back every
//! dossier, event and file exactly, and refuses a damaged backup or a database in use.

#[macro_use]
mod common;

use common::*;

fn motcua(args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua")).args(args).output().expect("running motcua");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// Every dossier (reference, state, version, head hash), every event (reference, seq,
/// hash) and every document (reference, sha256) of a database, in a fixed order.
async fn contents(url: &str) -> (Vec<(String, String, i64, String)>, Vec<(String, i64, String)>, Vec<(String, String)>) {
    (
        raw_rows(url, "SELECT reference, state, version, last_hash FROM dossiers ORDER BY reference").await,
        raw_rows(url, "SELECT d.reference, e.seq, e.hash FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id ORDER BY d.reference, e.seq").await,
        raw_rows(url, "SELECT d.reference, f.sha256 FROM dossier_documents f JOIN dossiers d ON d.id = f.dossier_id ORDER BY d.reference, f.sha256").await,
    )
}

/// A fresh database URL and data directory of the given kind.
async fn fresh(backend: Backend, tag: &str) -> Option<(String, std::path::PathBuf, Option<(String, String)>)> {
    let dir = std::env::temp_dir().join(format!("motcua-restore-{tag}-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    match backend {
        Backend::Sqlite => Some((format!("sqlite://{}", dir.join("motcua.db").display()), dir, None)),
        Backend::Postgres => {
            let admin = postgres_url()?;
            let schema = postgres_schema(&admin).await;
            Some((with_search_path(&admin, &schema), dir, Some((admin, schema))))
        }
    }
}

async fn restore_and_compare(app: &TestApp, backup: &str, into: Backend) {
    let Some((url, dir, pg)) = fresh(into, "b").await else { return };
    let (ok, out) = motcua(&["restore", backup, "--database-url", &url, "--data-dir", dir.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("Đã khôi phục"), "{out}");
    let restored = contents(&url).await;
    let source = contents(&app.db_url).await;
    // Dossiers created during the backup may be in it or not; those in it are exact.
    assert!(!restored.0.is_empty());
    for d in &restored.0 {
        assert!(source.0.contains(d), "restored dossier differs from the source: {d:?}");
    }
    let refs: std::collections::HashSet<&String> = restored.0.iter().map(|d| &d.0).collect();
    let source_events: Vec<_> = source.1.iter().filter(|e| refs.contains(&e.0)).cloned().collect();
    assert_eq!(restored.1, source_events, "events");
    let source_docs: Vec<_> = source.2.iter().filter(|d| refs.contains(&d.0)).cloned().collect();
    assert_eq!(restored.2, source_docs, "documents");
    // Every file is there with its content.
    let (restored_files, source_files) = (motcua_store::BlobStore::new(dir.join("files")), motcua_store::BlobStore::new(app.dir.join("files")));
    for (_, sha) in &restored.2 {
        assert_eq!(restored_files.get(sha).await.unwrap(), source_files.get(sha).await.unwrap(), "file {sha}");
    }
    // The restored instance is whole and usable: chains verify, new changes chain on.
    let (ok, out) = motcua(&["audit", "verify", "--database-url", &url]);
    assert!(ok && out.contains("0 chuỗi bị hỏng"), "{out}");
    if let Some((admin, schema)) = pg {
        drop_schema(&admin, &schema).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

async fn a_backup_of_a_running_instance_restores_exactly(app: &TestApp) {
    for _ in 0..3 {
        let code = code_of(&create_at_counter(app, BIRTH).await);
        app.act(&code, "transfer", &app.token("motcua.nhatrang").await, serde_json::json!({})).await.expect(200);
    }
    submit_online_with_files(app, BIRTH, NHA_TRANG).await.expect(201);
    let by = motcua_store::AdminActor { label: "user:1", now: monday_morning() };
    app.store.create_staff(by, "sao.luu", "Cán bộ sao lưu", "mat-khau-sao-luu-2026").await.unwrap();

    // Counter entries keep arriving while the backup runs.
    let busy = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let writer = {
        let (base, busy) = (app.base.clone(), busy.clone());
        let token = app.token("motcua.nhatrang").await;
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut n = 0;
            while busy.load(std::sync::atomic::Ordering::Relaxed) {
                let r = http.post(format!("{base}/api/v1/dossiers")).bearer_auth(&token).json(&submission(BIRTH, NHA_TRANG, "counter")).send().await.unwrap();
                assert_eq!(r.status(), 201);
                n += 1;
            }
            n
        })
    };
    let backup = app.dir.join("sao-luu");
    let backup_s = backup.to_str().unwrap().to_string();
    let data_dir = app.dir.to_str().unwrap().to_string();
    let (ok, out) = tokio::task::spawn_blocking({
        let (url, b, d) = (app.db_url.clone(), backup_s.clone(), data_dir.clone());
        move || motcua(&["backup", &b, "--database-url", &url, "--data-dir", &d])
    })
    .await
    .unwrap();
    busy.store(false, std::sync::atomic::Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(ok, "{out}");
    assert!(out.contains("Đã sao lưu"), "{out}");
    assert!(written > 0, "the server was written to during the backup");
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(backup.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["files"].as_u64().unwrap() >= 1);
    assert!(manifest["tables"].get("sessions").is_none(), "sessions are not backed up");

    // Into a fresh instance of the same kind, and of the other kind.
    restore_and_compare(app, &backup_s, app.backend).await;
    let other = if app.backend == Backend::Sqlite { Backend::Postgres } else { Backend::Sqlite };
    restore_and_compare(app, &backup_s, other).await;

    // A database in use is never overwritten; a damaged backup is refused before anything.
    let (ok, out) = motcua(&["restore", &backup_s, "--database-url", &app.db_url, "--data-dir", &data_dir]);
    assert!(!ok && out.contains("đã có dữ liệu"), "{out}");
    let events = backup.join("tables").join("dossier_events.jsonl");
    let text = std::fs::read_to_string(&events).unwrap();
    std::fs::write(&events, text.replacen("\"submit\"", "\"receive\"", 1)).unwrap();
    let Some((url, dir, pg)) = fresh(Backend::Sqlite, "hong").await else { return };
    let (ok, out) = motcua(&["restore", &backup_s, "--database-url", &url, "--data-dir", dir.to_str().unwrap()]);
    assert!(!ok && out.contains("dossier_events") && out.contains("bị thay đổi"), "{out}");
    assert!(contents(&url).await.0.is_empty(), "nothing restored from a damaged backup");
    assert!(pg.is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

on_both_backends!(multi_thread: a_backup_of_a_running_instance_restores_exactly => backup_restore_sqlite, backup_restore_postgres);

/// A table added by a migration must be backed up or declared ephemeral.
async fn every_table_is_backed_up_or_declared_ephemeral(app: &TestApp) {
    let mut known: Vec<&str> = motcua_store::BACKUP_TABLES.iter().chain(motcua_store::EPHEMERAL_TABLES).copied().collect();
    known.sort_unstable();
    assert_eq!(app.store.table_names().await.unwrap(), known);
}

on_both_backends!(every_table_is_backed_up_or_declared_ephemeral => backup_tables_sqlite, backup_tables_postgres);
