//! Tamper evidence: history edited behind the application's back (straight in the
//! database) is named by `motcua audit verify`, dossier by dossier and in the chain of
//! administrative changes, on SQLite and PostgreSQL.

#[macro_use]
mod common;

use common::*;
use motcua_store::AdminActor;

/// Dossiers with a few events each (received at the counter, forwarded to the last step).
async fn dossiers(app: &TestApp, n: usize) -> Vec<String> {
    let mut codes = Vec::new();
    let reception = app.token("motcua.nhatrang").await;
    for _ in 0..n {
        let code = code_of(&create_at_counter(app, BIRTH).await);
        app.act(&code, "transfer", &reception, serde_json::json!({})).await.expect(200);
        forward_to_last_step(app, &code).await;
        codes.push(code);
    }
    codes
}

fn id_of(code: &str) -> String {
    format!("(SELECT id FROM dossiers WHERE code = '{code}')")
}

/// Runs the real command on the test database; its exit status and output.
fn verify_cli(app: &TestApp) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["audit", "verify", "--database-url", &app.db_url])
        .output()
        .expect("running motcua audit verify");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

async fn every_dossier_tampering_is_named(app: &TestApp) {
    let codes = dossiers(app, 7).await;
    let events = app.store.dossier_events(app.store.dossier_by_public_id(&codes[0]).await.unwrap().unwrap().id).await.unwrap();
    assert!(events.len() >= 4, "enough history to tamper with: {}", events.len());
    let (ok, out) = verify_cli(app);
    assert!(ok, "untouched history verifies:\n{out}");
    assert!(out.contains("Đã kiểm tra 7 hồ sơ") && out.contains("0 chuỗi bị hỏng"), "{out}");

    let cases: [(&str, String, i64, &str); 7] = [
        (
            "note altered",
            format!("UPDATE dossier_events SET note = 'đã sửa' WHERE dossier_id = {} AND seq = 2", id_of(&codes[0])),
            2,
            "event content was altered",
        ),
        (
            "backdated",
            format!("UPDATE dossier_events SET at = at - 86400000 WHERE dossier_id = {} AND seq = 3", id_of(&codes[1])),
            3,
            "event content was altered",
        ),
        ("middle event deleted", format!("DELETE FROM dossier_events WHERE dossier_id = {} AND seq = 2", id_of(&codes[2])), 2, "missing or reordered event"),
        (
            "last event deleted",
            format!(
                "DELETE FROM dossier_events WHERE dossier_id = {} AND seq = (SELECT MAX(seq) FROM dossier_events WHERE dossier_id = {})",
                id_of(&codes[3]),
                id_of(&codes[3])
            ),
            events.len() as i64,
            "events after the last one were deleted",
        ),
        (
            "state forged",
            format!("UPDATE dossiers SET state = 'returned' WHERE code = '{}'", codes[4]),
            events.len() as i64,
            "dossier state differs from its last event",
        ),
        (
            "actor changed",
            format!("UPDATE dossier_events SET actor = 'user:1' WHERE dossier_id = {} AND seq = 1", id_of(&codes[5])),
            1,
            "event content was altered",
        ),
        // Swapping two events: each keeps its content and hash, but the chain order breaks.
        // (in two statements, as (dossier, seq) stays unique at every row).
        (
            "events reordered",
            format!("UPDATE dossier_events SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE dossier_id = {} AND seq IN (-2, -3)", id_of(&codes[6])),
            2,
            "previous hash does not match",
        ),
    ];
    app.raw_execute(&format!("UPDATE dossier_events SET seq = -seq WHERE dossier_id = {} AND seq IN (2, 3)", id_of(&codes[6]))).await;
    for (what, sql, _, _) in &cases {
        assert_eq!(app.raw_execute(sql).await, if *what == "events reordered" { 2 } else { 1 }, "{what}");
    }
    let report = app.store.verify_all().await.unwrap();
    assert_eq!(report.dossiers, 7);
    let found: Vec<(String, i64, &str)> = report.dossier_breaks.iter().map(|(c, b)| (c.clone(), b.seq, b.reason)).collect();
    let expected: Vec<(String, i64, &str)> = cases.iter().zip(&codes).map(|((_, _, seq, reason), code)| (code.clone(), *seq, *reason)).collect();
    assert_eq!(found, expected);

    let (ok, out) = verify_cli(app);
    assert!(!ok, "tampering makes the command fail");
    for code in &codes {
        assert!(out.contains(&format!("HỎNG  hồ sơ {code}")), "{code} named in:\n{out}");
    }
    assert!(out.contains("7 chuỗi bị hỏng"), "{out}");
}

on_both_backends!(every_dossier_tampering_is_named => dossier_tampering_sqlite, dossier_tampering_postgres);

async fn audit_chain_tampering_is_named(app: &TestApp) {
    // Rows from before the chain existed are chained once, in order.
    for i in 0..2 {
        app.raw_execute(&format!("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ({i}, 'user:1', 'user.create', 'user:0', '{{}}')")).await;
    }
    assert_eq!(app.store.seal_audit_log().await.unwrap(), 2);
    assert_eq!(app.store.seal_audit_log().await.unwrap(), 0, "sealing happens once");

    let by = AdminActor { label: "user:1", now: monday_morning() };
    let id = app.store.create_staff(by, "kiemtra.chuoi", "Nguyễn Văn Kiểm", "mat-khau-du-dai-2026").await.unwrap();
    app.store.set_staff_active(by, id, false).await.unwrap();
    app.store.set_staff_active(by, id, true).await.unwrap();
    app.store.reset_staff_password(by, id, "mat-khau-moi-du-dai-2026").await.unwrap();
    let verify = || async { app.store.verify_audit_chain().await.unwrap() };
    let (n, brk, head) = verify().await;
    assert_eq!((n, brk), (6, None));
    assert_eq!(head.len(), 64);

    // Altered, then put back: the chain is whole again.
    app.raw_execute("UPDATE audit_log SET detail = '{\"username\":\"ai-do-khac\"}' WHERE seq = 3").await;
    let (_, brk, _) = verify().await;
    assert_eq!(brk.map(|b| (b.seq, b.reason)), Some((3, "change was altered")));
    app.raw_execute("UPDATE audit_log SET detail = '{\"full_name\":\"Nguyễn Văn Kiểm\",\"username\":\"kiemtra.chuoi\"}' WHERE seq = 3").await;
    assert_eq!(verify().await.1, None, "restored");

    // A row slipped in by hand, outside the chain.
    app.raw_execute("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (0, 'user:9', 'grant.add', 'user:9', '{}')").await;
    assert_eq!(verify().await.1.map(|b| b.reason), Some("change written outside the chain"));
    app.raw_execute("DELETE FROM audit_log WHERE seq IS NULL").await;
    assert_eq!(app.store.seal_audit_log().await.unwrap(), 0, "a started chain is never resealed");

    // Two changes swapped.
    app.raw_execute("UPDATE audit_log SET seq = -seq WHERE seq IN (4, 5)").await;
    app.raw_execute("UPDATE audit_log SET seq = CASE seq WHEN -4 THEN 5 ELSE 4 END WHERE seq IN (-4, -5)").await;
    assert_eq!(verify().await.1.map(|b| (b.seq, b.reason)), Some((4, "previous hash does not match")));
    app.raw_execute("UPDATE audit_log SET seq = -seq WHERE seq IN (4, 5)").await;
    app.raw_execute("UPDATE audit_log SET seq = CASE seq WHEN -4 THEN 5 ELSE 4 END WHERE seq IN (-4, -5)").await;
    assert_eq!(verify().await.1, None, "swapped back");

    // The latest change deleted; then one in the middle.
    app.raw_execute("DELETE FROM audit_log WHERE seq = 6").await;
    assert_eq!(verify().await.1.map(|b| (b.seq, b.reason)), Some((6, "changes after the last one were deleted")));
    app.raw_execute("DELETE FROM audit_log WHERE seq = 2").await;
    assert_eq!(verify().await.1.map(|b| (b.seq, b.reason)), Some((2, "missing or reordered change")));
    let (ok, out) = verify_cli(app);
    assert!(!ok);
    assert!(out.contains("HỎNG  nhật ký quản trị: thay đổi số 2"), "{out}");
}

on_both_backends!(audit_chain_tampering_is_named => audit_tampering_sqlite, audit_tampering_postgres);

async fn concurrent_administration_keeps_one_chain(app: &TestApp) {
    let mut tasks = Vec::new();
    for i in 0..12 {
        let store = app.store.clone();
        tasks.push(tokio::spawn(async move {
            let by = AdminActor { label: "user:1", now: monday_morning() };
            store.create_staff(by, &format!("song.song{i}"), "Cán bộ song song", "mat-khau-du-dai-2026").await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(app.store.verify_audit_chain().await.unwrap().0, 12);
    assert_eq!(app.store.verify_audit_chain().await.unwrap().1, None);
}

on_both_backends!(multi_thread: concurrent_administration_keeps_one_chain => audit_chain_concurrent_sqlite, audit_chain_concurrent_postgres);
