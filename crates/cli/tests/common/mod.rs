//! Black-box test harness: a real server on 127.0.0.1:0 over a fresh, migrated and seeded
//! store (SQLite file, or a private schema in PostgreSQL), driven over HTTP with reqwest,
//! with a test clock the tests set and advance.
//!
//! PostgreSQL variants run only when `MOTCUA_TEST_POSTGRES_URL` is set (CI always sets
//! it); when it is set, an unreachable server is a test failure, never a skip.

#![allow(dead_code)]

use chrono::{Duration, NaiveDate};
use motcua::demo::{seed_reference, seed_users, DEMO_PASSWORD};
use motcua_core::calendar::WorkCalendar;
use motcua_core::time::{from_local, Clock, Instant};
use motcua_store::{BlobStore, Store, StoreOptions};
use motcua_app::ports::PdfRenderer;
use motcua_app::{App, Settings};
use motcua_web::{build_router, AppState, Config};
use reqwest::header::HeaderMap;
use reqwest::RequestBuilder;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub const POSTGRES_ENV: &str = "MOTCUA_TEST_POSTGRES_URL";

/// Ủy ban nhân dân phường Nha Trang (commune level: receives birth registrations).
pub const NHA_TRANG: &str = "H56.22366";
/// Công an phường Nha Trang.
pub const NHA_TRANG_POLICE: &str = "H56.05.22366";
/// Bảo hiểm xã hội tỉnh Khánh Hòa.
pub const SOCIAL_INSURANCE: &str = "H56.06";
/// Ủy ban nhân dân xã Cam Lâm: another commune, which must not see Nha Trang's dossiers.
pub const CAM_LAM: &str = "H56.22453";

/// Đăng ký khai sinh: same-day, fully online, two mandatory uploads.
pub const BIRTH: &str = "1.001193";
/// Inter-agency birth + residence + health insurance: 7 working days, six steps in three agencies.
pub const BIRTH_INTER_AGENCY: &str = "TAM.0005";
/// Chứng thực bản sao: online (partial) with no mandatory upload, so it can be sent as JSON.
pub const CERTIFIED_COPY: &str = "2.000815";

pub const APPLICANT_PHONE: &str = "0905123456";
pub const APPLICANT_CCCD: &str = "056190001234";
pub const APPLICANT_NAME: &str = "Nguyễn Thị Hạnh";

/// A small but genuine-looking PDF.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A Vietnamese wall-clock instant.
pub fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> Instant {
    from_local(NaiveDate::from_ymd_opt(y, m, d).expect("date").and_hms_opt(h, min, 0).expect("time"))
}

/// Monday 23 November 2026, 09:00 in Nha Trang: a working day, before the same-day cut-off.
pub fn monday_morning() -> Instant {
    vn(2026, 11, 23, 9, 0)
}

/// The clock the server reads: tests set and advance it.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<Instant>>);

impl TestClock {
    pub fn new(at: Instant) -> Self {
        TestClock(Arc::new(Mutex::new(at)))
    }
    pub fn set(&self, at: Instant) {
        *self.0.lock().expect("clock lock") = at;
    }
    pub fn advance(&self, by: Duration) {
        *self.0.lock().expect("clock lock") += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> Instant {
        *self.0.lock().expect("clock lock")
    }
}

/// Generates the SQLite and PostgreSQL test functions of one scenario.
/// `on_both_backends!(multi_thread: …)` runs the server on several worker threads, for
/// scenarios about requests racing each other.
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($scenario:ident => $sqlite:ident, $postgres:ident) => {
        on_both_backends!(@tests #[tokio::test] $scenario => $sqlite, $postgres);
    };
    (multi_thread: $scenario:ident => $sqlite:ident, $postgres:ident) => {
        on_both_backends!(@tests #[tokio::test(flavor = "multi_thread", worker_threads = 4)] $scenario => $sqlite, $postgres);
    };
    (@tests #[$test:meta] $scenario:ident => $sqlite:ident, $postgres:ident) => {
        #[$test]
        async fn $sqlite() {
            let app = common::spawn_app(common::Backend::Sqlite).await.expect("SQLite always runs");
            $scenario(&app).await;
            app.cleanup().await;
        }

        #[$test]
        async fn $postgres() {
            let Some(app) = common::spawn_app(common::Backend::Postgres).await else { return };
            $scenario(&app).await;
            app.cleanup().await;
        }
    };
}

/// A running server and what the tests need to drive and inspect it.
pub struct TestApp {
    pub base: String,
    /// Does not follow redirects, so tests see the 303 of a sign-in.
    pub client: reqwest::Client,
    pub clock: TestClock,
    pub store: Store,
    /// The server's state (its routes can be listed from it).
    pub state: AppState,
    pub backend: Backend,
    /// The URL the store was opened with (for a second, raw connection).
    pub db_url: String,
    /// The data directory: `files/` holds the blob store.
    pub dir: PathBuf,
    /// PostgreSQL: the admin URL and the schema to drop at the end.
    pg: Option<(String, String)>,
    server: tokio::task::JoinHandle<()>,
}

fn random_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// The admin URL of the PostgreSQL test server, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_ENV).ok().filter(|s| !s.trim().is_empty())
}

/// `url` with a PostgreSQL `search_path` set to `schema` for every connection.
pub fn with_search_path(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

/// A fresh schema in the PostgreSQL test database.
pub async fn postgres_schema(admin_url: &str) -> String {
    use sqlx::Connection;
    let schema = format!("t_{}", random_suffix());
    let mut conn = sqlx::postgres::PgConnection::connect(admin_url).await.unwrap_or_else(|e| {
        panic!(
            "{POSTGRES_ENV} is set to {} but PostgreSQL is unreachable: {e}. Start PostgreSQL or unset {POSTGRES_ENV} to run SQLite only.",
            motcua::serve::redact(admin_url)
        )
    });
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("creating schema {schema} on {}: {e}", motcua::serve::redact(admin_url)));
    let _ = conn.close().await;
    schema
}

/// Rows of one query on a raw connection to a database (SQLite or PostgreSQL by its URL).
pub async fn raw_rows<T>(url: &str, sql: &str) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(url).await.expect("raw connection");
    let rows = sqlx::query_as(sql).fetch_all(&mut c).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = c.close().await;
    rows
}

/// Drops a schema made by `postgres_schema`.
pub async fn drop_schema(admin_url: &str, schema: &str) {
    use sqlx::Connection;
    if let Ok(mut conn) = sqlx::postgres::PgConnection::connect(admin_url).await {
        let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).execute(&mut conn).await;
        let _ = conn.close().await;
    }
}

/// Starts a server over a fresh store with a plain Monday–Friday calendar, which keeps the
/// dates in these tests easy to check by hand (`calendar_api.rs` uses the Vietnamese one).
/// `None` only for PostgreSQL when it is not configured.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, WorkCalendar::weekdays()).await
}

/// Starts a server with the given working calendar.
pub async fn spawn_app_with(backend: Backend, calendar: WorkCalendar) -> Option<TestApp> {
    spawn_app_configured(backend, calendar, Config::default()).await
}

/// Starts a server with the given calendar and HTTP settings.
pub async fn spawn_app_configured(backend: Backend, calendar: WorkCalendar, config: Config) -> Option<TestApp> {
    let dir = std::env::temp_dir().join(format!("motcua-test-{}", random_suffix()));
    std::fs::create_dir_all(&dir).expect("creating the test directory");
    let (db_url, pg) = match backend {
        Backend::Sqlite => (format!("sqlite://{}", dir.join("t.db").display()), None),
        Backend::Postgres => {
            let Some(admin) = postgres_url() else {
                eprintln!("PostgreSQL variant NOT RUN: {POSTGRES_ENV} is not set (SQLite-only developer mode)");
                let _ = std::fs::remove_dir_all(&dir);
                return None;
            };
            let schema = postgres_schema(&admin).await;
            (with_search_path(&admin, &schema), Some((admin, schema)))
        }
    };
    let store = Store::connect(&db_url, &StoreOptions { max_connections: 4, ..StoreOptions::default() })
        .await
        .unwrap_or_else(|e| panic!("connecting the store to {}: {e}", motcua::serve::redact(&db_url)));
    store.migrate().await.expect("migrating");
    let now = monday_morning();
    seed_reference(&store, now).await.expect("seeding reference data");
    seed_users(&store, now).await.expect("seeding demo users");

    let clock = TestClock::new(now);
    let state = AppState::new(App::new(store.clone(), Arc::new(BlobStore::new(dir.join("files"))), Arc::new(clock.clone()), Arc::new(PdfRenderer), calendar, Settings::default()), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binding 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let router = build_router(state.clone());
    let server = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.expect("serving");
    });
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("HTTP client");
    Some(TestApp { base: format!("http://{addr}"), client, clock, store, state, backend, db_url, dir, pg, server })
}

/// A response read in full.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("response ({}) is not JSON: {e}\n{}", self.status, self.text))
    }

    /// Asserts the status (showing the body if it differs) and returns the JSON body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        if self.text.is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }

    /// Asserts an error response: the status, the `{error, message, fields}` shape, and
    /// returns the field paths.
    #[track_caller]
    pub fn expect_error(&self, status: u16) -> Vec<String> {
        let body = self.expect(status);
        assert!(body["error"].is_string(), "error code missing: {body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "message missing: {body}");
        let fields = body["fields"].as_array().unwrap_or_else(|| panic!("fields missing: {body}"));
        fields.iter().map(|f| f["path"].as_str().unwrap_or_default().to_string()).collect()
    }

    /// Asserts a 422 naming `path` among its fields.
    #[track_caller]
    pub fn expect_invalid(&self, path: &str) {
        let paths = self.expect_error(422);
        assert!(paths.iter().any(|p| p == path), "expected a field error at `{path}`, got {paths:?}: {}", self.text);
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn send(&self, rb: RequestBuilder) -> Resp {
        let r = rb.send().await.expect("request failed to send");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("reading the response body");
        assert!(status < 500, "server error {status}: {text}");
        Resp { status, headers, text }
    }

    /// A bearer token for a demo user.
    pub async fn token(&self, username: &str) -> String {
        let r = self.send(self.client.post(self.url("/api/v1/auth/token")).json(&json!({ "username": username, "password": DEMO_PASSWORD }))).await;
        let body = r.expect(200);
        body["token"].as_str().unwrap_or_else(|| panic!("no token for {username}: {body}")).to_string()
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value, idempotency_key: Option<&str>) -> Resp {
        let mut rb = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(k) = idempotency_key {
            rb = rb.header("Idempotency-Key", k);
        }
        self.send(rb).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        let mut rb = self.client.get(self.url(path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        self.send(rb).await
    }

    /// GET as the applicant, proving it with a secret (phone or ID number).
    pub async fn get_as_applicant(&self, path: &str, secret: &str) -> Resp {
        self.send(self.client.get(self.url(path)).header("X-Applicant-Secret", secret)).await
    }

    /// POST an action as the applicant.
    pub async fn post_as_applicant(&self, path: &str, secret: &str, body: &Value) -> Resp {
        self.send(self.client.post(self.url(path)).header("X-Applicant-Secret", secret).json(body)).await
    }

    /// `POST /api/v1/dossiers/{code}/{action}` as a staff member.
    pub async fn act(&self, code: &str, action: &str, token: &str, body: Value) -> Resp {
        self.post_json(&format!("/api/v1/dossiers/{code}/{action}"), Some(token), &body, None).await
    }

    /// The dossier as staff see it (with its timeline).
    pub async fn dossier(&self, code: &str, token: &str) -> Value {
        self.get(&format!("/api/v1/dossiers/{code}"), Some(token)).await.expect(200)
    }

    pub async fn count_dossiers(&self) -> i64 {
        self.store.count_dossiers().await.expect("counting dossiers")
    }

    /// Stops the server and removes the database (kept when a test fails, for a look).
    pub async fn cleanup(self) {
        self.server.abort();
        let _ = self.server.await;
        self.store.close().await;
        if let Some((admin, schema)) = &self.pg {
            drop_schema(admin, schema).await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// Rows of one query on a separate raw connection to the same database.
    pub async fn raw_rows<T>(&self, sql: &str) -> Vec<T>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        raw_rows(&self.db_url, sql).await
    }

    /// Runs one SQL statement on a separate raw connection to the same database (to
    /// tamper with it behind the application's back).
    pub async fn raw_execute(&self, sql: &str) -> u64 {
        use sqlx::Connection;
        match self.backend {
            Backend::Sqlite => {
                let mut c = sqlx::sqlite::SqliteConnection::connect(&self.db_url).await.expect("raw SQLite connection");
                let n = sqlx::query(sql).execute(&mut c).await.expect("raw SQL").rows_affected();
                let _ = c.close().await;
                n
            }
            Backend::Postgres => {
                let mut c = sqlx::postgres::PgConnection::connect(&self.db_url).await.expect("raw PostgreSQL connection");
                let n = sqlx::query(sql).execute(&mut c).await.expect("raw SQL").rows_affected();
                let _ = c.close().await;
                n
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Domain helpers

/// The applicant used throughout: a person with a valid CCCD and phone.
pub fn applicant() -> Value {
    json!({
        "kind": "person",
        "name": APPLICANT_NAME,
        "id_number": APPLICANT_CCCD,
        "phone": APPLICANT_PHONE,
        "email": "hanh.nguyen@example.vn",
        "address": "12 Trần Phú, phường Nha Trang, Khánh Hòa"
    })
}

/// A submission body; one entered at the counter carries a complete checklist.
pub fn submission(procedure: &str, agency: &str, channel: &str) -> Value {
    let mut body = json!({
        "procedure_code": procedure,
        "agency_code": agency,
        "channel": channel,
        "applicant": applicant(),
        "delivery": "counter",
        "documents": []
    });
    if channel == "counter" {
        body["reception"] = complete_checklist(procedure);
    }
    body
}

/// The counter's checklist of a procedure of the demo catalogue with every mandatory paper
/// handed in, in the form it asks for, as many copies as it asks for.
pub fn complete_checklist(procedure: &str) -> Value {
    static CATALOGUE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let catalogue = CATALOGUE.get_or_init(|| serde_json::from_str(motcua::reference::PROCEDURES_JSON).expect("the demo catalogue"));
    let all = catalogue["procedures"].as_array().or(catalogue.as_array()).expect("procedures");
    let p = all.iter().find(|p| p["code"] == procedure).unwrap_or_else(|| panic!("no procedure {procedure} in the demo catalogue"));
    let papers: Vec<Value> = p["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter(|d| d["mandatory"] == true)
        .map(|d| {
            let form = match d["kind"].as_str() {
                Some("copy") => "certified_copy",
                Some("shown") => "shown",
                _ => "original",
            };
            json!({ "name": d["name"], "form": form, "copies": d["count"].as_u64().unwrap_or(1).max(1) })
        })
        .collect();
    json!({ "papers": papers, "sets": 1 })
}

/// The documents of a procedure that an online submission must upload.
pub async fn required_uploads(app: &TestApp, procedure: &str) -> Vec<String> {
    let p = app.get(&format!("/api/v1/procedures/{procedure}"), None).await.expect(200);
    p["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter(|d| d["mandatory"] == true && d["kind"] != "shown")
        .map(|d| d["name"].as_str().expect("name").to_string())
        .collect()
}

pub fn pdf_part(file_name: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(PDF.to_vec()).file_name(file_name.to_string()).mime_str("application/pdf").expect("mime")
}

/// An anonymous online submission with one PDF per required document (multipart).
pub async fn submit_online_with_files(app: &TestApp, procedure: &str, agency: &str) -> Resp {
    let names = required_uploads(app, procedure).await;
    let mut body = submission(procedure, agency, "online");
    body["documents"] = Value::Array(names.iter().enumerate().map(|(i, n)| json!({ "name": n, "part": format!("f{i}") })).collect());
    let mut form = reqwest::multipart::Form::new().text("dossier", body.to_string());
    for i in 0..names.len() {
        form = form.part(format!("f{i}"), pdf_part(&format!("giay-to-{i}.pdf")));
    }
    app.send(app.client.post(app.url("/api/v1/dossiers")).multipart(form)).await
}

/// An online birth registration at Nha Trang, asserted created (state `submitted`).
pub async fn submit_birth_online(app: &TestApp) -> Value {
    let v = submit_online_with_files(app, BIRTH, NHA_TRANG).await.expect(201);
    assert_eq!(v["state"], "submitted", "{v}");
    v
}

/// A dossier entered at the Nha Trang counter by its reception officer (received at once).
pub async fn create_at_counter(app: &TestApp, procedure: &str) -> Value {
    let t = app.token("motcua.nhatrang").await;
    let v = app.post_json("/api/v1/dossiers", Some(&t), &submission(procedure, NHA_TRANG, "counter"), None).await.expect(201);
    assert_eq!(v["state"], "received", "{v}");
    v
}

pub fn code_of(v: &Value) -> String {
    v["code"].as_str().unwrap_or_else(|| panic!("no code: {v}")).to_string()
}

/// The one-time code in the latest message to `to` whose text contains `about`.
pub async fn sent_code(app: &TestApp, to: &str, about: &str) -> String {
    let messages = app.store.recent_messages(50).await.unwrap();
    let m = messages.iter().find(|m| m.payload.contains(to) && m.topic.starts_with("otp.") && m.payload.contains(about)).unwrap_or_else(|| panic!("no code sent to {to}: {messages:?}"));
    let text: Value = serde_json::from_str(&m.payload).unwrap();
    let text = text["text"].as_str().unwrap();
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap_or_else(|| panic!("no code in {text}")).to_string()
}

/// The demo user who holds `role` in the agency with `agency_code`.
pub fn user_for(role: &str, agency_code: &str) -> &'static str {
    match (role, agency_code) {
        ("reception", NHA_TRANG) => "motcua.nhatrang",
        ("specialist", NHA_TRANG) => "chuyenvien.nhatrang",
        ("head_of_unit", NHA_TRANG) => "truongphong.nhatrang",
        ("signing_leader", NHA_TRANG) => "lanhdao.nhatrang",
        (_, NHA_TRANG_POLICE) => "congan.nhatrang",
        (_, SOCIAL_INSURANCE) => "bhxh.khanhhoa",
        ("reception", CAM_LAM) => "motcua.camlam",
        (_, CAM_LAM) => "canbo.camlam",
        _ => panic!("no demo user holds {role} in {agency_code}"),
    }
}

/// The user who owns step `index` of a dossier view.
pub fn step_user(dossier: &Value, index: usize) -> &'static str {
    let s = &dossier["steps"][index];
    user_for(s["role"].as_str().expect("role"), s["agency"]["code"].as_str().expect("agency code"))
}

/// From `processing` at any step, forwards to the last step, each by the step's owner.
pub async fn forward_to_last_step(app: &TestApp, code: &str) -> Value {
    let mut d = app.dossier(code, &app.token("motcua.nhatrang").await).await;
    let last = d["steps"].as_array().expect("steps").len() - 1;
    while d["current_step"].as_u64().expect("current step") < last as u64 {
        let i = d["current_step"].as_u64().unwrap() as usize;
        let t = app.token(step_user(&d, i)).await;
        d = app.act(code, "forward", &t, json!({})).await.expect(200);
        assert_eq!(d["current_step"], i + 1);
    }
    d
}

/// Item list of a supplement request.
pub fn supplement_items() -> Value {
    json!({ "items": [{ "document": "Giấy chứng sinh", "reason": "Bản chụp bị mờ, không đọc được ngày sinh" }] })
}

/// Codes (or references) in a page of the staff list.
pub fn ids_in_page(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a page: {page}"))
        .iter()
        .map(|d| d["code"].as_str().or(d["reference"].as_str()).unwrap_or_default().to_string())
        .collect()
}

/// The text of a PDF by poppler's `pdftotext` (CI installs poppler-utils), on single
/// spaces: table cells and two-column headers wrap across lines.
pub fn pdf_text(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian package poppler-utils) is needed to check PDF text");
    child.stdin.take().expect("stdin").write_all(bytes).expect("writing the PDF");
    let out = child.wait_with_output().expect("pdftotext output");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).expect("UTF-8 text").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A real `motcua serve` process on a free loopback port with its data in `data_dir` and
/// `extra` arguments; answers its child and base URL once `/healthz` says 200 (30 s at most).
pub async fn serve_binary(data_dir: &std::path::Path, extra: &[&str]) -> (std::process::Child, String) {
    use std::process::{Command, Stdio};
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("its address").port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting motcua serve");
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..600 {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status() == 200) {
            return (child, base);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start within 30 s");
}

/// A staff API token from a server at `base` (for tests that drive a real process).
pub async fn token_at(http: &reqwest::Client, base: &str, username: &str) -> String {
    let v: Value = http.post(format!("{base}/api/v1/auth/token")).json(&json!({ "username": username, "password": DEMO_PASSWORD })).send().await.expect("token request").json().await.expect("token JSON");
    v["token"].as_str().expect("a token").to_string()
}

/// A page request with an optional session cookie.
pub async fn page_get(app: &TestApp, path: &str, cookie: Option<&str>) -> Resp {
    let mut rb = app.client.get(app.url(path));
    if let Some(c) = cookie {
        rb = rb.header("Cookie", c);
    }
    app.send(rb).await
}

/// A form post to a page with an optional session cookie.
pub async fn page_post(app: &TestApp, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Resp {
    let mut rb = app.client.post(app.url(path)).form(fields);
    if let Some(c) = cookie {
        rb = rb.header("Cookie", c);
    }
    app.send(rb).await
}
