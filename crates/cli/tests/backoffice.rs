//! Back-office screens driven as an official would, over HTTP: reception at the counter
//! (checklist, scans, fee, receipt), results delivered online, administration with its
//! audit log.

#[macro_use]
mod common;

use common::*;

async fn staff_cookie(app: &TestApp, username: &str) -> String {
    let r = app.send(app.client.post(app.url("/dang-nhap")).form(&[("username", username), ("password", motcua::demo::DEMO_PASSWORD)])).await;
    r.header("set-cookie").expect("a session cookie").split(';').next().unwrap().to_string()
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> Resp {
    app.send(app.client.get(app.url(path)).header("Cookie", cookie)).await
}

/// The counter's form for Đăng ký thành lập hộ kinh doanh at Nha Trang (three papers: an
/// original, an optional copy, an optional original).
fn business_form(papers: [(&str, &str); 3]) -> reqwest::multipart::Form {
    let mut f = reqwest::multipart::Form::new()
        .text("co_quan", NHA_TRANG)
        .text("thu_tuc", "1.001612")
        .text("kind", "person")
        .text("id_number", APPLICANT_CCCD)
        .text("name", APPLICANT_NAME)
        .text("phone", APPLICANT_PHONE)
        .text("email", "")
        .text("address", "12 Trần Phú, phường Nha Trang, Khánh Hòa")
        .text("so_bo", "2")
        .text("le_phi", "100.000")
        .text("so_bien_lai", "BL-0077")
        .text("delivery", "counter");
    for (i, (form, count)) in papers.iter().enumerate() {
        f = f.text(format!("giay_to_{i}"), form.to_string()).text(format!("so_ban_{i}"), count.to_string());
    }
    f
}

async fn counter_reception_checks_the_papers_and_prints_the_receipt(app: &TestApp) {
    let cookie = staff_cookie(app, "motcua.nhatrang").await;
    // Finding the procedure by name, and the applicant by CCCD from an earlier dossier.
    let r = page(app, &cookie, "/can-bo/tiep-nhan?tim=ho+kinh+doanh").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("thu_tuc=1.001612"), "the search lists the procedure: {}", r.text);
    create_at_counter(app, BIRTH).await;
    let r = page(app, &cookie, &format!("/can-bo/tiep-nhan?thu_tuc=1.001612&so_dinh_danh={APPLICANT_CCCD}")).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains(&format!("value=\"{APPLICANT_NAME}\"")) && r.text.contains(APPLICANT_PHONE), "prefilled: {}", r.text);
    assert!(r.text.contains("Giấy đề nghị đăng ký hộ kinh doanh") && r.text.contains("name=\"tep_0\""));

    // An incomplete dossier is not received: every problem named, nothing written.
    let before = app.count_dossiers().await;
    let bad = business_form([("", "1"), ("copy", "0"), ("", "1")]).text("so_bien_lai", "");
    let r = app.send(app.client.post(app.url("/can-bo/tiep-nhan")).header("Cookie", &cookie).multipart(bad)).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("Chưa nhận “Giấy đề nghị đăng ký hộ kinh doanh” (bắt buộc)"), "{}", r.text);
    assert!(r.text.contains("Số bản là số từ 1 đến 50"));
    assert_eq!(app.count_dossiers().await, before);
    let wrong_phone = business_form([("original", "1"), ("", "1"), ("", "1")]).text("phone", "12");
    let r = app.send(app.client.post(app.url("/can-bo/tiep-nhan")).header("Cookie", &cookie).multipart(wrong_phone)).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("value=\"BL-0077\""), "what was typed is kept: {}", r.text);
    assert_eq!(app.count_dossiers().await, before);

    // Complete: received at once with a scan, the fee and its receipt recorded.
    let ok = business_form([("original", "1"), ("certified_copy", "1"), ("", "1")]).part("tep_0", pdf_part("de-nghi.pdf"));
    let r = app.send(app.client.post(app.url("/can-bo/tiep-nhan")).header("Cookie", &cookie).multipart(ok)).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let location = r.header("location").expect("redirect").to_string();
    let code = location.trim_start_matches("/can-bo/ho-so/").trim_end_matches("?tiep_nhan=1").to_string();
    let shown = page(app, &cookie, &location).await;
    assert!(shown.text.contains(&format!("Đã tiếp nhận hồ sơ {code}")), "{}", shown.text);
    let d = app.dossier(&code, &app.token("motcua.nhatrang").await).await;
    assert_eq!((d["state"].as_str(), d["channel"].as_str()), (Some("received"), Some("counter")), "{d}");
    assert_eq!(d["documents"].as_array().map(Vec::len), Some(1), "{d}");
    assert!(d["due_at"].is_string());

    let pdf = app.client.get(app.url(&format!("/can-bo/ho-so/{code}/mau/01"))).header("Cookie", &cookie).send().await.unwrap();
    let text = pdf_text(&pdf.bytes().await.unwrap());
    for expected in [code.as_str(), APPLICANT_NAME, "Giấy đề nghị đăng ký hộ kinh doanh", "Bản chính", "Bản sao có chứng thực", "02 (bộ)", "100.000 đồng (biên lai số BL-0077)"] {
        assert!(text.contains(expected), "Mẫu 01 lacks {expected:?}:\n{text}");
    }
    assert!(!text.contains("Văn bản ủy quyền"), "a paper not handed in is not listed:\n{text}");

    // Only the one-stop section receives at the counter.
    let specialist = staff_cookie(app, "chuyenvien.nhatrang").await;
    assert_eq!(page(app, &specialist, "/can-bo/tiep-nhan").await.status, 403);
    let r = app.send(app.client.post(app.url("/can-bo/tiep-nhan")).header("Cookie", &specialist).multipart(business_form([("original", "1"), ("", "1"), ("", "1")]))).await;
    assert_eq!(r.status, 403);
    assert!(page(app, &cookie, "/can-bo").await.text.contains("/can-bo/tiep-nhan"), "the queue links to the counter");
}

on_both_backends!(counter_reception_checks_the_papers_and_prints_the_receipt => counter_reception_sqlite, counter_reception_postgres);

/// Approves a dossier at its last step from the leader's page (multipart, as the form
/// posts it), with a signed file or asking for the generated notice.
async fn approve_on_page(app: &TestApp, code: &str, leader: &str, file: Option<&str>) -> Resp {
    let cookie = staff_cookie(app, leader).await;
    let d = app.dossier(code, &app.token(leader).await).await;
    let mut form = reqwest::multipart::Form::new().text("version", d["version"].to_string()).text("note", "Cấp giấy chứng nhận");
    form = match file {
        Some(name) => form.part("ket_qua", pdf_part(name)),
        None => form.text("tao_ket_qua", "1"),
    };
    app.send(app.client.post(app.url(&format!("/can-bo/ho-so/{code}/thao-tac/approve"))).header("Cookie", cookie).multipart(form)).await
}

async fn results_reach_the_applicant_online(app: &TestApp) {
    let reception = app.token("motcua.nhatrang").await;
    let mut body = submission(BIRTH, NHA_TRANG, "counter");
    body["delivery"] = "online".into();
    let code = code_of(&app.post_json("/api/v1/dossiers", Some(&reception), &body, None).await.expect(201));
    app.act(&code, "transfer", &reception, serde_json::json!({})).await.expect(200);
    let d = forward_to_last_step(app, &code).await;
    let leader = step_user(&d, d["steps"].as_array().unwrap().len() - 1);

    // Approved with the generated notice: the result is a document of the dossier, but
    // the applicant gets it only once it is returned.
    let r = approve_on_page(app, &code, leader, None).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let d = app.dossier(&code, &reception).await;
    assert_eq!(d["state"], "result_ready");
    let docs = d["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), 1, "{d}");
    let early = app.send(app.client.post(app.url("/tra-cuu/ket-qua")).form(&[("code", code.as_str()), ("secret", APPLICANT_PHONE)])).await;
    assert_eq!(early.status, 409);
    app.act(&code, "return-result", &reception, serde_json::json!({ "method": "online" })).await.expect(200);

    // The applicant downloads it from the lookup with their phone; nobody else can.
    let page = app.send(app.client.post(app.url("/tra-cuu")).form(&[("code", code.as_str()), ("secret", APPLICANT_PHONE)])).await;
    assert!(page.text.contains("Tải văn bản kết quả"), "{}", page.text);
    let pdf = app.client.post(app.url("/tra-cuu/ket-qua")).form(&[("code", code.as_str()), ("secret", APPLICANT_PHONE)]).send().await.unwrap();
    assert_eq!(pdf.status().as_u16(), 200);
    assert!(pdf.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let text = pdf_text(&pdf.bytes().await.unwrap());
    for expected in ["THÔNG BÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", code.as_str(), APPLICANT_NAME, "Cấp giấy chứng nhận", "Đăng ký khai sinh"] {
        assert!(text.contains(expected), "the result lacks {expected:?}:\n{text}");
    }
    let stranger = app.send(app.client.post(app.url("/tra-cuu/ket-qua")).form(&[("code", code.as_str()), ("secret", "0911111111")])).await;
    assert_eq!(stranger.status, 404);

    // A signed file attached by the leader is the result instead; without any electronic
    // result an online return is refused and nothing changes.
    let code2 = code_of(&app.post_json("/api/v1/dossiers", Some(&reception), &body, None).await.expect(201));
    app.act(&code2, "transfer", &reception, serde_json::json!({})).await.expect(200);
    let d2 = forward_to_last_step(app, &code2).await;
    let leader2 = step_user(&d2, d2["steps"].as_array().unwrap().len() - 1);
    let leader_token = app.token(leader2).await;
    app.act(&code2, "approve", &leader_token, serde_json::json!({})).await.expect(200);
    let refused = app.act(&code2, "return-result", &reception, serde_json::json!({ "method": "online" })).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(app.dossier(&code2, &reception).await["state"], "result_ready");

    let code3 = code_of(&app.post_json("/api/v1/dossiers", Some(&reception), &body, None).await.expect(201));
    app.act(&code3, "transfer", &reception, serde_json::json!({})).await.expect(200);
    let d3 = forward_to_last_step(app, &code3).await;
    let leader3 = step_user(&d3, d3["steps"].as_array().unwrap().len() - 1);
    assert_eq!(approve_on_page(app, &code3, leader3, Some("giay-khai-sinh-ky-so.pdf")).await.status, 303);
    let d3 = app.dossier(&code3, &reception).await;
    assert_eq!(d3["documents"][0]["original_name"], "giay-khai-sinh-ky-so.pdf", "{d3}");
}

on_both_backends!(results_reach_the_applicant_online => results_online_sqlite, results_online_postgres);

/// The id of an account on the administration page (from its role form's address).
fn account_id(page: &str, username: &str) -> i64 {
    let at = page.find(&format!("{username}</span>")).or_else(|| page.find(&format!("{username} ·"))).unwrap_or_else(|| panic!("{username} not listed"));
    let rest = &page[at..];
    let from = rest.find("/can-bo/quan-tri/can-bo/").expect("an account form") + "/can-bo/quan-tri/can-bo/".len();
    rest[from..].split('/').next().unwrap().parse().unwrap()
}

async fn administration_changes_are_checked_and_logged(app: &TestApp) {
    let admin = staff_cookie(app, "quantri").await;
    let post = |path: &str, form: Vec<(&str, &str)>| {
        let rb = app.client.post(app.url(path)).header("Cookie", &admin).form(&form);
        app.send(rb)
    };
    let r = page(app, &admin, "/can-bo/quan-tri").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("motcua.nhatrang"));
    let officer = staff_cookie(app, "motcua.nhatrang").await;
    assert_eq!(page(app, &officer, "/can-bo/quan-tri").await.status, 403);
    assert_eq!(app.send(app.client.post(app.url("/can-bo/quan-tri/can-bo")).header("Cookie", &officer).form(&[("username", "x.y.z")])).await.status, 403);

    // A new account: checked, created, given a role, usable, locked.
    let r = post("/can-bo/quan-tri/can-bo", vec![("username", "Lê Hoa"), ("full_name", "Lê Thị Hoa"), ("password", "123")]).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Tên đăng nhập chỉ gồm chữ thường không dấu") && r.text.contains("Mật khẩu cần ít nhất 10 ký tự"), "{}", r.text);
    assert!(r.text.contains("value=\"Lê Thị Hoa\""), "what was typed is kept");
    assert_eq!(post("/can-bo/quan-tri/can-bo", vec![("username", "motcua.nhatrang"), ("full_name", "Trùng"), ("password", "mat-khau-moi-1")]).await.status, 422);
    let r = post("/can-bo/quan-tri/can-bo", vec![("username", "motcua.hoa"), ("full_name", "Lê Thị Hoa"), ("password", "mat-khau-moi-1")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let id = account_id(&page(app, &admin, "/can-bo/quan-tri").await.text, "motcua.hoa");
    let r = post(&format!("/can-bo/quan-tri/can-bo/{id}/quyen"), vec![("op", "add"), ("role", "reception"), ("agency", NHA_TRANG)]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let r = app.send(app.client.post(app.url("/dang-nhap")).form(&[("username", "motcua.hoa"), ("password", "mat-khau-moi-1")])).await;
    let hoa = r.header("set-cookie").expect("signed in").split(';').next().unwrap().to_string();
    assert_eq!(page(app, &hoa, "/can-bo/tiep-nhan").await.status, 200, "the new role works");
    assert_eq!(post(&format!("/can-bo/quan-tri/can-bo/{id}/quyen"), vec![("op", "add"), ("role", "chief"), ("agency", NHA_TRANG)]).await.status, 422);
    assert_eq!(post(&format!("/can-bo/quan-tri/can-bo/{id}/khoa"), vec![("active", "0")]).await.status, 303);
    assert_eq!(page(app, &hoa, "/can-bo").await.status, 303, "a locked account's session ends");
    let r = app.send(app.client.post(app.url("/dang-nhap")).form(&[("username", "motcua.hoa"), ("password", "mat-khau-moi-1")])).await;
    assert!(r.header("set-cookie").is_none(), "a locked account cannot sign in");

    // Agencies: checked, then created under one the administrator manages.
    let bad = post("/can-bo/quan-tri/co-quan", vec![("code", "abc"), ("name", ""), ("kind", "commune_people_committee"), ("parent", "H56"), ("unit_code", "99999"), ("valid_from", "2025-07-01")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.text.contains("Không được để trống"), "{}", bad.text);
    let ok = post("/can-bo/quan-tri/co-quan", vec![("code", "H56.22390"), ("name", "Ủy ban nhân dân phường Cam Ranh"), ("kind", "commune_people_committee"), ("parent", "H56"), ("unit_code", ""), ("valid_from", "2025-07-01"), ("valid_to", "")]).await;
    assert_eq!(ok.status, 303, "{}", ok.text);
    assert!(page(app, &admin, "/can-bo/quan-tri").await.text.contains("Ủy ban nhân dân phường Cam Ranh"));

    // The catalogue (the national one is the system administrator's): a broken file
    // changes nothing, a changed procedure is updated.
    let system = staff_cookie(app, motcua::demo::SYSTEM_ADMIN).await;
    let catalogue = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/procedures.json")).expect("the shipped catalogue");
    let upload = |text: String| {
        let part = reqwest::multipart::Part::bytes(text.into_bytes()).file_name("procedures.json").mime_str("application/json").unwrap();
        app.send(app.client.post(app.url("/can-bo/quan-tri/thu-tuc")).header("Cookie", &system).multipart(reqwest::multipart::Form::new().part("catalogue", part)))
    };
    let r = upload(catalogue.replacen("\"Đăng ký khai sinh\"", "\"\"", 1)).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("không nhập thủ tục nào"), "{}", r.text);
    let r = upload(catalogue.replacen("\"Đăng ký khai sinh\"", "\"Đăng ký khai sinh cho trẻ em\"", 1)).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert!(r.header("location").unwrap().contains("nhap-0"), "{:?}", r.header("location"));
    let p = app.get(&format!("/api/v1/procedures/{BIRTH}"), None).await.expect(200);
    assert_eq!(p["name"], "Đăng ký khai sinh cho trẻ em");

    // Calendars: a schedule that does not read is refused; an agency's own day off moves
    // its new dossiers' due dates and nobody else's.
    let r = post("/can-bo/quan-tri/lich", vec![("scope", "2027"), ("content", "2026-12-31\toff\tSai năm")]).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("không thuộc năm 2027"), "{}", r.text);
    let r = post("/can-bo/quan-tri/lich", vec![("scope", NHA_TRANG), ("content", "2026-11-28\toff\tThứ Bảy")]).await;
    assert!(r.status == 422 && r.text.contains("dòng 1"), "{}", r.text);
    let r = post("/can-bo/quan-tri/lich", vec![("scope", NHA_TRANG), ("content", "# đại hội\n2026-11-25\toff\tNghỉ để tổ chức đại hội")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let nha_trang = create_at_counter(app, "1.001612").await;
    let t = app.token("motcua.camlam").await;
    let cam_lam = app.post_json("/api/v1/dossiers", Some(&t), &submission("1.001612", CAM_LAM, "counter"), None).await.expect(201);
    let due = |d: &serde_json::Value| chrono::DateTime::parse_from_rfc3339(d["due_at"].as_str().unwrap()).unwrap();
    assert_eq!((due(&nha_trang) - due(&cam_lam)).num_hours(), 24 * 3, "one working day later (Fri → Mon): {} vs {}", nha_trang["due_at"], cam_lam["due_at"]);
    let explained = app.dossier(&code_of(&nha_trang), &app.token("motcua.nhatrang").await).await;
    assert!(explained.to_string().contains("Nghỉ để tổ chức đại hội"), "the due date says why: {explained}");
    assert!(page(app, &admin, "/can-bo/quan-tri").await.text.contains("Ngày nghỉ riêng của H56.22366: 1 ngày"));

    // Every change is in the log, newest first, with who made it.
    let log = page(app, &admin, "/can-bo/quan-tri/nhat-ky").await.text;
    let order: Vec<usize> = ["calendar.save", "procedures.import", "agency.create", "user.lock", "grant.add", "user.create"].iter().map(|a| log.find(a).unwrap_or_else(|| panic!("{a} not logged:\n{log}"))).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "newest first: {order:?}");
    assert!(log.contains("Quản trị hệ thống") && !log.contains("mat-khau-moi-1"));
    assert_eq!(log.matches("user.create").count(), 1, "refused changes are not logged");
}

on_both_backends!(administration_changes_are_checked_and_logged => administration_sqlite, administration_postgres);

async fn a_step_is_handed_to_a_named_colleague(app: &TestApp) {
    // A second specialist at Nha Trang, created by the administrator.
    let admin = staff_cookie(app, "quantri").await;
    let created = app.send(app.client.post(app.url("/can-bo/quan-tri/can-bo")).header("Cookie", &admin).form(&[("username", "chuyenvien2.nhatrang"), ("full_name", "Đỗ Minh Châu"), ("password", "mat-khau-chau-1")])).await;
    assert_eq!(created.status, 303);
    let id = account_id(&page(app, &admin, "/can-bo/quan-tri").await.text, "chuyenvien2.nhatrang");
    let granted = app.send(app.client.post(app.url(&format!("/can-bo/quan-tri/can-bo/{id}/quyen"))).header("Cookie", &admin).form(&[("op", "add"), ("role", "specialist"), ("agency", NHA_TRANG)])).await;
    assert_eq!(granted.status, 303);

    let reception = app.token("motcua.nhatrang").await;
    let code = code_of(&create_at_counter(app, "1.001612").await);
    app.act(&code, "transfer", &reception, serde_json::json!({ "note": "Chuyển trong ngày" })).await.expect(200);
    let d = app.dossier(&code, &reception).await;
    assert_eq!(d["timeline"].as_array().and_then(|t| t.last()).map(|e| e["note"].clone()), Some("Chuyển trong ngày".into()), "the transfer's note is kept: {d}");
    let minh = staff_cookie(app, "chuyenvien.nhatrang").await;
    let shown = page(app, &minh, &format!("/can-bo/ho-so/{code}")).await.text;
    assert!(shown.contains("/thao-tac/assign") && shown.contains("Đỗ Minh Châu"), "the colleague is offered: {shown}");
    let version = app.dossier(&code, &reception).await["version"].to_string();
    let r = app.send(app.client.post(app.url(&format!("/can-bo/ho-so/{code}/thao-tac/assign"))).header("Cookie", &minh).form(&[("version", version.as_str()), ("assignee", &id.to_string()), ("note", "Chị Châu thẩm định giúp")])).await;
    assert_eq!(r.status, 303, "{}", r.text);

    // The colleague finds it among the dossiers handed to them; the history says who.
    let chau = app.send(app.client.post(app.url("/dang-nhap")).form(&[("username", "chuyenvien2.nhatrang"), ("password", "mat-khau-chau-1")])).await;
    let chau = chau.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
    let mine = page(app, &chau, "/can-bo?cua_toi=1").await.text;
    assert!(mine.contains(&format!(">{code}<")), "{mine}");
    assert!(!page(app, &minh, "/can-bo?cua_toi=1").await.text.contains(&format!(">{code}<")));
    let d = app.dossier(&code, &reception).await;
    let last = d["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["data"]["assignee_name"].as_str()), (Some("assign"), Some("Đỗ Minh Châu")), "{last}");
    assert!(page(app, &chau, &format!("/can-bo/ho-so/{code}")).await.text.contains("Được giao cho</dt><dd>Đỗ Minh Châu"));

    // Only someone holding the step's role can be named; a step change ends the hand-over.
    let t = app.token("chuyenvien.nhatrang").await;
    let lan = account_id(&page(app, &admin, "/can-bo/quan-tri").await.text, "motcua.nhatrang");
    app.act(&code, "assign", &t, serde_json::json!({ "assignee": lan })).await.expect_invalid("assignee");
    let tok = app.post_json("/api/v1/auth/token", None, &serde_json::json!({ "username": "chuyenvien2.nhatrang", "password": "mat-khau-chau-1" }), None).await.expect(200);
    app.act(&code, "forward", tok["token"].as_str().unwrap(), serde_json::json!({})).await.expect(200);
    assert!(!page(app, &chau, "/can-bo?cua_toi=1").await.text.contains(&format!(">{code}<")), "the next step is no longer hers");
}

on_both_backends!(a_step_is_handed_to_a_named_colleague => hand_over_sqlite, hand_over_postgres);

/// The number a state's tab shows in the queue (`Label (N)`), if the tab is there.
fn tab_count(html: &str, state: &str) -> Option<usize> {
    let at = html.find(&format!("/can-bo?state={state}"))?;
    let text = &html[at..];
    let open = text.find('(')?;
    text[open + 1..text.find(')')?].parse().ok()
}

fn rows(html: &str) -> usize {
    html.matches("<td><a href=\"/can-bo/ho-so/").count()
}

/// From the default queue (most urgent first, open dossiers), a dossier that is no longer
/// open is found by its code and by its applicant's ID number, and a closed state's tab
/// opens exactly the dossiers it counts (issue 14: a result waiting to be returned could
/// be found only after switching to "newest first").
async fn the_default_queue_finds_dossiers_in_every_state(app: &TestApp) {
    let cookie = staff_cookie(app, "motcua.nhatrang").await;
    let reception = app.token("motcua.nhatrang").await;
    let open = code_of(&create_at_counter(app, "1.001193").await);
    let withdrawn = code_of(&create_at_counter(app, "1.001193").await);
    app.act(&withdrawn, "withdraw", &reception, serde_json::json!({ "reason": "Công dân không còn nhu cầu" })).await.expect(200);

    for q in [withdrawn.clone(), APPLICANT_CCCD.to_string()] {
        let r = page(app, &cookie, &format!("/can-bo?q={q}")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.text.contains(&withdrawn), "searching {q} from the default queue finds the withdrawn dossier");
    }
    let queue = page(app, &cookie, "/can-bo").await;
    assert!(queue.text.contains(&open) && !queue.text.contains(&withdrawn), "the default queue lists open dossiers only");
    assert_eq!(tab_count(&queue.text, "withdrawn"), Some(1), "the withdrawn tab counts one dossier");
    let tab = page(app, &cookie, "/can-bo?state=withdrawn").await;
    assert_eq!(rows(&tab.text), 1, "the withdrawn tab opens what it counts");
    assert!(tab.text.contains(&withdrawn));
    let processing = page(app, &cookie, "/can-bo?state=received").await;
    assert_eq!(Some(rows(&processing.text)), tab_count(&queue.text, "received"), "an open state's tab opens what it counts");
}

on_both_backends!(the_default_queue_finds_dossiers_in_every_state => default_queue_finds_every_state_sqlite, default_queue_finds_every_state_postgres);

/// The queue's quick filters (issue 14): each is a link to what it names. "Quá hạn" lists
/// a dossier past its due date and not one received today; "Sắp đến hạn" the reverse
/// while the first is overdue.
async fn the_queue_has_quick_filters(app: &TestApp) {
    let old = code_of(&create_at_counter(app, "1.001193").await);
    app.clock.advance(chrono::Duration::days(30));
    let fresh = code_of(&create_at_counter(app, "1.001193").await);
    // Signed in after the month has passed (a session lasts a working day).
    let cookie = staff_cookie(app, "motcua.nhatrang").await;
    let queue = page(app, &cookie, "/can-bo").await;
    for (label, href) in [("Của tôi", "/can-bo?cua_toi=1"), ("Quá hạn", "/can-bo?han=qua-han"), ("Sắp đến hạn", "/can-bo?han=sap-den-han"), ("Chờ trả kết quả", "/can-bo?state=result_ready")] {
        assert!(queue.text.contains(&format!("<a href=\"{href}\">{label}</a>")), "the quick filter {label}");
    }
    let overdue = page(app, &cookie, "/can-bo?han=qua-han").await;
    assert!(overdue.text.contains(&old) && !overdue.text.contains(&fresh), "overdue lists the old dossier only");
    assert!(overdue.text.contains("href=\"/can-bo?han=qua-han\" aria-current=\"page\""), "the filter in use is marked");
}

on_both_backends!(the_queue_has_quick_filters => queue_quick_filters_sqlite, queue_quick_filters_postgres);
