//! Administrators' scope over where inter-agency steps go and over the procedure catalogue
//! (issue 12, items 4 and 7): a commune administrator can neither capture other agencies'
//! dossiers with an agency of the right kind nor rewrite the national catalogue; routes
//! are the province's to set, the national catalogue the system administrator's.

#[macro_use]
mod common;

use common::*;
use motcua::demo::{DEMO_PASSWORD, SYSTEM_ADMIN};
use motcua_core::dossier::Role;
use serde_json::{json, Value};

/// Công an tỉnh Khánh Hòa: the genuine provincial police.
const PROVINCE_POLICE: &str = "H56.05";
/// Trung tâm Phục vụ hành chính công tỉnh: receives criminal-record requests.
const PROVINCE_CENTRE: &str = "H56.01";
/// Cấp Phiếu lý lịch tư pháp: three steps at the provincial police.
const CRIMINAL_RECORD: &str = "TAM.0001";

async fn staff_cookie(app: &TestApp, username: &str) -> String {
    let r = app.send(app.client.post(app.url("/dang-nhap")).form(&[("username", username), ("password", DEMO_PASSWORD)])).await;
    r.header("set-cookie").unwrap_or_else(|| panic!("{username} signs in")).split(';').next().unwrap().to_string()
}

async fn post_form(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> Resp {
    app.send(app.client.post(app.url(path)).header("Cookie", cookie).form(form)).await
}

/// The administrator of Cam Lâm commune (the demo has none: made here as a province would).
async fn commune_admin(app: &TestApp) -> String {
    let cam_lam = app.store.agency_by_code(CAM_LAM).await.unwrap().unwrap().id;
    app.store.upsert_user("quantri.camlam", "Quản trị xã Cam Lâm", DEMO_PASSWORD, &[(Role::Admin, cam_lam)], monday_morning()).await.unwrap();
    staff_cookie(app, "quantri.camlam").await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let rows: Vec<(i64,)> = app.raw_rows(sql).await;
    rows[0].0
}

/// A criminal-record request received at the province's centre; the agencies of its steps.
async fn criminal_record_steps(app: &TestApp) -> Vec<String> {
    let t = app.token("motcua.tinh").await;
    let v = app.post_json("/api/v1/dossiers", Some(&t), &submission(CRIMINAL_RECORD, PROVINCE_CENTRE, "counter"), None).await.expect(201);
    v["steps"].as_array().expect("steps").iter().map(|s| s["agency"]["code"].as_str().unwrap().to_string()).collect()
}

async fn commune_admin_cannot_capture_other_agencies_dossiers(app: &TestApp) {
    assert_eq!(criminal_record_steps(app).await, [PROVINCE_POLICE, PROVINCE_POLICE, PROVINCE_POLICE], "as before: the genuine police");
    let attacker = commune_admin(app).await;
    // The reproduction: an agency of the provincial police's kind and unit, under Cam Lâm.
    let fake = [
        ("code", "H56.00"),
        ("name", "Công an tỉnh Khánh Hòa"),
        ("kind", "province_police"),
        ("parent", CAM_LAM),
        ("unit_code", "56"),
        ("valid_from", "2025-07-01"),
        ("valid_to", ""),
    ];
    let r = post_form(app, &attacker, "/can-bo/quan-tri/co-quan", &fake).await;
    if r.status != 303 {
        // Creating it may be refused by now (item 6); the agency existing however it got
        // there must still capture nothing.
        assert!(matches!(r.status, 403 | 422), "{}: {}", r.status, r.text);
        let parent = app.store.agency_by_code(CAM_LAM).await.unwrap().map(|a| a.id);
        app.store
            .upsert_agency(&motcua_store::NewAgency { code: "H56.00", name: "Công an tỉnh Khánh Hòa", kind: "province_police", unit_code: Some("56"), parent_id: parent, valid_from: "2025-07-01", valid_to: None })
            .await
            .unwrap();
    }
    let fake_id = app.store.agency_by_code("H56.00").await.unwrap().expect("the fake agency exists").id;
    // Nor can the attacker route steps to it.
    let r = post_form(app, &attacker, "/can-bo/quan-tri/tuyen", &[("route_kind", "province_police"), ("route_area", "56"), ("route_agency", "H56.00")]).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = post_form(app, &attacker, "/can-bo/quan-tri/tuyen", &[("route_procedure", CRIMINAL_RECORD), ("route_kind", "province_police"), ("route_area", PROVINCE_CENTRE), ("route_agency", "H56.00")]).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(count(app, &format!("SELECT COUNT(*) FROM step_routes WHERE agency_id = {fake_id}")).await, 0);

    let steps = criminal_record_steps(app).await;
    assert_eq!(steps, [PROVINCE_POLICE, PROVINCE_POLICE, PROVINCE_POLICE], "the police steps stay with the real provincial police");
    assert!(!steps.iter().any(|s| s == "H56.00"));
    let rows = count(app, &format!("SELECT COUNT(*) FROM dossier_agencies WHERE agency_id = {fake_id}")).await;
    assert_eq!(rows, 0, "no dossier is visible to the fake agency");
}

on_both_backends!(commune_admin_cannot_capture_other_agencies_dossiers => commune_admin_cannot_capture_other_agencies_dossiers_sqlite, commune_admin_cannot_capture_other_agencies_dossiers_postgres);

async fn only_the_province_admin_routes_steps(app: &TestApp) {
    let province = staff_cookie(app, "quantri").await;
    // A genuine new office of the provincial police, made by the province.
    let office = [
        ("code", "H56.05.01"),
        ("name", "Phòng Hồ sơ nghiệp vụ, Công an tỉnh Khánh Hòa"),
        ("kind", "province_police"),
        ("parent", PROVINCE_POLICE),
        ("unit_code", "56"),
        ("valid_from", "2025-07-01"),
        ("valid_to", ""),
    ];
    let r = post_form(app, &province, "/can-bo/quan-tri/co-quan", &office).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(criminal_record_steps(app).await[0], PROVINCE_POLICE, "a new agency gets nothing until the province routes to it");

    let routes_before = count(app, "SELECT COUNT(*) FROM step_routes").await;
    let logged_before = count(app, "SELECT COUNT(*) FROM audit_log WHERE action = 'route.set'").await;
    let attacker = commune_admin(app).await;
    let attempt = [("route_procedure", CRIMINAL_RECORD), ("route_kind", "province_police"), ("route_area", "56"), ("route_agency", CAM_LAM)];
    assert_eq!(post_form(app, &attacker, "/can-bo/quan-tri/tuyen", &attempt).await.status, 403);
    let own_area = [("route_kind", "commune_police"), ("route_area", "22453"), ("route_agency", CAM_LAM)];
    assert_eq!(post_form(app, &attacker, "/can-bo/quan-tri/tuyen", &own_area).await.status, 403, "not even for the commune itself");
    // The province sets routes only in its own province.
    let elsewhere = [("route_kind", "province_police"), ("route_area", "79"), ("route_agency", "H56.05.01")];
    assert_eq!(post_form(app, &province, "/can-bo/quan-tri/tuyen", &elsewhere).await.status, 403);
    assert_eq!(count(app, "SELECT COUNT(*) FROM step_routes").await, routes_before, "refused attempts write nothing");
    assert_eq!(count(app, "SELECT COUNT(*) FROM audit_log WHERE action = 'route.set'").await, logged_before);

    let bad = post_form(app, &province, "/can-bo/quan-tri/tuyen", &[("route_kind", "province_police"), ("route_area", "nowhere"), ("route_agency", "H56.05.01")]).await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    let set = [("route_procedure", CRIMINAL_RECORD), ("route_kind", "province_police"), ("route_area", "56"), ("route_agency", "H56.05.01")];
    let r = post_form(app, &province, "/can-bo/quan-tri/tuyen", &set).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(criminal_record_steps(app).await, ["H56.05.01", "H56.05.01", "H56.05.01"], "the province's route takes effect");
    assert_eq!(count(app, "SELECT COUNT(*) FROM audit_log WHERE action = 'route.set' AND subject = 'route:TAM.0001/province_police/56'").await, 1);
    let page = app.send(app.client.get(app.url("/can-bo/quan-tri")).header("Cookie", &province)).await;
    assert!(page.text.contains("Thủ tục TAM.0001 · loại Công an cấp tỉnh · địa bàn 56 → H56.05.01"), "{}", page.text);
    // Other procedures keep the province-wide route.
    let t = app.token("motcua.nhatrang").await;
    let v = app.post_json("/api/v1/dossiers", Some(&t), &submission(BIRTH_INTER_AGENCY, NHA_TRANG, "counter"), None).await.expect(201);
    let agencies: Vec<&str> = v["steps"].as_array().unwrap().iter().map(|s| s["agency"]["code"].as_str().unwrap()).collect();
    assert_eq!(agencies, [NHA_TRANG, NHA_TRANG, NHA_TRANG_POLICE, NHA_TRANG_POLICE, SOCIAL_INSURANCE, SOCIAL_INSURANCE]);
}

on_both_backends!(only_the_province_admin_routes_steps => province_admin_route_takes_effect_commune_admin_refused_sqlite, province_admin_route_takes_effect_commune_admin_refused_postgres);

// ----------------------------------------------------------------------------------------
// The catalogue

/// One procedure of the shipped catalogue, as a file row.
fn shipped(code: &str) -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/procedures.json")).expect("the shipped catalogue");
    let file: Value = serde_json::from_str(&text).unwrap();
    let list = file.get("procedures").unwrap_or(&file).as_array().unwrap().clone();
    list.into_iter().find(|p| p["code"] == code).unwrap_or_else(|| panic!("{code} shipped"))
}

/// The attack of the report: the birth registration renamed, one step, a 9,999,000 đ fee.
fn rewritten_birth() -> Value {
    let mut p = shipped(BIRTH);
    p["name"] = json!("Đăng ký khai sinh (đã sửa)");
    p["fees"] = json!([{ "name": "Lệ phí", "amount_vnd": 9_999_000 }]);
    p["workflow"] = json!([{ "name": "Duyệt", "role": "specialist", "hours": 1 }]);
    p
}

async fn upload(app: &TestApp, cookie: &str, rows: &[Value]) -> Resp {
    let part = reqwest::multipart::Part::bytes(Value::Array(rows.to_vec()).to_string().into_bytes()).file_name("procedures.json").mime_str("application/json").unwrap();
    app.send(app.client.post(app.url("/can-bo/quan-tri/thu-tuc")).header("Cookie", cookie).multipart(reqwest::multipart::Form::new().part("catalogue", part))).await
}

async fn stored(app: &TestApp, code: &str) -> (String, String) {
    let rows: Vec<(String, String)> = app.raw_rows(&format!("SELECT data, owner FROM procedures WHERE code = '{code}'")).await;
    rows.into_iter().next().unwrap_or_else(|| panic!("{code} stored"))
}

async fn imports_logged(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) FROM audit_log WHERE action = 'procedures.import'").await
}

async fn assert_national_birth_refused(app: &TestApp, cookie: &str) {
    let before = stored(app, BIRTH).await;
    let api_before = app.get(&format!("/api/v1/procedures/{BIRTH}"), None).await.expect(200);
    let r = upload(app, cookie, &[rewritten_birth()]).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(stored(app, BIRTH).await, before, "name, steps and fee unchanged");
    let api_after = app.get(&format!("/api/v1/procedures/{BIRTH}"), None).await.expect(200);
    assert_eq!(api_after, api_before);
    assert_eq!(api_after["name"], "Đăng ký khai sinh");
    assert!(!api_after.to_string().contains("9999000"));
    assert_eq!(imports_logged(app).await, 0, "nothing written, not even a log row");
}

async fn commune_admin_cannot_rewrite_national_catalogue(app: &TestApp) {
    let attacker = commune_admin(app).await;
    assert_national_birth_refused(app, &attacker).await;
    // Not even a procedure of its own.
    let mut own = shipped(BIRTH);
    own["code"] = json!("CL.0001");
    assert_eq!(upload(app, &attacker, &[own]).await.status, 403);
    assert_eq!(count(app, "SELECT COUNT(*) FROM procedures WHERE code = 'CL.0001'").await, 0);
    // Its page offers neither form, only who does it.
    let page = app.send(app.client.get(app.url("/can-bo/quan-tri")).header("Cookie", &attacker)).await;
    assert_eq!(page.status, 200);
    assert!(!page.text.contains("action=\"/can-bo/quan-tri/thu-tuc\"") && !page.text.contains("action=\"/can-bo/quan-tri/tuyen\""), "{}", page.text);
    assert!(page.text.contains("do quản trị hệ thống cập nhật"));
}

on_both_backends!(commune_admin_cannot_rewrite_national_catalogue => commune_admin_cannot_rewrite_national_catalogue_sqlite, commune_admin_cannot_rewrite_national_catalogue_postgres);

async fn province_admin_cannot_rewrite_national_catalogue(app: &TestApp) {
    let province = staff_cookie(app, "quantri").await;
    assert_national_birth_refused(app, &province).await;
}

on_both_backends!(province_admin_cannot_rewrite_national_catalogue => province_admin_cannot_rewrite_national_catalogue_sqlite, province_admin_cannot_rewrite_national_catalogue_postgres);

async fn system_admin_can_update_national_catalogue(app: &TestApp) {
    let system = staff_cookie(app, SYSTEM_ADMIN).await;
    let r = upload(app, &system, &[rewritten_birth()]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let p = app.get(&format!("/api/v1/procedures/{BIRTH}"), None).await.expect(200);
    assert_eq!(p["name"], "Đăng ký khai sinh (đã sửa)");
    assert!(p.to_string().contains("9999000"), "{p}");
    assert_eq!(stored(app, BIRTH).await.1, "national", "still the national catalogue's");
    assert_eq!(imports_logged(app).await, 1);
}

on_both_backends!(system_admin_can_update_national_catalogue => system_admin_can_update_national_catalogue_sqlite, system_admin_can_update_national_catalogue_postgres);

async fn province_admin_manages_own_procedures_only(app: &TestApp) {
    let province = staff_cookie(app, "quantri").await;
    let mut own = shipped("TAM.0009");
    own["code"] = json!("56.0001");
    own["name"] = json!("Thủ tục riêng của tỉnh Khánh Hòa");
    assert_eq!(upload(app, &province, &[own.clone()]).await.status, 303, "a province adds its own procedure");
    assert_eq!(stored(app, "56.0001").await.1, "56");
    own["fees"] = json!([{ "name": "Phí", "amount_vnd": 50_000 }]);
    assert_eq!(upload(app, &province, &[own.clone()]).await.status, 303, "and changes it");
    assert!(stored(app, "56.0001").await.0.contains("50000"));

    // Its own procedure is received by its own agencies only.
    let mut local = shipped("TAM.0003");
    local["code"] = json!("56.0002");
    assert_eq!(upload(app, &province, &[local]).await.status, 303);
    app.store
        .upsert_agency(&motcua_store::NewAgency { code: "H79.05", name: "Công an Thành phố Hồ Chí Minh", kind: "province_police", unit_code: Some("79"), parent_id: None, valid_from: "2025-07-01", valid_to: None })
        .await
        .unwrap();
    let t = app.token("motcua.tinh").await;
    // A copy of TAM.0003: the counter's checklist is that procedure's.
    let mut body = submission("TAM.0003", "H79.05", "counter");
    body["procedure_code"] = json!("56.0002");
    app.post_json("/api/v1/dossiers", Some(&t), &body, None).await.expect_invalid("agency_code");

    // A file mixing its own procedure with a national one applies nothing.
    let mut again = own.clone();
    again["name"] = json!("Tên mới");
    let before = stored(app, "56.0001").await;
    assert_eq!(upload(app, &province, &[again, rewritten_birth()]).await.status, 403);
    assert_eq!(stored(app, "56.0001").await, before);

    // Another province's procedure is not theirs.
    app.raw_execute("UPDATE procedures SET owner = '79' WHERE code = 'TAM.0008'").await;
    let theirs = stored(app, "TAM.0008").await;
    let mut other = shipped("TAM.0008");
    other["name"] = json!("Đổi tên thủ tục của tỉnh khác");
    assert_eq!(upload(app, &province, &[other]).await.status, 403);
    assert_eq!(stored(app, "TAM.0008").await, theirs);

    // Nor does a commune administrator change the province's own.
    let attacker = commune_admin(app).await;
    let mut commune = own.clone();
    commune["name"] = json!("Xã đổi tên");
    assert_eq!(upload(app, &attacker, &[commune]).await.status, 403);
    assert_eq!(stored(app, "56.0001").await, before);

    // A route for another province's procedure is not the province's to set either.
    let r = post_form(app, &province, "/can-bo/quan-tri/tuyen", &[("route_procedure", "TAM.0008"), ("route_kind", "department_construction"), ("route_area", "56"), ("route_agency", "H56.04")]).await;
    assert_eq!(r.status, 403, "{}", r.text);
}

on_both_backends!(province_admin_manages_own_procedures_only => province_admin_manages_own_procedures_only_sqlite, province_admin_manages_own_procedures_only_postgres);
