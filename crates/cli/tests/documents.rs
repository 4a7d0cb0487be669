//! Documents as outside tools read them: the official forms' layout and metadata (poppler's
//! pdftotext -layout and pdfinfo), the spreadsheets' cells (the XLSX's XML), the pages'
//! HTML, and the holiday calendar (.ics).

#[macro_use]
mod common;

use common::*;
use serde_json::{json, Value};
use std::io::Write;

async fn staff_cookie(app: &TestApp, username: &str) -> String {
    let r = app.send(app.client.post(app.url("/dang-nhap")).form(&[("username", username), ("password", motcua::demo::DEMO_PASSWORD)])).await;
    r.header("set-cookie").expect("a session cookie").split(';').next().unwrap().to_string()
}

async fn get_bytes(app: &TestApp, cookie: &str, path: &str) -> (u16, Vec<u8>) {
    let r = app.client.get(app.url(path)).header("Cookie", cookie).send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

fn temp_file(bytes: &[u8], ext: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("motcua-doc-{:016x}.{ext}", rand::random::<u64>()));
    std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
    path
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd} (poppler-utils / python3) is needed: {e}"));
    assert!(out.status.success(), "{cmd} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// `pdftotext -layout` and `pdfinfo` of a PDF.
fn layout_and_info(pdf: &[u8]) -> (String, String) {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF: {}", String::from_utf8_lossy(&pdf[..pdf.len().min(300)]));
    let path = temp_file(pdf, "pdf");
    let p = path.to_str().unwrap();
    let out = (run("pdftotext", &["-layout", p, "-"]), run("pdfinfo", &[p]));
    let _ = std::fs::remove_file(&path);
    out
}

/// Every cell of every sheet of an XLSX, as `{sheet: {"A1": {t, v, fmt}}}`: the cell type
/// (`n` number, `s` shared string, `inlineStr`, `str`), the value (strings resolved), and
/// its number format code.
fn xlsx_cells(bytes: &[u8]) -> Value {
    const SCRIPT: &str = r#"
import sys, zipfile, json
import xml.etree.ElementTree as ET
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
z = zipfile.ZipFile(sys.argv[1])
ss = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).iter(M + 'si'):
        ss.append(''.join(t.text or '' for t in si.iter(M + 't')))
st = ET.fromstring(z.read('xl/styles.xml'))
fmts = {9: '0%', 10: '0.00%', 14: 'mm-dd-yy', 22: 'm/d/yy h:mm'}
for n in st.iter(M + 'numFmt'):
    fmts[int(n.get('numFmtId'))] = n.get('formatCode')
xfs = [int(x.get('numFmtId', 0)) for x in st.find(M + 'cellXfs').findall(M + 'xf')]
rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))}
out = {}
for sh in ET.fromstring(z.read('xl/workbook.xml')).iter(M + 'sheet'):
    target = rels[sh.get(R + 'id')]
    x = ET.fromstring(z.read('xl/' + target.lstrip('/').replace('xl/', '', 1)))
    cells = {}
    for c in x.iter(M + 'c'):
        t = c.get('t', 'n'); s = int(c.get('s', 0)); v = c.find(M + 'v')
        if t == 's': val = ss[int(v.text)]
        elif t == 'inlineStr': val = ''.join(e.text or '' for e in c.iter(M + 't'))
        else: val = v.text if v is not None else None
        cells[c.get('r')] = {'t': t, 'v': val, 'fmt': fmts.get(xfs[s] if s < len(xfs) else 0, 'General')}
    out[sh.get('name')] = cells
print(json.dumps(out))
"#;
    let path = temp_file(bytes, "xlsx");
    let out = run("python3", &["-c", SCRIPT, path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    serde_json::from_str(&out).expect("cells as JSON")
}

/// Excel's serial number of a Vietnamese wall-clock time (days since 1899-12-30).
fn excel_serial(y: i32, m: u32, d: u32, h: u32, min: u32) -> f64 {
    let day = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    (day - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64 + (h * 60 + min) as f64 / 1440.0
}

// 25. ------------------------------------------------------------------------------------

async fn apology_letter_is_signed_by_head_of_agency_not_specialist(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    app.act(&code, "transfer", &app.token("motcua.nhatrang").await, json!({})).await.expect(200);
    let specialist = app.token("chuyenvien.nhatrang").await;
    app.act(&code, "extend", &specialist, json!({ "new_due": "2026-11-25T17:00:00+07:00", "reason": "Cần xác minh thông tin với nơi sinh" })).await.expect(200);
    let staff = staff_cookie(app, "motcua.nhatrang").await;
    let (status, pdf) = get_bytes(app, &staff, &format!("/can-bo/ho-so/{code}/mau/04")).await;
    assert_eq!(status, 200);
    let text = pdf_text(&pdf);
    assert!(text.contains("THỦ TRƯỞNG CƠ QUAN"), "{text}");
    // The chairman of the ward (its signing leader) signs for the agency, not the
    // specialist who asked for the extension.
    assert!(text.contains("Phạm Quốc Huy"), "{text}");
    assert!(!text.contains("Trần Văn Minh"), "the specialist signs in the agency's name:\n{text}");
}

on_both_backends!(apology_letter_is_signed_by_head_of_agency_not_specialist =>
    apology_letter_is_signed_by_head_of_agency_not_specialist_sqlite, apology_letter_is_signed_by_head_of_agency_not_specialist_postgres);

// 29. ------------------------------------------------------------------------------------

/// No name of the header cut across lines: a line that has a word of a place's name has
/// the whole place name; the managing authority and the agency each stand on one line.
fn assert_header_unbroken(doc: &str, layout: &str, names: &[&str]) {
    let head: Vec<&str> = layout.lines().take(12).collect();
    for name in names {
        assert!(head.iter().any(|l| l.contains(name)), "{doc}: {name:?} is not on one line:\n{layout}");
    }
    for (word, place) in [("KHÁNH", "KHÁNH HÒA"), ("HÒA", "KHÁNH HÒA"), ("NHA", "NHA TRANG"), ("TRANG", "NHA TRANG")] {
        for l in &head {
            // The motto beside the header has its own HÒA.
            let l = &l.replace("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "");
            let upper_words: Vec<&str> = l.split_whitespace().collect();
            if upper_words.contains(&word) {
                assert!(l.contains(place), "{doc}: {place} is cut across lines:\n{layout}");
            }
        }
    }
}

fn assert_metadata(doc: &str, info: &str) {
    let field = |name: &str| info.lines().find_map(|l| l.strip_prefix(name)).map(str::trim).unwrap_or("").to_string();
    assert!(field("Producer:").contains("motcua"), "{doc}: no Producer:\n{info}");
    // The test clock: Monday 23 November 2026 (pdfinfo prints it in its own words).
    let created = field("CreationDate:");
    assert!(created.contains("2026") && created.contains("23"), "{doc}: CreationDate {created:?}:\n{info}");
}

async fn official_documents_break_headers_between_authority_and_agency(app: &TestApp) {
    let reception = app.token("motcua.nhatrang").await;
    let specialist = app.token("chuyenvien.nhatrang").await;
    let leader = app.token("lanhdao.nhatrang").await;
    let staff = staff_cookie(app, "motcua.nhatrang").await;
    let names = ["ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", "ỦY BAN NHÂN DÂN PHƯỜNG NHA TRANG"];

    let code = code_of(&create_at_counter(app, BIRTH).await);
    let mut pdfs: Vec<(String, Vec<u8>)> = Vec::new();
    let form = |n: &str, code: &str| {
        let (app, staff, n, code) = (app, staff.clone(), n.to_string(), code.to_string());
        async move {
            let (status, pdf) = get_bytes(app, &staff, &format!("/can-bo/ho-so/{code}/mau/{n}")).await;
            assert_eq!(status, 200, "Mẫu {n}");
            (format!("Mẫu {n}"), pdf)
        }
    };
    pdfs.push(form("01", &code).await);
    app.act(&code, "transfer", &reception, json!({})).await.expect(200);
    app.act(&code, "request-supplement", &specialist, supplement_items()).await.expect(200);
    pdfs.push(form("02", &code).await);
    app.post_as_applicant(&format!("/api/v1/dossiers/{code}/supply"), APPLICANT_PHONE, &json!({})).await.expect(200);
    app.act(&code, "extend", &specialist, json!({ "new_due": "2026-11-27T17:00:00+07:00", "reason": "Cần xác minh" })).await.expect(200);
    pdfs.push(form("04", &code).await);
    forward_to_last_step(app, &code).await;
    pdfs.push(form("06", &code).await);
    let approved = app.act(&code, "approve", &leader, json!({ "note": "Đã cấp giấy khai sinh", "generate_result": true })).await.expect(200);
    let full = app.dossier(&code, &leader).await;
    let notice = full["documents"].as_array().and_then(|d| d.iter().rev().find(|x| x["content_type"] == "application/pdf")).unwrap_or_else(|| panic!("a result notice: {approved}\n{full}"));
    let (status, pdf) = get_bytes(app, &staff, &format!("/can-bo/ho-so/{code}/tep/{}", notice["id"])).await;
    assert_eq!(status, 200);
    pdfs.push(("Thông báo kết quả".into(), pdf));

    let refused = code_of(&create_at_counter(app, BIRTH).await);
    app.act(&refused, "transfer", &reception, json!({})).await.expect(200);
    forward_to_last_step(app, &refused).await;
    app.act(&refused, "reject", &leader, json!({ "reason": "Không đủ điều kiện", "legal_ground": "Luật Hộ tịch 2014" })).await.expect(200);
    pdfs.push(form("03", &refused).await);
    let stopped = code_of(&create_at_counter(app, BIRTH).await);
    app.act(&stopped, "transfer", &reception, json!({})).await.expect(200);
    app.act(&stopped, "stop", &leader, json!({ "reason": "Người nộp đề nghị dừng" })).await.expect(200);
    pdfs.push(form("05", &stopped).await);

    for (doc, pdf) in &pdfs {
        let (layout, info) = layout_and_info(pdf);
        assert_header_unbroken(doc, &layout, &names);
        assert_metadata(doc, &info);
    }

    // Mẫu 07, the tracking book: its header, and columns wide enough for their titles.
    let (status, pdf) = get_bytes(app, &staff, "/can-bo/so-theo-doi?co-quan=H56.22366&tu=2026-11-23&den=2026-11-23").await;
    assert_eq!(status, 200);
    let (layout, info) = layout_and_info(&pdf);
    assert_header_unbroken("Mẫu 07", &layout, &["ỦY BAN NHÂN DÂN PHƯỜNG NHA TRANG"]);
    assert_metadata("Mẫu 07", &info);
    let titles = layout.lines().find(|l| l.contains("Mã hồ sơ")).unwrap_or_else(|| panic!("the book's column titles:\n{layout}"));
    assert!(titles.split_whitespace().any(|w| w == "STT"), "STT wraps:\n{layout}");
    assert!(layout.lines().any(|l| l.contains("Ký nhận")), "the signature column's title wraps:\n{layout}");
}

on_both_backends!(official_documents_break_headers_between_authority_and_agency =>
    official_documents_break_headers_between_authority_and_agency_sqlite, official_documents_break_headers_between_authority_and_agency_postgres);

// 27. ------------------------------------------------------------------------------------

async fn tracking_book_xlsx_has_date_cells_and_a_separate_outcome(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    app.act(&code, "transfer", &app.token("motcua.nhatrang").await, json!({})).await.expect(200);
    forward_to_last_step(app, &code).await;
    app.clock.advance(chrono::Duration::minutes(62));
    app.act(&code, "approve", &app.token("lanhdao.nhatrang").await, json!({ "generate_result": true })).await.expect(200);
    let staff = staff_cookie(app, "motcua.nhatrang").await;
    let (status, bytes) = get_bytes(app, &staff, "/can-bo/so-theo-doi?co-quan=H56.22366&tu=2026-11-01&den=2026-11-30&dinh-dang=xlsx").await;
    assert_eq!(status, 200);
    let book = xlsx_cells(&bytes);
    let sheet = book.as_object().unwrap().values().next().expect("a sheet");
    let header: Vec<&str> = ('A'..='K').map(|c| sheet[format!("{c}4")]["v"].as_str().unwrap_or("")).collect();
    assert_eq!(header, ["STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Cơ quan chủ trì", "Ngày nhận", "Hẹn trả", "Ngày có kết quả", "Kết quả", "Ngày trả kết quả", "Ký nhận"]);
    assert_eq!(sheet["B5"]["v"], code.as_str());
    // Received 23/11/2026 09:00, due 17:00, finished 10:02: numbers with a date format.
    for (cell, expected) in [("F5", excel_serial(2026, 11, 23, 9, 0)), ("G5", excel_serial(2026, 11, 23, 17, 0)), ("H5", excel_serial(2026, 11, 23, 10, 2))] {
        let c = &sheet[cell];
        assert_eq!(c["t"], "n", "{cell} is not a number: {c}");
        let v: f64 = c["v"].as_str().unwrap().parse().unwrap();
        assert!((v - expected).abs() < 1.0 / 86_400.0, "{cell}: {v} is not {expected}");
        let fmt = c["fmt"].as_str().unwrap();
        assert!(fmt.contains("dd") && fmt.contains("yyyy") && fmt.contains("hh:mm"), "{cell} format {fmt}");
    }
    assert_eq!(sheet["I5"]["v"], "Đúng hạn", "the outcome in its own column: {}", sheet["I5"]);
    for (cell, c) in sheet.as_object().unwrap() {
        let row: u32 = cell.trim_start_matches(|ch: char| ch.is_ascii_alphabetic()).parse().unwrap();
        let text = c["v"].as_str().unwrap_or("");
        assert!(row < 5 || !(text.contains("/2026") || text.contains("(Đúng hạn)")), "{cell}: a date as text, or mixed with the outcome: {text}");
    }
}

on_both_backends!(tracking_book_xlsx_has_date_cells_and_a_separate_outcome =>
    tracking_book_xlsx_has_date_cells_and_a_separate_outcome_sqlite, tracking_book_xlsx_has_date_cells_and_a_separate_outcome_postgres);

// 26. ------------------------------------------------------------------------------------

async fn dashboard_export_matches_the_page(app: &TestApp) {
    create_at_counter(app, BIRTH).await;
    create_at_counter(app, BIRTH).await;
    let online = submit_birth_online(app).await;
    app.act(online["reference"].as_str().unwrap(), "receive", &app.token("motcua.nhatrang").await, json!({})).await.expect(200);
    let leader = staff_cookie(app, "lanhdao.nhatrang").await;
    let query = "tu=2026-11-01&den=2026-11-30&theo=can-bo";
    let (status, page) = get_bytes(app, &leader, &format!("/can-bo/bang-dieu-khien?{query}")).await;
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    // The page: the officer who received three dossiers, and a third of them online.
    assert!(page.contains("Nguyễn Thị Lan"), "{page}");
    assert!(page.contains("33,3%"), "{page}");

    let (status, bytes) = get_bytes(app, &leader, &format!("/can-bo/bang-dieu-khien?{query}&dinh-dang=xlsx")).await;
    assert_eq!(status, 200);
    let book = xlsx_cells(&bytes);
    let sheets: Vec<&String> = book.as_object().unwrap().keys().collect();
    // The export follows the grouping: the officers' table first.
    let officers = &book["Theo can bo"];
    assert!(officers.is_object(), "no officers' sheet: {sheets:?}");
    assert_eq!(officers["A1"]["v"], "Cán bộ");
    let row = (2..10).find(|r| officers[format!("A{r}")]["v"].as_str().is_some_and(|n| n.contains("Nguyễn Thị Lan"))).expect("the reception officer's row");
    // Her receptions as the page shows them.
    let on_page = page.split("Nguyễn Thị Lan").nth(1).and_then(|r| r.split("<td>").nth(1)).and_then(|r| r.split("</td>").next()).unwrap();
    assert_eq!(officers[format!("B{row}")]["v"].as_str(), Some(on_page), "received by her");

    // The agencies' table: "Trực tuyến" is a share with a percent format, as on the page.
    let agencies = &book["Theo co quan"];
    let headers: Vec<&str> = ('A'..='K').map(|c| agencies[format!("{c}1")]["v"].as_str().unwrap_or("")).collect();
    let online_col = headers.iter().position(|h| *h == "Trực tuyến").map(|i| (b'A' + i as u8) as char).expect("Trực tuyến column");
    let total_row = (2..10).find(|r| agencies[format!("A{r}")]["v"] == "Tổng cộng").expect("the total row");
    let cell = &agencies[format!("{online_col}{total_row}")];
    let v: f64 = cell["v"].as_str().unwrap().parse().unwrap();
    assert!((v - 1.0 / 3.0).abs() < 1e-9, "Trực tuyến is {v}, not a third: {cell}");
    assert!(cell["fmt"].as_str().unwrap().contains('%'), "not a percentage: {cell}");
    assert_eq!(agencies[format!("B{total_row}")]["v"], "3");
}

on_both_backends!(dashboard_export_matches_the_page => dashboard_export_matches_the_page_sqlite, dashboard_export_matches_the_page_postgres);

// 30. ------------------------------------------------------------------------------------

async fn pages_are_valid_html_with_an_icon_and_a_description(app: &TestApp) {
    let code = code_of(&create_at_counter(app, BIRTH).await);
    let staff = staff_cookie(app, "motcua.nhatrang").await;
    let public = ["/", "/thu-tuc", &format!("/thu-tuc/{BIRTH}"), "/tra-cuu", "/thong-ke", "/phan-anh", "/danh-gia", &format!("/nop-ho-so/{BIRTH}")];
    let staff_pages = ["/can-bo".to_string(), format!("/can-bo/ho-so/{code}")];
    let mut pages = Vec::new();
    for p in public {
        let r = app.send(app.client.get(app.url(p))).await;
        assert_eq!(r.status, 200, "{p}");
        pages.push((p.to_string(), r.text, true));
    }
    for p in &staff_pages {
        let r = app.send(app.client.get(app.url(p)).header("Cookie", &staff)).await;
        assert_eq!(r.status, 200, "{p}");
        pages.push((p.clone(), r.text, false));
    }
    for (path, html, is_public) in &pages {
        assert!(!html.contains("<?xml"), "{path}: an XML declaration inside HTML");
        for tag in html.split("<time").skip(1) {
            let open = &tag[..tag.find('>').unwrap_or(tag.len())];
            assert!(open.contains("datetime=\""), "{path}: <time{open}> without datetime");
        }
        assert!(!html.contains("autocomplete=\"street-address\""), "{path}: street-address is for a textarea");
        for svg in html.split("<svg").skip(1) {
            let open = &svg[..svg.find('>').unwrap_or(svg.len())];
            assert!(open.contains("aria-label=") || open.contains("aria-labelledby=") || open.contains("aria-hidden"), "{path}: an SVG without a name: <svg{open}>");
        }
        // A <form> closes an open <p>, so "<p>…<form>…</form></p>" ends in a stray </p>.
        let opened = html.matches("<p>").count() + html.matches("<p ").count();
        assert_eq!(opened, html.matches("</p>").count(), "{path}: unbalanced <p>");
        for p in html.split("<p").skip(1).filter(|p| p.starts_with('>') || p.starts_with(' ')) {
            let inside = &p[..p.find("</p>").unwrap_or(p.len())];
            assert!(!inside.contains("<form") && !inside.contains("<div"), "{path}: a block inside <p>: <p{inside}");
        }
        if *is_public {
            let description = html.split("<meta name=\"description\" content=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("");
            assert!(description.len() > 40, "{path}: no meta description");
        }
    }
    let qr = &pages.iter().find(|p| p.0.starts_with("/thu-tuc/")).unwrap().1;
    assert!(qr.contains("<svg role=\"img\" aria-label=\""), "the QR code has no accessible name");

    let icon = app.client.get(app.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(icon.status().as_u16(), 200);
    assert_eq!(icon.headers()["content-type"], "image/x-icon");
    assert!(icon.headers()["cache-control"].to_str().unwrap().contains("max-age="));
    assert!(icon.bytes().await.unwrap().starts_with(&[0, 0, 1, 0]), "an ICO file");
}

on_both_backends!(pages_are_valid_html_with_an_icon_and_a_description =>
    pages_are_valid_html_with_an_icon_and_a_description_sqlite, pages_are_valid_html_with_an_icon_and_a_description_postgres);

// 32. ------------------------------------------------------------------------------------

#[test]
fn calendar_export_lists_tet_on_weekend() {
    let clock = TestClock::new(monday_morning());
    use motcua_core::time::Clock;
    let ics = motcua::calendar_cmd::ics(2027, None, clock.now()).unwrap();
    // Tết 2027: the last day of the year Friday 5 Feb, lunar 1–4 Saturday 6 to Tuesday 9
    // Feb; the Saturday and the Sunday give Wednesday 10 and Thursday 11 off.
    for day in ["20270205", "20270206", "20270207", "20270208", "20270209", "20270210", "20270211"] {
        assert!(ics.contains(&format!("DTSTART;VALUE=DATE:{day}\r\n")), "no event on {day}:\n{ics}");
    }
    let weekend = ics.split("BEGIN:VEVENT").find(|e| e.contains("DTSTART;VALUE=DATE:20270206")).unwrap();
    assert!(weekend.contains("Tết Nguyên đán"), "{weekend}");
    // DTSTAMP is when the file was made: the injected clock (Monday 23 Nov 2026 09:00 in Vietnam).
    let stamps: Vec<&str> = ics.lines().filter(|l| l.starts_with("DTSTAMP:")).collect();
    assert!(!stamps.is_empty());
    assert!(stamps.iter().all(|s| *s == "DTSTAMP:20261123T020000Z"), "{stamps:?}");
    // Official schedules too: the Hùng Kings' day fell on Sunday 26 April 2026.
    let y2026 = motcua::calendar_cmd::ics(2026, None, clock.now()).unwrap();
    assert!(y2026.contains("DTSTART;VALUE=DATE:20260426\r\n") && y2026.contains("DTSTART;VALUE=DATE:20260427\r\n"), "{y2026}");
}
