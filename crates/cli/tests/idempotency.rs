//! Retries are safe: the same Idempotency-Key and request give the first answer again and
//! write nothing more; the same key for another request is refused.

#[macro_use]
mod common;

use common::*;
use serde_json::json;

/// Today's value of a daily counter of the Nha Trang ward.
async fn today_count(app: &TestApp, metric: &str) -> i64 {
    let agency = app.store.agency_by_code(NHA_TRANG).await.unwrap().unwrap().id;
    app.store.count_metric(&[agency], metric, "2026-11-23", "2026-11-23").await.unwrap()
}

async fn retried_submission_with_the_same_key_creates_one_dossier(app: &TestApp) {
    let body = submission(CERTIFIED_COPY, NHA_TRANG, "online");
    let before = app.count_dossiers().await;

    let first = app.post_json("/api/v1/dossiers", None, &body, Some("nop-ho-so-7f3a")).await;
    let created = first.expect(201);
    assert_eq!(created["state"], "submitted");
    let retry = app.post_json("/api/v1/dossiers", None, &body, Some("nop-ho-so-7f3a")).await;
    retry.expect(201);
    assert_eq!(retry.text, first.text, "a retry gets the first answer, byte for byte");
    assert_eq!(retry.header("idempotent-replay"), Some("true"));
    assert!(first.header("location").is_some());
    assert_eq!(app.count_dossiers().await, before + 1, "one dossier, not two");
    assert_eq!(today_count(app, "submitted_online").await, 1, "the statistics count it once");

    // The same key for a different submission is refused, and writes nothing.
    let mut other = body.clone();
    other["applicant"]["name"] = json!("Trần Văn Bình");
    app.post_json("/api/v1/dossiers", None, &other, Some("nop-ho-so-7f3a")).await.expect_invalid("Idempotency-Key");
    assert_eq!(app.count_dossiers().await, before + 1);

    // Without a key, the same body is a new submission.
    app.post_json("/api/v1/dossiers", None, &body, None).await.expect(201);
    assert_eq!(app.count_dossiers().await, before + 2);
}

on_both_backends!(retried_submission_with_the_same_key_creates_one_dossier =>
    retried_submission_with_the_same_key_creates_one_dossier_sqlite, retried_submission_with_the_same_key_creates_one_dossier_postgres);

async fn retried_multipart_submission_with_the_same_key_creates_one_dossier(app: &TestApp) {
    // Multipart boundaries differ between the two sends; the fingerprint must not.
    let names = required_uploads(app, BIRTH).await;
    let mut body = submission(BIRTH, NHA_TRANG, "online");
    body["documents"] = json!(names.iter().enumerate().map(|(i, n)| json!({ "name": n, "part": format!("f{i}") })).collect::<Vec<_>>());
    let send = || {
        let mut form = reqwest::multipart::Form::new().text("dossier", body.to_string());
        for i in 0..names.len() {
            form = form.part(format!("f{i}"), pdf_part("to-khai.pdf"));
        }
        app.client.post(app.url("/api/v1/dossiers")).header("Idempotency-Key", "khai-sinh-1").multipart(form)
    };
    let before = app.count_dossiers().await;
    let first = app.send(send()).await;
    first.expect(201);
    let retry = app.send(send()).await;
    retry.expect(201);
    assert_eq!(retry.text, first.text);
    assert_eq!(app.count_dossiers().await, before + 1);
}

on_both_backends!(retried_multipart_submission_with_the_same_key_creates_one_dossier =>
    retried_multipart_submission_with_the_same_key_creates_one_dossier_sqlite,
    retried_multipart_submission_with_the_same_key_creates_one_dossier_postgres);

async fn retried_action_with_the_same_key_is_applied_once(app: &TestApp) {
    let created = app.post_json("/api/v1/dossiers", None, &submission(CERTIFIED_COPY, NHA_TRANG, "online"), None).await.expect(201);
    let reference = created["reference"].as_str().unwrap().to_string();
    let reception = app.token("motcua.nhatrang").await;
    let path = format!("/api/v1/dossiers/{reference}/receive");

    let first = app.post_json(&path, Some(&reception), &json!({}), Some("tiep-nhan-1")).await;
    let received = first.expect(200);
    assert_eq!(received["code"], "H56.22366-261123-0001");
    assert_eq!(received["version"], 2);

    let retry = app.post_json(&path, Some(&reception), &json!({}), Some("tiep-nhan-1")).await;
    retry.expect(200);
    assert_eq!(retry.text, first.text, "the retry gets the first answer");
    let row = app.store.dossier_by_public_id(&reference).await.unwrap().unwrap();
    assert_eq!(row.version, 2, "the action was applied once");
    assert_eq!(app.store.dossier_events(row.id).await.unwrap().len(), 2);
    assert_eq!(today_count(app, "received").await, 1, "the statistics count it once");

    // The same key for another request is refused.
    app.post_json(&path, Some(&reception), &json!({ "note": "khác" }), Some("tiep-nhan-1")).await.expect_invalid("Idempotency-Key");

    // Without a key, a repeat is a conflict: the dossier is no longer waiting for reception.
    let again = app.post_json(&path, Some(&reception), &json!({}), None).await;
    again.expect_error(409);
    assert_eq!(again.json()["error"], "conflict");
    assert_eq!(app.store.dossier_by_public_id(&reference).await.unwrap().unwrap().version, 2);

    // Only one code was issued: the next dossier received today gets sequence 0002.
    let next = app.post_json("/api/v1/dossiers", Some(&reception), &submission(CERTIFIED_COPY, NHA_TRANG, "counter"), None).await.expect(201);
    assert_eq!(next["code"], "H56.22366-261123-0002");
}

on_both_backends!(retried_action_with_the_same_key_is_applied_once =>
    retried_action_with_the_same_key_is_applied_once_sqlite, retried_action_with_the_same_key_is_applied_once_postgres);

async fn applicants_keys_are_scoped_to_their_own_dossier(app: &TestApp) {
    // Two citizens whose app happens to use the same key for "withdraw" (e.g. a counter
    // that starts at 1 on every phone): each withdraws their own dossier.
    let mine = app.post_json("/api/v1/dossiers", None, &submission(CERTIFIED_COPY, NHA_TRANG, "online"), None).await.expect(201);
    let mut other_body = submission(CERTIFIED_COPY, NHA_TRANG, "online");
    other_body["applicant"]["phone"] = json!("0988777666");
    other_body["applicant"]["id_number"] = json!("079085001122");
    let theirs = app.post_json("/api/v1/dossiers", None, &other_body, None).await.expect(201);
    let withdraw = |d: &serde_json::Value, secret: &'static str| {
        let reference = d["reference"].as_str().unwrap().to_string();
        async move {
            let path = format!("/api/v1/dossiers/{reference}/withdraw");
            // First the one-time code to the applicant's phone, then the withdrawal with it.
            let rb = app.client.post(app.url(&path)).header("X-Applicant-Secret", secret).json(&json!({ "reason": "Không còn nhu cầu" }));
            app.send(rb).await.expect(202);
            let otp = sent_code(app, secret, &reference).await;
            let body = json!({ "reason": "Không còn nhu cầu", "one_time_code": otp });
            let rb = app.client.post(app.url(&path)).header("X-Applicant-Secret", secret).header("Idempotency-Key", "1").json(&body);
            app.send(rb).await
        }
    };
    let a = withdraw(&mine, APPLICANT_PHONE).await.expect(200);
    assert_eq!(a["state"], "withdrawn");
    let b = withdraw(&theirs, "0988777666").await.expect(200);
    assert_eq!(b["state"], "withdrawn");
    assert_eq!(b["reference"], theirs["reference"], "the second applicant gets their own answer, not a refusal or the first's");
}

on_both_backends!(applicants_keys_are_scoped_to_their_own_dossier =>
    applicants_keys_are_scoped_to_their_own_dossier_sqlite, applicants_keys_are_scoped_to_their_own_dossier_postgres);

/// KNOWN BUG (see the test report): the replayed 201 lacks the Location header of the first.
async fn retried_submission_gets_the_same_location(app: &TestApp) {
    let body = submission(CERTIFIED_COPY, NHA_TRANG, "online");
    let first = app.post_json("/api/v1/dossiers", None, &body, Some("vi-tri")).await;
    first.expect(201);
    let retry = app.post_json("/api/v1/dossiers", None, &body, Some("vi-tri")).await;
    retry.expect(201);
    assert_eq!(retry.header("location"), first.header("location"), "a retry must get the first answer, headers included");
}

on_both_backends!(retried_submission_gets_the_same_location =>
    retried_submission_gets_the_same_location_sqlite, retried_submission_gets_the_same_location_postgres);
