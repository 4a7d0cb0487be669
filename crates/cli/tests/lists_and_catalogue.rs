//! Reading many things: the staff work list, the procedure catalogue, health and the
//! OpenAPI document.

#[macro_use]
mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::HashSet;

fn states_in_page(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|d| d["state"].as_str().unwrap().to_string()).collect()
}

async fn staff_list_filters_by_state_and_pages_without_overlap(app: &TestApp) {
    let mut received = Vec::new();
    for _ in 0..4 {
        received.push(code_of(&create_at_counter(app, BIRTH).await));
    }
    let reception = app.token("motcua.nhatrang").await;
    // One moves on to processing, and one online submission waits for reception.
    app.act(&received[1], "transfer", &reception, json!({})).await.expect(200);
    let moved = received.remove(1);
    let online = app.post_json("/api/v1/dossiers", None, &submission(CERTIFIED_COPY, NHA_TRANG, "online"), None).await.expect(201);

    let all = app.get("/api/v1/dossiers", Some(&reception)).await.expect(200);
    assert_eq!(all["items"].as_array().unwrap().len(), 5);
    assert!(all["next"].is_null());
    assert_eq!(ids_in_page(&all)[0], online["reference"].as_str().unwrap(), "newest first");

    let page = app.get("/api/v1/dossiers?state=received", Some(&reception)).await.expect(200);
    assert!(states_in_page(&page).iter().all(|s| s == "received"));
    let mut want = received.clone();
    want.reverse();
    assert_eq!(ids_in_page(&page), want, "exactly the received ones, newest first");
    assert!(!ids_in_page(&page).contains(&moved));

    // Keyset pagination: two, then the rest, no overlap, nothing lost.
    let first = app.get("/api/v1/dossiers?state=received&limit=2", Some(&reception)).await.expect(200);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let next = first["next"].as_str().expect("a next cursor when more remain").to_string();
    let second = app.get(&format!("/api/v1/dossiers?state=received&limit=2&cursor={next}"), Some(&reception)).await.expect(200);
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["next"].is_null(), "last page: {second}");
    let a: HashSet<String> = ids_in_page(&first).into_iter().collect();
    let b: HashSet<String> = ids_in_page(&second).into_iter().collect();
    assert!(a.is_disjoint(&b), "pages overlap: {a:?} {b:?}");
    assert_eq!(a.union(&b).cloned().collect::<HashSet<_>>(), received.iter().cloned().collect::<HashSet<_>>());

    let processing = app.get("/api/v1/dossiers?state=processing", Some(&reception)).await.expect(200);
    assert_eq!(ids_in_page(&processing), vec![moved.clone()]);
    assert_eq!(processing["items"][0]["current_step_name"], app.dossier(&moved, &reception).await["steps"][0]["name"]);
    let by_procedure = app.get(&format!("/api/v1/dossiers?procedure={CERTIFIED_COPY}"), Some(&reception)).await.expect(200);
    assert_eq!(ids_in_page(&by_procedure), vec![online["reference"].as_str().unwrap().to_string()]);

    // Bad filters name themselves.
    app.get("/api/v1/dossiers?state=dang-xu-ly", Some(&reception)).await.expect_invalid("state");
    app.get("/api/v1/dossiers?limit=0", Some(&reception)).await.expect_invalid("limit");
    app.get("/api/v1/dossiers?limit=201", Some(&reception)).await.expect_invalid("limit");
    app.get("/api/v1/dossiers?cursor=abc", Some(&reception)).await.expect_invalid("cursor");
    app.get("/api/v1/dossiers?outcome=som", Some(&reception)).await.expect_invalid("outcome");
    app.get("/api/v1/dossiers?due_before=mai", Some(&reception)).await.expect_invalid("due_before");
    app.get(&format!("/api/v1/dossiers?agency={CAM_LAM}"), Some(&reception)).await.expect_invalid("agency");
    app.get("/api/v1/dossiers?procedure=9.999999", Some(&reception)).await.expect_invalid("procedure");
}

on_both_backends!(staff_list_filters_by_state_and_pages_without_overlap =>
    staff_list_filters_by_state_and_pages_without_overlap_sqlite, staff_list_filters_by_state_and_pages_without_overlap_postgres);

async fn open_dossiers_show_whether_they_are_on_track_due_soon_or_overdue(app: &TestApp) {
    // Monday 09:00: the same-day birth registration is due at 17:00 (within a working day),
    // the inter-agency one on 2 December.
    let today = code_of(&create_at_counter(app, BIRTH).await);
    let week = code_of(&create_at_counter(app, BIRTH_INTER_AGENCY).await);
    let reception = app.token("motcua.nhatrang").await;
    let status = |page: &Value, code: &str| {
        page["items"].as_array().unwrap().iter().find(|d| d["code"] == code).map(|d| d["due_status"].clone()).unwrap_or_else(|| panic!("{code} not listed"))
    };
    let page = app.get("/api/v1/dossiers", Some(&reception)).await.expect(200);
    assert_eq!(status(&page, &today), "due_soon");
    assert_eq!(status(&page, &week), "on_track");

    // Due-date window: only today's.
    let window = app.get("/api/v1/dossiers?due_before=2026-11-24T00:00:00%2B07:00", Some(&reception)).await.expect(200);
    assert_eq!(ids_in_page(&window), vec![today.clone()]);
    let window = app.get("/api/v1/dossiers?due_after=2026-11-24T00:00:00%2B07:00", Some(&reception)).await.expect(200);
    assert_eq!(ids_in_page(&window), vec![week.clone()]);

    // Tuesday morning the first is overdue.
    app.clock.set(vn(2026, 11, 24, 8, 0));
    let reception = app.token("motcua.nhatrang").await;
    let page = app.get("/api/v1/dossiers", Some(&reception)).await.expect(200);
    assert_eq!(status(&page, &today), "overdue");
    assert_eq!(status(&page, &week), "on_track");
}

/// A dossier waiting for the applicant's papers has its clock stopped: it must not show as
/// overdue because its stored (paused) due date has passed (regression: it did).
async fn a_dossier_waiting_for_papers_is_never_shown_overdue(app: &TestApp) {
    let created = create_at_counter(app, BIRTH_INTER_AGENCY).await;
    let code = code_of(&created);
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, json!({})).await.expect(200);
    app.act(&code, "request-supplement", &app.token("chuyenvien.nhatrang").await, supplement_items()).await.expect(200);

    // Three weeks later the applicant has still not come back.
    app.clock.set(vn(2026, 12, 14, 9, 0));
    let reception = app.token("motcua.nhatrang").await;
    let d = app.dossier(&code, &reception).await;
    assert_eq!(d["state"], "supplement_requested");
    assert_eq!(d["due_status"], "on_track", "the clock is stopped while the agency waits for the applicant: {d}");
    let page = app.get("/api/v1/dossiers", Some(&reception)).await.expect(200);
    assert_eq!(page["items"][0]["due_status"], "on_track");
}

on_both_backends!(a_dossier_waiting_for_papers_is_never_shown_overdue =>
    a_dossier_waiting_for_papers_is_never_shown_overdue_sqlite, a_dossier_waiting_for_papers_is_never_shown_overdue_postgres);

on_both_backends!(open_dossiers_show_whether_they_are_on_track_due_soon_or_overdue =>
    open_dossiers_show_whether_they_are_on_track_due_soon_or_overdue_sqlite,
    open_dossiers_show_whether_they_are_on_track_due_soon_or_overdue_postgres);

async fn catalogue_search_ignores_diacritics_case_and_word_order(app: &TestApp) {
    for q in ["dang%20ky%20khai%20sinh", "khai%20sinh%20%C4%91%C4%83ng%20k%C3%BD", "%C4%90%C4%82NG%20K%C3%9D%20KHAI%20SINH"] {
        let page = app.get(&format!("/api/v1/procedures?q={q}"), None).await.expect(200);
        let codes: Vec<&str> = page["items"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&BIRTH), "q={q}: {codes:?}");
    }
    let none = app.get("/api/v1/procedures?q=khong%20co%20thu%20tuc%20nao%20nhu%20vay", None).await.expect(200);
    assert_eq!(none["items"], json!([]));

    app.get("/api/v1/procedures?limit=0", None).await.expect_invalid("limit");
    app.get("/api/v1/procedures?limit=101", None).await.expect_invalid("limit");
    app.get("/api/v1/procedures?level=huyen", None).await.expect_invalid("level");

    // Keyset pages of the catalogue do not overlap.
    let p1 = app.get("/api/v1/procedures?limit=3", None).await.expect(200);
    let next = p1["next"].as_str().expect("more than three procedures").to_string();
    let p2 = app.get(&format!("/api/v1/procedures?limit=3&cursor={next}"), None).await.expect(200);
    let c1: HashSet<&str> = p1["items"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    let c2: HashSet<&str> = p2["items"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(c1.len(), 3);
    assert!(c1.is_disjoint(&c2));

    // Walking every page returns each procedure exactly once, on either database's collation.
    let total = app.store.count_procedures().await.unwrap() as usize;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/procedures?limit=7&cursor={c}"),
            None => "/api/v1/procedures?limit=7".to_string(),
        };
        let page = app.get(&path, None).await.expect(200);
        seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap().to_string()));
        match page["next"].as_str() {
            Some(n) => cursor = Some(n.to_string()),
            None => break,
        }
        assert!(seen.len() <= total, "pagination loops");
    }
    assert_eq!(seen.len(), total);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), total, "a procedure appeared twice");

    let commune = app.get("/api/v1/procedures?level=commune&limit=100", None).await.expect(200);
    let codes: Vec<&str> = commune["items"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&BIRTH), "{codes:?}");
    assert!(commune["items"].as_array().unwrap().iter().all(|p| p["level"] == "commune"));

    let birth = app.get(&format!("/api/v1/procedures/{BIRTH}"), None).await.expect(200);
    assert_eq!(birth["name"], "Đăng ký khai sinh");
    assert_eq!(birth["online"], "full");
    assert!(!birth["workflow"].as_array().unwrap().is_empty());
    app.get("/api/v1/procedures/9.999999", None).await.expect_error(404);
    let agencies = app.get("/api/v1/agencies?kind=commune_people_committee", None).await.expect(200);
    let codes: Vec<&str> = agencies.as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&NHA_TRANG) && codes.contains(&CAM_LAM), "{codes:?}");
}

on_both_backends!(catalogue_search_ignores_diacritics_case_and_word_order =>
    catalogue_search_ignores_diacritics_case_and_word_order_sqlite, catalogue_search_ignores_diacritics_case_and_word_order_postgres);

async fn health_and_openapi_are_served(app: &TestApp) {
    let r = app.get("/healthz", None).await;
    assert_eq!((r.status, r.text.as_str()), (200, "ok"));

    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("application/json")));
    let doc = r.json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().expect("paths");
    for p in ["/api/v1/dossiers", "/api/v1/dossiers/{code}", "/api/v1/dossiers/{code}/receive", "/api/v1/dossiers/{code}/return-result", "/api/v1/procedures"] {
        assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

on_both_backends!(health_and_openapi_are_served => health_and_openapi_are_served_sqlite, health_and_openapi_are_served_postgres);

async fn the_queue_puts_the_most_urgent_first_and_finds_by_code_id_or_name(app: &TestApp) {
    let reception = app.token("motcua.nhatrang").await;
    let long = code_of(&create_at_counter(app, "1.001612").await);
    let birth = code_of(&create_at_counter(app, BIRTH).await);
    let mut other = submission(BIRTH, NHA_TRANG, "counter");
    other["applicant"]["name"] = json!("Trần Văn Bảo");
    other["applicant"]["id_number"] = json!("056090004321");
    let other = code_of(&app.post_json("/api/v1/dossiers", Some(&reception), &other, None).await.expect(201));
    let done = code_of(&create_at_counter(app, BIRTH).await);
    app.act(&done, "transfer", &reception, json!({})).await.expect(200);
    forward_to_last_step(app, &done).await;
    app.act(&done, "approve", &app.token("lanhdao.nhatrang").await, json!({})).await.expect(200);

    // Open dossiers only, earliest due first (ties in order of arrival).
    let urgent = app.get("/api/v1/dossiers?order=urgent", Some(&reception)).await.expect(200);
    assert_eq!(ids_in_page(&urgent), vec![birth.clone(), other.clone(), long.clone()]);
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app.get(&format!("/api/v1/dossiers?order=urgent&limit=1&cursor={cursor}"), Some(&reception)).await.expect(200);
        seen.extend(ids_in_page(&page));
        match page["next"].as_str() {
            Some(n) => cursor = n.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, ids_in_page(&urgent), "keyset pages of the urgent order lose and repeat nothing");
    app.get("/api/v1/dossiers?order=urgent&cursor=12", Some(&reception)).await.expect_invalid("cursor");
    app.get("/api/v1/dossiers?order=oldest", Some(&reception)).await.expect_invalid("order");

    // Search by ID number, part of a name, code; LIKE wildcards are literal.
    let by = |q: &str| {
        let path = format!("/api/v1/dossiers?q={q}");
        let token = reception.clone();
        async move { app.get(&path, Some(&token)).await }
    };
    assert_eq!(ids_in_page(&by("056090004321").await.expect(200)), vec![other.clone()]);
    assert_eq!(ids_in_page(&by("V%C4%83n%20B%E1%BA%A3o").await.expect(200)), vec![other.clone()]);
    assert_eq!(ids_in_page(&by(&done).await.expect(200)), vec![done.clone()]);
    assert!(ids_in_page(&by("%25").await.expect(200)).is_empty());

    // The page: counts per state and the urgent order by default.
    let cookie = {
        let r = app.send(app.client.post(app.url("/dang-nhap")).form(&[("username", "motcua.nhatrang"), ("password", motcua::demo::DEMO_PASSWORD)])).await;
        r.header("set-cookie").unwrap().split(';').next().unwrap().to_string()
    };
    let page = app.send(app.client.get(app.url("/can-bo")).header("Cookie", cookie)).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Có kết quả, chờ trả (1)"), "{}", page.text);
    let pos = |c: &str| page.text.find(&format!(">{c}<")).unwrap_or_else(|| panic!("{c} listed"));
    assert!(pos(&birth) < pos(&other) && pos(&other) < pos(&long));
    assert!(!page.text.contains(&format!(">{done}<")), "finished dossiers leave the queue");
}

on_both_backends!(the_queue_puts_the_most_urgent_first_and_finds_by_code_id_or_name =>
    the_queue_puts_the_most_urgent_first_and_finds_by_code_id_or_name_sqlite, the_queue_puts_the_most_urgent_first_and_finds_by_code_id_or_name_postgres);
