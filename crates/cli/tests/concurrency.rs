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

/// Many clients acting at once on the same few dossiers (forward, ask for papers, supply
/// them, approve), each action by someone who may take it at some point: every answer is a
/// success or a clean refusal, every success is exactly one event (no lost update), every
/// chain verifies and every dossier ends in a state of the state machine.
async fn many_clients_on_the_same_dossiers_lose_nothing(app: &TestApp) {
    let reception = app.token("motcua.nhatrang").await;
    let mut codes = Vec::new();
    for _ in 0..4 {
        let code = code_of(&create_at_counter(app, BIRTH).await);
        app.act(&code, "transfer", &reception, json!({})).await.expect(200);
        codes.push(code);
    }
    let tokens = [app.token("chuyenvien.nhatrang").await, app.token("truongphong.nhatrang").await, app.token("lanhdao.nhatrang").await];
    let moves: Vec<(&str, Option<usize>, serde_json::Value)> = vec![
        ("forward", Some(0), json!({})),
        ("forward", Some(1), json!({})),
        // A second request for papers must give its exceptional reason; this body always does.
        ("request-supplement", Some(0), {
            let mut b = supplement_items();
            b["exception_reason"] = json!("Giấy tờ bổ sung lần trước vẫn còn sai sót");
            b
        }),
        ("supply", None, json!({})),
        ("approve", Some(2), json!({})),
    ];
    let mut tasks = Vec::new();
    for client in 0..12usize {
        let (codes, tokens, moves, base) = (codes.clone(), tokens.clone(), moves.clone(), app.base.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut done = Vec::new();
            for i in 0..10usize {
                let code = &codes[(client + i) % codes.len()];
                let (action, who, body) = &moves[(client * 7 + i * 3) % moves.len()];
                let rb = http.post(format!("{base}/api/v1/dossiers/{code}/{action}")).json(body);
                let rb = match who {
                    Some(t) => rb.bearer_auth(&tokens[*t]),
                    None => rb.header("x-applicant-secret", APPLICANT_PHONE),
                };
                let status = rb.send().await.unwrap().status().as_u16();
                assert!(matches!(status, 200 | 403 | 409), "{action} on {code}: {status}");
                if status == 200 {
                    done.push(code.clone());
                }
            }
            done
        }));
    }
    let mut successes: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    for t in tasks {
        for code in t.await.unwrap() {
            *successes.entry(code).or_default() += 1;
        }
    }
    assert!(successes.values().sum::<i64>() > 0, "some actions went through");
    for code in &codes {
        let d = app.store.dossier_by_public_id(code).await.unwrap().unwrap();
        // Submit, receive and transfer, then one event per acknowledged action.
        assert_eq!(d.version, 3 + successes.get(code).copied().unwrap_or(0), "{code}: an acknowledged action is missing or one was counted twice");
        assert_eq!(app.store.verify_dossier_chain(d.id).await.unwrap(), None);
        assert!(motcua_core::dossier::State::parse(&d.state).is_some(), "{code}: {}", d.state);
    }
}

on_both_backends!(multi_thread: many_clients_on_the_same_dossiers_lose_nothing =>
    many_clients_on_the_same_dossiers_lose_nothing_sqlite, many_clients_on_the_same_dossiers_lose_nothing_postgres);
