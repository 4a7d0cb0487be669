//! The public catalogue pages: search that ignores diacritics, case and word order with the
//! best match first, filters and pages, and the procedure page with its QR code and
//! printable view. Pages work without JavaScript.

#[macro_use]
mod common;

use common::TestApp;

fn first_result(html: &str) -> &str {
    let start = html.find("<ol class=\"results\">").expect("a result list");
    let strong = html[start..].find("<strong>").map(|i| start + i + 8).expect("a result");
    let end = html[strong..].find("</strong>").map(|i| strong + i).expect("closed");
    &html[strong..end]
}

async fn catalogue_search_ranks_and_filters(app: &TestApp) {
    for q in ["dang+ky+khai+sinh", "khai+sinh+%C4%91%C4%83ng+k%C3%BD", "%C4%90%C4%82NG+K%C3%9D+KHAI+SINH"] {
        let r = app.get(&format!("/thu-tuc?q={q}"), None).await;
        assert_eq!(r.status, 200, "{q}");
        assert_eq!(first_result(&r.text), "Đăng ký khai sinh", "{q}");
        assert!(!r.text.contains("Đăng ký khai tử"), "{q}: only procedures with every word");
    }
    // Filter by field: every result belongs to it, and the count says so.
    let r = app.get("/thu-tuc?linh-vuc=Ch%E1%BB%A9ng+th%E1%BB%B1c", None).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("2 thủ tục theo bộ lọc đã chọn"), "{}", r.text);
    assert!(r.text.contains("Chứng thực chữ ký"));
    // Pages of 20: the whole catalogue needs a second page, linked from the first.
    let first = app.get("/thu-tuc", None).await;
    assert!(first.text.contains("trang=2"), "a link to page 2");
    let second = app.get("/thu-tuc?trang=2", None).await;
    assert_eq!(second.status, 200);
    assert!(second.text.contains("Trang trước"));
    assert!(!second.text.contains("trang=3"));
    // Nonsense is not an error.
    assert_eq!(app.get("/thu-tuc?q=%3Cscript%3E&trang=999999", None).await.status, 200);
}

async fn procedure_page_has_what_a_citizen_needs_and_a_qr_code(app: &TestApp) {
    let r = app.get("/thu-tuc/1.004222", None).await;
    assert_eq!(r.status, 200);
    for needle in ["Đăng ký thường trú", "07 ngày làm việc", "20.000 đồng", "nộp trực tuyến: 10.000 đồng", "Tờ khai thay đổi thông tin cư trú (CT01)", "Luật Cư trú 2020", "toàn trình", "<svg"] {
        assert!(r.text.contains(needle), "missing {needle}");
    }
    // The address may break only after a slash (`<wbr>`), never inside a number.
    assert!(r.text.replace("<wbr>", "").contains("/thu-tuc/1.004222</span></figcaption>"), "the QR caption names the page address");
    assert!(r.text.len() < 100_000, "page weight {}", r.text.len());
    assert!(!r.text.contains("<script"), "no JavaScript needed");
    let print = app.get("/thu-tuc/1.004222/in", None).await;
    assert_eq!(print.status, 200);
    assert!(!print.text.contains("class=\"top\""), "the printable view has no navigation");
    assert_eq!(app.get("/thu-tuc/9.999999", None).await.status, 404);
    let home = app.get("/", None).await;
    assert!(home.text.contains("Tìm thủ tục hành chính") && home.text.contains("Tra cứu hồ sơ") && home.text.contains("Lĩnh vực"));
}

on_both_backends!(catalogue_search_ranks_and_filters => catalogue_search_ranks_and_filters_sqlite, catalogue_search_ranks_and_filters_postgres);
on_both_backends!(procedure_page_has_what_a_citizen_needs_and_a_qr_code =>
    procedure_page_has_what_a_citizen_needs_and_a_qr_code_sqlite, procedure_page_has_what_a_citizen_needs_and_a_qr_code_postgres);

async fn catalogue_filters_by_agency_in_vietnamese_order_and_pages_are_compressed(app: &TestApp) {
    // Commune police receive residence procedures, not birth registration.
    let police = app.get("/thu-tuc?co-quan=commune_police", None).await;
    assert_eq!(police.status, 200);
    assert!(police.text.contains("<option value=\"commune_police\" selected>Công an cấp xã</option>"), "the chosen agency stays selected");
    assert!(police.text.contains("thường trú"), "police procedures are listed");
    assert!(!police.text.contains(">Đăng ký khai sinh<"), "not the commune's procedures");
    let commune = app.get("/thu-tuc?co-quan=commune_people_committee&q=khai+sinh", None).await;
    assert_eq!(first_result(&commune.text), "Đăng ký khai sinh");
    // Fields in dictionary order: "Căn cước" before "Chứng thực", "Đ…" after "D…".
    let all = app.get("/thu-tuc", None).await.text;
    let pos = |f: &str| all.find(&format!(">{f}</option>")).unwrap_or_else(|| panic!("field {f} missing"));
    let order = ["Căn cước", "Chứng thực", "Đăng ký, quản lý cư trú", "Hoạt động xây dựng", "Hộ tịch", "Luật sư", "Lý lịch tư pháp"];
    for pair in order.windows(2) {
        assert!(pos(pair[0]) < pos(pair[1]), "{} should come before {}", pair[0], pair[1]);
    }
    // A page over slow links comes compressed to a browser that asks for it.
    let r = app.send(app.client.get(app.url("/thu-tuc")).header("Accept-Encoding", "gzip")).await;
    assert_eq!(r.header("content-encoding"), Some("gzip"));
}

on_both_backends!(catalogue_filters_by_agency_in_vietnamese_order_and_pages_are_compressed =>
    catalogue_filters_by_agency_in_vietnamese_order_and_pages_are_compressed_sqlite, catalogue_filters_by_agency_in_vietnamese_order_and_pages_are_compressed_postgres);
