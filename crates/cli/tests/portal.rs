//! The citizen portal end to end over HTTP: online submission through the review step to
//! a receipt and its PDF; citizen accounts with one-time codes; "Hồ sơ của tôi", drafts
//! and the document store with reuse. On SQLite and PostgreSQL.

#[macro_use]
mod common;

use common::*;

const FORM: &str = "/nop-ho-so/1.001193";

fn pdf(name: &str, marker: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(format!("%PDF-1.4\n% {marker}\n").into_bytes()).file_name(name.to_string())
}

/// The value of a hidden input of the page.
fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = html.find(&key).unwrap_or_else(|| panic!("no hidden {name} in:\n{html}")) + key.len();
    let end = html[start..].find('"').expect("value end") + start;
    html[start..end].to_string()
}

fn location(r: &Resp) -> String {
    assert_eq!(r.status, 303, "expected a redirect, got {}: {}", r.status, r.text);
    r.header("location").expect("Location").to_string()
}

/// The `name=value` of the citizen session cookie a response sets.
fn citizen_cookie(r: &Resp) -> String {
    let set = r.header("set-cookie").unwrap_or_else(|| panic!("no Set-Cookie: {:?}", r.headers));
    assert!(set.starts_with("motcua_citizen=") && set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
    set.split(';').next().unwrap().to_string()
}



async fn post_multipart(app: &TestApp, path: &str, cookie: Option<&str>, form: reqwest::multipart::Form) -> Resp {
    let mut rb = app.client.post(app.url(path)).multipart(form);
    if let Some(c) = cookie {
        rb = rb.header("Cookie", c);
    }
    app.send(rb).await
}

fn applicant_fields(form: reqwest::multipart::Form, id_number: &str) -> reqwest::multipart::Form {
    form.text("agency", NHA_TRANG)
        .text("kind", "person")
        .text("name", "Phạm Thị Hoa")
        .text("id_number", id_number.to_string())
        .text("phone", "0905111222")
        .text("delivery", "online")
}

async fn online_submission_goes_through_review_to_a_receipt_and_its_pdf(app: &TestApp) {
    let form = page_get(app, FORM, None).await;
    assert_eq!(form.status, 200);
    for text in ["Tỉnh, thành phố: <strong>Tỉnh Khánh Hòa</strong>", "Ủy ban nhân dân phường Nha Trang", "Tờ khai đăng ký khai sinh", "tối đa 10 MB", "Kiểm tra lại"] {
        assert!(form.text.contains(text), "form lacks {text:?}");
    }
    let before = app.store.count_dossiers().await.unwrap();

    // A wrong ID number and a file that is not a PDF, beside a good file: every problem is
    // named, typed values are kept, and the good file is kept for the next try.
    let bad = post_multipart(
        app,
        FORM,
        None,
        applicant_fields(reqwest::multipart::Form::new(), "056190")
            .part("f0", reqwest::multipart::Part::bytes(b"MZ not a pdf".to_vec()).file_name("to-khai.pdf"))
            .part("f1", pdf("chung-sinh.pdf", "giay chung sinh")),
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert!(bad.text.contains("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số"));
    assert!(bad.text.contains("không phải PDF, JPEG hoặc PNG"));
    assert!(bad.text.contains("value=\"Phạm Thị Hoa\""));
    assert!(bad.text.contains("Đã tải lên: chung-sinh.pdf"), "the good file is kept");
    assert_eq!(app.store.count_dossiers().await.unwrap(), before, "nothing half-written");
    let draft = hidden(&bad.text, "draft");
    assert!(draft.len() >= 40, "an unguessable draft token: {draft}");

    // No agency chosen: said plainly.
    let no_agency = post_multipart(app, FORM, None, reqwest::multipart::Form::new().text("draft", draft.clone()).text("name", "Phạm Thị Hoa")).await;
    assert_eq!(no_agency.status, 422);
    assert!(no_agency.text.contains("Chọn nơi nộp hồ sơ"));

    let fixed = post_multipart(
        app,
        FORM,
        None,
        applicant_fields(reqwest::multipart::Form::new().text("draft", draft.clone()), "056190012345").part("f0", pdf("to-khai.pdf", "to khai")),
    )
    .await;
    let review_at = location(&fixed);
    assert_eq!(review_at, format!("/nop-ho-so/xem-lai/{draft}"));
    let review = page_get(app, &review_at, None).await;
    assert_eq!(review.status, 200);
    for text in ["Kiểm tra lại thông tin", "Phạm Thị Hoa", "056190012345", "to-khai.pdf", "chung-sinh.pdf", "Xác nhận nộp hồ sơ", "Ủy ban nhân dân phường Nha Trang"] {
        assert!(review.text.contains(text), "review lacks {text:?}");
    }
    assert_eq!(app.store.count_dossiers().await.unwrap(), before, "reviewing writes no dossier");

    // Confirm five times at once (an impatient double tap on a slow link): one dossier,
    // every answer leads to the same receipt.
    let confirm = || page_post(app, &review_at, None, &[]);
    let (a, b, c, d, e) = tokio::join!(confirm(), confirm(), confirm(), confirm(), confirm());
    let receipt_at = format!("/nop-ho-so/bien-nhan/{draft}");
    for a in [&a, &b, &c, &d, &e] {
        assert_eq!(location(a), receipt_at);
        assert_eq!(page_get(app, &receipt_at, None).await.status, 200, "every answer's receipt exists");
    }
    assert_eq!(app.store.count_dossiers().await.unwrap(), before + 1);

    let receipt = page_get(app, &receipt_at, None).await;
    assert_eq!(receipt.status, 200);
    let start = receipt.text.find("<strong class=\"code\">").expect("the code") + "<strong class=\"code\">".len();
    let reference = receipt.text[start..].split('<').next().unwrap().to_string();
    let d = app.store.dossier_by_public_id(&reference).await.unwrap().expect("the dossier");
    assert_eq!((d.state.as_str(), d.channel.as_str(), d.document_count), ("submitted", "online", 2));
    let stored = app.store.draft(&draft).await.unwrap().expect("the draft");
    assert_eq!((stored.status.as_str(), stored.dossier_id), ("submitted", Some(d.id)), "the draft is closed with the dossier");
    assert!(receipt.text.contains("Tải biên nhận (PDF)") && receipt.text.contains(&format!("/tra-cuu?ma={reference}")));

    let pdf = app.client.get(app.url(&format!("{receipt_at}/pdf"))).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&bytes);
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN NHẬN NỘP HỒ SƠ TRỰC TUYẾN",
        "Phạm Thị Hoa",
        "Đăng ký khai sinh",
        "Tờ khai đăng ký khai sinh",
        "Nhận kết quả điện tử",
        reference.as_str(),
        "/tra-cuu?ma=",
    ] {
        assert!(text.contains(expected), "the PDF lacks {expected:?}:\n{text}");
    }

    // The lookup opened from the receipt's QR has the code filled in.
    let lookup = page_get(app, &format!("/tra-cuu?ma={reference}"), None).await;
    assert!(lookup.text.contains(&format!("value=\"{reference}\"")));
    // A receipt is only for a submitted draft; an unknown token finds nothing.
    assert_eq!(page_get(app, "/nop-ho-so/bien-nhan/khong-co", None).await.status, 404);
}

on_both_backends!(online_submission_goes_through_review_to_a_receipt_and_its_pdf =>
    online_submission_goes_through_review_to_a_receipt_and_its_pdf_sqlite, online_submission_goes_through_review_to_a_receipt_and_its_pdf_postgres);

/// The one-time code in the latest message to `to`.
async fn latest_code(app: &TestApp, to: &str) -> String {
    let messages = app.store.recent_messages(20).await.unwrap();
    let m = messages.iter().find(|m| m.payload.contains(to) && m.topic.starts_with("otp.")).unwrap_or_else(|| panic!("no code sent to {to}: {messages:?}"));
    let text: serde_json::Value = serde_json::from_str(&m.payload).unwrap();
    let text = text["text"].as_str().unwrap();
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap_or_else(|| panic!("no code in {text}")).to_string()
}

async fn sign_up(app: &TestApp, name: &str, login: &str, password: &str) -> String {
    let r = page_post(app, "/tai-khoan/dang-ky", None, &[("name", name), ("login", login), ("password", password), ("password2", password)]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("Nhập mã xác minh"));
    let code = latest_code(app, login).await;
    let ok = page_post(app, "/tai-khoan/xac-minh", None, &[("login", login), ("code", &code)]).await;
    assert_eq!(location(&ok), "/ho-so-cua-toi?moi=1");
    citizen_cookie(&ok)
}

async fn citizens_sign_up_with_a_one_time_code_and_sign_in(app: &TestApp) {
    // Bad input: every field named, nothing created.
    let bad = page_post(app, "/tai-khoan/dang-ky", None, &[("name", ""), ("login", "0905"), ("password", "ngan"), ("password2", "ngan")]).await;
    assert_eq!(bad.status, 422);
    for text in ["Nhập họ và tên", "Số điện thoại phải có 10 chữ số", "Mật khẩu cần ít nhất 10 ký tự"] {
        assert!(bad.text.contains(text), "sign-up lacks {text:?}");
    }

    let password = "hoa sen nở rộ";
    let r = page_post(app, "/tai-khoan/dang-ky", None, &[("name", "Lê Văn Tâm"), ("login", "+84 905 333 444"), ("password", password), ("password2", password)]).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("số điện thoại ******3444"), "where the code went, masked");
    let code = latest_code(app, "0905333444").await;
    // Unverified accounts cannot sign in to their dossiers.
    assert_eq!(page_get(app, "/ho-so-cua-toi", None).await.status, 303);

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let w = page_post(app, "/tai-khoan/xac-minh", None, &[("login", "0905333444"), ("code", wrong)]).await;
    assert_eq!(w.status, 422);
    assert!(w.text.contains("Còn 4 lần thử"));
    let ok = page_post(app, "/tai-khoan/xac-minh", None, &[("login", "0905333444"), ("code", &code)]).await;
    let cookie = citizen_cookie(&ok);
    let mine = page_get(app, &location(&ok), Some(&cookie)).await;
    assert_eq!(mine.status, 200);
    assert!(mine.text.contains("Lê Văn Tâm") && mine.text.contains("Tài khoản đã được kích hoạt"));
    // A used code does not work twice.
    let again = page_post(app, "/tai-khoan/xac-minh", None, &[("login", "0905333444"), ("code", &code)]).await;
    assert_eq!(again.status, 422);

    // Signing up again with a taken phone answers the same page and changes nothing.
    let n_codes = app.store.recent_messages(100).await.unwrap().iter().filter(|m| m.topic.starts_with("otp.")).count();
    let dup = page_post(app, "/tai-khoan/dang-ky", None, &[("name", "Kẻ Giả"), ("login", "0905333444"), ("password", "mat khau khac"), ("password2", "mat khau khac")]).await;
    assert_eq!(dup.status, 200);
    assert!(dup.text.contains("Nhập mã xác minh"));
    let after = app.store.recent_messages(100).await.unwrap();
    assert_eq!(after.iter().filter(|m| m.topic.starts_with("otp.")).count(), n_codes, "no code for a taken contact");
    assert!(after[0].topic == "notice.sms" && after[0].payload.contains("Ban da co tai khoan"), "the owner is told instead");

    // Sign in: wrong password refused, the right one works, sign-out ends the session.
    let refused = page_post(app, "/tai-khoan/dang-nhap", None, &[("login", "0905333444"), ("password", "mat khau khac")]).await;
    assert_eq!(refused.status, 401);
    assert!(refused.text.contains("không đúng"));
    let signed = page_post(app, "/tai-khoan/dang-nhap", None, &[("login", "0905333444"), ("password", password), ("next", "/giay-to-cua-toi")]).await;
    assert_eq!(location(&signed), "/giay-to-cua-toi");
    let cookie2 = citizen_cookie(&signed);
    let evil = page_post(app, "/tai-khoan/dang-nhap", None, &[("login", "0905333444"), ("password", password), ("next", "//evil.example/")]).await;
    assert_eq!(location(&evil), "/ho-so-cua-toi", "no open redirect");
    page_post(app, "/tai-khoan/dang-xuat", Some(&cookie2), &[]).await;
    assert_eq!(page_get(app, "/ho-so-cua-toi", Some(&cookie2)).await.status, 303, "signed out");

    // Forgotten password: a reset code, a new password, the old one no longer works, and
    // every other session ends.
    let f = page_post(app, "/tai-khoan/quen-mat-khau", None, &[("login", "0905333444")]).await;
    assert!(f.text.contains("Đặt lại mật khẩu"));
    let unknown = page_post(app, "/tai-khoan/quen-mat-khau", None, &[("login", "0905993444")]).await;
    assert_eq!(unknown.status, f.status);
    assert_eq!(unknown.text.replace("0905993444", "0905333444"), f.text, "the same answer for an unknown account");
    let reset_code = latest_code(app, "0905333444").await;
    let new_password = "mật khẩu mới rất dài";
    let done = page_post(
        app,
        "/tai-khoan/dat-lai-mat-khau",
        None,
        &[("login", "0905333444"), ("code", &reset_code), ("password", new_password), ("password2", new_password)],
    )
    .await;
    citizen_cookie(&done);
    assert_eq!(page_get(app, "/ho-so-cua-toi", Some(&cookie)).await.status, 303, "old sessions ended by the reset");
    assert_eq!(page_post(app, "/tai-khoan/dang-nhap", None, &[("login", "0905333444"), ("password", password)]).await.status, 401);
    assert_eq!(location(&page_post(app, "/tai-khoan/dang-nhap", None, &[("login", "0905333444"), ("password", new_password)]).await), "/ho-so-cua-toi");
}

on_both_backends!(citizens_sign_up_with_a_one_time_code_and_sign_in =>
    citizens_sign_up_with_a_one_time_code_and_sign_in_sqlite, citizens_sign_up_with_a_one_time_code_and_sign_in_postgres);

async fn signed_in_citizens_keep_drafts_see_their_dossiers_and_reuse_documents(app: &TestApp) {
    // The account uses the phone of the counter applicant, so the counter dossier is theirs too.
    let cookie = sign_up(app, "Nguyễn Thị Hạnh", APPLICANT_PHONE, "mat khau cua Hanh").await;
    let counter = code_of(&create_at_counter(app, BIRTH).await);

    // The form is prefilled from the account; a draft is saved and listed.
    let form = page_get(app, FORM, Some(&cookie)).await;
    assert!(form.text.contains("value=\"Nguyễn Thị Hạnh\"") && form.text.contains("Lưu nháp"));
    let saved = post_multipart(
        app,
        FORM,
        Some(&cookie),
        applicant_fields(reqwest::multipart::Form::new(), "056190012345").text("action", "save").part("f0", pdf("to-khai-hanh.pdf", "to khai Hanh")),
    )
    .await;
    assert_eq!(location(&saved), "/ho-so-cua-toi?luu=1");
    let mine = page_get(app, "/ho-so-cua-toi?luu=1", Some(&cookie)).await;
    assert!(mine.text.contains("Hồ sơ đang soạn") && mine.text.contains("Đăng ký khai sinh") && mine.text.contains("Đã lưu nháp"));
    assert!(mine.text.contains(&counter), "a dossier filed at the counter with the verified phone is listed");
    let draft = mine.text.split("?nhap=").nth(1).and_then(|s| s.split('"').next()).expect("a draft link").to_string();
    // Another visitor cannot open someone's draft.
    assert_eq!(page_get(app, &format!("/nop-ho-so/xem-lai/{draft}"), None).await.status, 404);

    // Continue the draft: the file is still there; submit.
    let resumed = page_get(app, &format!("{FORM}?nhap={draft}"), Some(&cookie)).await;
    assert!(resumed.text.contains("Đã tải lên: to-khai-hanh.pdf"));
    let next = post_multipart(
        app,
        FORM,
        Some(&cookie),
        applicant_fields(reqwest::multipart::Form::new().text("draft", draft.clone()), "056190012345").part("f1", pdf("chung-sinh-hanh.pdf", "chung sinh Hanh")),
    )
    .await;
    let review_at = location(&next);
    let receipt_at = location(&page_post(app, &review_at, Some(&cookie), &[]).await);
    let receipt = page_get(app, &receipt_at, Some(&cookie)).await;
    assert!(receipt.text.contains("Hồ sơ của tôi"));
    let first = app.store.draft(&draft).await.unwrap().unwrap().dossier_id.unwrap();
    assert!(page_get(app, "/ho-so-cua-toi", Some(&cookie)).await.text.contains(app.store.dossier_by_id(first).await.unwrap().unwrap().public_id()));

    // The document store lists both files; one downloads as an attachment; another
    // citizen cannot fetch it.
    let docs = page_get(app, "/giay-to-cua-toi", Some(&cookie)).await;
    assert!(docs.text.contains("to-khai-hanh.pdf") && docs.text.contains("chung-sinh-hanh.pdf"));
    let sha = docs.text.split("/giay-to-cua-toi/").nth(1).and_then(|s| s.split('"').next()).expect("a download link").to_string();
    let dl = page_get(app, &format!("/giay-to-cua-toi/{sha}"), Some(&cookie)).await;
    assert_eq!(dl.status, 200);
    assert!(dl.header("content-disposition").is_some_and(|v| v.starts_with("attachment")));
    let other = sign_up(app, "Người Khác", "khac@example.vn", "mat khau nguoi khac").await;
    assert_eq!(page_get(app, &format!("/giay-to-cua-toi/{sha}"), Some(&other)).await.status, 404);
    assert_eq!(page_get(app, &format!("/ho-so-cua-toi/{counter}"), Some(&other)).await.status, 404, "nobody sees another's dossier");
    assert!(!page_get(app, "/ho-so-cua-toi", Some(&other)).await.text.contains(&counter));
    assert_eq!(page_get(app, &format!("/ho-so-cua-toi/{counter}"), Some(&cookie)).await.status, 200);

    // A new submission reuses both stored documents instead of uploading them again; a
    // hash the citizen does not own is refused.
    let reuse_form = page_get(app, FORM, Some(&cookie)).await;
    assert!(reuse_form.text.contains("Hoặc dùng giấy tờ đã có"));
    let all: Vec<String> = docs.text.split("/giay-to-cua-toi/").skip(1).filter_map(|s| s.split('"').next()).map(String::from).collect();
    let refused = post_multipart(app, FORM, Some(&cookie), applicant_fields(reqwest::multipart::Form::new(), "056190012345").text("r0", "ab".repeat(32))).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text.contains("Không tìm thấy giấy tờ đã chọn"));
    let reuse = post_multipart(
        app,
        FORM,
        Some(&cookie),
        applicant_fields(reqwest::multipart::Form::new().text("draft", hidden(&refused.text, "draft")), "056190012345")
            .text("r0", all[0].clone())
            .text("r1", all[1].clone()),
    )
    .await;
    let receipt_at = location(&page_post(app, &location(&reuse), Some(&cookie), &[]).await);
    let token = receipt_at.rsplit('/').next().unwrap();
    let second = app.store.draft(token).await.unwrap().unwrap().dossier_id.unwrap();
    let docs2 = app.store.dossier_documents(second).await.unwrap();
    assert_eq!(docs2.len(), 2);
    let mut shas: Vec<&str> = docs2.iter().map(|d| d.sha256.as_str()).collect();
    shas.sort();
    let mut expected: Vec<&str> = all[..2].iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(shas, expected, "the same stored files, not copies");

    // Drafts can be deleted by their owner only.
    let save = post_multipart(app, FORM, Some(&cookie), reqwest::multipart::Form::new().text("action", "save").text("name", "nháp")).await;
    assert_eq!(location(&save), "/ho-so-cua-toi?luu=1");
    let list = page_get(app, "/ho-so-cua-toi", Some(&cookie)).await;
    let t = list.text.split("?nhap=").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    page_post(app, &format!("/ho-so-cua-toi/nhap/{t}/xoa"), Some(&other), &[]).await;
    assert!(app.store.draft(&t).await.unwrap().is_some(), "not deleted by another citizen");
    page_post(app, &format!("/ho-so-cua-toi/nhap/{t}/xoa"), Some(&cookie), &[]).await;
    assert!(app.store.draft(&t).await.unwrap().is_none());
}

on_both_backends!(signed_in_citizens_keep_drafts_see_their_dossiers_and_reuse_documents =>
    signed_in_citizens_keep_drafts_see_their_dossiers_and_reuse_documents_sqlite, signed_in_citizens_keep_drafts_see_their_dossiers_and_reuse_documents_postgres);

async fn errors_on_pages_are_pages_and_the_api_keeps_json(app: &TestApp) {
    let page = page_get(app, "/khong-co-trang-nay", None).await;
    assert_eq!(page.status, 404);
    assert!(page.header("content-type").is_some_and(|c| c.starts_with("text/html")));
    assert!(page.text.contains("Không tìm thấy trang") && page.text.contains("Về trang chủ"));
    let procedure = page_get(app, "/thu-tuc/9.999999", None).await;
    assert_eq!(procedure.status, 404);
    assert!(procedure.text.contains("Không tìm thấy trang"));
    let api = app.get("/api/v1/khong-co", None).await;
    api.expect_error(404);
    // A form sent with the wrong method is told so on a page, with Allow.
    let wrong = app.send(app.client.put(app.url("/tra-cuu"))).await;
    assert_eq!(wrong.status, 405);
    assert!(wrong.text.contains("<h1>"), "{}", wrong.text);
}

on_both_backends!(errors_on_pages_are_pages_and_the_api_keeps_json =>
    errors_on_pages_are_pages_and_the_api_keeps_json_sqlite, errors_on_pages_are_pages_and_the_api_keeps_json_postgres);
