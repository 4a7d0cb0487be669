//! Storage behaviour on both databases: catalogue import at provincial scale, optimistic
//! concurrency, counters against a recount from events, the hash chain. PostgreSQL runs
//! when MOTCUA_TEST_POSTGRES_URL is set (CI sets it; an unreachable server fails).

use chrono::{Duration, TimeZone, Utc};
use motcua_core::calendar::{DeadlineRules, ProcessingTime, WorkCalendar};
use motcua_core::catalogue::{default_workflow, DocumentKind, Fee, Level, OnlineLevel, Procedure, RequiredDocument};
use motcua_core::dossier::{decide, Action, Actor, Channel, DossierFacts, Grant, Role, State};
use motcua_core::ids::{AgencyCode, DossierCodeFormat};
use motcua_core::time::Instant;
use motcua_core::Money;
use motcua_store::{ActionContext, NewAgency, NewDossier, Store, StoreError, StoreOptions};

fn now() -> Instant {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap() // 09:00 in Vietnam
}

async fn stores() -> Vec<(&'static str, Store)> {
    let mut v = Vec::new();
    let path = std::env::temp_dir().join(format!("motcua-store-{}.db", rand_suffix()));
    let sqlite = Store::connect(&format!("sqlite://{}", path.display()), &StoreOptions::default()).await.expect("sqlite");
    sqlite.migrate().await.expect("migrate sqlite");
    v.push(("sqlite", sqlite));
    if let Ok(url) = std::env::var("MOTCUA_TEST_POSTGRES_URL") {
        let schema = format!("t_{}", rand_suffix());
        let admin = Store::connect(&url, &StoreOptions { max_connections: 1, ..Default::default() })
            .await
            .unwrap_or_else(|e| panic!("MOTCUA_TEST_POSTGRES_URL is set but PostgreSQL is unreachable: {e}"));
        admin.execute_admin(&format!("CREATE SCHEMA {schema}")).await.expect("create schema");
        admin.close().await;
        let sep = if url.contains('?') { '&' } else { '?' };
        let pg = Store::connect(&format!("{url}{sep}options=-c%20search_path%3D{schema}"), &StoreOptions::default()).await.expect("pg");
        pg.migrate().await.expect("migrate pg");
        v.push(("postgres", pg));
    } else {
        eprintln!("MOTCUA_TEST_POSTGRES_URL not set: PostgreSQL variants not run");
    }
    v
}

fn rand_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

fn procedure(i: usize) -> Procedure {
    let processing = ProcessingTime::WorkingDays { half_days: 2 + (i % 20) as u32 };
    Procedure {
        code: format!("9.{i:06}"),
        name: format!("Thủ tục thử nghiệm số {i} về đăng ký kinh doanh"),
        field: format!("Lĩnh vực {}", i % 40),
        level: if i.is_multiple_of(3) { Level::Province } else { Level::Commune },
        agency_text: "Ủy ban nhân dân cấp xã".into(),
        agency_kinds: vec!["commune_people_committee".into()],
        processing,
        fees: vec![Fee { name: "Lệ phí".into(), amount: Some(Money(50_000)), online_amount: None, unit: None, note: None }],
        documents: vec![RequiredDocument { name: "Tờ khai".into(), kind: DocumentKind::Original, count: 1, mandatory: true, form: None }],
        online: OnlineLevel::Full,
        result: "Giấy chứng nhận".into(),
        legal_basis: "Luật mẫu".into(),
        workflow: default_workflow(processing, 480),
        source_note: None,
    }
}

#[tokio::test]
async fn a_provincial_catalogue_imports_idempotently() {
    for (name, store) in stores().await {
        let mut all: Vec<Procedure> = (0..2000).map(procedure).collect();
        let started = std::time::Instant::now();
        let first = store.import_procedures(&all, now(), None).await.unwrap();
        assert_eq!((first.inserted, first.updated, first.unchanged), (2000, 0, 0), "{name}");
        assert!(started.elapsed().as_secs() < 60, "{name}: import took {:?}", started.elapsed());
        let again = store.import_procedures(&all, now(), None).await.unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2000), "{name}");
        all[7].name = "Tên mới".into();
        let changed = store.import_procedures(&all, now(), None).await.unwrap();
        assert_eq!((changed.inserted, changed.updated, changed.unchanged), (0, 1, 1999), "{name}");
        assert_eq!(store.count_procedures().await.unwrap(), 2000);
        assert_eq!(store.procedure_by_code("9.000007").await.unwrap().unwrap().procedure.name, "Tên mới");
        // Search ignores diacritics and word order.
        let words = motcua_core::text::words("KINH DOANH đăng ký 1999");
        let hits = store.search_procedures(&words, None, None, 10).await.unwrap();
        assert_eq!(hits.iter().map(|h| h.procedure.code.as_str()).collect::<Vec<_>>(), vec!["9.001999"], "{name}");
    }
}

struct Fixture {
    agency: i64,
    agency_code: AgencyCode,
    procedure_id: i64,
}

async fn fixture(store: &Store) -> Fixture {
    let agency = store
        .upsert_agency(&NewAgency { code: "H56.9", name: "UBND xã Thử", kind: "commune_people_committee", unit_code: None, parent_id: None, valid_from: "2025-07-01", valid_to: None })
        .await
        .unwrap();
    store.import_procedures(&[procedure(1)], now(), None).await.unwrap();
    let procedure_id = store.procedure_by_code("9.000001").await.unwrap().unwrap().id;
    Fixture { agency, agency_code: AgencyCode::parse("H56.9").unwrap(), procedure_id }
}

fn new_dossier(f: &Fixture, i: usize) -> (NewDossier, DossierFacts) {
    let p = procedure(1);
    let steps = motcua_core::catalogue::instantiate_workflow(&p.workflow, f.agency, &Default::default()).unwrap();
    let new = NewDossier {
        reference: format!("HS-T{i:08}"),
        procedure_id: f.procedure_id,
        receiving_agency_id: f.agency,
        step_agencies: vec![],
        channel: Channel::Online,
        applicant_kind: "person".into(),
        applicant_name: "Nguyễn Văn Thử".into(),
        applicant_id_number: "056090012345".into(),
        applicant_phone: "0912345678".into(),
        applicant_email: None,
        applicant_address: None,
        delivery: "online".into(),
        processing: p.processing,
        steps: steps.clone(),
        documents: vec![],
        citizen_id: None,
        draft_token: None,
        reception: None,
    };
    (new, DossierFacts::new(f.agency, p.processing, steps, State::Draft))
}

#[tokio::test]
async fn a_stale_version_is_refused_and_writes_nothing() {
    let cal = WorkCalendar::weekdays();
    let rules = DeadlineRules::default();
    for (name, store) in stores().await {
        let f = fixture(&store).await;
        let fmt = DossierCodeFormat::default();
        let ctx = ActionContext { actor: "test", now: now(), agency_code: &f.agency_code, code_format: &fmt };
        let (new, facts) = new_dossier(&f, 1);
        let submit = decide(&facts, &Actor::Applicant, &Action::Submit, now(), &cal, &rules).unwrap();
        let row = store.create_dossier(&new, &[submit], &ctx, None).await.unwrap().dossier;
        let staff = Actor::Staff { user_id: 1, grants: vec![Grant { role: Role::Reception, agency_id: f.agency }] };
        let receive = decide(&row.facts().unwrap(), &staff, &Action::Receive { note: None }, now(), &cal, &rules).unwrap();
        let received = store.apply_action(&row, &receive, &ctx, None).await.unwrap().dossier;
        assert_eq!(received.code.as_deref(), Some("H56.9-261123-0001"), "{name}");
        // A second writer that read the same version loses.
        let lost = store.apply_action(&row, &receive, &ctx, None).await;
        assert!(matches!(lost, Err(StoreError::Conflict)), "{name}: {lost:?}");
        assert_eq!(store.dossier_events(row.id).await.unwrap().len(), 2, "{name}");
        assert_eq!(store.count_metric(&[f.agency], "received", "2026-11-23", "2026-11-23").await.unwrap(), 1, "{name}");
        // The failed attempt did not consume a code either.
        let (new2, facts2) = new_dossier(&f, 2);
        let s2 = decide(&facts2, &Actor::Applicant, &Action::Submit, now(), &cal, &rules).unwrap();
        let r2 = decide(&s2.next, &staff, &Action::Receive { note: None }, now(), &cal, &rules).unwrap();
        let second = store.create_dossier(&new2, &[s2, r2], &ctx, None).await.unwrap().dossier;
        assert_eq!(second.code.as_deref(), Some("H56.9-261123-0002"), "{name}");
        assert_eq!(store.verify_dossier_chain(second.id).await.unwrap(), None, "{name}");
    }
}

#[tokio::test]
async fn counters_equal_a_recount_from_events() {
    let cal = WorkCalendar::weekdays();
    let rules = DeadlineRules::default();
    for (name, store) in stores().await {
        let f = fixture(&store).await;
        let fmt = DossierCodeFormat::default();
        let staff = Actor::Staff {
            user_id: 1,
            grants: [Role::Reception, Role::Specialist, Role::HeadOfUnit, Role::SigningLeader].map(|role| Grant { role, agency_id: f.agency }).to_vec(),
        };
        for i in 0..12 {
            let t0 = now() + Duration::minutes(i as i64);
            let ctx = ActionContext { actor: "test", now: t0, agency_code: &f.agency_code, code_format: &fmt };
            let (new, facts) = new_dossier(&f, 100 + i);
            let submit = decide(&facts, &Actor::Applicant, &Action::Submit, t0, &cal, &rules).unwrap();
            let mut row = store.create_dossier(&new, &[submit], &ctx, None).await.unwrap().dossier;
            let plan: Vec<Action> = match i % 3 {
                0 => vec![],
                1 => vec![Action::Receive { note: None }],
                _ => vec![Action::Receive { note: None }, Action::Transfer { note: None }, Action::Forward { note: None }, Action::Forward { note: None }, Action::Approve { note: None }],
            };
            for a in plan {
                let t = decide(&row.facts().unwrap(), &staff, &a, t0, &cal, &rules).unwrap();
                row = store.apply_action(&row, &t, &ctx, None).await.unwrap().dossier;
            }
        }
        let day = "2026-11-23";
        let count = |m: &'static str| {
            let store = store.clone();
            async move { store.count_metric(&[f.agency], m, day, day).await.unwrap() }
        };
        assert_eq!(count("submitted").await, store.count_events_with_action("submit").await.unwrap(), "{name}");
        assert_eq!(count("received").await, store.count_events_with_action("receive").await.unwrap(), "{name}");
        assert_eq!(count("resolved").await, store.count_events_with_action("approve").await.unwrap(), "{name}");
        assert_eq!(count("received").await, 8, "{name}");
    }
}
