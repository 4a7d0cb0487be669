//! The server-rendered pages: home, staff sign-in and list, and the public lookup.

#[macro_use]
mod common;

use common::*;
use motcua::demo::DEMO_PASSWORD;

/// The text of the page's error paragraph.
fn alert(html: &str) -> String {
    let start = html.find("role=\"alert\">").map(|i| i + "role=\"alert\">".len()).unwrap_or_else(|| panic!("no alert in page:\n{html}"));
    let end = html[start..].find("</p>").expect("alert end") + start;
    html[start..end].to_string()
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> Resp {
    app.send(app.client.post(app.url("/dang-nhap")).form(&[("username", username), ("password", password)])).await
}

/// The session cookie (`name=value`) set by a sign-in.
fn session_cookie(r: &Resp) -> String {
    let set = r.header("set-cookie").unwrap_or_else(|| panic!("no Set-Cookie: {:?}", r.headers));
    assert!(set.starts_with("motcua_session="), "{set}");
    assert!(set.contains("HttpOnly"), "the session cookie must be HttpOnly: {set}");
    assert!(set.contains("SameSite=Lax"), "{set}");
    set.split(';').next().unwrap().to_string()
}

async fn get_page(app: &TestApp, path: &str, cookie: Option<&str>) -> Resp {
    let mut rb = app.client.get(app.url(path));
    if let Some(c) = cookie {
        rb = rb.header("Cookie", c);
    }
    app.send(rb).await
}

async fn home_page_offers_the_lookup(app: &TestApp) {
    let r = get_page(app, "/", None).await;
    assert_eq!(r.status, 200);
    // Security headers on every answer (the file view keeps its own sandbox policy).
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    let csp = r.header("content-security-policy").unwrap_or_default();
    for rule in ["script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "form-action 'self'"] {
        assert!(csp.contains(rule), "{csp}");
    }
    assert_eq!(r.header("referrer-policy"), Some("same-origin"));
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/html")));
    assert!(r.text.contains("Tra cứu hồ sơ"), "{}", r.text);
    assert!(r.text.contains("<html lang=\"vi\">"));
    let form = get_page(app, "/tra-cuu", None).await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains("name=\"secret\""));
    let css = get_page(app, "/static/app.css", None).await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").is_some_and(|c| c.starts_with("text/css")));
}

on_both_backends!(home_page_offers_the_lookup => home_page_offers_the_lookup_sqlite, home_page_offers_the_lookup_postgres);

async fn staff_sign_in_sets_a_session_cookie_and_shows_their_list(app: &TestApp) {
    let created = create_at_counter(app, BIRTH).await;
    let code = code_of(&created);

    // Without a session the staff pages send people to sign in.
    let r = get_page(app, "/can-bo", None).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/dang-nhap"));

    let wrong = sign_in(app, "motcua.nhatrang", "sai-mat-khau").await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.text.contains("không đúng"), "{}", wrong.text);
    assert!(wrong.header("set-cookie").is_none());

    let ok = sign_in(app, "motcua.nhatrang", DEMO_PASSWORD).await;
    assert_eq!(ok.status, 303, "{}", ok.text);
    assert_eq!(ok.header("location"), Some("/can-bo"));
    let cookie = session_cookie(&ok);

    let list = get_page(app, "/can-bo", Some(&cookie)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert!(list.text.contains("Nguyễn Thị Lan (một cửa P. Nha Trang)"), "the user's name: {}", list.text);
    assert!(list.text.contains(&code), "their dossier is listed: {}", list.text);

    let detail = get_page(app, &format!("/can-bo/ho-so/{code}"), Some(&cookie)).await;
    assert_eq!(detail.status, 200);
    assert!(detail.text.contains("Tiếp nhận hồ sơ"), "{}", detail.text);
    assert!(detail.text.contains(&format!("/can-bo/ho-so/{code}/mau/01")), "the receipt slip is offered");
    assert!(!detail.text.contains(&format!("/can-bo/ho-so/{code}/mau/03")), "no refusal form for a dossier not refused");

    // Another commune's officer does not see it; an API token is not a web session.
    let other = session_cookie(&sign_in(app, "motcua.camlam", DEMO_PASSWORD).await);
    let camlam_list = get_page(app, "/can-bo", Some(&other)).await;
    assert_eq!(camlam_list.status, 200);
    assert!(!camlam_list.text.contains(&code));
    assert_eq!(get_page(app, &format!("/can-bo/ho-so/{code}"), Some(&other)).await.status, 404);
    let token = app.token("motcua.nhatrang").await;
    assert_eq!(get_page(app, "/can-bo", Some(&format!("motcua_session={token}"))).await.status, 303);
    let web_token = cookie.trim_start_matches("motcua_session=");
    app.get("/api/v1/dossiers", Some(web_token)).await.expect_error(401);

    // Signing out ends the session.
    let out = app.send(app.client.post(app.url("/dang-xuat")).header("Cookie", &cookie)).await;
    assert_eq!(out.status, 303);
    assert!(out.header("set-cookie").is_some_and(|c| c.contains("Max-Age=0")));
    assert_eq!(get_page(app, "/can-bo", Some(&cookie)).await.status, 303);
}

on_both_backends!(staff_sign_in_sets_a_session_cookie_and_shows_their_list =>
    staff_sign_in_sets_a_session_cookie_and_shows_their_list_sqlite, staff_sign_in_sets_a_session_cookie_and_shows_their_list_postgres);

async fn public_lookup_shows_the_timeline_only_to_the_applicant(app: &TestApp) {
    let created = create_at_counter(app, BIRTH).await;
    let code = code_of(&created);
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, serde_json::json!({})).await.expect(200);

    let lookup = |code: String, secret: &'static str| async move {
        app.send(app.client.post(app.url("/tra-cuu")).form(&[("code", code.as_str()), ("secret", secret)])).await
    };

    let found = lookup(code.clone(), APPLICANT_PHONE).await;
    assert_eq!(found.status, 200, "{}", found.text);
    for text in [code.as_str(), "Quá trình xử lý", "Nộp hồ sơ", "Tiếp nhận hồ sơ", "Chuyển hồ sơ đến bộ phận giải quyết", "Đăng ký khai sinh"] {
        assert!(found.text.contains(text), "lookup page lacks {text:?}:\n{}", found.text);
    }
    assert!(!found.text.contains("user:"), "staff identities stay hidden");
    assert_eq!(lookup(code.clone(), APPLICANT_CCCD).await.status, 200, "the ID number works too");

    // A wrong phone and an unknown code get the same answer.
    let wrong = lookup(code.clone(), "0912000000").await;
    let unknown = lookup("H56.22366-261123-9999".to_string(), APPLICANT_PHONE).await;
    assert_eq!(wrong.status, 404);
    assert_eq!(unknown.status, 404);
    assert_eq!(alert(&wrong.text), alert(&unknown.text));
    assert!(alert(&wrong.text).contains("Không tìm thấy hồ sơ"));
    assert!(!wrong.text.contains("Quá trình xử lý"));
}

on_both_backends!(public_lookup_shows_the_timeline_only_to_the_applicant =>
    public_lookup_shows_the_timeline_only_to_the_applicant_sqlite, public_lookup_shows_the_timeline_only_to_the_applicant_postgres);

async fn the_lookup_says_what_to_do_next_and_lets_the_applicant_withdraw(app: &TestApp) {
    let created = create_at_counter(app, BIRTH).await;
    let code = code_of(&created);
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, serde_json::json!({})).await.expect(200);
    let specialist = app.token("chuyenvien.nhatrang").await;
    let items = serde_json::json!({ "items": [{ "document": "Giấy chứng sinh", "reason": "Bản chụp không đọc được tên người mẹ" }] });
    app.act(&code, "request-supplement", &specialist, items).await.expect(200);

    let page = app.send(app.client.post(app.url("/tra-cuu")).form(&[("code", code.as_str()), ("secret", APPLICANT_PHONE)])).await;
    assert_eq!(page.status, 200);
    for text in ["Chờ bổ sung", "Cơ quan cần bạn bổ sung giấy tờ", "Giấy chứng sinh", "Bản chụp không đọc được tên người mẹ", "Rút hồ sơ"] {
        assert!(page.text.contains(text), "lookup page lacks {text:?}");
    }

    let withdraw_with = |secret: &'static str, reason: &'static str, one_time_code: String| {
        let code = code.clone();
        async move {
            let form = [("code", code.as_str()), ("secret", secret), ("reason", reason), ("one_time_code", one_time_code.as_str())];
            app.send(app.client.post(app.url("/tra-cuu/rut-ho-so")).form(&form)).await
        }
    };
    let withdraw = |secret: &'static str, reason: &'static str| withdraw_with(secret, reason, String::new());
    // A wrong secret changes nothing and learns nothing; an empty reason is refused.
    assert_eq!(withdraw("0912000000", "Không cần nữa").await.status, 404);
    let empty = withdraw(APPLICANT_PHONE, "  ").await;
    assert_eq!(empty.status, 422);
    assert!(empty.text.contains("Ghi rõ lý do rút hồ sơ"));
    assert_eq!(app.dossier(&code, &reception).await["state"], "supplement_requested");

    // The code and phone are not enough: a one-time code goes to the phone first.
    let sent = withdraw(APPLICANT_PHONE, "Gia đình đã nộp ở nơi khác").await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert!(sent.text.contains("Mã xác nhận rút hồ sơ đã được gửi tới số điện thoại ******"), "{}", sent.text);
    assert_eq!(app.dossier(&code, &reception).await["state"], "supplement_requested");
    // The step that takes the code does not ask for the phone again.
    let form = &sent.text[sent.text.find("action=\"/tra-cuu/rut-ho-so\"").expect("the code step")..];
    let form = &form[..form.find("</form>").expect("form end")];
    assert!(form.contains(&format!("<input type=\"hidden\" name=\"secret\" value=\"{APPLICANT_PHONE}\">")) && form.contains("name=\"one_time_code\""), "{form}");
    let otp = sent_code(app, APPLICANT_PHONE, "rut ho so").await;
    let done = withdraw_with(APPLICANT_PHONE, "Gia đình đã nộp ở nơi khác", otp).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert!(done.text.contains("Bạn đã rút hồ sơ"));
    assert!(!done.text.contains("action=\"/tra-cuu/rut-ho-so\""), "no second withdrawal offered");
    let after = app.dossier(&code, &reception).await;
    assert_eq!(after["state"], "withdrawn");
    assert_eq!(after["timeline"].as_array().unwrap().last().unwrap()["note"], "Gia đình đã nộp ở nơi khác");
    // Withdrawing again is refused by the rules, not by a crash.
    assert_eq!(withdraw(APPLICANT_PHONE, "Lần nữa").await.status, 409);
}

on_both_backends!(the_lookup_says_what_to_do_next_and_lets_the_applicant_withdraw =>
    the_lookup_says_what_to_do_next_and_lets_the_applicant_withdraw_sqlite, the_lookup_says_what_to_do_next_and_lets_the_applicant_withdraw_postgres);

async fn public_statistics_count_what_the_agencies_did(app: &TestApp) {
    let first = code_of(&create_at_counter(app, BIRTH).await);
    create_at_counter(app, BIRTH).await;
    let reception = app.token("motcua.nhatrang").await;
    app.act(&first, "transfer", &reception, serde_json::json!({})).await.expect(200);
    app.act(&first, "forward", &app.token("chuyenvien.nhatrang").await, serde_json::json!({})).await.expect(200);
    app.act(&first, "approve", &app.token("lanhdao.nhatrang").await, serde_json::json!({})).await.expect(200);

    let page = get_page(app, "/thong-ke", None).await;
    assert_eq!(page.status, 200);
    // Two received at the counter, one finished the same day: on time, none online.
    let row = "<th scope=\"row\">Ủy ban nhân dân phường Nha Trang</th><td>2</td><td>0,0%</td><td>1</td><td>0</td><td>1</td><td>0</td><td>100,0%</td>";
    assert_eq!(page.text.matches(row).count(), 2, "this month and this year:\n{}", page.text);
    assert!(page.text.contains("<svg"), "a chart");
    assert!(!page.text.contains("<script"));
}

on_both_backends!(public_statistics_count_what_the_agencies_did =>
    public_statistics_count_what_the_agencies_did_sqlite, public_statistics_count_what_the_agencies_did_postgres);

async fn applicants_rate_a_finished_dossier_once_and_it_counts(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let rate = |secret: &'static str, scores: [&'static str; 9], satisfaction: &'static str| {
        let code = code.clone();
        async move {
            let mut form: Vec<(String, String)> = vec![("code".into(), code), ("secret".into(), secret.into()), ("satisfaction".into(), satisfaction.into())];
            for (i, s) in scores.iter().enumerate() {
                form.push((format!("c{i}"), s.to_string()));
            }
            app.send(app.client.post(app.url("/danh-gia")).form(&form)).await
        }
    };
    let good = ["2", "2", "2", "2", "2", "2", "2", "2", "1"];
    // Not before the result.
    let early = rate(APPLICANT_PHONE, good, "very_satisfied").await;
    assert_eq!(early.status, 409);
    assert!(early.text.contains("sau khi có kết quả"));

    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, serde_json::json!({})).await.expect(200);
    app.act(&code, "forward", &app.token("chuyenvien.nhatrang").await, serde_json::json!({})).await.expect(200);
    app.act(&code, "approve", &app.token("lanhdao.nhatrang").await, serde_json::json!({})).await.expect(200);

    // Missing answers are named next to their fields and what was chosen is kept.
    let partial = rate(APPLICANT_PHONE, ["2", "", "2", "2", "2", "2", "2", "2", "1"], "").await;
    assert_eq!(partial.status, 422);
    assert!(partial.text.contains("Chọn mức độ hài lòng"));
    assert_eq!(partial.text.matches("Chọn mức đánh giá cho tiêu chí này").count(), 1);
    assert!(partial.text.contains("<option value=\"1\" selected>"), "choices are kept");
    // Someone without the secret cannot rate it.
    assert_eq!(rate("0912000000", good, "very_satisfied").await.status, 404);
    let lookup = || app.send(app.client.post(app.url("/tra-cuu")).form(&[("code", code.as_str()), ("secret", APPLICANT_PHONE)]));
    assert!(lookup().await.text.contains("Đánh giá việc giải quyết hồ sơ"), "the lookup invites a rating");

    let done = rate(APPLICANT_PHONE, good, "very_satisfied").await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert!(done.text.contains("17 điểm/18 (Xuất sắc)"), "{}", done.text);
    let again = rate(APPLICANT_CCCD, good, "not_satisfied").await;
    assert_eq!(again.status, 409);
    assert!(again.text.contains("đã được đánh giá"));
    assert!(!lookup().await.text.contains("Đánh giá việc giải quyết hồ sơ"), "no invitation once rated");

    let stats = get_page(app, "/thong-ke", None).await;
    assert!(stats.text.contains("100,0% (1 lượt)"), "satisfaction feeds the statistics");
}

on_both_backends!(applicants_rate_a_finished_dossier_once_and_it_counts =>
    applicants_rate_a_finished_dossier_once_and_it_counts_sqlite, applicants_rate_a_finished_dossier_once_and_it_counts_postgres);

async fn feedback_gets_a_tracking_code_and_published_answers_are_public(app: &TestApp) {
    let send = |form: Vec<(&'static str, &'static str)>| async move { app.send(app.client.post(app.url("/phan-anh")).form(&form)).await };
    // Bad input: every field named, what was typed kept, nothing stored.
    let bad = send(vec![("topic", ""), ("subject", "Hẹn nhiều lần"), ("content", "ngắn"), ("name", ""), ("phone", "12")]).await;
    assert_eq!(bad.status, 422);
    for msg in ["Chọn nội dung phản ánh", "Nội dung phản ánh quá ngắn", "Không được để trống", "Số điện thoại không hợp lệ"] {
        assert!(bad.text.contains(msg), "missing {msg}");
    }
    assert!(bad.text.contains("value=\"Hẹn nhiều lần\""), "the subject typed is kept");
    let unknown = send(vec![("topic", "procedure"), ("procedure", "9.999999"), ("subject", "S"), ("content", "Nội dung đủ dài để gửi"), ("name", "A"), ("phone", "0905123456")]).await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.text.contains("Không có thủ tục với mã này"));

    let ok = send(vec![
        ("topic", "officer"),
        ("procedure", "1.001193"),
        ("subject", "Cán bộ hẹn lại nhiều lần"),
        ("content", "Tôi được hẹn lại ba lần cho cùng một giấy tờ khai sinh."),
        ("name", "Lê Văn Tâm"),
        ("phone", "0905 123 456"),
    ])
    .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    let start = ok.text.find("Mã theo dõi: <strong>").expect("a tracking code") + "Mã theo dõi: <strong>".len();
    let code = ok.text[start..start + 15].to_string();
    assert!(code.starts_with("PA-"), "{code}");

    let lookup = |code: String, phone: &'static str| async move {
        app.send(app.client.post(app.url("/phan-anh/tra-cuu")).form(&[("code", code.as_str()), ("phone", phone)])).await
    };
    let wrong = lookup(code.clone(), "0905000000").await;
    let unknown = lookup("PA-AAAAAAAAAAAA".into(), "0905123456").await;
    assert_eq!((wrong.status, unknown.status), (404, 404));
    assert!(wrong.text.contains("Không tìm thấy phản ánh") && unknown.text.contains("Không tìm thấy phản ánh"));
    assert!(lookup(code.clone(), "+84905123456").await.text.contains("đang được xem xét"));

    let officer = app.store.authenticate("motcua.nhatrang", motcua::demo::DEMO_PASSWORD).await.unwrap().unwrap();
    let answer = "Trung tâm đã làm việc với cán bộ và xin lỗi ông; hồ sơ đã được giải quyết ngay.";
    app.store.answer_feedback(&code, answer, officer.id, true, common::monday_morning() + chrono::Duration::hours(2)).await.unwrap();
    assert!(lookup(code.clone(), "0905123456").await.text.contains(answer));
    let public = get_page(app, "/phan-anh", None).await;
    assert!(public.text.contains("Cán bộ hẹn lại nhiều lần") && public.text.contains(answer), "published answers are listed");
    assert!(!public.text.contains("0905123456"), "the citizen's phone stays private");
}

on_both_backends!(feedback_gets_a_tracking_code_and_published_answers_are_public =>
    feedback_gets_a_tracking_code_and_published_answers_are_public_sqlite, feedback_gets_a_tracking_code_and_published_answers_are_public_postgres);


async fn applicants_supply_missing_papers_online_and_the_clock_resumes(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let reception = app.token("motcua.nhatrang").await;
    app.act(&code, "transfer", &reception, serde_json::json!({})).await.expect(200);
    let items = serde_json::json!({ "items": [{ "document": "Giấy chứng sinh", "reason": "Bản chụp mờ" }] });
    app.act(&code, "request-supplement", &app.token("chuyenvien.nhatrang").await, items).await.expect(200);

    let page = app.send(app.client.post(app.url("/tra-cuu")).form(&[("code", code.as_str()), ("secret", APPLICANT_PHONE)])).await;
    assert!(page.text.contains("action=\"/tra-cuu/bo-sung\""), "an upload form for the missing papers");

    let send = |file: Option<(&'static [u8], &'static str)>| {
        let code = code.clone();
        async move {
            let mut form = reqwest::multipart::Form::new().text("code", code).text("secret", APPLICANT_PHONE);
            if let Some((bytes, name)) = file {
                form = form.part("s0", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name));
            }
            app.send(app.client.post(app.url("/tra-cuu/bo-sung")).multipart(form)).await
        }
    };
    let none = send(None).await;
    assert_eq!(none.status, 422);
    assert!(none.text.contains("Chọn ít nhất một tệp"));
    let not_pdf = send(Some((b"GIF89a", "chung-sinh.gif"))).await;
    assert_eq!(not_pdf.status, 422);
    assert!(not_pdf.text.contains("không phải PDF, JPEG hoặc PNG"));
    assert_eq!(app.dossier(&code, &reception).await["state"], "supplement_requested", "nothing changed");

    app.clock.advance(chrono::Duration::hours(2));
    let ok = send(Some((b"\x89PNG\r\n\x1a\n....", "chung-sinh.png"))).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert!(ok.text.contains("Đã nộp bổ sung 1 tệp"));
    let d = app.dossier(&code, &reception).await;
    assert_eq!(d["state"], "processing");
    let docs = d["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["name"], "Giấy chứng sinh");
    assert_eq!(docs[0]["content_type"], "image/png");
}

on_both_backends!(applicants_supply_missing_papers_online_and_the_clock_resumes =>
    applicants_supply_missing_papers_online_and_the_clock_resumes_sqlite, applicants_supply_missing_papers_online_and_the_clock_resumes_postgres);

async fn staff_answer_feedback_about_their_agencies_and_choose_to_publish(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let send = |dossier: String| async move {
        let form = [
            ("topic", "officer".to_string()),
            ("dossier", dossier),
            ("subject", "Cán bộ yêu cầu thêm giấy tờ không có trong danh mục".to_string()),
            ("content", "Tôi bị yêu cầu nộp thêm bản sao sổ hộ khẩu dù thủ tục không cần.".to_string()),
            ("name", "Lê Văn Tâm".to_string()),
            ("phone", "0905123456".to_string()),
        ];
        app.send(app.client.post(app.url("/phan-anh")).form(&form)).await
    };
    // A code that names no dossier is taken alike: the form must not tell which codes exist.
    let unknown = send("H56.22366-261123-9999".into()).await;
    assert_eq!(unknown.status, 201);
    let created = send(code.clone()).await;
    assert_eq!(created.status, 201);
    let start = created.text.find("PA-").expect("a tracking code");
    let tracking = created.text[start..start + 15].to_string();

    // The agency of the dossier sees it; another commune does not and cannot answer it.
    let nha_trang = session_cookie(&sign_in(app, "motcua.nhatrang", DEMO_PASSWORD).await);
    let cam_lam = session_cookie(&sign_in(app, "motcua.camlam", DEMO_PASSWORD).await);
    assert!(get_page(app, "/can-bo/phan-anh", Some(&nha_trang)).await.text.contains(&tracking));
    assert!(!get_page(app, "/can-bo/phan-anh", Some(&cam_lam)).await.text.contains(&tracking));
    let answer = |cookie: String, text: &'static str, publish: bool| {
        let tracking = tracking.clone();
        async move {
            let mut form = vec![("answer", text)];
            if publish {
                form.push(("publish", "1"));
            }
            app.send(app.client.post(app.url(&format!("/can-bo/phan-anh/{tracking}"))).header("Cookie", cookie).form(&form)).await
        }
    };
    assert_eq!(answer(cam_lam.clone(), "Không phải việc của tôi", true).await.status, 404);
    let empty = answer(nha_trang.clone(), " ", true).await;
    assert_eq!(empty.status, 422);
    assert!(empty.text.contains("Nhập câu trả lời"));
    let reply = "Trung tâm xin lỗi ông; cán bộ đã được nhắc nhở, hồ sơ chỉ cần các giấy tờ trong danh mục.";
    assert_eq!(answer(nha_trang.clone(), reply, false).await.status, 303);
    // Answered but not published: the citizen reads it with the code; the public list does not show it.
    let lookup = app.send(app.client.post(app.url("/phan-anh/tra-cuu")).form(&[("code", tracking.as_str()), ("phone", "0905123456")])).await;
    assert!(lookup.text.contains(reply));
    assert!(!get_page(app, "/phan-anh", None).await.text.contains(reply));
    assert_eq!(answer(nha_trang, reply, true).await.status, 303);
    assert!(get_page(app, "/phan-anh", None).await.text.contains(reply), "published answers are public");
}

on_both_backends!(staff_answer_feedback_about_their_agencies_and_choose_to_publish =>
    staff_answer_feedback_about_their_agencies_and_choose_to_publish_sqlite, staff_answer_feedback_about_their_agencies_and_choose_to_publish_postgres);

async fn officers_act_from_the_dossier_page_and_a_stale_form_changes_nothing(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let cookie = |user: &'static str| async move { session_cookie(&sign_in(app, user, DEMO_PASSWORD).await) };
    let (reception, specialist, leader) = (cookie("motcua.nhatrang").await, cookie("chuyenvien.nhatrang").await, cookie("lanhdao.nhatrang").await);
    let page = |c: String| {
        let code = code.clone();
        async move { get_page(app, &format!("/can-bo/ho-so/{code}"), Some(&c)).await }
    };
    let version = |html: &str| html.split("name=\"version\" value=\"").nth(1).and_then(|s| s.split('"').next()).expect("a version").to_string();
    let act = |c: String, action: &'static str, fields: Vec<(&'static str, String)>| {
        let code = code.clone();
        async move { app.send(app.client.post(app.url(&format!("/can-bo/ho-so/{code}/thao-tac/{action}"))).header("Cookie", c).form(&fields)).await }
    };

    // Reception sees only what reception may do now.
    let p = page(reception.clone()).await;
    assert!(p.text.contains("/thao-tac/transfer"), "transfer offered");
    assert!(!p.text.contains("/thao-tac/approve"), "approval is not reception's");
    let v0 = version(&p.text);

    // A stale form (another officer acted in between) does nothing and says so, keeping what was typed.
    let done = act(reception.clone(), "transfer", vec![("version", v0.clone())]).await;
    assert_eq!(done.status, 303);
    assert_eq!(done.header("location"), Some(format!("/can-bo/ho-so/{code}?da=transfer").as_str()));
    let stale = act(reception.clone(), "request_supplement", vec![("version", v0), ("items", "Giấy chứng sinh: bản chụp mờ".into())]).await;
    assert_eq!(stale.status, 409);
    assert!(stale.text.contains("vừa được người khác cập nhật") && stale.text.contains("Giấy chứng sinh: bản chụp mờ"));
    assert_eq!(app.store.dossier_by_public_id(&code).await.unwrap().unwrap().state, "processing");

    // Bad input is named; then the specialist forwards and the leader approves from the page.
    let p = page(specialist.clone()).await;
    assert!(p.text.contains("Đã thực hiện") || p.text.contains("/thao-tac/forward"));
    let v1 = version(&p.text);
    let empty = act(specialist.clone(), "request_supplement", vec![("version", v1.clone()), ("items", " ".into())]).await;
    assert_eq!(empty.status, 422);
    assert!(empty.text.contains("Liệt kê từ 1 đến 50 giấy tờ"));
    assert_eq!(act(specialist.clone(), "forward", vec![("version", v1), ("note", "Đủ điều kiện".into())]).await.status, 303);
    let p = page(leader.clone()).await;
    assert!(p.text.contains("/thao-tac/approve") && p.text.contains("/thao-tac/reject"));
    assert_eq!(act(leader.clone(), "approve", vec![("version", version(&p.text))]).await.status, 303);

    // Reception returns the result at the counter, recording who received it.
    let p = page(reception.clone()).await;
    let missing = act(reception.clone(), "return_result", vec![("version", version(&p.text)), ("method", "counter".into())]).await;
    assert_eq!(missing.status, 422);
    let returned = act(
        reception.clone(),
        "return_result",
        vec![("version", version(&p.text)), ("method", "counter".into()), ("receiver_name", APPLICANT_NAME.into()), ("receiver_id", APPLICANT_CCCD.into())],
    )
    .await;
    assert_eq!(returned.status, 303);
    let d = app.store.dossier_by_public_id(&code).await.unwrap().unwrap();
    assert_eq!(d.state, "returned");
    // Nothing more to do, and officers outside the agency cannot act at all.
    assert!(!page(reception.clone()).await.text.contains("/thao-tac/"));
    let outsider = cookie("motcua.camlam").await;
    assert_eq!(act(outsider, "stop", vec![("version", d.version.to_string()), ("reason", "x".into())]).await.status, 404);
}

on_both_backends!(officers_act_from_the_dossier_page_and_a_stale_form_changes_nothing =>
    officers_act_from_the_dossier_page_and_a_stale_form_changes_nothing_sqlite, officers_act_from_the_dossier_page_and_a_stale_form_changes_nothing_postgres);

async fn reception_reads_the_uploaded_papers_before_accepting(app: &TestApp) {
    let submitted = submit_birth_online(app).await;
    let reference = submitted["reference"].as_str().unwrap().to_string();
    let reception = session_cookie(&sign_in(app, "motcua.nhatrang", DEMO_PASSWORD).await);
    let page = get_page(app, &format!("/can-bo/ho-so/{reference}"), Some(&reception)).await;
    assert!(page.text.contains("Giấy tờ đính kèm") && page.text.contains("/thao-tac/receive"), "the papers and the acceptance");
    let link = page.text.split(&format!("/can-bo/ho-so/{reference}/tep/")).nth(1).and_then(|s| s.split('"').next()).expect("a file link").to_string();
    let path = format!("/can-bo/ho-so/{reference}/tep/{link}");
    let file = app.send(app.client.get(app.url(&path)).header("Cookie", reception.clone())).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("application/pdf"));
    assert!(file.header("content-disposition").is_some_and(|c| c.starts_with("inline")));
    assert_eq!(file.header("content-security-policy"), Some("sandbox"));
    assert!(file.text.starts_with("%PDF"));
    let outsider = session_cookie(&sign_in(app, "motcua.camlam", DEMO_PASSWORD).await);
    assert_eq!(app.send(app.client.get(app.url(&path)).header("Cookie", outsider)).await.status, 404);
    assert_eq!(app.send(app.client.get(app.url(&path))).await.status, 401);
}

on_both_backends!(reception_reads_the_uploaded_papers_before_accepting =>
    reception_reads_the_uploaded_papers_before_accepting_sqlite, reception_reads_the_uploaded_papers_before_accepting_postgres);

async fn the_dashboard_counts_equal_the_dossiers_behind_them(app: &TestApp) {
    let reception = app.token("motcua.nhatrang").await;
    let finished = code_of(&create_at_counter(app, BIRTH).await);
    let open = code_of(&create_at_counter(app, BIRTH).await);
    let reference = submit_birth_online(app).await["reference"].as_str().unwrap().to_string();
    let online = code_of(&app.act(&reference, "receive", &reception, serde_json::json!({})).await.expect(200));
    app.act(&finished, "transfer", &reception, serde_json::json!({})).await.expect(200);
    forward_to_last_step(app, &finished).await;
    app.act(&finished, "approve", &app.token("lanhdao.nhatrang").await, serde_json::json!({})).await.expect(200);
    // Another commune's dossier is outside this officer's scope.
    let t = app.token("motcua.camlam").await;
    app.post_json("/api/v1/dossiers", Some(&t), &submission(BIRTH, CAM_LAM, "counter"), None).await.expect(201);
    // The next morning the two open ones are past their same-day due time.
    app.clock.advance(chrono::Duration::hours(25));

    let cookie = session_cookie(&sign_in(app, "motcua.nhatrang", DEMO_PASSWORD).await);
    let page = get_page(app, "/can-bo/bang-dieu-khien?tu=2026-11-01&den=2026-11-30", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let row = page.text.split("<th scope=\"row\">Ủy ban nhân dân phường Nha Trang</th>").nth(1).expect("the commune's row");
    // The text of each cell, without the drill-down links' tags.
    let text_of = |html: &str| {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.trim().to_string()
    };
    let cells: Vec<String> = row.split("</tr>").next().unwrap().split("<td>").skip(1).map(|c| text_of(c.split("</td>").next().unwrap())).collect();
    // received, open, overdue now, early, on time, late, on-time rate, online, satisfaction
    assert_eq!(cells[0], "3", "{cells:?}");
    assert_eq!(cells[1], "2");
    assert_eq!(cells[2], "2", "both open dossiers are overdue now");
    assert_eq!(cells[3].parse::<i64>().unwrap() + cells[4].parse::<i64>().unwrap(), 1);
    assert_eq!(cells[5], "0");
    assert_eq!(cells[6], "100,0%");
    assert_eq!(cells[7], "33,3%", "one of three came online");
    assert!(!page.text.contains("Xã Cam Lâm") && !page.text.contains("xã Cam Lâm"), "outside the scope");

    // Drill down: every number links to exactly the dossiers it counts.
    let links: Vec<String> = row.split("</tr>").next().unwrap().split("<td>").skip(1).take(6).map(|c| match c.split("href=\"").nth(1) {
        Some(h) => h.split('"').next().unwrap().replace("&amp;", "&").replace("&#38;", "&"),
        None => String::new(),
    }).collect();
    for (i, link) in links.iter().enumerate() {
        let n: usize = cells[i].parse().unwrap();
        if n == 0 {
            assert!(link.is_empty(), "a zero links nowhere");
            continue;
        }
        let list = get_page(app, link, Some(&cookie)).await;
        assert_eq!(list.status, 200, "{link}: {}", list.text);
        assert_eq!(list.text.matches("<tr class=\"due-").count(), n, "{link} lists the {n} dossiers it counts:\n{}", list.text);
        assert!(list.text.contains("Hồ sơ sau số liệu"), "{link} says what it shows");
    }
    let overdue = get_page(app, &links[2], Some(&cookie)).await;
    assert!(overdue.text.contains(&format!(">{open}<")) && overdue.text.contains(&format!(">{online}<")) && !overdue.text.contains(&format!(">{finished}<")));
    // The queue's own filters: overdue now, and by procedure.
    assert_eq!(get_page(app, "/can-bo?han=qua-han", Some(&cookie)).await.text.matches("<tr class=\"due-").count(), 2);
    assert_eq!(get_page(app, "/can-bo?thu_tuc=1.001612", Some(&cookie)).await.text.matches("<tr class=\"due-").count(), 0);
    assert_eq!(get_page(app, "/can-bo?kenh=online", Some(&cookie)).await.text.matches("<tr class=\"due-").count(), 1);
    assert_eq!(get_page(app, "/can-bo?linh_vuc_loc=H%E1%BB%99+t%E1%BB%8Bch", Some(&cookie)).await.text.matches("<tr class=\"due-").count(), 2, "Hộ tịch");
    assert_eq!(get_page(app, "/can-bo?linh_vuc_loc=%C4%90%E1%BA%A5t+%C4%91ai", Some(&cookie)).await.text.matches("<tr class=\"due-").count(), 0, "Đất đai");
    // A period without these dossiers counts none of them.
    let october = get_page(app, "/can-bo/bang-dieu-khien?tu=2026-10-01&den=2026-10-31", Some(&cookie)).await;
    assert!(!october.text.contains("<th scope=\"row\">Ủy ban nhân dân phường Nha Trang</th>"));
    assert_eq!(get_page(app, "/can-bo?so_lieu=tiep-nhan&tu=2026-10-01&den=2026-10-31", Some(&cookie)).await.text.matches("<tr class=\"due-").count(), 0);
    assert_eq!(get_page(app, "/can-bo?so_lieu=bogus&tu=2026-11-01&den=2026-11-30", Some(&cookie)).await.status, 422);
    assert_eq!(get_page(app, "/can-bo?so_lieu=tiep-nhan&tu=2026-11-01&den=2026-11-30&co_quan_nhan=H56.22453", Some(&cookie)).await.status, 422, "another commune is outside the scope");

    // The trend by month and the work of each officer.
    let months = get_page(app, "/can-bo/bang-dieu-khien?tu=2026-09-01&den=2026-11-30&theo=thang", Some(&cookie)).await;
    let november = months.text.split("<th scope=\"row\">Tháng 11/2026</th>").nth(1).expect("November's row");
    assert!(november.split("</td>").next().unwrap().contains(">3<"), "{november}");
    assert!(months.text.contains("<svg") && months.text.contains("11/2026: tiếp nhận 3"));
    let officers = get_page(app, "/can-bo/bang-dieu-khien?tu=2026-11-01&den=2026-11-30&theo=can-bo", Some(&cookie)).await;
    let row_of = |name: &str| officers.text.split(&format!("<th scope=\"row\">{name}</th>")).nth(1).map(|r| r.split("</tr>").next().unwrap().to_string()).unwrap_or_else(|| panic!("no row for {name}:\n{}", officers.text));
    assert!(row_of("Nguyễn Thị Lan (một cửa P. Nha Trang)").starts_with("<td>3</td><td>0</td>"), "three receptions, no step");
    assert!(row_of("Trần Văn Minh (chuyên viên P. Nha Trang)").starts_with("<td>0</td><td>1</td><td>1</td><td>0</td>"), "one step, in time");
    assert!(row_of("Phạm Quốc Huy (Chủ tịch UBND P. Nha Trang)").starts_with("<td>0</td><td>1</td>"), "the approval is a step");

    let by_field = get_page(app, "/can-bo/bang-dieu-khien?tu=2026-11-01&den=2026-11-30&theo=linh-vuc", Some(&cookie)).await;
    assert!(by_field.text.contains("<th scope=\"row\">Hộ tịch</th>"));
    let xlsx = app.client.get(app.url("/can-bo/bang-dieu-khien?tu=2026-11-01&den=2026-11-30&dinh-dang=xlsx")).header("Cookie", cookie.clone()).send().await.unwrap();
    assert_eq!(xlsx.status().as_u16(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
    assert_eq!(get_page(app, "/can-bo/bang-dieu-khien?tu=1/11/2026", Some(&cookie)).await.status, 422);
}

on_both_backends!(the_dashboard_counts_equal_the_dossiers_behind_them =>
    the_dashboard_counts_equal_the_dossiers_behind_them_sqlite, the_dashboard_counts_equal_the_dossiers_behind_them_postgres);

async fn the_page_asks_for_the_apology_one_working_day_before_the_due_time(app: &TestApp) {
    // Business registration at the counter on Monday 09:00: due Thursday 09:00 (3 working days).
    let code = code_of(&create_at_counter(app, "1.001612").await);
    app.act(&code, "transfer", &app.token("motcua.nhatrang").await, serde_json::json!({})).await.expect(200);
    // Sessions last 12 hours: sign in afresh on each day.
    let page = || {
        let code = code.clone();
        async move {
            let c = session_cookie(&sign_in(app, "chuyenvien.nhatrang", DEMO_PASSWORD).await);
            (get_page(app, &format!("/can-bo/ho-so/{code}"), Some(&c)).await, c)
        }
    };
    let (monday, _) = page().await;
    assert_eq!(monday.status, 200);
    assert!(!monday.text.contains("văn bản xin lỗi và hẹn lại"), "not yet on Monday");
    // Wednesday 09:00: one working day before the due time.
    app.clock.advance(chrono::Duration::hours(48));
    let (p, specialist) = page().await;
    assert!(p.text.contains("phải gửi văn bản xin lỗi và hẹn lại ngày trả trước hạn"), "{}", p.text);
    // The extend form comes first, with the end of the day after the due day proposed.
    let first = p.text.find("/thao-tac/").map(|i| &p.text[i..i + 30]).unwrap();
    assert!(first.starts_with("/thao-tac/extend"), "{first}");
    assert!(p.text.contains("value=\"2026-11-27\"") && p.text.contains("value=\"17:00\""));
    // Once extended, no second apology is asked for.
    let version = p.text.split("name=\"version\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let done = app
        .send(app.client.post(app.url(&format!("/can-bo/ho-so/{code}/thao-tac/extend"))).header("Cookie", specialist.clone()).form(&[
            ("version", version.as_str()),
            ("new_date", "2026-11-27"),
            ("new_time", "17:00"),
            ("reason", "Chờ ý kiến cơ quan thuế"),
        ]))
        .await;
    assert_eq!(done.status, 303);
    let (after, _) = page().await;
    assert!(!after.text.contains("/thao-tac/extend") && !after.text.contains("văn bản xin lỗi và hẹn lại ngày trả trước hạn"));
    assert!(after.text.contains("/mau/04"), "the apology letter is printable");
}

on_both_backends!(the_page_asks_for_the_apology_one_working_day_before_the_due_time =>
    the_page_asks_for_the_apology_one_working_day_before_the_due_time_sqlite, the_page_asks_for_the_apology_one_working_day_before_the_due_time_postgres);
