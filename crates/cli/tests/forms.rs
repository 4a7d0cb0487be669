//! The official forms of a dossier as PDF (Mẫu 01–06 of Circular 03/2025/TT-VPCP), read
//! back with poppler's `pdftotext`: the required fields are there, with their diacritics.

#[macro_use]
mod common;

use common::*;
use serde_json::json;

async fn staff_cookie(app: &TestApp, username: &str) -> String {
    let r = app.send(app.client.post(app.url("/dang-nhap")).form(&[("username", username), ("password", motcua::demo::DEMO_PASSWORD)])).await;
    r.header("set-cookie").expect("a session cookie").split(';').next().unwrap().to_string()
}

async fn form(app: &TestApp, cookie: &str, code: &str, n: &str) -> (u16, String) {
    let r = app.client.get(app.url(&format!("/can-bo/ho-so/{code}/mau/{n}"))).header("Cookie", cookie).send().await.unwrap();
    let status = r.status().as_u16();
    let pdf = r.headers().get("content-type").is_some_and(|c| c == "application/pdf");
    let bytes = r.bytes().await.unwrap();
    if status == 200 {
        assert!(pdf && bytes.starts_with(b"%PDF-"), "form {n} is a PDF");
        (status, pdf_text(&bytes))
    } else {
        (status, String::from_utf8_lossy(&bytes).to_string())
    }
}

fn assert_has(text: &str, form: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "Mẫu {form} lacks {e:?}:\n{text}");
    }
}

const MOTTO: [&str; 2] = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"];

async fn official_forms_print_what_the_circular_requires(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let reception = app.token("motcua.nhatrang").await;
    let specialist = app.token("chuyenvien.nhatrang").await;
    let staff = staff_cookie(app, "motcua.nhatrang").await;

    // Mẫu 01 at reception: agency, code, applicant and contacts, procedure, papers, time,
    // appointment, where to collect, book number, officer, and the motto.
    let (status, t) = form(app, &staff, &code, "01").await;
    assert_eq!(status, 200, "{t}");
    assert_has(&t, "01", &MOTTO);
    assert_has(&t, "01", &[
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "ỦY BAN NHÂN DÂN PHƯỜNG NHA TRANG",
        &code,
        APPLICANT_NAME,
        APPLICANT_PHONE,
        "hanh.nguyen@example.vn",
        "12 Trần Phú, phường Nha Trang, Khánh Hòa",
        "Đăng ký khai sinh",
        "Tờ khai đăng ký khai sinh",
        // Labels and values are separate columns of text.
        "Thời gian nhận hồ sơ:",
        "09 giờ 00 phút, ngày 23/11/2026",
        "Thời gian trả kết quả:",
        "17 giờ 00 phút, ngày 23/11/2026",
        "Vào Sổ theo dõi hồ sơ, số:",
        "Số: 0001/TNHS",
        "Nhận kết quả tại:",
        "Bộ phận Một cửa, Ủy ban nhân dân phường Nha Trang",
        "Nguyễn Thị Lan",
        "Khánh Hòa, ngày 23 tháng 11 năm 2026",
        "/tra-cuu?ma=",
    ]);
    // Forms of events that did not happen are refused, and nobody outside sees any.
    assert_eq!(form(app, &staff, &code, "03").await.0, 409);
    assert_eq!(form(app, &staff, &code, "09").await.0, 404);
    let outsider = staff_cookie(app, "motcua.camlam").await;
    assert_eq!(form(app, &outsider, &code, "01").await.0, 404);
    let anonymous = app.client.get(app.url(&format!("/can-bo/ho-so/{code}/mau/01"))).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);

    // Mẫu 02: what is missing and why, legal ground, officer.
    app.act(&code, "transfer", &reception, json!({})).await.expect(200);
    app.act(&code, "request-supplement", &specialist, supplement_items()).await.expect(200);
    let (status, t) = form(app, &staff, &code, "02").await;
    assert_eq!(status, 200);
    assert_has(&t, "02", &MOTTO);
    assert_has(&t, "02", &["PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", &code, APPLICANT_NAME, "Căn cứ pháp lý", "Trần Văn Minh"]);
    let items = supplement_items();
    for item in items["items"].as_array().unwrap() {
        assert_has(&t, "02", &[item["document"].as_str().unwrap(), item["reason"].as_str().unwrap()]);
    }

    // Mẫu 04: the apology with the original and the new date.
    app.post_as_applicant(&format!("/api/v1/dossiers/{code}/supply"), APPLICANT_PHONE, &json!({})).await.expect(200);
    app.act(&code, "extend", &specialist, json!({ "new_due": "2026-11-27T17:00:00+07:00", "reason": "Cần xác minh thông tin với nơi sinh" })).await.expect(200);
    let (status, t) = form(app, &staff, &code, "04").await;
    assert_eq!(status, 200);
    assert_has(&t, "04", &["VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "xin gửi lời xin lỗi", "Cần xác minh thông tin với nơi sinh", "17 giờ 00 phút, ngày 27/11/2026", &code]);

    // Mẫu 06: every handover with its time, who did it and how each step went.
    forward_to_last_step(app, &code).await;
    let (status, t) = form(app, &staff, &code, "06").await;
    assert_eq!(status, 200);
    assert_has(&t, "06", &["PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Tiếp nhận", "Yêu cầu bổ sung", "Nguyễn Thị Lan", "Trần Văn Minh", "Đúng hạn"]);

    // Mẫu 03 for a refused dossier, Mẫu 05 for a stopped one.
    let refused = code_of(&create_at_counter(app, BIRTH).await);
    app.act(&refused, "transfer", &reception, json!({})).await.expect(200);
    let leader = app.token("lanhdao.nhatrang").await;
    forward_to_last_step(app, &refused).await;
    app.act(&refused, "reject", &leader, json!({ "reason": "Người đi đăng ký không có quyền", "legal_ground": "Luật Hộ tịch 2014, Điều 15" })).await.expect(200);
    let (status, t) = form(app, &staff, &refused, "03").await;
    assert_eq!(status, 200);
    assert_has(&t, "03", &["PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Người đi đăng ký không có quyền", "Luật Hộ tịch 2014, Điều 15", "Phạm Quốc Huy"]);

    let stopped = code_of(&create_at_counter(app, BIRTH).await);
    app.act(&stopped, "transfer", &reception, json!({})).await.expect(200);
    app.act(&stopped, "stop", &leader, json!({ "reason": "Người nộp có văn bản đề nghị dừng giải quyết" })).await.expect(200);
    let (status, t) = form(app, &staff, &stopped, "05").await;
    assert_eq!(status, 200);
    assert_has(&t, "05", &["THÔNG BÁO VỀ VIỆC DỪNG GIẢI QUYẾT HỒ SƠ", "Người nộp có văn bản đề nghị dừng giải quyết", &stopped]);
}

on_both_backends!(official_forms_print_what_the_circular_requires =>
    official_forms_print_what_the_circular_requires_sqlite, official_forms_print_what_the_circular_requires_postgres);

async fn the_tracking_book_lists_an_agencys_dossiers_as_pdf_and_xlsx(app: &TestApp) {
    let mut codes = Vec::new();
    for p in [BIRTH, BIRTH, "1.001612"] {
        codes.push(code_of(&create_at_counter(app, p).await));
    }
    let staff = staff_cookie(app, "motcua.nhatrang").await;
    let get = |q: &str| {
        let url = app.url(&format!("/can-bo/so-theo-doi?{q}"));
        let cookie = staff.clone();
        async move { app.client.get(url).header("Cookie", cookie).send().await.unwrap() }
    };
    let pdf = get("co-quan=H56.22366&tu=2026-11-23&den=2026-11-23").await;
    assert_eq!(pdf.status().as_u16(), 200);
    let text = pdf_text(&pdf.bytes().await.unwrap());
    assert_has(&text, "07", &["SỔ THEO DÕI HỒ SƠ", "từ ngày 23/11/2026 đến ngày 23/11/2026", "3 hồ sơ", "Đăng ký khai sinh", APPLICANT_NAME]);
    for c in &codes {
        assert_has(&text, "07", &[c.as_str()]);
    }
    // The day before: an empty book; another commune's book is not this officer's.
    let empty = pdf_text(&get("co-quan=H56.22366&tu=2026-11-22&den=2026-11-22").await.bytes().await.unwrap());
    assert_has(&empty, "07", &["0 hồ sơ"]);
    assert_eq!(get("co-quan=H56.22453&tu=2026-11-23&den=2026-11-23").await.status().as_u16(), 422);
    assert_eq!(get("co-quan=H56.22366&tu=23/11/2026&den=2026-11-23").await.status().as_u16(), 422);

    let xlsx = get("co-quan=H56.22366&tu=2026-11-01&den=2026-11-30&dinh-dang=xlsx").await;
    assert_eq!(xlsx.status().as_u16(), 200);
    assert!(xlsx.headers()["content-disposition"].to_str().unwrap().contains(".xlsx"));
    let bytes = xlsx.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "an XLSX is a zip");
    let sheet = xlsx_sheet_text(&bytes);
    for c in &codes {
        assert!(sheet.contains(c.as_str()), "the sheet lists {c}");
    }
    assert!(sheet.contains("Đăng ký khai sinh") && sheet.contains("SỔ THEO DÕI HỒ SƠ"));
}

/// The first worksheet's XML of an XLSX (Python's zipfile: present wherever CI runs).
fn xlsx_sheet_text(bytes: &[u8]) -> String {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("motcua-xlsx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("book.xlsx");
    std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-c", "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read('xl/worksheets/sheet1.xml').decode())", path.to_str().unwrap()])
        .output()
        .expect("python3");
    assert!(out.status.success(), "not a readable XLSX: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

on_both_backends!(the_tracking_book_lists_an_agencys_dossiers_as_pdf_and_xlsx =>
    the_tracking_book_lists_an_agencys_dossiers_as_pdf_and_xlsx_sqlite, the_tracking_book_lists_an_agencys_dossiers_as_pdf_and_xlsx_postgres);
