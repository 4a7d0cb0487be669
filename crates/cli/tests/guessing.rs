//! Guessing is slow and tells nothing: sign-in locks per account and per address, public
//! lookups and message-sending forms are limited per address, and the answers are the same
//! whether an account, code or phone exists. Sessions are new at every sign-in.

#[macro_use]
mod common;

use common::*;

async fn staff_sign_in(app: &TestApp, username: &str, password: &str, cookie: Option<&str>) -> Resp {
    let mut rb = app.client.post(app.url("/dang-nhap")).form(&[("username", username), ("password", password)]);
    if let Some(c) = cookie {
        rb = rb.header("Cookie", c);
    }
    app.send(rb).await
}

fn session_of(r: &Resp) -> String {
    r.header("set-cookie").expect("a session cookie").split(';').next().unwrap().to_string()
}

async fn sign_in_locks_per_account_and_says_nothing_about_existence(app: &TestApp) {
    let pw = motcua::demo::DEMO_PASSWORD;
    for account in ["motcua.nhatrang", "khong.ton.tai"] {
        for _ in 0..5 {
            let r = staff_sign_in(app, account, "sai-mat-khau", None).await;
            assert_eq!(r.status, 401, "{account}");
        }
        // Locked, whether or not the account exists, and even with the right password.
        let r = staff_sign_in(app, account, pw, None).await;
        assert_eq!(r.status, 429, "{account}: {}", r.text);
        assert!(r.text.contains("Bạn đã thử quá nhiều lần") && r.text.contains("15 phút"), "{}", r.text);
        assert_eq!(r.header("retry-after"), Some("900"));
    }
    let api = app.post_json("/api/v1/auth/token", None, &serde_json::json!({ "username": "motcua.nhatrang", "password": pw }), None).await;
    assert_eq!(api.status, 429, "the API shares the lock");
    assert_eq!(api.json()["error"], "too_many_attempts");
    // Another account at the same address is not locked out.
    assert_eq!(staff_sign_in(app, "chuyenvien.nhatrang", pw, None).await.status, 303);

    // A quarter of an hour later the account opens again; a session planted before the
    // sign-in is ended by it.
    app.clock.advance(chrono::Duration::minutes(15));
    let first = session_of(&staff_sign_in(app, "motcua.nhatrang", pw, None).await);
    let second = staff_sign_in(app, "motcua.nhatrang", pw, Some(&first)).await;
    assert_eq!(second.status, 303);
    let second = session_of(&second);
    assert_ne!(first, second);
    let old = app.send(app.client.get(app.url("/can-bo")).header("Cookie", &first)).await;
    assert_eq!((old.status, old.header("location")), (303, Some("/dang-nhap")), "the old session is over");
    assert_eq!(app.send(app.client.get(app.url("/can-bo")).header("Cookie", &second)).await.status, 200);
}

on_both_backends!(sign_in_locks_per_account_and_says_nothing_about_existence => sign_in_lock_sqlite, sign_in_lock_postgres);

async fn lookups_are_limited_per_address_and_answer_alike(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let lookup = |code: String, secret: &'static str| async move { app.send(app.client.post(app.url("/tra-cuu")).form(&[("code", code.as_str()), ("secret", secret)])).await };
    // A wrong phone for a real code and any phone for a code that does not exist read the
    // same (but for the code typed, which the page repeats).
    let unknown_code = format!("{}9", &code[..code.len() - 1]);
    let wrong_secret = lookup(code.clone(), "0912000000").await;
    let no_dossier = lookup(unknown_code.clone(), "0912000000").await;
    assert_eq!((wrong_secret.status, no_dossier.status), (404, 404));
    let typed = |c: &str| format!("value=\"{c}\"");
    assert_eq!(wrong_secret.text.replace(&typed(&code), "X"), no_dossier.text.replace(&typed(&unknown_code), "X"));

    // Other codes and phones each time: the limits per dossier and per phone have their own
    // tests (guessing_more.rs); this one is the address's.
    for i in 2..20 {
        let (other, phone): (String, &'static str) = (format!("{}{i:02}", &code[..code.len() - 2]), ["0912000001", "0912000002", "0912000003", "0912000004"][i % 4]);
        assert_eq!(lookup(other, phone).await.status, 404);
    }
    // The 21st failure is not even tried, right secret or not.
    let locked = lookup(code.clone(), APPLICANT_PHONE).await;
    assert_eq!(locked.status, 429, "{}", locked.text);
    assert!(locked.text.contains("Bạn đã thử quá nhiều lần"));
    assert_eq!(app.get_as_applicant(&format!("/api/v1/dossiers/{code}"), APPLICANT_PHONE).await.status, 429, "the API shares the limit");
    // Officers with a valid token are not held up by a stranger at their address.
    let t = app.token("motcua.nhatrang").await;
    assert_eq!(app.get(&format!("/api/v1/dossiers/{code}"), Some(&t)).await.status, 200);

    app.clock.advance(chrono::Duration::minutes(15));
    assert_eq!(lookup(code.clone(), APPLICANT_PHONE).await.status, 200);
}

on_both_backends!(lookups_are_limited_per_address_and_answer_alike => lookup_limit_sqlite, lookup_limit_postgres);

async fn password_reset_answers_alike_and_sends_few_messages(app: &TestApp) {
    let forgot = |login: &'static str| async move { app.send(app.client.post(app.url("/tai-khoan/quen-mat-khau")).form(&[("login", login)])).await };
    // Nobody has an account here: the answer for an existing one is checked in portal.rs;
    // two unknown logins of the same kind read alike.
    let a = forgot("0905000111").await;
    let b = forgot("0905000222").await;
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(a.text.replace("0905000111", "X").replace("******0111", "Y"), b.text.replace("0905000222", "X").replace("******0222", "Y"));
    for _ in 2..10 {
        assert_eq!(forgot("0905000333").await.status, 200);
    }
    let r = forgot("0905000444").await;
    assert_eq!(r.status, 429, "each request may send an SMS: at most 10 per address in 15 minutes");
    assert!(r.text.contains("Bạn đã thử quá nhiều lần"));
}

on_both_backends!(password_reset_answers_alike_and_sends_few_messages => reset_limit_sqlite, reset_limit_postgres);
