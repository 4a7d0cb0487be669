//! Dossiers take their due dates from the Vietnamese working calendar the server runs with:
//! holidays, compensatory days and official schedules are skipped, on both databases.

mod common;

use common::{complete_checklist, vn, Backend, TestApp};
use serde_json::{json, Value};

/// Counter reception of a procedure by the given reception officer; returns the dossier.
async fn receive_at_counter(app: &TestApp, officer: &str, procedure: &str, agency: &str) -> Value {
    let token = app.token(officer).await;
    let body = json!({
        "procedure_code": procedure, "agency_code": agency, "channel": "counter", "delivery": "counter",
        "applicant": { "kind": "person", "name": "Trần Thị Bích", "id_number": "056190012345", "phone": "0905123456" },
        "reception": complete_checklist(procedure)
    });
    app.post_json("/api/v1/dossiers", Some(&token), &body, None).await.expect(201)
}

async fn scenario(app: &TestApp) {
    // Tách hộ (5 working days) received Monday 23/11/2026 09:00: Tuesday 24/11 is Vietnam
    // Culture Day, so the fifth working day ends on Tuesday 1/12 at 09:00.
    app.clock.set(vn(2026, 11, 23, 9, 0));
    let d = receive_at_counter(app, "congan.nhatrang", "1.010038", "H56.05.22366").await;
    assert_eq!(d["due_at"], "2026-12-01T09:00:00+07:00", "{d}");
    // The detail explains the date in Vietnamese, naming the holiday it skipped.
    let token = app.token("congan.nhatrang").await;
    let detail = app.dossier(d["code"].as_str().unwrap(), &token).await;
    let lines: Vec<&str> = detail["due_explanation"].as_array().expect("an explanation").iter().filter_map(|l| l.as_str()).collect();
    assert!(lines.contains(&"Không tính thứ Ba 24/11/2026: Ngày Văn hóa Việt Nam (24/11)."), "{lines:?}");
    assert_eq!(lines.last(), Some(&"Hạn trả kết quả: 09:00 thứ Ba 01/12/2026."), "{lines:?}");

    // Đăng ký tạm trú (3 working days) received Thursday 4/2/2027 09:00, just before Tết
    // Đinh Mùi (lunar 1/1 = Saturday 6/2/2027): the eve (Fri 5/2) and 8–9/2 are off, and
    // the Saturday and Sunday of Tết are compensated on 10–11/2. Working time: 6.5 h on
    // 4/2, 8 h on Fri 12/2, 8 h on Mon 15/2, 1.5 h on Tue 16/2.
    app.clock.set(vn(2027, 2, 4, 9, 0));
    let t = receive_at_counter(app, "congan.nhatrang", "1.004194", "H56.05.22366").await;
    assert_eq!(t["due_at"], "2027-02-16T09:00:00+07:00", "{t}");

    // The official 2026 schedule: Saturday 22/8 is worked (for the bridge day Monday 31/8),
    // so a same-day procedure received that Saturday morning is due that afternoon.
    app.clock.set(vn(2026, 8, 22, 8, 0));
    let s = receive_at_counter(app, "motcua.nhatrang", "1.001193", "H56.22366").await;
    assert_eq!(s["due_at"], "2026-08-22T17:00:00+07:00", "{s}");
}

async fn run(backend: Backend) {
    let calendar = motcua::calendar_cmd::calendar(None).expect("the shipped calendar");
    let Some(app) = common::spawn_app_with(backend, calendar).await else { return };
    scenario(&app).await;
    app.cleanup().await;
}

#[tokio::test]
async fn due_dates_skip_vietnamese_holidays_sqlite() {
    run(Backend::Sqlite).await;
}

#[tokio::test]
async fn due_dates_skip_vietnamese_holidays_postgres() {
    run(Backend::Postgres).await;
}
