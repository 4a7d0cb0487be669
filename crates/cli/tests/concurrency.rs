//! Requests racing each other: a client retrying before the first answer arrived, two
//! officers pressing the same button, a busy counter issuing codes.

#[macro_use]
mod common;

use common::*;
use serde_json::json;
use std::collections::HashSet;

async fn concurrent_retries_of_a_submission_create_one_dossier(app: &TestApp) {
    let body = submission(CERTIFIED_COPY, NHA_TRANG, "online");
    let before = app.count_dossiers().await;
    let post = || app.post_json("/api/v1/dossiers", None, &body, Some("gui-lai-khi-mang-cham"));
    let (a, b, c, d) = tokio::join!(post(), post(), post(), post());
    for r in [&a, &b, &c, &d] {
        r.expect(201);
        assert_eq!(r.text, a.text, "every retry gets the same answer");
    }
    assert_eq!(app.count_dossiers().await, before + 1, "one dossier, however many retries raced");
}

on_both_backends!(multi_thread: concurrent_retries_of_a_submission_create_one_dossier =>
    concurrent_retries_of_a_submission_create_one_dossier_sqlite, concurrent_retries_of_a_submission_create_one_dossier_postgres);

async fn concurrent_receptions_issue_one_code(app: &TestApp) {
    let reception = app.token("motcua.nhatrang").await;
    let online = submission(CERTIFIED_COPY, NHA_TRANG, "online");
    let empty = json!({});
    let submit = || app.post_json("/api/v1/dossiers", None, &online, None);

    // Without a key: one wins, the others are told the dossier moved on.
    let first = submit().await.expect(201);
    let path = format!("/api/v1/dossiers/{}/receive", first["reference"].as_str().unwrap());
    let recv = || app.post_json(&path, Some(&reception), &empty, None);
    let (a, b, c, d) = tokio::join!(recv(), recv(), recv(), recv());
    let statuses: Vec<u16> = [&a, &b, &c, &d].iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    let row = app.store.dossier_by_public_id(first["reference"].as_str().unwrap()).await.unwrap().unwrap();
    assert_eq!(row.version, 2);
    assert_eq!(row.code.as_deref(), Some("H56.22366-261123-0001"));

    // With one key: all get the first answer.
    let second = submit().await.expect(201);
    let path = format!("/api/v1/dossiers/{}/receive", second["reference"].as_str().unwrap());
    let recv = || app.post_json(&path, Some(&reception), &empty, Some("tiep-nhan-2"));
    let (a, b, c, d) = tokio::join!(recv(), recv(), recv(), recv());
    for r in [&a, &b, &c, &d] {
        r.expect(200);
        assert_eq!(r.text, a.text);
    }
    let row = app.store.dossier_by_public_id(second["reference"].as_str().unwrap()).await.unwrap().unwrap();
    assert_eq!(row.version, 2);
    assert_eq!(row.code.as_deref(), Some("H56.22366-261123-0002"), "no code was burnt by the losers");
}

on_both_backends!(multi_thread: concurrent_receptions_issue_one_code =>
    concurrent_receptions_issue_one_code_sqlite, concurrent_receptions_issue_one_code_postgres);

async fn concurrent_counter_entries_get_distinct_consecutive_codes(app: &TestApp) {
    let reception = app.token("motcua.nhatrang").await;
    let body = submission(BIRTH, NHA_TRANG, "counter");
    let enter = || app.post_json("/api/v1/dossiers", Some(&reception), &body, None);
    let (a, b, c, d, e, f) = tokio::join!(enter(), enter(), enter(), enter(), enter(), enter());
    let codes: HashSet<String> = [a, b, c, d, e, f].iter().map(|r| code_of(&r.expect(201))).collect();
    let expected: HashSet<String> = (1..=6).map(|i| format!("H56.22366-261123-{i:04}")).collect();
    assert_eq!(codes, expected);
}

on_both_backends!(multi_thread: concurrent_counter_entries_get_distinct_consecutive_codes =>
    concurrent_counter_entries_get_distinct_consecutive_codes_sqlite, concurrent_counter_entries_get_distinct_consecutive_codes_postgres);
