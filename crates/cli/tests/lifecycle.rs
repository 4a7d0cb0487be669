//! The life of dossiers through the HTTP API: online submission to returned result,
//! inter-agency workflows, supplement pauses, extensions, and the tamper-evident log.

#[macro_use]
mod common;

use chrono::Duration;
use common::*;
use motcua_core::calendar::WorkCalendar;
use serde_json::{json, Value};

fn actions_of(timeline: &Value) -> Vec<String> {
    timeline.as_array().expect("timeline").iter().map(|e| e["action"].as_str().expect("action").to_string()).collect()
}

fn assert_seq_1_to_n(timeline: &Value) {
    let seqs: Vec<i64> = timeline.as_array().expect("timeline").iter().map(|e| e["seq"].as_i64().expect("seq")).collect();
    let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
    assert_eq!(seqs, expected, "timeline must be numbered 1..n in order");
}

// 1. -------------------------------------------------------------------------------------

async fn online_dossier_lives_until_result_returned(app: &TestApp) {
    // An anonymous citizen submits a birth registration online, with both required files.
    let before = app.count_dossiers().await;
    let resp = submit_online_with_files(app, BIRTH, NHA_TRANG).await;
    let created = resp.expect(201);
    assert_eq!(created["state"], "submitted");
    assert!(created["code"].is_null(), "the code is issued at reception, not at submission: {created}");
    let reference = created["reference"].as_str().expect("reference").to_string();
    assert!(reference.starts_with("HS-"), "{reference}");
    assert_eq!(resp.header("location"), Some(format!("/api/v1/dossiers/{reference}").as_str()));
    assert!(created["due_at"].is_null(), "the clock has not started: {created}");
    assert_eq!(created["channel"], "online");
    assert_eq!(created["procedure"]["code"], BIRTH);
    assert_eq!(created["agency"]["code"], NHA_TRANG);
    assert_eq!(app.count_dossiers().await, before + 1);
    let row = app.store.dossier_by_public_id(&reference).await.unwrap().expect("stored");
    assert_eq!(row.document_count, 2);
    let docs = app.store.dossier_documents(row.id).await.unwrap();
    assert_eq!(docs.len(), 2);
    assert!(docs.iter().all(|d| d.content_type == "application/pdf" && d.size == PDF.len() as i64), "{docs:?}");

    // Reception issues the code and the due date (same-day procedure before 15:00: today 17:00).
    app.clock.advance(Duration::minutes(5));
    let reception = app.token("motcua.nhatrang").await;
    let received = app.act(&reference, "receive", &reception, json!({})).await.expect(200);
    assert_eq!(received["state"], "received");
    assert_eq!(received["code"], "H56.22366-261123-0001");
    assert_eq!(received["received_at"], "2026-11-23T09:05:00+07:00");
    assert_eq!(received["due_at"], "2026-11-23T17:00:00+07:00");
    let code = code_of(&received);

    app.clock.advance(Duration::minutes(5));
    let transferred = app.act(&code, "transfer", &reception, json!({})).await.expect(200);
    assert_eq!(transferred["state"], "processing");
    assert_eq!(transferred["current_step"], 0);

    // Each workflow step by the user who holds its role in its agency.
    let steps = transferred["steps"].as_array().expect("steps").clone();
    assert!(!steps.is_empty());
    let mut d = transferred;
    for i in 0..steps.len() {
        app.clock.advance(Duration::minutes(10));
        let user = step_user(&d, i);
        let t = app.token(user).await;
        let last = i + 1 == steps.len();
        d = app.act(&code, if last { "approve" } else { "forward" }, &t, json!({ "note": format!("Bước {} xong", i + 1) })).await.expect(200);
        if !last {
            assert_eq!(d["current_step"], i + 1, "{user} forwarded");
        }
    }
    assert_eq!(d["state"], "result_ready");
    assert_eq!(d["outcome"], "on_time", "finished on the due day, before 17:00: {d}");
    assert!(d["finished_at"].is_string());

    app.clock.advance(Duration::minutes(10));
    let returned = app
        .act(&code, "return-result", &reception, json!({ "method": "counter", "receiver_name": APPLICANT_NAME, "receiver_id": APPLICANT_CCCD }))
        .await
        .expect(200);
    assert_eq!(returned["state"], "returned");
    assert!(returned["returned_at"].is_string());
    assert_eq!(returned["outcome"], "on_time");

    // The timeline: one event per action, in order, numbered 1..n, with who acted (staff view).
    let full = app.dossier(&code, &reception).await;
    let timeline = &full["timeline"];
    let mut expected = vec!["submit", "receive", "transfer"];
    expected.extend(std::iter::repeat_n("forward", steps.len() - 1));
    expected.extend(["approve", "return_result"]);
    assert_eq!(actions_of(timeline), expected);
    assert_seq_1_to_n(timeline);
    assert_eq!(timeline[0]["actor"], "applicant");
    assert!(timeline[1]["actor"].as_str().is_some_and(|a| a.starts_with("user:")), "{}", timeline[1]);
    assert_eq!(full["version"], expected.len());
    let docs = full["documents"].as_array().expect("documents");
    assert_eq!(docs.iter().map(|d| d["original_name"].as_str().unwrap()).collect::<Vec<_>>(), ["giay-to-0.pdf", "giay-to-1.pdf"]);
    assert!(docs.iter().all(|d| d["content_type"] == "application/pdf" && d["sha256"].as_str().is_some_and(|h| h.len() == 64)));

    let row = app.store.dossier_by_public_id(&code).await.unwrap().expect("stored");
    assert_eq!(row.state, "returned");
    assert_eq!(row.version, expected.len() as i64);
    assert_eq!(row.outcome.as_deref(), Some("on_time"));
    assert_eq!(app.store.verify_dossier_chain(row.id).await.unwrap(), None);

    // The applicant reads it with their phone (or ID number), without staff details.
    let mine = app.get_as_applicant(&format!("/api/v1/dossiers/{code}"), APPLICANT_PHONE).await.expect(200);
    assert_eq!(mine["state"], "returned");
    assert_eq!(actions_of(&mine["timeline"]), expected);
    assert!(mine["timeline"].as_array().unwrap().iter().all(|e| e.get("actor").is_none()), "actors are for staff only");
    app.get_as_applicant(&format!("/api/v1/dossiers/{reference}"), APPLICANT_CCCD).await.expect(200);
    app.get_as_applicant(&format!("/api/v1/dossiers/{code}"), "+84 905 123 456").await.expect(200);

    // A wrong secret is answered exactly like a code that does not exist.
    let wrong = app.get_as_applicant(&format!("/api/v1/dossiers/{code}"), "0912000000").await;
    let missing = app.get_as_applicant("/api/v1/dossiers/H56.22366-261123-9999", "0912000000").await;
    wrong.expect_error(404);
    missing.expect_error(404);
    assert_eq!(wrong.text, missing.text);
}

on_both_backends!(online_dossier_lives_until_result_returned =>
    online_dossier_lives_until_result_returned_sqlite, online_dossier_lives_until_result_returned_postgres);

// 2. -------------------------------------------------------------------------------------

async fn inter_agency_dossier_passes_through_each_agency_in_turn(app: &TestApp) {
    let created = create_at_counter(app, BIRTH_INTER_AGENCY).await;
    let code = code_of(&created);
    let agencies: Vec<&str> = created["steps"].as_array().unwrap().iter().map(|s| s["agency"]["code"].as_str().unwrap()).collect();
    assert_eq!(agencies, [NHA_TRANG, NHA_TRANG, NHA_TRANG_POLICE, NHA_TRANG_POLICE, SOCIAL_INSURANCE, SOCIAL_INSURANCE]);

    // Every involved agency sees the dossier from creation; an unrelated commune does not.
    let row = app.store.dossier_by_public_id(&code).await.unwrap().expect("stored");
    let mut involved = app.store.dossier_agencies(row.id).await.unwrap();
    involved.sort_unstable();
    let mut expected = Vec::new();
    for a in [NHA_TRANG, NHA_TRANG_POLICE, SOCIAL_INSURANCE] {
        expected.push(app.store.agency_by_code(a).await.unwrap().expect(a).id);
    }
    expected.sort_unstable();
    assert_eq!(involved, expected);

    let bhxh = app.token("bhxh.khanhhoa").await;
    let page = app.get("/api/v1/dossiers", Some(&bhxh)).await.expect(200);
    assert!(ids_in_page(&page).contains(&code), "social insurance must see the dossier it will handle: {page}");
    app.get(&format!("/api/v1/dossiers/{code}"), Some(&bhxh)).await.expect(200);
    for outsider in ["canbo.camlam", "motcua.camlam"] {
        let t = app.token(outsider).await;
        app.get(&format!("/api/v1/dossiers/{code}"), Some(&t)).await.expect_error(404);
        let page = app.get("/api/v1/dossiers", Some(&t)).await.expect(200);
        assert!(!ids_in_page(&page).contains(&code), "{outsider} must not list it: {page}");
    }

    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, json!({})).await.expect(200);

    // Step 0 belongs to the ward's specialist: social insurance cannot act on it.
    app.act(&code, "forward", &bhxh, json!({})).await.expect_error(403);
    let chuyenvien = app.token("chuyenvien.nhatrang").await;
    app.act(&code, "forward", &chuyenvien, json!({})).await.expect(200);
    let lanhdao = app.token("lanhdao.nhatrang").await;
    let d = app.act(&code, "forward", &lanhdao, json!({})).await.expect(200);
    assert_eq!(d["current_step"], 2);

    // Step 2 belongs to the commune police: the ward's specialist and social insurance hold
    // the right role but in the wrong agency.
    let version = app.store.dossier_by_public_id(&code).await.unwrap().unwrap().version;
    let r = app.act(&code, "forward", &chuyenvien, json!({})).await;
    r.expect_error(403);
    assert_eq!(r.json()["error"], "forbidden");
    app.act(&code, "forward", &bhxh, json!({})).await.expect_error(403);
    assert_eq!(app.store.dossier_by_public_id(&code).await.unwrap().unwrap().version, version, "refusals write nothing");

    let congan = app.token("congan.nhatrang").await;
    app.act(&code, "forward", &congan, json!({ "note": "Đã đăng ký thường trú" })).await.expect(200);
    let d = app.act(&code, "forward", &congan, json!({})).await.expect(200);
    assert_eq!(d["current_step"], 4);
    app.act(&code, "approve", &congan, json!({})).await.expect_error(409);
    app.act(&code, "forward", &congan, json!({})).await.expect_error(403);

    app.act(&code, "forward", &bhxh, json!({})).await.expect(200);
    let d = app.act(&code, "approve", &bhxh, json!({ "note": "Đã phát hành thẻ BHYT", "generate_result": true })).await.expect(200);
    assert_eq!(d["state"], "result_ready");
    assert_eq!(d["outcome"], "early", "finished days before the due date (2 Dec): {d}");

    let d = app.act(&code, "return-result", &reception, json!({ "method": "online" })).await.expect(200);
    assert_eq!(d["state"], "returned");
    let full = app.dossier(&code, &bhxh).await;
    assert_eq!(
        actions_of(&full["timeline"]),
        ["submit", "receive", "transfer", "forward", "forward", "forward", "forward", "forward", "approve", "return_result"]
    );
    assert_seq_1_to_n(&full["timeline"]);
}

on_both_backends!(inter_agency_dossier_passes_through_each_agency_in_turn =>
    inter_agency_dossier_passes_through_each_agency_in_turn_sqlite, inter_agency_dossier_passes_through_each_agency_in_turn_postgres);

// 3. -------------------------------------------------------------------------------------

async fn supplement_request_pauses_the_clock(app: &TestApp) {
    // 7 working days from Monday 23 Nov 09:00 → Wednesday 2 Dec 09:00.
    let created = create_at_counter(app, BIRTH_INTER_AGENCY).await;
    let code = code_of(&created);
    assert_eq!(created["due_at"], "2026-12-02T09:00:00+07:00");
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, json!({})).await.expect(200);

    let specialist = app.token(step_user(&created, 0)).await;
    let asked = app.act(&code, "request-supplement", &specialist, supplement_items()).await.expect(200);
    assert_eq!(asked["state"], "supplement_requested");
    assert_eq!(asked["supplement_requests"], 1);

    // Two working days later (Wednesday 09:00) the applicant brings the paper.
    app.clock.advance(Duration::days(2));
    let supplied = app
        .post_as_applicant(&format!("/api/v1/dossiers/{code}/supply"), APPLICANT_PHONE, &json!({ "note": "Đã nộp bản chụp rõ nét" }))
        .await
        .expect(200);
    assert_eq!(supplied["state"], "processing");
    assert_eq!(supplied["current_step"], 0, "processing resumes at the step that asked");
    assert_eq!(supplied["due_at"], "2026-12-04T09:00:00+07:00", "due date moved by the two working days waited");
    let old_due = chrono::DateTime::parse_from_rfc3339("2026-12-02T09:00:00+07:00").unwrap().to_utc();
    let new_due = chrono::DateTime::parse_from_rfc3339(supplied["due_at"].as_str().unwrap()).unwrap().to_utc();
    assert_eq!(WorkCalendar::weekdays().working_minutes_between(old_due, new_due), 2 * 8 * 60);
    let row = app.store.dossier_by_public_id(&code).await.unwrap().unwrap();
    assert_eq!(row.due_at, Some(new_due.timestamp_millis()));
    assert_eq!(row.original_due_at, Some(new_due.timestamp_millis()), "the judged due date moves too");
    assert_eq!(row.paused_at, None);

    // Asking a second time needs a recorded exception reason (tokens from Monday expired).
    let specialist = app.token(step_user(&created, 0)).await;
    let version = row.version;
    app.act(&code, "request-supplement", &specialist, supplement_items()).await.expect_invalid("exception_reason");
    assert_eq!(app.store.dossier_by_public_id(&code).await.unwrap().unwrap().version, version);
    let mut body = supplement_items();
    body["exception_reason"] = json!("Giấy chứng sinh bổ sung ghi sai tên mẹ");
    let again = app.act(&code, "request-supplement", &specialist, body).await.expect(200);
    assert_eq!(again["supplement_requests"], 2);

    // Finished within days, yet late: asking twice counts against the agency.
    app.post_as_applicant(&format!("/api/v1/dossiers/{code}/supply"), APPLICANT_CCCD, &json!({})).await.expect(200);
    let d = forward_to_last_step(app, &code).await;
    let last = d["steps"].as_array().unwrap().len() - 1;
    let done = app.act(&code, "approve", &app.token(step_user(&d, last)).await, json!({})).await.expect(200);
    assert_eq!(done["outcome"], "late");
}

on_both_backends!(supplement_request_pauses_the_clock =>
    supplement_request_pauses_the_clock_sqlite, supplement_request_pauses_the_clock_postgres);

// 9. -------------------------------------------------------------------------------------

async fn extension_is_allowed_once_and_makes_the_dossier_late(app: &TestApp) {
    let created = create_at_counter(app, BIRTH).await;
    let code = code_of(&created);
    assert_eq!(created["due_at"], "2026-11-23T17:00:00+07:00");
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, json!({})).await.expect(200);
    let specialist = app.token("chuyenvien.nhatrang").await;

    // Not earlier than the present due date.
    app.act(&code, "extend", &specialist, json!({ "new_due": "2026-11-23T16:00:00+07:00", "reason": "Cần xác minh" }))
        .await
        .expect_invalid("new_due");

    let extended = app
        .act(&code, "extend", &specialist, json!({ "new_due": "2026-11-25T17:00:00+07:00", "reason": "Cần xác minh thông tin với nơi sinh" }))
        .await
        .expect(200);
    assert_eq!(extended["due_at"], "2026-11-25T17:00:00+07:00");
    assert_eq!(extended["extended"], true);
    let row = app.store.dossier_by_public_id(&code).await.unwrap().unwrap();
    assert_eq!(row.due_at, Some(vn(2026, 11, 25, 17, 0).timestamp_millis()));
    assert_eq!(row.original_due_at, Some(vn(2026, 11, 23, 17, 0).timestamp_millis()), "timeliness is judged on the original date");

    app.act(&code, "extend", &specialist, json!({ "new_due": "2026-11-27T17:00:00+07:00", "reason": "Lần nữa" }))
        .await
        .expect_invalid("new_due");
    assert_eq!(app.dossier(&code, &specialist).await["due_at"], "2026-11-25T17:00:00+07:00");

    // Finished well before the original due instant, yet late: an extension always counts.
    app.clock.advance(Duration::hours(1));
    app.act(&code, "forward", &specialist, json!({})).await.expect(200);
    let leader = app.token("lanhdao.nhatrang").await;
    let done = app.act(&code, "approve", &leader, json!({})).await.expect(200);
    assert_eq!(done["state"], "result_ready");
    assert_eq!(done["outcome"], "late");
    assert_eq!(app.store.dossier_by_public_id(&code).await.unwrap().unwrap().outcome.as_deref(), Some("late"));
}

on_both_backends!(extension_is_allowed_once_and_makes_the_dossier_late =>
    extension_is_allowed_once_and_makes_the_dossier_late_sqlite, extension_is_allowed_once_and_makes_the_dossier_late_postgres);

// 10. ------------------------------------------------------------------------------------

async fn tampering_with_an_event_breaks_the_hash_chain(app: &TestApp) {
    let created = create_at_counter(app, BIRTH).await;
    let code = code_of(&created);
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, json!({ "note": "Chuyển chuyên viên" })).await.expect(200);
    let specialist = app.token("chuyenvien.nhatrang").await;
    app.act(&code, "forward", &specialist, json!({ "note": "Hồ sơ hợp lệ" })).await.expect(200);

    let id = app.store.dossier_by_public_id(&code).await.unwrap().unwrap().id;
    assert_eq!(app.store.dossier_events(id).await.unwrap().len(), 4);
    assert_eq!(app.store.verify_dossier_chain(id).await.unwrap(), None, "an untouched chain verifies");

    let changed = app.raw_execute(&format!("UPDATE dossier_events SET note = 'x' WHERE dossier_id = {id} AND seq = 2")).await;
    assert_eq!(changed, 1);
    let brk = app.store.verify_dossier_chain(id).await.unwrap().expect("the altered event must be detected");
    assert_eq!(brk.dossier_id, id);
    assert_eq!(brk.seq, 2);
    assert_eq!(brk.reason, "event content was altered");

    // The API keeps serving the dossier (the check is an audit, not a crash).
    app.dossier(&code, &reception).await;
}

on_both_backends!(tampering_with_an_event_breaks_the_hash_chain =>
    tampering_with_an_event_breaks_the_hash_chain_sqlite, tampering_with_an_event_breaks_the_hash_chain_postgres);

// Deadlines and codes follow Vietnamese time ------------------------------------------------

async fn dossier_codes_and_due_dates_follow_the_vietnamese_working_day(app: &TestApp) {
    // Two receptions on Monday: sequence 0001, 0002.
    let a = create_at_counter(app, BIRTH).await;
    let b = create_at_counter(app, BIRTH).await;
    assert_eq!(a["code"], "H56.22366-261123-0001");
    assert_eq!(b["code"], "H56.22366-261123-0002");

    // Tuesday 06:50 in Nha Trang is still Monday in UTC: the code takes the local date and
    // the sequence starts again; a same-day procedure is due that afternoon.
    app.clock.set(vn(2026, 11, 24, 6, 50));
    let c = create_at_counter(app, BIRTH).await;
    assert_eq!(c["code"], "H56.22366-261124-0001");
    assert_eq!(c["received_at"], "2026-11-24T06:50:00+07:00");
    assert_eq!(c["due_at"], "2026-11-24T17:00:00+07:00");

    // After the 15:00 cut-off on a Friday, a same-day procedure is due on Monday.
    app.clock.set(vn(2026, 11, 27, 16, 0));
    let d = create_at_counter(app, BIRTH).await;
    assert_eq!(d["due_at"], "2026-11-30T17:00:00+07:00");

    // 7 working days from Friday 16:00 end on the Tuesday after next at 16:00.
    let e = create_at_counter(app, BIRTH_INTER_AGENCY).await;
    assert_eq!(e["due_at"], "2026-12-08T16:00:00+07:00");

    // Received on a Saturday: the clock starts on Monday 07:30.
    app.clock.set(vn(2026, 11, 28, 10, 0));
    let f = create_at_counter(app, BIRTH_INTER_AGENCY).await;
    assert_eq!(f["code"], "H56.22366-261128-0001");
    assert_eq!(f["due_at"], "2026-12-08T17:00:00+07:00");
}

on_both_backends!(dossier_codes_and_due_dates_follow_the_vietnamese_working_day =>
    dossier_codes_and_due_dates_follow_the_vietnamese_working_day_sqlite,
    dossier_codes_and_due_dates_follow_the_vietnamese_working_day_postgres);

// Sending back, refusing, asking before reception -------------------------------------------

async fn leaders_send_back_or_refuse_only_with_a_reason(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, json!({})).await.expect(200);
    let specialist = app.token("chuyenvien.nhatrang").await;
    app.act(&code, "forward", &specialist, json!({})).await.expect(200);
    let leader = app.token("lanhdao.nhatrang").await;

    // Back to the specialist: only to an earlier step, only with a reason.
    app.act(&code, "return-to-step", &leader, json!({ "step": 1, "reason": "Sai" })).await.expect_invalid("step");
    app.act(&code, "return-to-step", &leader, json!({ "step": 0, "reason": " " })).await.expect_invalid("reason");
    app.act(&code, "return-to-step", &specialist, json!({ "step": 0, "reason": "Tự trả" })).await.expect_error(403);
    let back = app.act(&code, "return-to-step", &leader, json!({ "step": 0, "reason": "Ghi sai tên cha trong dự thảo" })).await.expect(200);
    assert_eq!(back["current_step"], 0);
    assert_eq!(back["state"], "processing");
    app.act(&code, "forward", &specialist, json!({ "note": "Đã sửa" })).await.expect(200);

    // Refusal needs a reason and ends the dossier.
    app.act(&code, "reject", &leader, json!({})).await.expect_invalid("reason");
    let refused = app
        .act(&code, "reject", &leader, json!({ "reason": "Người đi đăng ký không có quyền", "legal_ground": "Luật Hộ tịch 2014, Điều 15" }))
        .await
        .expect(200);
    assert_eq!(refused["state"], "rejected");
    assert!(refused["outcome"].is_string());
    app.act(&code, "approve", &leader, json!({})).await.expect_error(409);

    let full = app.dossier(&code, &leader).await;
    let timeline = full["timeline"].as_array().unwrap();
    let actions: Vec<&str> = timeline.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["submit", "receive", "transfer", "forward", "return_to_step", "forward", "reject"]);
    assert_eq!(timeline[4]["note"], "Ghi sai tên cha trong dự thảo");
    assert_eq!(timeline[6]["data"]["legal_ground"], "Luật Hộ tịch 2014, Điều 15");
    let id = app.store.dossier_by_public_id(&code).await.unwrap().unwrap().id;
    assert_eq!(app.store.verify_dossier_chain(id).await.unwrap(), None);
}

on_both_backends!(leaders_send_back_or_refuse_only_with_a_reason =>
    leaders_send_back_or_refuse_only_with_a_reason_sqlite, leaders_send_back_or_refuse_only_with_a_reason_postgres);

async fn reception_asks_for_papers_before_the_clock_starts(app: &TestApp) {
    let submitted = submit_birth_online(app).await;
    let reference = submitted["reference"].as_str().unwrap().to_string();
    let reception = app.token("motcua.nhatrang").await;
    let asked = app.act(&reference, "request-supplement", &reception, supplement_items()).await.expect(200);
    assert_eq!(asked["state"], "supplement_requested");
    assert!(asked["code"].is_null() && asked["due_at"].is_null(), "not received, so no code and no clock: {asked}");
    // Reception cannot receive a dossier that waits for papers.
    app.act(&reference, "receive", &reception, json!({})).await.expect_error(409);

    // The applicant brings them on Wednesday afternoon; the clock starts at reception.
    app.clock.set(vn(2026, 11, 25, 14, 0));
    let supplied = app.post_as_applicant(&format!("/api/v1/dossiers/{reference}/supply"), APPLICANT_PHONE, &json!({})).await.expect(200);
    assert_eq!(supplied["state"], "submitted");
    let reception = app.token("motcua.nhatrang").await;
    let received = app.act(&reference, "receive", &reception, json!({})).await.expect(200);
    assert_eq!(received["code"], "H56.22366-261125-0001");
    assert_eq!(received["due_at"], "2026-11-25T17:00:00+07:00");
}

on_both_backends!(reception_asks_for_papers_before_the_clock_starts =>
    reception_asks_for_papers_before_the_clock_starts_sqlite, reception_asks_for_papers_before_the_clock_starts_postgres);
