//! The authorisation matrix: every route the router has (web and API) × every kind of
//! caller, asserting allow or deny, on SQLite and PostgreSQL. The route list comes from the
//! router itself, so a route added without a rule here fails the test. Also: every form
//! post from another site is refused (CSRF), and every method a path does not list
//! answers 405.

mod common;

use common::*;
use motcua_core::dossier::Role;
use motcua_core::time::Clock;
use reqwest::Method;
use std::collections::BTreeSet;

/// Who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    /// No account; knows the dossier's code and the applicant's phone.
    Applicant,
    /// No account; tries the code with a wrong phone.
    Guesser,
    /// Signed in as the citizen whose dossier it is (no secret sent).
    Owner,
    /// Signed in as another citizen, trying a wrong phone.
    OtherCitizen,
    /// An officer holding every role at the dossier's agency (Nha Trang).
    StaffInScope,
    /// An officer holding every role at another commune (Cam Lâm).
    StaffOutOfScope,
}

const CALLERS: [Caller; 7] =
    [Caller::Anonymous, Caller::Applicant, Caller::Guesser, Caller::Owner, Caller::OtherCitizen, Caller::StaffInScope, Caller::StaffOutOfScope];

/// Who a route lets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Everyone.
    Public,
    /// Sign-in, sign-out and sign-up forms: anyone may post, and the answer depends on what
    /// is posted; only a server error fails.
    Open,
    /// Any officer (their own scope is applied inside).
    Staff,
    /// Officers of the dossier's (or account's, or complaint's) agency.
    StaffInScope,
    /// Any signed-in citizen.
    Citizen,
    /// Only the citizen the dossier, draft or file belongs to.
    Owner,
    /// Whoever proves to be the applicant with the code and phone or ID number.
    Applicant,
    /// The applicant with the secret, or an officer of the dossier's agency (the API).
    ApplicantOrStaff,
    /// Nobody (the demo mailbox, off outside demos).
    Nobody,
}

impl Rule {
    fn allows(self, c: Caller) -> Option<bool> {
        use Caller::*;
        Some(match self {
            Rule::Public => true,
            Rule::Open => return None,
            Rule::Staff => matches!(c, StaffInScope | StaffOutOfScope),
            Rule::StaffInScope => c == StaffInScope,
            Rule::Citizen => matches!(c, Owner | OtherCitizen),
            Rule::Owner => c == Owner,
            Rule::Applicant => c == Applicant,
            Rule::ApplicantOrStaff => matches!(c, Applicant | StaffInScope),
            Rule::Nobody => false,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    Empty,
    Form,
    Multipart,
    Json,
}

use Body::*;
use Rule::*;

/// Every route, with its rule for each method. A route missing here fails the test.
const MATRIX: &[(&str, &str, Rule, Body)] = &[
    // Public pages and catalogue.
    ("GET", "/", Public, Empty),
    ("GET", "/static/app.css", Public, Empty),
    ("GET", "/thu-tuc", Public, Empty),
    ("GET", "/thu-tuc/{code}", Public, Empty),
    ("GET", "/thu-tuc/{code}/in", Public, Empty),
    ("GET", "/thong-ke", Public, Empty),
    ("GET", "/phan-anh", Public, Empty),
    ("POST", "/phan-anh", Open, Form),
    ("GET", "/tra-cuu", Public, Empty),
    ("GET", "/danh-gia", Public, Empty),
    ("GET", "/healthz", Public, Empty),
    ("GET", "/favicon.ico", Public, Empty),
    // By client address or bearer token, not by account: metrics.rs tests who may read it.
    ("GET", "/metrics", Open, Empty),
    ("GET", "/hop-thu-demo", Nobody, Empty),
    // Online submission: the form is public, a draft is its owner's (or its holder's when
    // made without an account), a receipt is shown to whoever holds its unguessable link.
    ("GET", "/nop-ho-so/{code}", Public, Empty),
    ("POST", "/nop-ho-so/{code}", Open, Multipart),
    ("GET", "/nop-ho-so/xem-lai/{token}", Owner, Empty),
    ("POST", "/nop-ho-so/xem-lai/{token}", Owner, Form),
    ("GET", "/nop-ho-so/bien-nhan/{token}", Open, Empty),
    ("GET", "/nop-ho-so/bien-nhan/{token}/pdf", Open, Empty),
    // The applicant, by code and secret.
    ("POST", "/tra-cuu", Applicant, Form),
    ("POST", "/tra-cuu/rut-ho-so", Applicant, Form),
    ("POST", "/tra-cuu/ket-qua", Applicant, Form),
    ("POST", "/tra-cuu/bo-sung", Applicant, Multipart),
    ("POST", "/danh-gia", Applicant, Form),
    ("POST", "/phan-anh/tra-cuu", Applicant, Form),
    // Citizens' accounts.
    ("GET", "/tai-khoan/dang-ky", Public, Empty),
    ("POST", "/tai-khoan/dang-ky", Open, Form),
    ("POST", "/tai-khoan/xac-minh", Open, Form),
    ("POST", "/tai-khoan/gui-lai-ma", Open, Form),
    ("GET", "/tai-khoan/dang-nhap", Public, Empty),
    ("POST", "/tai-khoan/dang-nhap", Open, Form),
    ("POST", "/tai-khoan/dang-xuat", Open, Form),
    ("GET", "/tai-khoan/quen-mat-khau", Public, Empty),
    ("POST", "/tai-khoan/quen-mat-khau", Open, Form),
    ("POST", "/tai-khoan/dat-lai-mat-khau", Open, Form),
    ("GET", "/ho-so-cua-toi", Citizen, Empty),
    ("GET", "/ho-so-cua-toi/{code}", Owner, Empty),
    ("POST", "/ho-so-cua-toi/nhap/{token}/xoa", Owner, Form),
    ("GET", "/giay-to-cua-toi", Citizen, Empty),
    ("GET", "/giay-to-cua-toi/{sha256}", Owner, Empty),
    // Staff pages.
    ("GET", "/dang-nhap", Public, Empty),
    ("POST", "/dang-nhap", Open, Form),
    ("POST", "/dang-xuat", Open, Form),
    ("GET", "/can-bo", Staff, Empty),
    ("GET", "/can-bo/ho-so/{code}", StaffInScope, Empty),
    ("GET", "/can-bo/ho-so/{code}/mau/{form}", StaffInScope, Empty),
    ("POST", "/can-bo/ho-so/{code}/thao-tac/{action}", StaffInScope, Form),
    ("GET", "/can-bo/ho-so/{code}/tep/{id}", StaffInScope, Empty),
    ("GET", "/can-bo/tiep-nhan", Staff, Empty),
    ("POST", "/can-bo/tiep-nhan", StaffInScope, Multipart),
    ("GET", "/can-bo/phan-anh", Staff, Empty),
    ("POST", "/can-bo/phan-anh/{code}", StaffInScope, Form),
    ("GET", "/can-bo/so-theo-doi", Staff, Empty),
    ("GET", "/can-bo/bang-dieu-khien", Staff, Empty),
    // Administration: both officers administer their own agency.
    ("GET", "/can-bo/quan-tri", Staff, Empty),
    ("GET", "/can-bo/quan-tri/nhat-ky", Staff, Empty),
    ("POST", "/can-bo/quan-tri/can-bo", Staff, Form),
    ("POST", "/can-bo/quan-tri/can-bo/{id}/quyen", StaffInScope, Form),
    ("POST", "/can-bo/quan-tri/can-bo/{id}/khoa", StaffInScope, Form),
    ("POST", "/can-bo/quan-tri/can-bo/{id}/mat-khau", StaffInScope, Form),
    ("POST", "/can-bo/quan-tri/co-quan", Staff, Form),
    ("POST", "/can-bo/quan-tri/lich", Staff, Form),
    // The catalogue and step routes are the province's or the system's: every caller here
    // is at most a commune administrator (admin_routing_catalogue.rs tests the others).
    ("POST", "/can-bo/quan-tri/thu-tuc", Nobody, Multipart),
    ("POST", "/can-bo/quan-tri/tuyen", Nobody, Form),
    // The API.
    ("GET", "/api/openapi.json", Public, Empty),
    ("GET", "/api/v1/procedures", Public, Empty),
    ("GET", "/api/v1/procedures/{code}", Public, Empty),
    ("GET", "/api/v1/agencies", Public, Empty),
    ("POST", "/api/v1/auth/token", Open, Json),
    ("DELETE", "/api/v1/auth/token", Staff, Empty),
    ("GET", "/api/v1/me", Staff, Empty),
    ("POST", "/api/v1/dossiers", Open, Json),
    ("GET", "/api/v1/dossiers", Staff, Empty),
    ("GET", "/api/v1/dossiers/{code}", ApplicantOrStaff, Empty),
    ("POST", "/api/v1/dossiers/{code}/supply", ApplicantOrStaff, Json),
    ("POST", "/api/v1/dossiers/{code}/withdraw", ApplicantOrStaff, Json),
    ("POST", "/api/v1/dossiers/{code}/receive", StaffInScope, Json),
    ("POST", "/api/v1/dossiers/{code}/request-supplement", StaffInScope, Json),
    ("POST", "/api/v1/dossiers/{code}/transfer", StaffInScope, Json),
    ("POST", "/api/v1/dossiers/{code}/forward", StaffInScope, Json),
    ("POST", "/api/v1/dossiers/{code}/return-to-step", StaffInScope, Json),
    ("POST", "/api/v1/dossiers/{code}/approve", StaffInScope, Json),
    ("POST", "/api/v1/dossiers/{code}/reject", StaffInScope, Json),
    ("POST", "/api/v1/dossiers/{code}/stop", StaffInScope, Json),
    ("POST", "/api/v1/dossiers/{code}/extend", StaffInScope, Json),
    ("POST", "/api/v1/dossiers/{code}/return-result", StaffInScope, Json),
    ("POST", "/api/v1/dossiers/{code}/assign", StaffInScope, Json),
];

/// What the routes' parameters stand for in this run.
struct Fixture {
    dossier: String,
    procedure: String,
    feedback: String,
    draft: String,
    file_id: i64,
    file_sha: String,
    account_id: i64,
    owner: i64,
    other: i64,
    staff_in: i64,
    staff_out: i64,
}

impl Fixture {
    fn path(&self, template: &str) -> String {
        let code = if template.starts_with("/thu-tuc/") || template.starts_with("/nop-ho-so/{") || template.starts_with("/api/v1/procedures/") {
            &self.procedure
        } else if template.starts_with("/can-bo/phan-anh/") {
            &self.feedback
        } else {
            &self.dossier
        };
        let id = if template.contains("/tep/") { self.file_id } else { self.account_id };
        template
            .replace("{code}", code)
            .replace("{token}", &self.draft)
            .replace("{sha256}", &self.file_sha)
            .replace("{form}", "01")
            .replace("{action}", "transfer")
            .replace("{id}", &id.to_string())
    }

    /// The code a form names: the complaint's for the complaint lookup, else the dossier's.
    fn code_for(&self, template: &str) -> &str {
        if template == "/phan-anh/tra-cuu" {
            &self.feedback
        } else {
            &self.dossier
        }
    }
}

async fn staff_with_every_role(app: &TestApp, username: &str, agency: &str) -> i64 {
    let agency_id = app.store.agency_by_code(agency).await.unwrap().unwrap().id;
    let grants: Vec<(Role, i64)> = Role::ALL.iter().map(|r| (*r, agency_id)).collect();
    app.store.upsert_user(username, "Cán bộ kiểm thử", "mat-khau-kiem-thu-2026", &grants, monday_morning()).await.unwrap()
}

async fn citizen(app: &TestApp, login: &str) -> i64 {
    let login = motcua_core::account::Login::parse(login).unwrap();
    app.store.sign_up_citizen(&login, "Công dân kiểm thử", "mat khau cong dan 2026", app.clock.now()).await.unwrap();
    let c = app.store.citizen_by_login(&login).await.unwrap().unwrap();
    app.raw_execute(&format!("UPDATE citizens SET verified_at = 1 WHERE id = {}", c.id)).await;
    c.id
}

async fn fixture(app: &TestApp) -> Fixture {
    // An online dossier with files, filed with the phone the owner's account is verified for.
    let v = submit_online_with_files(app, BIRTH, NHA_TRANG).await.expect(201);
    let dossier = v["code"].as_str().or(v["reference"].as_str()).unwrap().to_string();
    let row = app.store.dossier_by_public_id(&dossier).await.unwrap().unwrap();
    let doc = app.store.dossier_documents(row.id).await.unwrap().into_iter().next().expect("a document");
    let owner = citizen(app, APPLICANT_PHONE).await;
    // Filed from the owner's account (signed in): only such files enter a document store.
    app.raw_execute(&format!("UPDATE dossiers SET citizen_id = {owner} WHERE id = {}", row.id)).await;
    let other = citizen(app, "nguoi.khac@example.vn").await;
    let draft = "nhap-cua-chu-ho-so-0123456789abcdef".to_string();
    app.store
        .save_draft(&motcua_store::DraftRow {
            token: draft.clone(),
            citizen_id: Some(owner),
            procedure_code: BIRTH.into(),
            form: "{}".into(),
            files: "[]".into(),
            status: "draft".into(),
            dossier_id: None,
            created_at: 0,
            updated_at: 0,
        })
        .await
        .unwrap();
    let complaint = [
        ("topic", "officer"),
        ("dossier", dossier.as_str()),
        ("subject", "Cán bộ hẹn lại nhiều lần"),
        ("content", "Tôi đến nộp giấy tờ ba lần vẫn chưa được nhận."),
        ("name", "Nguyễn Thị Hạnh"),
        ("phone", APPLICANT_PHONE),
    ];
    let created = app.send(app.client.post(app.url("/phan-anh")).form(&complaint)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let start = created.text.find("PA-").expect("a tracking code");
    let feedback = created.text[start..start + 15].to_string();
    let staff_in = staff_with_every_role(app, "kiemthu.trong", NHA_TRANG).await;
    let staff_out = staff_with_every_role(app, "kiemthu.ngoai", CAM_LAM).await;
    let nha_trang = app.store.agency_by_code(NHA_TRANG).await.unwrap().unwrap().id;
    let account_id =
        app.store.upsert_user("muc.tieu", "Tài khoản đích", "mat-khau-muc-tieu-2026", &[(Role::Specialist, nha_trang)], monday_morning()).await.unwrap();
    Fixture { dossier, procedure: BIRTH.into(), feedback, draft, file_id: doc.id, file_sha: doc.sha256, account_id, owner, other, staff_in, staff_out }
}

fn secret(c: Caller) -> Option<&'static str> {
    match c {
        Caller::Applicant => Some(APPLICANT_PHONE),
        Caller::Guesser | Caller::OtherCitizen => Some("0909000111"),
        _ => None,
    }
}

/// A request as the caller makes it, with sessions of its own: a cell that signs out or
/// revokes a token must not change the next one.
async fn request(app: &TestApp, f: &Fixture, method: &str, template: &str, body: Body, c: Caller) -> reqwest::RequestBuilder {
    let mut rb = app.client.request(Method::from_bytes(method.as_bytes()).unwrap(), app.url(&f.path(template)));
    let (now, ttl) = (app.clock.now(), chrono::Duration::hours(12));
    let citizen = match c {
        Caller::Owner => Some(f.owner),
        Caller::OtherCitizen => Some(f.other),
        _ => None,
    };
    if let Some(id) = citizen {
        rb = rb.header("Cookie", format!("motcua_citizen={}", app.store.create_citizen_session(id, now, ttl).await.unwrap()));
    }
    let staff = match c {
        Caller::StaffInScope => Some(f.staff_in),
        Caller::StaffOutOfScope => Some(f.staff_out),
        _ => None,
    };
    if let Some(id) = staff {
        rb = rb
            .header("Cookie", format!("motcua_session={}", app.store.create_session(id, "web", now, ttl).await.unwrap()))
            .bearer_auth(app.store.create_session(id, "api", now, ttl).await.unwrap());
    }
    let secret = secret(c).unwrap_or("");
    if !secret.is_empty() {
        rb = rb.header("x-applicant-secret", secret);
    }
    let code = f.code_for(template).to_string();
    match body {
        Body::Empty => rb,
        Body::Form => rb.form(&[("code", code.as_str()), ("secret", secret), ("phone", secret), ("reason", "Kiểm thử")]),
        Body::Multipart => rb.multipart(
            reqwest::multipart::Form::new().text("code", code).text("secret", secret.to_string()).text("reason", "Kiểm thử").text("co_quan", NHA_TRANG),
        ),
        Body::Json => rb.json(&serde_json::json!({})),
    }
}

fn denied(r: &Resp) -> bool {
    let to_sign_in = r.status / 100 == 3 && r.header("location").is_some_and(|l| l.contains("dang-nhap"));
    matches!(r.status, 401 | 403 | 404) || to_sign_in
}

async fn every_route_allows_exactly_its_callers(app: &TestApp) {
    let registered: BTreeSet<&str> = motcua_web::route_paths(&app.state).into_iter().collect();
    let listed: BTreeSet<&str> = MATRIX.iter().map(|(_, p, _, _)| *p).collect();
    let missing: Vec<_> = registered.difference(&listed).collect();
    assert!(missing.is_empty(), "routes without an authorisation rule: {missing:?}");
    let stale: Vec<_> = listed.difference(&registered).collect();
    assert!(stale.is_empty(), "rules for routes that no longer exist: {stale:?}");

    let f = fixture(app).await;
    let mut failures = Vec::new();
    let mut cells = 0;
    // Denials first: the allowed calls change the dossier (a transfer, a withdrawal), and a
    // denial must not depend on the state it is in.
    for phase_allowed in [false, true] {
        for (method, template, rule, body) in MATRIX {
            for c in CALLERS {
                let expected = rule.allows(c);
                // Open routes run last, with the allowed.
                if expected.unwrap_or(true) != phase_allowed {
                    continue;
                }
                let r = app.send(request(app, &f, method, template, *body, c).await).await;
                cells += 1;
                let wrong = match expected {
                    _ if r.status >= 500 => true,
                    Some(true) => denied(&r),
                    Some(false) => !denied(&r),
                    None => false,
                };
                if wrong {
                    failures.push(format!("{method} {template} as {c:?}: {} (expected {})", r.status, if expected == Some(true) { "allow" } else { "deny" }));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {cells} cells wrong:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(cells, MATRIX.len() * CALLERS.len());

    // Another site's page cannot post any form here, even with a signed-in officer's cookie.
    let mut cross_site = 0;
    for (method, template, _, body) in MATRIX.iter().filter(|(m, p, _, _)| *m != "GET" && !p.starts_with("/api/")) {
        let r = app.send(request(app, &f, method, template, *body, Caller::StaffInScope).await.header("Origin", "https://trang-gia-mao.example")).await;
        assert_eq!(r.status, 403, "cross-site {method} {template}: {}", r.text);
        cross_site += 1;
        assert!(r.text.contains("không được gửi từ trang của hệ thống"), "{}", r.text);
    }

    // The methods listed are all a path answers.
    let mut probes = 0;
    for path in &registered {
        for method in ["GET", "POST", "PUT", "DELETE"] {
            if MATRIX.iter().any(|(m, p, _, _)| m == &method && p == path) {
                continue;
            }
            let r = app.send(app.client.request(Method::from_bytes(method.as_bytes()).unwrap(), app.url(&f.path(path)))).await;
            assert_eq!(r.status, 405, "{method} {path} answers but has no rule");
            probes += 1;
        }
    }
    eprintln!(
        "authorisation matrix: {} routes, {cells} cells (route x caller), {cross_site} cross-site posts refused, {probes} unlisted methods answered 405",
        MATRIX.len()
    );
    administrators_powers(app).await;
}

/// Administrators by level (issue 12, items 5, 6, 21): an officer without the role, the
/// administrator of one commune (Nha Trang), of the province (at `H56`), of the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Officer,
    Commune,
    Province,
    System,
}

/// What the administration's powers act on in this run.
struct AdminFixture {
    /// Specialist at Nha Trang only.
    commune_account: i64,
    /// Specialist at Nha Trang and signing leader at Cam Lâm.
    two_communes: i64,
    /// No role, no recorded creator: the province's.
    ungranted: i64,
    /// Another system administrator.
    system_account: i64,
    callers: Vec<(Level, i64)>,
}

/// Every administrative power with the lowest level that holds it: accounts, agencies,
/// calendars, the audit log, step routes and the national catalogue (its province-level
/// powers: admin_routing_catalogue.rs). `{..}` in a path names an account of the fixture; a
/// `catalogue` field uploads the shipped catalogue. Rows run in order; every denial first.
/// Method, path, lowest level allowed, form fields.
type Power = (&'static str, &'static str, Level, &'static [(&'static str, &'static str)]);

const ADMIN_POWERS: &[Power] = &[
    ("GET", "/can-bo/quan-tri", Level::Commune, &[]),
    ("GET", "/can-bo/quan-tri/nhat-ky", Level::Commune, &[]),
    ("POST", "/can-bo/quan-tri/can-bo/{commune_account}/mat-khau", Level::Commune, &[("password", "mat-khau-dat-lai-2026")]),
    ("POST", "/can-bo/quan-tri/can-bo/{commune_account}/quyen", Level::Commune, &[("op", "add"), ("role", "reception"), ("agency", NHA_TRANG)]),
    ("POST", "/can-bo/quan-tri/can-bo/{commune_account}/quyen", Level::Province, &[("op", "add"), ("role", "reception"), ("agency", CAM_LAM)]),
    ("POST", "/can-bo/quan-tri/can-bo/{two_communes}/mat-khau", Level::Province, &[("password", "mat-khau-dat-lai-2026")]),
    ("POST", "/can-bo/quan-tri/can-bo/{two_communes}/khoa", Level::Province, &[("active", "0")]),
    ("POST", "/can-bo/quan-tri/can-bo/{ungranted}/khoa", Level::Province, &[("active", "0")]),
    ("POST", "/can-bo/quan-tri/can-bo/{system_account}/mat-khau", Level::System, &[("password", "mat-khau-dat-lai-2026")]),
    ("POST", "/can-bo/quan-tri/lich", Level::Commune, &[("scope", NHA_TRANG), ("content", "2026-11-25\toff\tĐại hội")]),
    ("POST", "/can-bo/quan-tri/lich", Level::Province, &[("scope", "2027"), ("content", "2027-12-31\toff\tNghỉ thử")]),
    ("POST", "/can-bo/quan-tri/tuyen", Level::Province, &[("route_procedure", "*"), ("route_kind", "commune_police"), ("route_area", "22366"), ("route_agency", NHA_TRANG_POLICE)]),
    ("POST", "/can-bo/quan-tri/thu-tuc", Level::System, &[("catalogue", "data/procedures.json")]),
    // The sub-unit H56.22366.01: renamed, a new sibling, re-kinded, re-parented, made top-level.
    ("POST", "/can-bo/quan-tri/co-quan", Level::Commune, &[("code", "H56.22366.01"), ("name", "Bộ phận mới"), ("kind", "commune_people_committee"), ("unit_code", "22366"), ("parent", NHA_TRANG), ("valid_from", "2025-07-01")]),
    ("POST", "/can-bo/quan-tri/co-quan", Level::Commune, &[("code", "H56.22366.02"), ("name", "Bộ phận khác"), ("kind", "commune_people_committee"), ("unit_code", "22366"), ("parent", NHA_TRANG), ("valid_from", "2025-07-01")]),
    ("POST", "/can-bo/quan-tri/co-quan", Level::Province, &[("code", "H56.22366.01"), ("name", "Bộ phận mới"), ("kind", "commune_police"), ("unit_code", "22366"), ("parent", NHA_TRANG), ("valid_from", "2025-07-01")]),
    ("POST", "/can-bo/quan-tri/co-quan", Level::Province, &[("code", "H56.22366.01"), ("name", "Bộ phận mới"), ("kind", "commune_police"), ("unit_code", "22366"), ("parent", "H56.05"), ("valid_from", "2025-07-01")]),
    ("POST", "/can-bo/quan-tri/co-quan", Level::System, &[("code", "H79.01"), ("name", "Cơ quan tỉnh khác"), ("kind", "province_police"), ("unit_code", "79"), ("parent", NHA_TRANG), ("valid_from", "2025-07-01")]),
    ("POST", "/can-bo/quan-tri/co-quan", Level::System, &[("code", "H56.22366.01"), ("name", "Bộ phận mới"), ("kind", "commune_police"), ("unit_code", "22366"), ("parent", "H56.22366.01"), ("valid_from", "2025-07-01")]),
];

async fn admin_fixture(app: &TestApp) -> AdminFixture {
    let id = |code: &'static str| async move { app.store.agency_by_code(code).await.unwrap().unwrap().id };
    let (nha_trang, cam_lam, province) = (id(NHA_TRANG).await, id(CAM_LAM).await, id("H56").await);
    let now = monday_morning();
    let user = |name: &'static str, grants: Vec<(Role, i64)>| async move { app.store.upsert_user(name, "Cán bộ kiểm thử", "mat-khau-kiem-thu-2026", &grants, now).await.unwrap() };
    app.store
        .upsert_agency(&motcua_store::NewAgency { code: "H56.22366.01", name: "Bộ phận", kind: "commune_people_committee", unit_code: Some("22366"), parent_id: Some(nha_trang), valid_from: "2025-07-01", valid_to: None })
        .await
        .unwrap();
    let system = user("quantri.ht.kiemthu", vec![(Role::Admin, province)]).await;
    app.store.set_system_admin(system, true).await.unwrap();
    let system_account = user("quantri.ht.khac", vec![(Role::Admin, province)]).await;
    app.store.set_system_admin(system_account, true).await.unwrap();
    AdminFixture {
        commune_account: user("canbo.phuong", vec![(Role::Specialist, nha_trang)]).await,
        two_communes: user("canbo.hai.xa", vec![(Role::Specialist, nha_trang), (Role::SigningLeader, cam_lam)]).await,
        ungranted: user("canbo.chua.co.quyen", vec![]).await,
        system_account,
        callers: vec![
            (Level::Officer, user("motcua.kiemthu", vec![(Role::Reception, nha_trang)]).await),
            (Level::Commune, user("quantri.phuong", vec![(Role::Admin, nha_trang)]).await),
            (Level::Province, user("quantri.tinh.kiemthu", vec![(Role::Admin, province)]).await),
            (Level::System, system),
        ],
    }
}

async fn administrators_powers(app: &TestApp) {
    let f = admin_fixture(app).await;
    let (mut failures, mut cells) = (Vec::new(), 0);
    for phase_allowed in [false, true] {
        for (method, template, lowest, form) in ADMIN_POWERS {
            let path = template
                .replace("{commune_account}", &f.commune_account.to_string())
                .replace("{two_communes}", &f.two_communes.to_string())
                .replace("{ungranted}", &f.ungranted.to_string())
                .replace("{system_account}", &f.system_account.to_string());
            for (level, user) in &f.callers {
                let allowed = level >= lowest;
                if allowed != phase_allowed {
                    continue;
                }
                let session = app.store.create_session(*user, "web", app.clock.now(), chrono::Duration::hours(1)).await.unwrap();
                let rb = app.client.request(Method::from_bytes(method.as_bytes()).unwrap(), app.url(&path)).header("Cookie", format!("motcua_session={session}"));
                let rb = match form.first() {
                    Some(("catalogue", file)) => {
                        let text = std::fs::read(format!("{}/../../{file}", env!("CARGO_MANIFEST_DIR"))).expect("the shipped catalogue");
                        rb.multipart(reqwest::multipart::Form::new().part("catalogue", reqwest::multipart::Part::bytes(text).file_name("procedures.json")))
                    }
                    _ if *method == "POST" => rb.form(form),
                    _ => rb,
                };
                let r = app.send(rb).await;
                cells += 1;
                let ok = if allowed { matches!(r.status, 200 | 303) } else { matches!(r.status, 403 | 404 | 422) };
                if !ok {
                    let why = if r.status == 422 { r.text.lines().filter(|l| l.contains("class=\"error\"")).collect::<Vec<_>>().join(" ") } else { String::new() };
                    failures.push(format!("{method} {template} {form:?} as {level:?}: {} (expected {}) {why}", r.status, if allowed { "allow" } else { "deny" }));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {cells} administrators' cells wrong:\n{}", failures.len(), failures.join("\n"));
    eprintln!("administrators' powers: {} powers x {} levels", ADMIN_POWERS.len(), f.callers.len());
}

/// A server whose guessing limits stay out of the way: the matrix makes hundreds of
/// failed lookups from one address on purpose (the limits have their own test).
async fn spawn(backend: Backend) -> Option<TestApp> {
    let limits = motcua_web::throttle::Limits {
        lookups_per_address: 10_000,
        lookups_per_dossier: 10_000,
        lookups_per_secret: 10_000,
        sign_in_per_address: 10_000,
        messages_per_address: 10_000,
        anonymous_per_address: 10_000,
        ..Default::default()
    };
    let config = motcua_web::Config { limits, ..Default::default() };
    spawn_app_configured(backend, motcua_core::calendar::WorkCalendar::weekdays(), config).await
}

#[tokio::test]
async fn route_matrix_sqlite() {
    let app = spawn(Backend::Sqlite).await.expect("SQLite always runs");
    every_route_allows_exactly_its_callers(&app).await;
    app.cleanup().await;
}

#[tokio::test]
async fn route_matrix_postgres() {
    let Some(app) = spawn(Backend::Postgres).await else {
        return;
    };
    every_route_allows_exactly_its_callers(&app).await;
    app.cleanup().await;
}
