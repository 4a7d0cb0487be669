//! Who may do what: tokens, applicants' secrets, roles and agency scope.

#[macro_use]
mod common;

use chrono::Duration;
use common::*;
use motcua::demo::DEMO_PASSWORD;
use serde_json::json;

async fn staff_endpoints_need_a_valid_token(app: &TestApp) {
    let r = app.get("/api/v1/dossiers", None).await;
    r.expect_error(401);
    assert_eq!(r.json()["error"], "unauthorized");
    app.get("/api/v1/dossiers", Some("khong-phai-token")).await.expect_error(401);
    app.get("/api/v1/me", None).await.expect_error(401);

    // Wrong password, unknown user.
    app.post_json("/api/v1/auth/token", None, &json!({ "username": "motcua.nhatrang", "password": "sai-mat-khau" }), None)
        .await
        .expect_error(401);
    app.post_json("/api/v1/auth/token", None, &json!({ "username": "khong.ton.tai", "password": DEMO_PASSWORD }), None)
        .await
        .expect_error(401);

    // A good token works, names its user, and stops working once revoked.
    let t = app.token("motcua.nhatrang").await;
    let me = app.get("/api/v1/me", Some(&t)).await.expect(200);
    assert_eq!(me["username"], "motcua.nhatrang");
    assert!(me["grants"].as_array().unwrap().iter().any(|g| g["role"] == "reception" && g["agency"]["code"] == NHA_TRANG), "{me}");
    app.get("/api/v1/dossiers", Some(&t)).await.expect(200);
    let r = app.send(app.client.delete(app.url("/api/v1/auth/token")).bearer_auth(&t)).await;
    assert_eq!(r.status, 204, "{}", r.text);
    app.get("/api/v1/dossiers", Some(&t)).await.expect_error(401);

    // Tokens expire (12 hours).
    let t = app.token("motcua.nhatrang").await;
    app.get("/api/v1/me", Some(&t)).await.expect(200);
    app.clock.advance(Duration::hours(13));
    app.get("/api/v1/me", Some(&t)).await.expect_error(401);
}

on_both_backends!(staff_endpoints_need_a_valid_token =>
    staff_endpoints_need_a_valid_token_sqlite, staff_endpoints_need_a_valid_token_postgres);

async fn citizens_cannot_do_staff_actions_even_with_the_right_secret(app: &TestApp) {
    let created = create_at_counter(app, BIRTH).await;
    let code = code_of(&created);
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, json!({})).await.expect(200);
    let d = forward_to_last_step(app, &code).await;
    assert_eq!(d["state"], "processing");
    let version = d["version"].as_i64().unwrap();

    let approve = format!("/api/v1/dossiers/{code}/approve");
    // Without a token this action does not exist: the same answer whatever secret is sent,
    // so the route cannot be used to test secrets.
    let r = app.post_as_applicant(&approve, APPLICANT_PHONE, &json!({})).await;
    r.expect_error(401);
    assert_eq!(r.json()["error"], "unauthorized");
    app.post_as_applicant(&approve, "0912000000", &json!({})).await.expect_error(401);
    app.post_json(&approve, None, &json!({}), None).await.expect_error(401);
    // Staff of the agency but in the wrong role.
    app.act(&code, "approve", &reception, json!({})).await.expect_error(403);
    app.act(&code, "approve", &app.token("chuyenvien.nhatrang").await, json!({})).await.expect_error(403);
    assert_eq!(app.store.dossier_by_public_id(&code).await.unwrap().unwrap().version, version, "nothing was written");

    app.act(&code, "approve", &app.token("lanhdao.nhatrang").await, json!({})).await.expect(200);
}

on_both_backends!(citizens_cannot_do_staff_actions_even_with_the_right_secret =>
    citizens_cannot_do_staff_actions_even_with_the_right_secret_sqlite, citizens_cannot_do_staff_actions_even_with_the_right_secret_postgres);

async fn staff_of_another_agency_cannot_see_or_touch_a_dossier(app: &TestApp) {
    let submitted = submit_birth_online(app).await;
    let reference = submitted["reference"].as_str().unwrap().to_string();

    // Cam Lâm's reception officer: for them the dossier does not exist.
    let camlam = app.token("motcua.camlam").await;
    let r = app.act(&reference, "receive", &camlam, json!({})).await;
    r.expect_error(404);
    app.get(&format!("/api/v1/dossiers/{reference}"), Some(&camlam)).await.expect_error(404);
    let page = app.get("/api/v1/dossiers", Some(&camlam)).await.expect(200);
    assert!(!ids_in_page(&page).contains(&reference));

    // The province supervisor sees it (grants cover sub-agencies) but cannot act.
    let giamsat = app.token("giamsat").await;
    app.get(&format!("/api/v1/dossiers/{reference}"), Some(&giamsat)).await.expect(200);
    app.act(&reference, "receive", &giamsat, json!({})).await.expect_error(403);

    let row = app.store.dossier_by_public_id(&reference).await.unwrap().unwrap();
    assert_eq!((row.state.as_str(), row.version, row.code.as_deref()), ("submitted", 1, None));
    app.act(&reference, "receive", &app.token("motcua.nhatrang").await, json!({})).await.expect(200);
}

on_both_backends!(staff_of_another_agency_cannot_see_or_touch_a_dossier =>
    staff_of_another_agency_cannot_see_or_touch_a_dossier_sqlite, staff_of_another_agency_cannot_see_or_touch_a_dossier_postgres);

async fn only_the_receiving_reception_officer_enters_counter_dossiers(app: &TestApp) {
    let body = submission(BIRTH, NHA_TRANG, "counter");
    let before = app.count_dossiers().await;
    app.post_json("/api/v1/dossiers", None, &body, None).await.expect_error(401);
    let specialist = app.token("chuyenvien.nhatrang").await;
    let r = app.post_json("/api/v1/dossiers", Some(&specialist), &body, None).await;
    r.expect_error(403);
    assert_eq!(r.json()["error"], "forbidden");
    let camlam = app.token("motcua.camlam").await;
    app.post_json("/api/v1/dossiers", Some(&camlam), &body, None).await.expect_error(403);
    let mut post = body.clone();
    post["channel"] = json!("post");
    app.post_json("/api/v1/dossiers", None, &post, None).await.expect_error(401);
    assert_eq!(app.count_dossiers().await, before, "refused entries write nothing");

    let reception = app.token("motcua.nhatrang").await;
    let d = app.post_json("/api/v1/dossiers", Some(&reception), &body, None).await.expect(201);
    assert_eq!(d["state"], "received");
    assert_eq!(d["channel"], "counter");
    assert_eq!(app.count_dossiers().await, before + 1);
}

on_both_backends!(only_the_receiving_reception_officer_enters_counter_dossiers =>
    only_the_receiving_reception_officer_enters_counter_dossiers_sqlite, only_the_receiving_reception_officer_enters_counter_dossiers_postgres);
