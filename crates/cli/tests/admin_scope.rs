//! Administrators act only within their scope (issue 12, items 5, 6 and 21): accounts
//! whose every grant is theirs, agencies whose structure (parent, kind, unit) belongs to the
//! level above, the audit log and the complaints of their scope. Each threat was reproduced
//! on a demo by a commune administrator; each test is named after it, with the positive case
//! (what the commune, the province and the system administrator still may do) beside it.

#[macro_use]
mod common;

use common::*;
use motcua_core::dossier::Role;
use motcua_core::time::Clock;

/// A session cookie for an account, made directly (no sign-in, whose guessing limit is
/// tested elsewhere).
async fn cookie(app: &TestApp, user_id: i64) -> String {
    let token = app.store.create_session(user_id, "web", app.clock.now(), chrono::Duration::hours(12)).await.unwrap();
    format!("motcua_session={token}")
}

async fn agency_id(app: &TestApp, code: &str) -> i64 {
    app.store.agency_by_code(code).await.unwrap().unwrap_or_else(|| panic!("agency {code}")).id
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    let n: Vec<(i64,)> = app.raw_rows(&format!("SELECT id FROM users WHERE username = '{username}'")).await;
    n.first().unwrap_or_else(|| panic!("user {username}")).0
}

async fn account(app: &TestApp, username: &str, grants: &[(Role, &str)]) -> i64 {
    let mut g = Vec::new();
    for (role, code) in grants {
        g.push((*role, agency_id(app, code).await));
    }
    app.store.upsert_user(username, "Cán bộ kiểm thử", "mat-khau-ban-dau-2026", &g, monday_morning()).await.unwrap()
}

/// The callers: a commune administrator of Cam Lâm and of Nha Trang, the province's (demo
/// `quantri`) and the system administrator (demo `quantri.hethong`).
struct Admins {
    cam_lam: String,
    nha_trang: String,
    province: String,
    system: String,
}

async fn admins(app: &TestApp) -> Admins {
    let cam_lam = account(app, "quantri.camlam", &[(Role::Admin, CAM_LAM)]).await;
    let nha_trang = account(app, "quantri.nhatrang", &[(Role::Admin, NHA_TRANG)]).await;
    Admins {
        cam_lam: cookie(app, cam_lam).await,
        nha_trang: cookie(app, nha_trang).await,
        province: cookie(app, user_id(app, "quantri").await).await,
        system: cookie(app, user_id(app, "quantri.hethong").await).await,
    }
}

async fn post(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> Resp {
    app.send(app.client.post(app.url(path)).header("Cookie", cookie).form(form)).await
}

async fn get(app: &TestApp, cookie: &str, path: &str) -> Resp {
    app.send(app.client.get(app.url(path)).header("Cookie", cookie)).await
}

async fn signs_in(app: &TestApp, username: &str, password: &str) -> bool {
    let r = app.send(app.client.post(app.url("/dang-nhap")).form(&[("username", username), ("password", password)])).await;
    r.header("set-cookie").is_some_and(|c| c.starts_with("motcua_session="))
}

fn denied(r: &Resp) -> bool {
    matches!(r.status, 403 | 404)
}

const NEW_PASSWORD: &str = "mat-khau-chiem-quyen-2026";

async fn commune_admin_cannot_reset_password_of_officer_with_grant_elsewhere(app: &TestApp) {
    let a = admins(app).await;
    // A Cam Lâm specialist who also signs for Nha Trang.
    let both = account(app, "hai.xa", &[(Role::Specialist, CAM_LAM), (Role::SigningLeader, NHA_TRANG)]).await;
    let r = post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{both}/mat-khau"), &[("password", NEW_PASSWORD)]).await;
    assert!(denied(&r), "{} {}", r.status, r.text);
    assert!(!signs_in(app, "hai.xa", NEW_PASSWORD).await, "the password did not change");
    assert!(signs_in(app, "hai.xa", "mat-khau-ban-dau-2026").await);
    assert!(!get(app, &a.cam_lam, "/can-bo/quan-tri").await.text.contains("hai.xa"), "not even listed");
    // Nor from the other side.
    assert!(denied(&post(app, &a.nha_trang, &format!("/can-bo/quan-tri/can-bo/{both}/mat-khau"), &[("password", NEW_PASSWORD)]).await));

    // Still theirs: an officer of Cam Lâm only; the province's and the system's: both.
    let own = account(app, "rieng.camlam", &[(Role::Specialist, CAM_LAM), (Role::Reception, CAM_LAM)]).await;
    assert!(get(app, &a.cam_lam, "/can-bo/quan-tri").await.text.contains("rieng.camlam"));
    assert_eq!(post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{own}/mat-khau"), &[("password", NEW_PASSWORD)]).await.status, 303);
    assert!(signs_in(app, "rieng.camlam", NEW_PASSWORD).await);
    assert_eq!(post(app, &a.province, &format!("/can-bo/quan-tri/can-bo/{both}/mat-khau"), &[("password", NEW_PASSWORD)]).await.status, 303);
    assert!(signs_in(app, "hai.xa", NEW_PASSWORD).await);
    assert_eq!(post(app, &a.system, &format!("/can-bo/quan-tri/can-bo/{both}/mat-khau"), &[("password", "mat-khau-he-thong-2026")]).await.status, 303);
}

on_both_backends!(commune_admin_cannot_reset_password_of_officer_with_grant_elsewhere => reset_password_elsewhere_sqlite, reset_password_elsewhere_postgres);

async fn commune_admin_cannot_lock_officer_with_grant_elsewhere(app: &TestApp) {
    let a = admins(app).await;
    let both = account(app, "hai.xa", &[(Role::Specialist, CAM_LAM), (Role::SigningLeader, NHA_TRANG)]).await;
    let r = post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{both}/khoa"), &[("active", "0")]).await;
    assert!(denied(&r), "{} {}", r.status, r.text);
    assert!(signs_in(app, "hai.xa", "mat-khau-ban-dau-2026").await, "not locked");
    // Nor may they change its roles: not even remove the one at their own commune.
    let r = post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{both}/quyen"), &[("op", "remove"), ("role", "specialist"), ("agency", CAM_LAM)]).await;
    assert!(denied(&r), "{} {}", r.status, r.text);
    let r = post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{both}/quyen"), &[("op", "add"), ("role", "admin"), ("agency", CAM_LAM)]).await;
    assert!(denied(&r), "{} {}", r.status, r.text);
    let grants: Vec<(i64,)> = app.raw_rows(&format!("SELECT COUNT(*) FROM user_grants WHERE user_id = {both}")).await;
    assert_eq!(grants[0].0, 2, "roles unchanged");

    // Their own officer: locked and unlocked; roles granted only at their own agencies.
    let own = account(app, "rieng.camlam", &[(Role::Reception, CAM_LAM)]).await;
    assert_eq!(post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{own}/khoa"), &[("active", "0")]).await.status, 303);
    assert!(!signs_in(app, "rieng.camlam", "mat-khau-ban-dau-2026").await);
    assert_eq!(post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{own}/khoa"), &[("active", "1")]).await.status, 303);
    assert_eq!(post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{own}/quyen"), &[("op", "add"), ("role", "specialist"), ("agency", CAM_LAM)]).await.status, 303);
    let r = post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{own}/quyen"), &[("op", "add"), ("role", "specialist"), ("agency", NHA_TRANG)]).await;
    assert_eq!(r.status, 422, "a role elsewhere is not theirs to grant");
    // The province locks the officer of two communes.
    assert_eq!(post(app, &a.province, &format!("/can-bo/quan-tri/can-bo/{both}/khoa"), &[("active", "0")]).await.status, 303);
    assert!(!signs_in(app, "hai.xa", "mat-khau-ban-dau-2026").await);
}

on_both_backends!(commune_admin_cannot_lock_officer_with_grant_elsewhere => lock_elsewhere_sqlite, lock_elsewhere_postgres);

async fn commune_admin_cannot_take_over_ungranted_province_account(app: &TestApp) {
    let a = admins(app).await;
    // The province creates an account that has no role yet.
    let r = post(app, &a.province, "/can-bo/quan-tri/can-bo", &[("username", "moi.tinh"), ("full_name", "Cán bộ mới của tỉnh"), ("password", "mat-khau-moi-tinh-2026")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let fresh = user_id(app, "moi.tinh").await;
    assert!(!get(app, &a.cam_lam, "/can-bo/quan-tri").await.text.contains("moi.tinh"));
    for (path, form) in [
        ("mat-khau", vec![("password", NEW_PASSWORD)]),
        ("khoa", vec![("active", "0")]),
        ("quyen", vec![("op", "add"), ("role", "admin"), ("agency", CAM_LAM)]),
    ] {
        let r = post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{fresh}/{path}"), &form).await;
        assert!(denied(&r), "{path}: {} {}", r.status, r.text);
    }
    assert!(signs_in(app, "moi.tinh", "mat-khau-moi-tinh-2026").await);
    let grants: Vec<(i64,)> = app.raw_rows(&format!("SELECT COUNT(*) FROM user_grants WHERE user_id = {fresh}")).await;
    assert_eq!(grants[0].0, 0);
    // Accounts made outside the page (no creator recorded) are the province's too.
    let legacy = account(app, "cu.khong.quyen", &[]).await;
    assert!(denied(&post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{legacy}/khoa"), &[("active", "0")]).await));
    // The system administrator's account is not the province's.
    let system = user_id(app, "quantri.hethong").await;
    assert!(denied(&post(app, &a.province, &format!("/can-bo/quan-tri/can-bo/{system}/mat-khau"), &[("password", NEW_PASSWORD)]).await));

    // A commune administrator keeps the account they create, and its creator alone.
    let r = post(app, &a.cam_lam, "/can-bo/quan-tri/can-bo", &[("username", "moi.camlam"), ("full_name", "Cán bộ mới xã"), ("password", "mat-khau-moi-xa-2026")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let own = user_id(app, "moi.camlam").await;
    assert!(get(app, &a.cam_lam, "/can-bo/quan-tri").await.text.contains("moi.camlam"));
    assert!(denied(&post(app, &a.nha_trang, &format!("/can-bo/quan-tri/can-bo/{own}/mat-khau"), &[("password", NEW_PASSWORD)]).await));
    assert_eq!(post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{own}/mat-khau"), &[("password", NEW_PASSWORD)]).await.status, 303);
    assert_eq!(post(app, &a.cam_lam, &format!("/can-bo/quan-tri/can-bo/{own}/quyen"), &[("op", "add"), ("role", "reception"), ("agency", CAM_LAM)]).await.status, 303);
    // The province manages both.
    assert_eq!(post(app, &a.province, &format!("/can-bo/quan-tri/can-bo/{fresh}/khoa"), &[("active", "0")]).await.status, 303);
    assert_eq!(post(app, &a.province, &format!("/can-bo/quan-tri/can-bo/{own}/khoa"), &[("active", "0")]).await.status, 303);
    assert_eq!(post(app, &a.system, &format!("/can-bo/quan-tri/can-bo/{legacy}/khoa"), &[("active", "0")]).await.status, 303);
}

on_both_backends!(commune_admin_cannot_take_over_ungranted_province_account => ungranted_account_sqlite, ungranted_account_postgres);

fn agency_form<'a>(code: &'a str, kind: &'a str, unit: &'a str, parent: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("code", code), ("name", "Cơ quan kiểm thử"), ("kind", kind), ("unit_code", unit), ("parent", parent), ("valid_from", "2025-07-01"), ("valid_to", "")]
}

async fn parent_of(app: &TestApp, code: &str) -> Option<i64> {
    app.store.agency_by_code(code).await.unwrap().and_then(|a| a.parent_id)
}

const CALENDAR_2027: &str = "2027-12-31\toff\tNghỉ thử nghiệm";

async fn commune_admin_cannot_make_commune_top_level(app: &TestApp) {
    let a = admins(app).await;
    let province = agency_id(app, "H56").await;
    // Its parent set to itself (the form's way to ask for none).
    let r = post(app, &a.cam_lam, "/can-bo/quan-tri/co-quan", &agency_form(CAM_LAM, "commune_people_committee", "22453", CAM_LAM)).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("cấp cao nhất"), "{}", r.text);
    assert_eq!(parent_of(app, CAM_LAM).await, Some(province), "still under the province");
    // Nor may the province make one of its communes top-level; the system administrator may
    // (a new province, say).
    let r = post(app, &a.province, "/can-bo/quan-tri/co-quan", &agency_form(NHA_TRANG, "commune_people_committee", "22366", NHA_TRANG)).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(parent_of(app, NHA_TRANG).await, Some(province));
    // Renaming in place stays the commune's (its parent named as it is, or not named).
    for (parent, name) in [("H56", "UBND xã Cam Lâm (đổi tên)"), ("", "UBND xã Cam Lâm (đổi lần hai)")] {
        let r = post(app, &a.cam_lam, "/can-bo/quan-tri/co-quan", &[("code", CAM_LAM), ("name", name), ("kind", "commune_people_committee"), ("unit_code", "22453"), ("parent", parent), ("valid_from", "2025-07-01"), ("valid_to", "")]).await;
        assert_eq!(r.status, 303, "{}", r.text);
        assert_eq!(app.store.agency_by_code(CAM_LAM).await.unwrap().unwrap().name, name);
    }
    assert_eq!(parent_of(app, CAM_LAM).await, Some(province));

    // The national calendar: never a commune's, the province's and the system's.
    let r = post(app, &a.cam_lam, "/can-bo/quan-tri/lich", &[("scope", "2027"), ("content", CALENDAR_2027)]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(app.store.calendar_schedules().await.unwrap().iter().all(|(s, _)| s != "2027"), "nothing saved");
    assert_eq!(post(app, &a.province, "/can-bo/quan-tri/lich", &[("scope", "2027"), ("content", CALENDAR_2027)]).await.status, 303);
    assert_eq!(post(app, &a.system, "/can-bo/quan-tri/lich", &[("scope", "2027"), ("content", CALENDAR_2027)]).await.status, 303);
    // The commune's own days off remain theirs.
    assert_eq!(post(app, &a.cam_lam, "/can-bo/quan-tri/lich", &[("scope", CAM_LAM), ("content", "2026-11-25\toff\tĐại hội")]).await.status, 303);

    let r = post(app, &a.system, "/can-bo/quan-tri/co-quan", &agency_form("H79", "province_people_committee", "79", "H79")).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(parent_of(app, "H79").await, None);
}

on_both_backends!(commune_admin_cannot_make_commune_top_level => top_level_sqlite, top_level_postgres);

async fn commune_admin_cannot_create_agency_for_another_province(app: &TestApp) {
    let a = admins(app).await;
    // H79.01 under Cam Lâm, for Hồ Chí Minh City; and the "province police" of item 4.
    for (code, kind, unit) in [("H79.01", "province_police", "79"), ("H56.00", "province_police", "56"), ("H56.22453.01", "province_police", "22453"), ("H56.22453.02", "commune_people_committee", "22390")] {
        let r = post(app, &a.cam_lam, "/can-bo/quan-tri/co-quan", &agency_form(code, kind, unit, CAM_LAM)).await;
        assert_eq!(r.status, 422, "{code}: {}", r.text);
        assert!(app.store.agency_by_code(code).await.unwrap().is_none(), "{code} not created");
    }
    // The province neither, for another province; within its own, any kind.
    let r = post(app, &a.province, "/can-bo/quan-tri/co-quan", &agency_form("H79.01", "province_police", "79", "H56")).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(app.store.agency_by_code("H79.01").await.unwrap().is_none());
    let r = post(app, &a.province, "/can-bo/quan-tri/co-quan", &agency_form("H56.05.22390", "commune_police", "22390", "H56.05")).await;
    assert_eq!(r.status, 303, "{}", r.text);

    // A sub-unit of the commune: its code below the commune's, its kind and unit.
    let r = post(app, &a.cam_lam, "/can-bo/quan-tri/co-quan", &agency_form("H56.22453.01", "commune_people_committee", "22453", CAM_LAM)).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(parent_of(app, "H56.22453.01").await, Some(agency_id(app, CAM_LAM).await));
}

on_both_backends!(commune_admin_cannot_create_agency_for_another_province => other_province_sqlite, other_province_postgres);

async fn commune_admin_cannot_change_agency_kind(app: &TestApp) {
    let a = admins(app).await;
    let r = post(app, &a.cam_lam, "/can-bo/quan-tri/co-quan", &agency_form(CAM_LAM, "province_police", "22453", "H56")).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = post(app, &a.cam_lam, "/can-bo/quan-tri/co-quan", &agency_form(CAM_LAM, "commune_people_committee", "56", "H56")).await;
    assert_eq!(r.status, 422, "the unit neither: {}", r.text);
    // Nor re-parent its own sub-unit.
    assert_eq!(post(app, &a.cam_lam, "/can-bo/quan-tri/co-quan", &agency_form("H56.22453.01", "commune_people_committee", "22453", CAM_LAM)).await.status, 303);
    let police = "H56.05.22453";
    let r = post(app, &a.cam_lam, "/can-bo/quan-tri/co-quan", &agency_form("H56.22453.01", "commune_people_committee", "22453", police)).await;
    assert!(r.status == 422, "{}", r.text);
    let cam_lam = app.store.agency_by_code(CAM_LAM).await.unwrap().unwrap();
    assert_eq!((cam_lam.kind.as_str(), cam_lam.unit_code.as_deref()), ("commune_people_committee", Some("22453")));

    // The province changes kinds and parents within the province.
    let r = post(app, &a.province, "/can-bo/quan-tri/co-quan", &agency_form("H56.22453.01", "commune_police", "22453", "H56.05")).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let sub = app.store.agency_by_code("H56.22453.01").await.unwrap().unwrap();
    assert_eq!((sub.kind.as_str(), sub.parent_id), ("commune_police", Some(agency_id(app, "H56.05").await)));
    // But not the province's own agency's kind: that is the system's.
    let r = post(app, &a.province, "/can-bo/quan-tri/co-quan", &agency_form("H56", "province_service_centre", "56", "H56")).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = post(app, &a.system, "/can-bo/quan-tri/co-quan", &agency_form(CAM_LAM, "commune_people_committee", "22390", "H56")).await;
    assert_eq!(r.status, 303, "{}", r.text);
}

on_both_backends!(commune_admin_cannot_change_agency_kind => change_kind_sqlite, change_kind_postgres);

async fn commune_admin_cannot_read_province_audit_log(app: &TestApp) {
    let a = admins(app).await;
    // The province: an account for Nha Trang, a sub-unit there, Nha Trang's days off.
    assert_eq!(post(app, &a.province, "/can-bo/quan-tri/can-bo", &[("username", "moi.tinh"), ("full_name", "Cán bộ mới của tỉnh"), ("password", "mat-khau-moi-tinh-2026")]).await.status, 303);
    let theirs = user_id(app, "moi.tinh").await;
    assert_eq!(post(app, &a.province, &format!("/can-bo/quan-tri/can-bo/{theirs}/quyen"), &[("op", "add"), ("role", "reception"), ("agency", NHA_TRANG)]).await.status, 303);
    assert_eq!(post(app, &a.province, "/can-bo/quan-tri/co-quan", &agency_form("H56.22366.01", "commune_people_committee", "22366", NHA_TRANG)).await.status, 303);
    assert_eq!(post(app, &a.province, "/can-bo/quan-tri/lich", &[("scope", NHA_TRANG), ("content", "2026-11-25\toff\tĐại hội")]).await.status, 303);
    // Cam Lâm: an account of its own.
    assert_eq!(post(app, &a.cam_lam, "/can-bo/quan-tri/can-bo", &[("username", "moi.camlam"), ("full_name", "Cán bộ mới xã"), ("password", "mat-khau-moi-xa-2026")]).await.status, 303);
    let ours = user_id(app, "moi.camlam").await;

    // A subject as the log shows it (followed by the end of its cell or a space).
    let shows = |page: &str, subject: &str| page.contains(&format!("{subject}<")) || page.contains(&format!("{subject} "));
    let foreign = [format!("user:{theirs}"), "agency:H56.22366.01".to_string(), format!("calendar:local:{NHA_TRANG}")];
    for path in ["/can-bo/quan-tri/nhat-ky", "/can-bo/quan-tri"] {
        let log = get(app, &a.cam_lam, path).await;
        assert_eq!(log.status, 200);
        assert!(shows(&log.text, &format!("user:{ours}")), "their own change is there: {}", log.text);
        for f in &foreign {
            assert!(!shows(&log.text, f), "{path} shows {f} to Cam Lâm");
        }
        let province = get(app, &a.province, path).await.text;
        for f in foreign.iter().chain([&format!("user:{ours}")]) {
            assert!(shows(&province, f), "{path}: the province sees {f}");
        }
    }
    // Nha Trang sees what concerns Nha Trang.
    let log = get(app, &a.nha_trang, "/can-bo/quan-tri/nhat-ky").await.text;
    assert!(foreign.iter().all(|f| shows(&log, f)) && !shows(&log, &format!("user:{ours}")), "{log}");
}

on_both_backends!(commune_admin_cannot_read_province_audit_log => audit_log_scope_sqlite, audit_log_scope_postgres);

async fn commune_admin_cannot_read_complaints_outside_scope(app: &TestApp) {
    let a = admins(app).await;
    let complaint = [
        ("topic", "other"),
        ("subject", "Góp ý chung về thủ tục của tỉnh"),
        ("content", "Trang dịch vụ công khó tìm thủ tục đăng ký kinh doanh."),
        ("name", "Nguyễn Thị Hạnh"),
        ("phone", APPLICANT_PHONE),
    ];
    let created = app.send(app.client.post(app.url("/phan-anh")).form(&complaint)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let start = created.text.find("PA-").expect("a tracking code");
    let code = created.text[start..start + 15].to_string();
    let row = app.store.feedback_by_code(&code).await.unwrap().unwrap();
    assert_eq!(row.agency_id, None, "a complaint naming no agency");

    for who in [&a.cam_lam, &a.nha_trang] {
        let page = get(app, who, "/can-bo/phan-anh").await;
        assert_eq!(page.status, 200);
        assert!(!page.text.contains("Góp ý chung về thủ tục của tỉnh") && !page.text.contains(&code), "{}", page.text);
        let r = post(app, who, &format!("/can-bo/phan-anh/{code}"), &[("answer", "Xã trả lời thay tỉnh")]).await;
        assert!(denied(&r), "{} {}", r.status, r.text);
    }
    assert!(app.store.feedback_by_code(&code).await.unwrap().unwrap().answer.is_none());
    // A commune supervisor neither; the centre's supervisor and the province's administrator do.
    let commune_supervisor = account(app, "giamsat.camlam", &[(Role::Supervisor, CAM_LAM)]).await;
    assert!(!get(app, &cookie(app, commune_supervisor).await, "/can-bo/phan-anh").await.text.contains(&code));
    let centre = cookie(app, user_id(app, "giamsat").await).await;
    assert!(get(app, &centre, "/can-bo/phan-anh").await.text.contains(&code));
    assert!(get(app, &a.province, "/can-bo/phan-anh").await.text.contains(&code));
    let r = post(app, &a.province, &format!("/can-bo/phan-anh/{code}"), &[("answer", "Tỉnh đã ghi nhận góp ý.")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
}

on_both_backends!(commune_admin_cannot_read_complaints_outside_scope => complaints_scope_sqlite, complaints_scope_postgres);
