//! Personal data stays with those entitled to it, and the API keeps its promises to
//! integrators: counter prefill within the officer's agencies, no open redirect after
//! sign-in, officers' internal notes kept from applicants, nothing personal cached, no
//! files planted in a citizen's store, HSTS behind HTTPS, retries that replay, counter
//! reception by the API under the counter's rule, and an OpenAPI document that says what
//! the server does. On SQLite and PostgreSQL where storage is involved.

#[macro_use]
mod common;

use common::*;
use serde_json::{json, Value};

fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = html.find(&key).unwrap_or_else(|| panic!("no hidden {name} in:\n{html}")) + key.len();
    let end = html[start..].find('"').expect("value end") + start;
    html[start..end].to_string()
}



fn cookie_of(r: &Resp) -> String {
    r.header("set-cookie").unwrap_or_else(|| panic!("no Set-Cookie ({}): {}", r.status, r.text)).split(';').next().unwrap().to_string()
}

async fn staff_cookie(app: &TestApp, username: &str) -> String {
    let r = page_post(app, "/dang-nhap", None, &[("username", username), ("password", motcua::demo::DEMO_PASSWORD)]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    cookie_of(&r)
}

/// Signs a citizen up with a one-time code; returns the session cookie.
async fn citizen(app: &TestApp, login: &str, password: &str) -> String {
    let r = page_post(app, "/tai-khoan/dang-ky", None, &[("name", "Nguyễn Thị Hạnh"), ("login", login), ("password", password), ("password2", password)]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let messages = app.store.recent_messages(20).await.unwrap();
    let m = messages.iter().find(|m| m.payload.contains(login) && m.topic.starts_with("otp.")).expect("a code was sent");
    let text: Value = serde_json::from_str(&m.payload).unwrap();
    let code = text["text"].as_str().unwrap().split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("a code").to_string();
    let ok = page_post(app, "/tai-khoan/xac-minh", None, &[("login", login), ("code", &code)]).await;
    assert_eq!(ok.status, 303, "{}", ok.text);
    cookie_of(&ok)
}

// -----------------------------------------------------------------------------------------
// 10. Counter prefill

async fn counter_prefill_does_not_leak_other_agencies_applicants(app: &TestApp) {
    // A Cam Lâm dossier of someone who never went to Nha Trang.
    let camlam = app.token("motcua.camlam").await;
    let mut body = submission(BIRTH, CAM_LAM, "counter");
    body["applicant"] = json!({ "kind": "person", "name": "Lê Thị Kín Đáo", "id_number": "056185009876", "phone": "0977111222",
        "email": "kin.dao@example.vn", "address": "Thôn Tân Hải, xã Cam Lâm" });
    app.post_json("/api/v1/dossiers", Some(&camlam), &body, None).await.expect(201);
    // And a Nha Trang dossier of the usual applicant.
    create_at_counter(app, BIRTH).await;

    let officer = staff_cookie(app, "motcua.nhatrang").await;
    let form = |id: &str| format!("/can-bo/tiep-nhan?co_quan={NHA_TRANG}&thu_tuc={BIRTH}&so_dinh_danh={id}");
    let foreign = page_get(app, &form("056185009876"), Some(&officer)).await;
    assert_eq!(foreign.status, 200, "{}", foreign.text);
    for secret in ["Lê Thị Kín Đáo", "0977111222", "kin.dao@example.vn", "Thôn Tân Hải"] {
        assert!(!foreign.text.contains(secret), "another agency's applicant detail {secret:?} was prefilled");
    }
    // The officer's own agency's applicant is still prefilled.
    let own = page_get(app, &form(APPLICANT_CCCD), Some(&officer)).await;
    assert!(own.text.contains(APPLICANT_NAME) && own.text.contains(APPLICANT_PHONE), "prefill within the agency still works");
}

on_both_backends!(counter_prefill_does_not_leak_other_agencies_applicants =>
    counter_prefill_does_not_leak_other_agencies_applicants_sqlite, counter_prefill_does_not_leak_other_agencies_applicants_postgres);

// -----------------------------------------------------------------------------------------
// 12. Open redirect

async fn sign_in_redirect_cannot_leave_the_site(app: &TestApp) {
    citizen(app, "0911222333", "mat khau dai du 1").await;
    const DEFAULT: &str = "/ho-so-cua-toi";
    // As typed in the link (percent-encoded) and as the form posts it back (decoded).
    let payloads: [(&str, &str); 12] = [
        ("/%09/evil.example", "/\t/evil.example"),
        ("/%0a/evil.example", "/\n/evil.example"),
        ("/%0d%0aSet-Cookie:%20x=1", "/\r\nSet-Cookie: x=1"),
        ("//evil.example", "//evil.example"),
        ("/%5Cevil.example", "/\\evil.example"),
        ("%5C%5Cevil.example", "\\\\evil.example"),
        ("https://evil.example", "https://evil.example"),
        ("https:evil.example", "https:evil.example"),
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("%09/evil.example", "\t/evil.example"),
        ("/%20/evil.example", "/ /evil.example"),
        ("evil.example", "evil.example"),
    ];
    for (encoded, decoded) in payloads {
        let page = page_get(app, &format!("/tai-khoan/dang-nhap?tiep={encoded}"), None).await;
        assert_eq!(page.status, 200, "{encoded}: {}", page.text);
        assert_eq!(hidden(&page.text, "next"), DEFAULT, "{encoded} is not carried into the form");
        let signed = page_post(app, "/tai-khoan/dang-nhap", None, &[("login", "0911222333"), ("password", "mat khau dai du 1"), ("next", decoded)]).await;
        assert_eq!(signed.status, 303, "{decoded:?}: {}", signed.text);
        assert_eq!(signed.header("location"), Some(DEFAULT), "{decoded:?} must not be followed");
    }
    // A path on this site is followed.
    let signed = page_post(app, "/tai-khoan/dang-nhap", None, &[("login", "0911222333"), ("password", "mat khau dai du 1"), ("next", "/giay-to-cua-toi")]).await;
    assert_eq!(signed.header("location"), Some("/giay-to-cua-toi"));
    // Staff sign-in has no redirect parameter: it always lands on the staff home page.
    let staff = app.send(app.client.post(app.url("/dang-nhap?tiep=//evil.example")).form(&[("username", "motcua.nhatrang"), ("password", motcua::demo::DEMO_PASSWORD), ("next", "//evil.example")])).await;
    assert_eq!(staff.header("location"), Some("/can-bo"));
}

on_both_backends!(sign_in_redirect_cannot_leave_the_site => sign_in_redirect_cannot_leave_the_site_sqlite, sign_in_redirect_cannot_leave_the_site_postgres);

// -----------------------------------------------------------------------------------------
// 14. Internal notes

async fn officers_internal_notes_never_reach_the_applicant(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, json!({ "note": "NỘI-BỘ-1 chuyển gấp, hồ sơ người quen" })).await.expect(200);
    let d = app.dossier(&code, &reception).await;
    let first = app.token(step_user(&d, 0)).await;
    // Hand the step to a colleague holding its role (here: the one who has it).
    let role = motcua_core::dossier::Role::parse(d["steps"][0]["role"].as_str().unwrap()).unwrap();
    let agency = app.store.agency_by_code(d["steps"][0]["agency"]["code"].as_str().unwrap()).await.unwrap().unwrap().id;
    let (colleague, colleague_name) = app.store.holders(role, agency).await.unwrap().into_iter().next().expect("a holder of the step's role");
    app.act(&code, "assign", &first, json!({ "assignee": colleague, "note": "NỘI-BỘ-2 nhờ xem giúp" })).await.expect(200);
    let d = app.act(&code, "forward", &first, json!({ "note": "NỘI-BỘ-3 đã thẩm định sơ bộ" })).await.expect(200);
    let second = app.token(step_user(&d, 1)).await;
    app.act(&code, "return-to-step", &second, json!({ "step": 0, "reason": "NỘI-BỘ-4 thiếu chữ ký nháy" })).await.expect(200);

    // Staff see everything.
    let staff_view = app.get(&format!("/api/v1/dossiers/{code}"), Some(&reception)).await.text;
    for n in ["NỘI-BỘ-1", "NỘI-BỘ-2", "NỘI-BỘ-3", "NỘI-BỘ-4"] {
        assert!(staff_view.contains(n), "staff see {n}");
    }
    // The applicant, by the API and by the lookup page, sees that the dossier moved, not why or to whom.
    let api = app.get_as_applicant(&format!("/api/v1/dossiers/{code}"), APPLICANT_PHONE).await;
    let view = api.expect(200);
    let page = page_post(app, "/tra-cuu", None, &[("code", &code), ("secret", APPLICANT_PHONE)]).await;
    assert_eq!(page.status, 200);
    for (what, text) in [("API", api.text.as_str()), ("lookup page", page.text.as_str())] {
        for n in ["NỘI-BỘ-1", "NỘI-BỘ-2", "NỘI-BỘ-3", "NỘI-BỘ-4", colleague_name.as_str(), "assignee", "step_outcome"] {
            assert!(!text.contains(n), "the applicant's {what} shows {n:?}");
        }
    }
    let actions: Vec<&str> = view["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["submit", "receive", "transfer", "forward", "return_to_step"], "one definition: the same events on the page and in the API");
    assert!(page.text.contains("Chuyển hồ sơ đến bộ phận giải quyết") && page.text.contains("Trả lại bước trước"));
    assert!(view["timeline"].as_array().unwrap().iter().all(|e| e["actor"].is_null()));
}

on_both_backends!(officers_internal_notes_never_reach_the_applicant =>
    officers_internal_notes_never_reach_the_applicant_sqlite, officers_internal_notes_never_reach_the_applicant_postgres);

// -----------------------------------------------------------------------------------------
// 16. Caching

async fn personal_data_is_never_cached(app: &TestApp) {
    let online = submit_birth_online(app).await;
    let reference = online["reference"].as_str().unwrap().to_string();
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let reception = app.token("motcua.nhatrang").await;
    let officer = staff_cookie(app, "motcua.nhatrang").await;
    let citizen = citizen(app, APPLICANT_PHONE, "mat khau cua Hanh 1").await;
    let file_id = app.dossier(&reference, &reception).await["documents"][0]["id"].as_i64().expect("a document");

    let no_store = |r: &Resp, what: &str| {
        assert!(r.status < 400, "{what}: {} {}", r.status, r.text);
        assert_eq!(r.header("cache-control"), Some("no-store"), "{what} must not be cached");
    };
    no_store(&page_get(app, &format!("/can-bo/ho-so/{code}"), Some(&officer)).await, "staff dossier page");
    no_store(&page_get(app, &format!("/can-bo/ho-so/{reference}/tep/{file_id}"), Some(&officer)).await, "a dossier's file");
    no_store(&page_get(app, &format!("/can-bo/ho-so/{code}/mau/01"), Some(&officer)).await, "a dossier's form (PDF)");
    no_store(&page_get(app, "/can-bo", Some(&officer)).await, "staff list");
    no_store(&page_post(app, "/tra-cuu", None, &[("code", &code), ("secret", APPLICANT_PHONE)]).await, "lookup result");
    no_store(&page_get(app, "/ho-so-cua-toi", Some(&citizen)).await, "citizen's dossiers");
    no_store(&page_get(app, &format!("/ho-so-cua-toi/{code}"), Some(&citizen)).await, "citizen's dossier");
    no_store(&page_get(app, "/giay-to-cua-toi", Some(&citizen)).await, "citizen's documents");
    no_store(&app.get(&format!("/api/v1/dossiers/{code}"), Some(&reception)).await, "API dossier");
    no_store(&app.get_as_applicant(&format!("/api/v1/dossiers/{code}"), APPLICANT_PHONE).await, "API dossier for the applicant");
    no_store(&app.get("/api/v1/dossiers", Some(&reception)).await, "API list");
    // Public pages and assets may be cached.
    for path in ["/static/app.css", "/thu-tuc", &format!("/thu-tuc/{BIRTH}"), "/api/v1/procedures"] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, 200, "{path}");
        assert_ne!(r.header("cache-control"), Some("no-store"), "{path} is public");
    }
}

on_both_backends!(personal_data_is_never_cached => personal_data_is_never_cached_sqlite, personal_data_is_never_cached_postgres);

// -----------------------------------------------------------------------------------------
// 20. Document store

async fn anonymous_submission_cannot_plant_files_in_a_citizens_store(app: &TestApp) {
    let victim = citizen(app, APPLICANT_PHONE, "mat khau cua Hanh 1").await;
    // A stranger submits online, anonymously, naming the victim's verified phone.
    let planted = submit_online_with_files(app, BIRTH, NHA_TRANG).await.expect(201);
    let row = app.store.dossier_by_public_id(planted["reference"].as_str().unwrap()).await.unwrap().unwrap();
    let planted_sha = app.store.dossier_documents(row.id).await.unwrap()[0].sha256.clone();

    let store = page_get(app, "/giay-to-cua-toi", Some(&victim)).await;
    assert_eq!(store.status, 200);
    assert!(!store.text.contains(&planted_sha) && !store.text.contains("giay-to-0.pdf"), "the planted file is not in the store");
    assert_eq!(page_get(app, &format!("/giay-to-cua-toi/{planted_sha}"), Some(&victim)).await.status, 404);
    let form = page_get(app, &format!("/nop-ho-so/{BIRTH}"), Some(&victim)).await;
    assert!(!form.text.contains(&planted_sha), "nor offered for reuse");

    // A result issued to the holder of the phone does enter it once returned.
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, json!({})).await.expect(200);
    forward_to_last_step(app, &code).await;
    app.act(&code, "approve", &app.token("lanhdao.nhatrang").await, json!({ "generate_result": true })).await.expect(200);
    app.act(&code, "return-result", &reception, json!({ "method": "online" })).await.expect(200);
    let row = app.store.dossier_by_public_id(&code).await.unwrap().unwrap();
    let result = app.store.dossier_documents(row.id).await.unwrap().into_iter().find(|d| d.role == "result").expect("a result");
    let store = page_get(app, "/giay-to-cua-toi", Some(&victim)).await;
    assert!(store.text.contains(&result.sha256), "the returned result is in the store");
}

on_both_backends!(anonymous_submission_cannot_plant_files_in_a_citizens_store =>
    anonymous_submission_cannot_plant_files_in_a_citizens_store_sqlite, anonymous_submission_cannot_plant_files_in_a_citizens_store_postgres);

// -----------------------------------------------------------------------------------------
// 22. HSTS

#[tokio::test]
async fn hsts_is_sent_with_secure_cookies() {
    let config = motcua_web::Config { secure_cookies: true, ..motcua_web::Config::default() };
    let app = spawn_app_configured(Backend::Sqlite, motcua_core::calendar::WorkCalendar::weekdays(), config).await.unwrap();
    for path in ["/", "/tra-cuu", "/api/v1/procedures", "/khong-co"] {
        let r = app.get(path, None).await;
        assert_eq!(r.header("strict-transport-security"), Some("max-age=31536000; includeSubDomains"), "{path}");
    }
    app.cleanup().await;
    // On a laptop over plain HTTP, nothing to pin.
    let plain = spawn_app(Backend::Sqlite).await.unwrap();
    assert_eq!(plain.get("/", None).await.header("strict-transport-security"), None);
    plain.cleanup().await;
}

// -----------------------------------------------------------------------------------------
// 23. Idempotency of every action

/// Sends the same action twice with one key: the retry gets the first answer, byte for
/// byte, and the dossier moved once.
async fn twice(app: &TestApp, code: &str, action: &str, auth: Auth<'_>, body: Value) -> Value {
    let key = format!("thu-lai-{action}-{code}");
    let send = || {
        let mut rb = app.client.post(app.url(&format!("/api/v1/dossiers/{code}/{action}"))).header("Idempotency-Key", &key).json(&body);
        rb = match auth {
            Auth::Token(t) => rb.bearer_auth(t),
            Auth::Secret(s) => rb.header("X-Applicant-Secret", s),
        };
        app.send(rb)
    };
    let before = app.store.dossier_by_public_id(code).await.unwrap().unwrap().version;
    let first = send().await;
    let v = first.expect(200);
    let retry = send().await;
    assert_eq!(retry.status, 200, "retried {action}: {}", retry.text);
    assert_eq!(retry.text, first.text, "retried {action} gets the first answer");
    assert_eq!(retry.header("idempotent-replay"), Some("true"));
    assert_eq!(app.store.dossier_by_public_id(code).await.unwrap().unwrap().version, before + 1, "{action} applied once");
    v
}

#[derive(Clone, Copy)]
enum Auth<'a> {
    Token(&'a str),
    Secret(&'a str),
}

async fn retried_approve_with_generated_result_replays_first_answer(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, json!({})).await.expect(200);
    forward_to_last_step(app, &code).await;
    let leader = app.token("lanhdao.nhatrang").await;
    let v = twice(app, &code, "approve", Auth::Token(&leader), json!({ "generate_result": true })).await;
    assert_eq!(v["state"], "result_ready");
    let row = app.store.dossier_by_public_id(&code).await.unwrap().unwrap();
    let results = app.store.dossier_documents(row.id).await.unwrap().into_iter().filter(|d| d.role == "result").count();
    assert_eq!(results, 1, "one result notice, not two");
}

on_both_backends!(retried_approve_with_generated_result_replays_first_answer =>
    retried_approve_with_generated_result_replays_first_answer_sqlite, retried_approve_with_generated_result_replays_first_answer_postgres);

async fn every_retried_action_replays_its_first_answer(app: &TestApp) {
    let reception = app.token("motcua.nhatrang").await;
    let token = |d: &Value, i: usize| user_for(d["steps"][i]["role"].as_str().unwrap(), d["steps"][i]["agency"]["code"].as_str().unwrap());

    // One dossier through its whole life.
    let code = submit_birth_online(app).await["reference"].as_str().unwrap().to_string();
    twice(app, &code, "request-supplement", Auth::Token(&reception), supplement_items()).await;
    twice(app, &code, "supply", Auth::Secret(APPLICANT_PHONE), json!({})).await;
    let code = code_of(&twice(app, &code, "receive", Auth::Token(&reception), json!({})).await);
    let d = twice(app, &code, "transfer", Auth::Token(&reception), json!({ "note": "chuyển" })).await;
    let first = app.token(token(&d, 0)).await;
    let me = app.get("/api/v1/me", Some(&first)).await.expect(200);
    let role = motcua_core::dossier::Role::parse(d["steps"][0]["role"].as_str().unwrap()).unwrap();
    let agency = app.store.agency_by_code(d["steps"][0]["agency"]["code"].as_str().unwrap()).await.unwrap().unwrap().id;
    let holder = app.store.holders(role, agency).await.unwrap().into_iter().find(|(_, n)| Some(n.as_str()) == me["full_name"].as_str()).expect("the step's holder").0;
    twice(app, &code, "assign", Auth::Token(&first), json!({ "assignee": holder })).await;
    twice(app, &code, "extend", Auth::Token(&first), json!({ "new_due": "2027-06-01T17:00:00+07:00", "reason": "Chờ xác minh" })).await;
    let d = twice(app, &code, "forward", Auth::Token(&first), json!({})).await;
    let second = app.token(token(&d, 1)).await;
    twice(app, &code, "return-to-step", Auth::Token(&second), json!({ "step": 0, "reason": "Xem lại" })).await;
    forward_to_last_step(app, &code).await;
    twice(app, &code, "approve", Auth::Token(&app.token("lanhdao.nhatrang").await), json!({})).await;
    twice(app, &code, "return-result", Auth::Token(&reception), json!({ "method": "counter", "receiver_name": APPLICANT_NAME, "receiver_id": APPLICANT_CCCD })).await;

    // The endings.
    let rejected = submit_birth_online(app).await["reference"].as_str().unwrap().to_string();
    twice(app, &rejected, "reject", Auth::Token(&reception), json!({ "reason": "Không thuộc thẩm quyền" })).await;
    let stopped = code_of(&create_at_counter(app, BIRTH).await);
    app.act(&stopped, "transfer", &reception, json!({})).await.expect(200);
    twice(app, &stopped, "stop", Auth::Token(&app.token("lanhdao.nhatrang").await), json!({ "reason": "Người nộp đề nghị dừng" })).await;
    let withdrawn = code_of(&create_at_counter(app, BIRTH).await);
    // An applicant's withdrawal first sends a one-time code (202); the action is the call
    // that carries it.
    let asked = app.post_as_applicant(&format!("/api/v1/dossiers/{withdrawn}/withdraw"), APPLICANT_PHONE, &json!({ "reason": "Không còn nhu cầu" })).await;
    assert_eq!(asked.status, 202, "{}", asked.text);
    let otp = sent_code(app, APPLICANT_PHONE, &withdrawn).await;
    twice(app, &withdrawn, "withdraw", Auth::Secret(APPLICANT_PHONE), json!({ "reason": "Không còn nhu cầu", "one_time_code": otp })).await;
}

on_both_backends!(every_retried_action_replays_its_first_answer =>
    every_retried_action_replays_its_first_answer_sqlite, every_retried_action_replays_its_first_answer_postgres);

// -----------------------------------------------------------------------------------------
// 24. Counter reception through the API

async fn api_counter_reception_refuses_incomplete_dossier(app: &TestApp) {
    let reception = app.token("motcua.nhatrang").await;
    let before = app.count_dossiers().await;
    let complete = submission(BIRTH, NHA_TRANG, "counter");

    let mut none = complete.clone();
    none.as_object_mut().unwrap().remove("reception");
    app.post_json("/api/v1/dossiers", Some(&reception), &none, None).await.expect_invalid("reception");

    let mut empty = complete.clone();
    empty["reception"]["papers"] = json!([]);
    let r = app.post_json("/api/v1/dossiers", Some(&reception), &empty, None).await;
    let paths = r.expect_error(422);
    assert!(paths.iter().filter(|p| *p == "reception.papers").count() >= 3, "each missing mandatory paper is named: {}", r.text);
    assert!(r.text.contains("Tờ khai đăng ký khai sinh"));

    let mut wrong = complete.clone();
    wrong["reception"]["papers"][0]["form"] = json!("copy");
    wrong["reception"]["papers"][1]["copies"] = json!(0);
    wrong["reception"]["papers"].as_array_mut().unwrap().push(json!({ "name": "Giấy không có trong danh mục", "form": "copy", "copies": 1 }));
    wrong["reception"]["fee_vnd"] = json!(8000);
    wrong["applicant"]["phone"] = json!("12");
    let r = app.post_json("/api/v1/dossiers", Some(&reception), &wrong, None).await;
    let paths = r.expect_error(422);
    for p in ["reception.papers[0].form", "reception.papers[1].copies", "reception.papers[3].name", "reception.fee_receipt", "applicant.phone"] {
        assert!(paths.iter().any(|x| x == p), "{p} named in {paths:?}");
    }
    let mut online = complete.clone();
    online["channel"] = json!("online");
    app.post_json("/api/v1/dossiers", Some(&reception), &online, None).await.expect_invalid("reception");
    assert_eq!(app.count_dossiers().await, before, "nothing received");

    // A complete checklist is received and printed on the receipt (Mẫu 01).
    let mut full = complete.clone();
    full["reception"]["papers"][1]["copies"] = json!(2);
    full["reception"]["fee_vnd"] = json!(8000);
    full["reception"]["fee_receipt"] = json!("BL-0042");
    let d = app.post_json("/api/v1/dossiers", Some(&reception), &full, None).await.expect(201);
    assert_eq!(d["state"], "received");
    let row = app.store.dossier_by_public_id(&code_of(&d)).await.unwrap().unwrap();
    let recorded = app.store.dossier_reception(row.id).await.unwrap().expect("the checklist is recorded");
    assert_eq!(recorded.papers.len(), 3);
    assert_eq!((recorded.papers[1].count, recorded.papers[2].form), (2, motcua_core::reception::PaperForm::Shown));
    assert_eq!(recorded.fee_receipt.as_deref(), Some("BL-0042"));
    let officer = staff_cookie(app, "motcua.nhatrang").await;
    let pdf = app.client.get(app.url(&format!("/can-bo/ho-so/{}/mau/01", code_of(&d)))).header("Cookie", &officer).send().await.unwrap().bytes().await.unwrap();
    let text = pdf_text(&pdf);
    assert!(text.contains("Giấy chứng sinh"), "Mẫu 01 lists the papers: {text}");
}

on_both_backends!(api_counter_reception_refuses_incomplete_dossier =>
    api_counter_reception_refuses_incomplete_dossier_sqlite, api_counter_reception_refuses_incomplete_dossier_postgres);

// -----------------------------------------------------------------------------------------
// 28. The API's contract

#[tokio::test]
async fn unauthenticated_api_answers_carry_www_authenticate() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let code = code_of(&create_at_counter(&app, BIRTH).await);
    let cases = [
        app.get("/api/v1/dossiers", None).await,
        app.get("/api/v1/me", None).await,
        app.get(&format!("/api/v1/dossiers/{code}"), None).await,
        app.get("/api/v1/dossiers", Some("het-han-hoac-sai")).await,
        app.post_json(&format!("/api/v1/dossiers/{code}/transfer"), None, &json!({}), None).await,
        app.post_json("/api/v1/dossiers", None, &submission(BIRTH, NHA_TRANG, "counter"), None).await,
    ];
    for r in cases {
        assert_eq!(r.status, 401, "{}", r.text);
        assert!(r.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")), "RFC 6750: a 401 names its scheme: {:?}", r.headers);
        assert_eq!(r.json()["error"], "unauthorized");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn the_openapi_document_states_security_bodies_bounds_and_descriptions() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let doc = app.get("/api/openapi.json", None).await.expect(200);
    app.cleanup().await;
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            operations += 1;
            let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{method} {path}: no responses"));
            if responses.contains_key("401") {
                assert!(op["security"].is_array(), "{method} {path} documents a 401 but no security");
            }
            for (status, r) in responses {
                assert!(r["description"].as_str().is_some_and(|d| !d.trim().is_empty()), "{method} {path} {status}: empty description");
            }
        }
    }
    assert!(operations >= 20);
    let create = &doc["paths"]["/api/v1/dossiers"]["post"];
    let content = &create["requestBody"]["content"];
    assert!(content["application/json"]["schema"].is_object());
    let multipart = &content["multipart/form-data"]["schema"];
    assert!(multipart["properties"]["dossier"].is_object() && multipart["additionalProperties"]["format"] == "binary", "the multipart body is described: {content}");
    assert!(doc["components"]["schemas"]["ReceptionInput"].is_object(), "the counter checklist is documented");
    let limit = |path: &str| {
        doc["paths"][path]["get"]["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "limit").cloned().unwrap_or_else(|| panic!("{path}: no limit"))
    };
    assert_eq!((limit("/api/v1/dossiers")["schema"]["minimum"].as_f64(), limit("/api/v1/dossiers")["schema"]["maximum"].as_f64()), (Some(1.0), Some(200.0)));
    assert_eq!((limit("/api/v1/procedures")["schema"]["minimum"].as_f64(), limit("/api/v1/procedures")["schema"]["maximum"].as_f64()), (Some(1.0), Some(100.0)));
}

#[tokio::test]
async fn type_errors_speak_vietnamese_only() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let reception = app.token("motcua.nhatrang").await;
    let code = code_of(&create_at_counter(&app, BIRTH).await);
    let mut body = submission(BIRTH, NHA_TRANG, "online");
    body["applicant"]["name"] = json!(12345);
    let cases = [
        ("applicant.name", app.post_json("/api/v1/dossiers", None, &body, None).await),
        ("step", app.act(&code, "return-to-step", &reception, json!({ "step": "mot", "reason": "x" })).await),
        ("items", app.act(&code, "request-supplement", &reception, json!({ "items": "giấy chứng sinh" })).await),
        ("generate_result", app.act(&code, "approve", &reception, json!({ "generate_result": "co" })).await),
    ];
    for (path, r) in cases {
        r.expect_invalid(path);
        let v = r.json();
        let messages: Vec<&str> = std::iter::once(v["message"].as_str().unwrap()).chain(v["fields"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap())).collect();
        for m in messages {
            for english in ["invalid type", "expected", "string", "integer", "sequence", "boolean", "usize"] {
                assert!(!m.contains(english), "{path}: serde's English in {m:?}");
            }
        }
    }
    app.cleanup().await;
}
