//! Guessing limits that hold whoever calls and from however many addresses: a staff token
//! opens no public form, guesses spread over addresses still meet a limit per dossier and
//! per phone, a stranger cannot lock an officer out, withdrawal needs a code sent to the
//! applicant's phone, weak passwords are refused, and anonymous senders cannot flood.
//!
//! Several client addresses are simulated the way a reverse proxy reports them: the server
//! reads `X-Forwarded-For` (`--client-ip-header`).

#[macro_use]
mod common;

use common::*;
use serde_json::json;

/// A server behind a reverse proxy that names the client in `X-Forwarded-For`.
async fn spawn_behind_proxy(backend: Backend) -> Option<TestApp> {
    let config = motcua_web::Config { client_ip_header: Some("x-forwarded-for".into()), ..Default::default() };
    spawn_app_configured(backend, motcua_core::calendar::WorkCalendar::weekdays(), config).await
}

macro_rules! behind_proxy {
    ($scenario:ident => $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            let app = spawn_behind_proxy(Backend::Sqlite).await.expect("SQLite always runs");
            $scenario(&app).await;
            app.cleanup().await;
        }

        #[tokio::test]
        async fn $postgres() {
            let Some(app) = spawn_behind_proxy(Backend::Postgres).await else { return };
            $scenario(&app).await;
            app.cleanup().await;
        }
    };
}

async fn lookup_from(app: &TestApp, addr: &str, code: &str, secret: &str) -> Resp {
    app.send(app.client.post(app.url("/tra-cuu")).header("X-Forwarded-For", addr).form(&[("code", code), ("secret", secret)])).await
}

async fn staff_sign_in_from(app: &TestApp, addr: &str, username: &str, password: &str) -> Resp {
    app.send(app.client.post(app.url("/dang-nhap")).header("X-Forwarded-For", addr).form(&[("username", username), ("password", password)])).await
}

/// A code of the same agency and day as `code` with another sequence number.
fn neighbour(code: &str, n: u32) -> String {
    format!("{}{n:04}", &code[..code.len() - 4])
}

async fn staff_token_does_not_bypass_guessing_limits(app: &TestApp) {
    let token = app.token("motcua.nhatrang").await;
    let bearer = format!("Bearer {token}");
    let code = code_of(&create_at_counter(app, BIRTH).await);
    // Public lookups ignore the token, so they count like anyone's (other codes and phones
    // each time: only the address's limit is in play).
    for i in 0..20u32 {
        let phone = format!("09120000{:02}", i % 4);
        let r = app.send(app.client.post(app.url("/tra-cuu")).header("Authorization", &bearer).form(&[("code", neighbour(&code, 100 + i).as_str()), ("secret", phone.as_str())])).await;
        assert_eq!(r.status, 404, "{}", r.text);
    }
    let r = app.send(app.client.post(app.url("/tra-cuu")).header("Authorization", &bearer).form(&[("code", code.as_str()), ("secret", APPLICANT_PHONE)])).await;
    assert_eq!(r.status, 429, "a staff token does not lift the lookup limit");

    // Sign-in: the form checks the password, not the token.
    for _ in 0..5 {
        let r = app.send(app.client.post(app.url("/dang-nhap")).header("Authorization", &bearer).form(&[("username", "chuyenvien.nhatrang"), ("password", "sai-mat-khau")])).await;
        assert_eq!(r.status, 401);
    }
    let r = app.send(app.client.post(app.url("/dang-nhap")).header("Authorization", &bearer).form(&[("username", "chuyenvien.nhatrang"), ("password", "sai-mat-khau")])).await;
    assert_eq!(r.status, 429);
    let api = app.send(app.client.post(app.url("/api/v1/auth/token")).bearer_auth(&token).json(&json!({ "username": "chuyenvien.nhatrang", "password": "sai" }))).await;
    assert_eq!(api.status, 429, "nor on the API's sign-in");

    // Sign-up sends an SMS each time: at most 10, token or not.
    for i in 0..10 {
        let phone = format!("09059900{i:02}");
        let form = [("name", "Người Thử"), ("login", phone.as_str()), ("password", "mat khau dai 2026"), ("password2", "mat khau dai 2026")];
        assert_eq!(app.send(app.client.post(app.url("/tai-khoan/dang-ky")).header("Authorization", &bearer).form(&form)).await.status, 200);
    }
    let form = [("name", "Người Thử"), ("login", "0905990099"), ("password", "mat khau dai 2026"), ("password2", "mat khau dai 2026")];
    let r = app.send(app.client.post(app.url("/tai-khoan/dang-ky")).header("Authorization", &bearer).form(&form)).await;
    assert_eq!(r.status, 429);
    let sms: Vec<(i64,)> = app.raw_rows("SELECT COUNT(*) FROM outbox WHERE topic = 'otp.sms'").await;
    assert_eq!(sms[0].0, 10, "no message past the limit");

    // What the token is for still works: the officer reads the dossier through the API.
    assert_eq!(app.get(&format!("/api/v1/dossiers/{code}"), Some(&token)).await.status, 200);
}

on_both_backends!(staff_token_does_not_bypass_guessing_limits => staff_token_does_not_bypass_guessing_limits_sqlite, staff_token_does_not_bypass_guessing_limits_postgres);

async fn guesses_from_many_addresses_at_one_dossier_are_limited(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let other = code_of(&create_at_counter(app, BIRTH).await);
    // Ten wrong phones from five addresses (two each): no address and no phone is near its
    // own limit.
    for i in 0..10 {
        let r = lookup_from(app, &format!("10.0.0.{}", i % 5 + 1), &code, &format!("09130000{i:02}")).await;
        assert_eq!(r.status, 404, "guess {i}");
    }
    // The dossier is now closed to guesses from anywhere, right phone or not, and the API
    // shares the limit.
    let r = lookup_from(app, "10.0.0.99", &code, "0913999999").await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(r.text.contains("Bạn đã thử quá nhiều lần"));
    assert_eq!(lookup_from(app, "10.0.0.98", &code, APPLICANT_PHONE).await.status, 429, "the answer does not tell the right phone");
    let api = app.send(app.client.get(app.url(&format!("/api/v1/dossiers/{code}"))).header("X-Forwarded-For", "10.0.0.97").header("X-Applicant-Secret", APPLICANT_PHONE)).await;
    assert_eq!(api.status, 429);
    assert!(api.header("retry-after").is_some());
    // Another dossier is not affected; the lock opens after the window.
    assert_eq!(lookup_from(app, "10.0.0.96", &other, APPLICANT_PHONE).await.status, 200);
    app.clock.advance(chrono::Duration::minutes(15));
    assert_eq!(lookup_from(app, "10.0.0.95", &code, APPLICANT_PHONE).await.status, 200);
}

behind_proxy!(guesses_from_many_addresses_at_one_dossier_are_limited => guesses_from_many_addresses_at_one_dossier_are_limited_sqlite, guesses_from_many_addresses_at_one_dossier_are_limited_postgres);

async fn ipv6_addresses_in_one_64_share_a_limit(app: &TestApp) {
    // Twenty failures from twenty addresses of one /64 (other codes and phones each time).
    for i in 0..20u32 {
        let r = lookup_from(app, &format!("2001:db8:5:6::{:x}", i + 1), &format!("H56.22366-261123-{:04}", 100 + i), &format!("09140000{:02}", i % 4)).await;
        assert_eq!(r.status, 404, "guess {i}");
    }
    let r = lookup_from(app, "2001:db8:5:6:ffff::1", "H56.22366-261123-0200", "0914999999").await;
    assert_eq!(r.status, 429, "one more address of the same /64 is the same client");
    let r = lookup_from(app, "2001:db8:5:7::1", "H56.22366-261123-0201", "0914999998").await;
    assert_eq!(r.status, 404, "the next /64 is another client");
}

behind_proxy!(ipv6_addresses_in_one_64_share_a_limit => ipv6_addresses_in_one_64_share_a_limit_sqlite, ipv6_addresses_in_one_64_share_a_limit_postgres);

async fn sequential_code_scan_with_a_victims_phone_is_limited(app: &TestApp) {
    // The victim's dossier has the day's first number; the scan starts elsewhere in the
    // day's sequence, each guess from another address, at another code.
    let code = code_of(&create_at_counter(app, BIRTH).await);
    for (i, n) in (2..7).enumerate() {
        let r = lookup_from(app, &format!("10.1.0.{i}"), &neighbour(&code, n), APPLICANT_PHONE).await;
        assert_eq!(r.status, 404);
    }
    let r = lookup_from(app, "10.1.0.50", &code, APPLICANT_PHONE).await;
    assert_eq!(r.status, 429, "five misses with one phone stop the scan before it reaches the dossier");
    // The scan with another phone is another counter.
    assert_eq!(lookup_from(app, "10.1.0.51", &neighbour(&code, 9), "0915000000").await.status, 404);
    app.clock.advance(chrono::Duration::minutes(15));
    assert_eq!(lookup_from(app, "10.1.0.52", &code, APPLICANT_PHONE).await.status, 200);
}

behind_proxy!(sequential_code_scan_with_a_victims_phone_is_limited => sequential_code_scan_with_a_victims_phone_is_limited_sqlite, sequential_code_scan_with_a_victims_phone_is_limited_postgres);

async fn withdrawal_requires_a_one_time_code(app: &TestApp) {
    let reception = app.token("motcua.nhatrang").await;
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let withdraw = |one_time_code: &str| {
        let form = [("code", code.clone()), ("secret", APPLICANT_PHONE.to_string()), ("reason", "Không còn nhu cầu".to_string()), ("one_time_code", one_time_code.to_string())];
        app.send(app.client.post(app.url("/tra-cuu/rut-ho-so")).form(&form))
    };
    // The code and the phone (all a stranger may know) only send a code to the phone.
    let sent = withdraw("").await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert!(sent.text.contains("Mã xác nhận rút hồ sơ đã được gửi tới số điện thoại ******3456"), "{}", sent.text);
    assert!(sent.text.contains("name=\"one_time_code\""));
    assert_eq!(app.dossier(&code, &reception).await["state"], "received");
    let otp = sent_code(app, APPLICANT_PHONE, &code).await;
    // It shows in the demo mailbox's outbox like every code.
    let wrong = if otp == "000000" { "111111" } else { "000000" };
    let refused = withdraw(wrong).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text.contains("Mã xác nhận không đúng"), "{}", refused.text);
    assert_eq!(app.dossier(&code, &reception).await["state"], "received");
    let done = withdraw(&otp).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(app.dossier(&code, &reception).await["state"], "withdrawn");

    // The API: a first call sends the code (202), the second withdraws with it, once.
    let other = code_of(&create_at_counter(app, BIRTH).await);
    let path = format!("/api/v1/dossiers/{other}/withdraw");
    let call = |body: serde_json::Value| app.send(app.client.post(app.url(&path)).header("X-Applicant-Secret", APPLICANT_PHONE).json(&body));
    let first = call(json!({ "reason": "Không còn nhu cầu" })).await;
    assert_eq!(first.status, 202, "{}", first.text);
    assert_eq!(first.json()["sent_to"], "số điện thoại ******3456");
    let otp = sent_code(app, APPLICANT_PHONE, &other).await;
    call(json!({ "reason": "Không còn nhu cầu", "one_time_code": wrong })).await.expect_invalid("one_time_code");
    assert_eq!(app.dossier(&other, &reception).await["state"], "received");
    assert_eq!(call(json!({ "reason": "Không còn nhu cầu", "one_time_code": otp })).await.expect(200)["state"], "withdrawn");
    // Used up: the same code does nothing again.
    call(json!({ "reason": "Không còn nhu cầu", "one_time_code": otp })).await.expect_invalid("one_time_code");
    // Reception withdraws at the counter without a code (the applicant is in front of them).
    let third = code_of(&create_at_counter(app, BIRTH).await);
    assert_eq!(app.act(&third, "withdraw", &reception, json!({ "reason": "Công dân rút tại quầy" })).await.expect(200)["state"], "withdrawn");
}

on_both_backends!(withdrawal_requires_a_one_time_code => withdrawal_requires_a_one_time_code_sqlite, withdrawal_requires_a_one_time_code_postgres);

async fn stranger_cannot_lock_officer_out(app: &TestApp) {
    let pw = motcua::demo::DEMO_PASSWORD;
    for _ in 0..5 {
        assert_eq!(staff_sign_in_from(app, "10.2.0.1", "motcua.nhatrang", "sai-mat-khau").await.status, 401);
    }
    // The stranger's address is locked for this account, right password or not…
    assert_eq!(staff_sign_in_from(app, "10.2.0.1", "motcua.nhatrang", pw).await.status, 429);
    // …while the officer at the office signs in, on the page and for the API.
    assert_eq!(staff_sign_in_from(app, "10.2.0.2", "motcua.nhatrang", pw).await.status, 303);
    let api = app.send(app.client.post(app.url("/api/v1/auth/token")).header("X-Forwarded-For", "10.2.0.2").json(&json!({ "username": "motcua.nhatrang", "password": pw }))).await;
    assert_eq!(api.status, 200, "{}", api.text);
    assert_eq!(staff_sign_in_from(app, "10.2.0.1", "motcua.nhatrang", pw).await.status, 429, "the stranger is still held");

    // Brute force stays bounded: spread over many addresses, 50 failures in the window
    // close the account everywhere until the window ends.
    for a in 3..12 {
        for _ in 0..5 {
            assert_eq!(staff_sign_in_from(app, &format!("10.2.0.{a}"), "motcua.nhatrang", "sai-mat-khau").await.status, 401);
        }
    }
    assert_eq!(staff_sign_in_from(app, "10.2.0.2", "motcua.nhatrang", pw).await.status, 429);
    app.clock.advance(chrono::Duration::minutes(15));
    assert_eq!(staff_sign_in_from(app, "10.2.0.2", "motcua.nhatrang", pw).await.status, 303);
}

behind_proxy!(stranger_cannot_lock_officer_out => stranger_cannot_lock_officer_out_sqlite, stranger_cannot_lock_officer_out_postgres);

async fn weak_passwords_are_refused_for_citizens_and_staff(app: &TestApp) {
    for weak in ["12345678", "password", "1234567890", "matkhau123", "Password@123"] {
        let form = [("name", "Người Thử"), ("login", "0905880011"), ("password", weak), ("password2", weak)];
        let r = app.send(app.client.post(app.url("/tai-khoan/dang-ky")).form(&form)).await;
        assert_eq!(r.status, 422, "{weak}: {}", r.text);
        assert!(r.text.contains("Mật khẩu cần ít nhất 10 ký tự") || r.text.contains("Mật khẩu này quá phổ biến"), "{weak}: {}", r.text);
    }
    let admin = app.send(app.client.post(app.url("/dang-nhap")).form(&[("username", "quantri"), ("password", motcua::demo::DEMO_PASSWORD)])).await;
    let admin = admin.header("set-cookie").expect("signed in").split(';').next().unwrap().to_string();
    let create = |password: &'static str| app.send(app.client.post(app.url("/can-bo/quan-tri/can-bo")).header("Cookie", &admin).form(&[("username", "can.bo.moi"), ("full_name", "Cán Bộ Mới"), ("password", password)]));
    for weak in ["password", "qwertyuiop", "motcua@2026"] {
        let r = create(weak).await;
        assert_eq!(r.status, 422, "{weak}");
        assert!(r.text.contains("Mật khẩu"), "{weak}: {}", r.text);
    }
    let ids: Vec<(i64,)> = app.raw_rows("SELECT id FROM users WHERE username = 'chuyenvien.nhatrang'").await;
    let reset = app.send(app.client.post(app.url(&format!("/can-bo/quan-tri/can-bo/{}/mat-khau", ids[0].0))).header("Cookie", &admin).form(&[("password", "123456789a")])).await;
    assert_eq!(reset.status, 422);
    assert!(reset.text.contains("Mật khẩu này quá phổ biến"), "{}", reset.text);
    // A long, uncommon password is fine (as is the demo one, checked in core).
    assert_eq!(create("mot cay lam chang nen non").await.status, 303);
}

on_both_backends!(weak_passwords_are_refused_for_citizens_and_staff => weak_passwords_are_refused_for_citizens_and_staff_sqlite, weak_passwords_are_refused_for_citizens_and_staff_postgres);

async fn anonymous_submission_flood_is_limited(app: &TestApp) {
    let submit = |addr: &'static str| app.send(app.client.post(app.url("/api/v1/dossiers")).header("X-Forwarded-For", addr).json(&submission(CERTIFIED_COPY, NHA_TRANG, "online")));
    for _ in 0..10 {
        submit("10.3.0.1").await.expect(201);
    }
    let r = submit("10.3.0.1").await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(r.json()["error"], "too_many_attempts");
    assert!(r.json()["message"].as_str().unwrap().contains("Vui lòng thử lại sau"));
    assert!(r.header("retry-after").is_some());
    // Other senders are not held up: another address, and officers at the counter.
    submit("10.3.0.2").await.expect(201);
    create_at_counter(app, BIRTH).await;
    app.clock.advance(chrono::Duration::hours(1));
    submit("10.3.0.1").await.expect(201);
}

behind_proxy!(anonymous_submission_flood_is_limited => anonymous_submission_flood_is_limited_sqlite, anonymous_submission_flood_is_limited_postgres);

fn complaint(dossier: &str) -> Vec<(&'static str, String)> {
    vec![
        ("topic", "officer".into()),
        ("dossier", dossier.into()),
        ("subject", "Cán bộ hẹn lại nhiều lần".into()),
        ("content", "Tôi được hẹn lại ba lần cho cùng một giấy tờ.".into()),
        ("name", "Lê Văn Tâm".into()),
        ("phone", "0905123456".into()),
    ]
}

async fn complaint_flood_is_limited(app: &TestApp) {
    let send = |addr: &'static str| app.send(app.client.post(app.url("/phan-anh")).header("X-Forwarded-For", addr).form(&complaint("")));
    for _ in 0..10 {
        assert_eq!(send("10.4.0.1").await.status, 201);
    }
    let r = send("10.4.0.1").await;
    assert_eq!(r.status, 429);
    assert!(r.text.contains("Bạn đã thử quá nhiều lần"), "{}", r.text);
    assert!(r.header("retry-after").is_some());
    assert_eq!(send("10.4.0.2").await.status, 201, "another address is not held up");
    let stored: Vec<(i64,)> = app.raw_rows("SELECT COUNT(*) FROM feedback").await;
    assert_eq!(stored[0].0, 11);
}

behind_proxy!(complaint_flood_is_limited => complaint_flood_is_limited_sqlite, complaint_flood_is_limited_postgres);

async fn complaint_form_does_not_reveal_dossier_codes(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let send = |dossier: String| app.send(app.client.post(app.url("/phan-anh")).form(&complaint(&dossier)));
    let real = send(code.clone()).await;
    let unknown = send(neighbour(&code, 9999)).await;
    assert_eq!((real.status, unknown.status), (201, 201));
    let tracking = |t: &str| {
        let at = t.find("PA-").expect("a tracking code");
        t[at..at + 15].to_string()
    };
    let (a, b) = (tracking(&real.text), tracking(&unknown.text));
    assert_eq!(real.text.replace(&a, "PA"), unknown.text.replace(&b, "PA"), "a real and an invented code read alike");
    // The invented code counted as a failed lookup for this address: 19 more and the
    // lookup page is closed to it (other codes and phones, so only the address counts).
    for i in 0..19u32 {
        let r = app.send(app.client.post(app.url("/tra-cuu")).form(&[("code", neighbour(&code, 100 + i).as_str()), ("secret", format!("09160000{:02}", i % 4).as_str())])).await;
        assert_eq!(r.status, 404);
    }
    let r = app.send(app.client.post(app.url("/tra-cuu")).form(&[("code", code.as_str()), ("secret", APPLICANT_PHONE)])).await;
    assert_eq!(r.status, 429);
    // And a complaint naming a dossier is then refused too, whether the code exists or not.
    assert_eq!(send(code.clone()).await.status, 429);
}

on_both_backends!(complaint_form_does_not_reveal_dossier_codes => complaint_form_does_not_reveal_dossier_codes_sqlite, complaint_form_does_not_reveal_dossier_codes_postgres);
