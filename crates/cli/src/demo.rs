//! Demo data: one province (Khánh Hòa) with its departments and two communes, one user
//! per role, and a few hundred dossiers in every state spread over the past months,
//! driven through the real rules so every event, counter and hash is genuine.
//!
//! Agency codes here are SAMPLE codes in the shape of Quyết định 20/2020/QĐ-TTg (`H` +
//! the province's statistical code); a real deployment loads the codes its province issued.

use crate::reference::{import_catalogue, load_units, PROCEDURES_JSON};
use anyhow::{Context, Result};
use chrono::{Datelike, Duration, NaiveTime, Weekday};
use motcua_core::calendar::DeadlineRules;
use motcua_core::dossier::{decide, Action, Actor, Channel, Delivery, DossierFacts, Grant, Role, State, SupplementItem};
use motcua_core::ids::{AgencyCode, DossierCodeFormat};
use motcua_core::time::{from_local, to_local, Instant};
use motcua_app::ports::ManualClock;
use motcua_app::{App, AppError};
use motcua_store::{ActionContext, AgencyRow, DossierRow, NewAgency, NewDossier, ProcedureRow, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The password of every demo account (printed by `motcua demo`).
pub const DEMO_PASSWORD: &str = "motcua-demo-2026";

struct AgencySeed {
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    unit: Option<&'static str>,
    parent: Option<&'static str>,
    valid_from: &'static str,
    valid_to: Option<&'static str>,
}

const AGENCIES: &[AgencySeed] = &[
    AgencySeed { code: "H56", name: "Ủy ban nhân dân tỉnh Khánh Hòa", kind: "province_people_committee", unit: Some("56"), parent: None, valid_from: "2025-07-01", valid_to: None },
    AgencySeed { code: "H56.01", name: "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa", kind: "province_service_centre", unit: Some("56"), parent: Some("H56"), valid_from: "2025-07-01", valid_to: None },
    AgencySeed { code: "H56.02", name: "Sở Tư pháp tỉnh Khánh Hòa", kind: "department_justice", unit: Some("56"), parent: Some("H56"), valid_from: "2025-07-01", valid_to: None },
    AgencySeed { code: "H56.03", name: "Sở Tài chính tỉnh Khánh Hòa", kind: "department_finance", unit: Some("56"), parent: Some("H56"), valid_from: "2025-07-01", valid_to: None },
    AgencySeed { code: "H56.04", name: "Sở Xây dựng tỉnh Khánh Hòa", kind: "department_construction", unit: Some("56"), parent: Some("H56"), valid_from: "2025-07-01", valid_to: None },
    AgencySeed { code: "H56.05", name: "Công an tỉnh Khánh Hòa", kind: "province_police", unit: Some("56"), parent: Some("H56"), valid_from: "2025-07-01", valid_to: None },
    AgencySeed { code: "H56.06", name: "Bảo hiểm xã hội tỉnh Khánh Hòa", kind: "social_insurance", unit: Some("56"), parent: Some("H56"), valid_from: "2025-07-01", valid_to: None },
    AgencySeed { code: "H56.22366", name: "Ủy ban nhân dân phường Nha Trang", kind: "commune_people_committee", unit: Some("22366"), parent: Some("H56"), valid_from: "2025-07-01", valid_to: None },
    AgencySeed { code: "H56.05.22366", name: "Công an phường Nha Trang", kind: "commune_police", unit: Some("22366"), parent: Some("H56.05"), valid_from: "2025-07-01", valid_to: None },
    AgencySeed { code: "H56.22453", name: "Ủy ban nhân dân xã Cam Lâm", kind: "commune_people_committee", unit: Some("22453"), parent: Some("H56"), valid_from: "2025-07-01", valid_to: None },
    AgencySeed { code: "H56.05.22453", name: "Công an xã Cam Lâm", kind: "commune_police", unit: Some("22453"), parent: Some("H56.05"), valid_from: "2025-07-01", valid_to: None },
    // The district level ended on 30 June 2025; its agency stays for the history of older records.
    AgencySeed { code: "H56.16", name: "Ủy ban nhân dân thành phố Nha Trang (cấp huyện, đã giải thể)", kind: "district_people_committee", unit: None, parent: Some("H56"), valid_from: "2008-01-01", valid_to: Some("2025-07-01") },
];

/// The demo's system administrator (`users.system_admin`): owns the national catalogue and
/// may route steps anywhere. `quantri` is the province's administrator.
pub const SYSTEM_ADMIN: &str = "quantri.hethong";

/// One demo account.
pub struct DemoUser {
    pub username: &'static str,
    pub full_name: &'static str,
    pub grants: &'static [(Role, &'static str)],
}

pub const USERS: &[DemoUser] = &[
    DemoUser { username: "quantri", full_name: "Quản trị hệ thống", grants: &[(Role::Admin, "H56")] },
    DemoUser { username: SYSTEM_ADMIN, full_name: "Quản trị hệ thống cấp quốc gia", grants: &[(Role::Admin, "H56")] },
    DemoUser { username: "quantri.camlam", full_name: "Quản trị UBND xã Cam Lâm", grants: &[(Role::Admin, "H56.22453")] },
    DemoUser { username: "giamsat", full_name: "Giám sát Trung tâm PVHCC", grants: &[(Role::Supervisor, "H56")] },
    DemoUser { username: "motcua.nhatrang", full_name: "Nguyễn Thị Lan (một cửa P. Nha Trang)", grants: &[(Role::Reception, "H56.22366")] },
    DemoUser { username: "chuyenvien.nhatrang", full_name: "Trần Văn Minh (chuyên viên P. Nha Trang)", grants: &[(Role::Specialist, "H56.22366")] },
    DemoUser { username: "truongphong.nhatrang", full_name: "Lê Thị Hoa (lãnh đạo phòng P. Nha Trang)", grants: &[(Role::HeadOfUnit, "H56.22366")] },
    DemoUser { username: "lanhdao.nhatrang", full_name: "Phạm Quốc Huy (Chủ tịch UBND P. Nha Trang)", grants: &[(Role::SigningLeader, "H56.22366")] },
    DemoUser { username: "congan.nhatrang", full_name: "Võ Đức Thắng (Công an P. Nha Trang)", grants: &[(Role::Reception, "H56.05.22366"), (Role::Specialist, "H56.05.22366"), (Role::SigningLeader, "H56.05.22366")] },
    DemoUser { username: "motcua.camlam", full_name: "Đặng Thị Mai (một cửa xã Cam Lâm)", grants: &[(Role::Reception, "H56.22453")] },
    DemoUser { username: "canbo.camlam", full_name: "Huỳnh Văn Tài (UBND xã Cam Lâm)", grants: &[(Role::Specialist, "H56.22453"), (Role::HeadOfUnit, "H56.22453"), (Role::SigningLeader, "H56.22453")] },
    DemoUser { username: "congan.camlam", full_name: "Ngô Văn Bình (Công an xã Cam Lâm)", grants: &[(Role::Reception, "H56.05.22453"), (Role::Specialist, "H56.05.22453"), (Role::SigningLeader, "H56.05.22453")] },
    DemoUser { username: "bhxh.khanhhoa", full_name: "Bùi Thị Thu (BHXH tỉnh)", grants: &[(Role::Specialist, "H56.06"), (Role::SigningLeader, "H56.06")] },
    DemoUser { username: "motcua.tinh", full_name: "Trịnh Văn Nam (Trung tâm PVHCC tỉnh)", grants: &[(Role::Reception, "H56.01")] },
    DemoUser { username: "canbo.tinh", full_name: "Lý Thị Ngọc (các sở, Công an tỉnh)", grants: &[
        (Role::Specialist, "H56.02"), (Role::HeadOfUnit, "H56.02"), (Role::SigningLeader, "H56.02"),
        (Role::Specialist, "H56.03"), (Role::HeadOfUnit, "H56.03"), (Role::SigningLeader, "H56.03"),
        (Role::Specialist, "H56.04"), (Role::HeadOfUnit, "H56.04"), (Role::SigningLeader, "H56.04"),
        (Role::Specialist, "H56.05"), (Role::HeadOfUnit, "H56.05"), (Role::SigningLeader, "H56.05"),
        (Role::Specialist, "H56.01"), (Role::HeadOfUnit, "H56.01"), (Role::SigningLeader, "H56.01"),
    ] },
];

/// Loads units, the catalogue and the demo agencies (idempotent).
pub async fn seed_reference(store: &Store, now: Instant) -> Result<Vec<AgencyRow>> {
    load_units(store).await?;
    import_catalogue(store, PROCEDURES_JSON, now).await?;
    let mut rows = Vec::new();
    for a in AGENCIES {
        let parent_id = match a.parent {
            Some(p) => store.agency_by_code(p).await?.map(|r| r.id),
            None => None,
        };
        let id = store
            .upsert_agency(&NewAgency { code: a.code, name: a.name, kind: a.kind, unit_code: a.unit, parent_id, valid_from: a.valid_from, valid_to: a.valid_to })
            .await?;
        rows.push(store.agency_by_id(id).await?.context("agency just written")?);
    }
    // Inter-agency steps follow routes the province sets: here every demo agency in force
    // handles the steps of its kind for its own unit (commune police for their commune,
    // the departments, provincial police and social insurance for the province).
    for a in AGENCIES.iter().filter(|a| a.valid_to.is_none()) {
        let (Some(unit), Some(row)) = (a.unit, rows.iter().find(|r| r.code == a.code)) else { continue };
        store.save_step_route(None, motcua_core::catalogue::EVERY_PROCEDURE, a.kind, unit, Some(row.id), now).await?;
    }
    Ok(rows)
}

/// Creates the demo accounts (resetting their passwords).
pub async fn seed_users(store: &Store, now: Instant) -> Result<()> {
    for u in USERS {
        let mut grants = Vec::new();
        for (role, code) in u.grants {
            let a = store.agency_by_code(code).await?.with_context(|| format!("agency {code}"))?;
            grants.push((*role, a.id));
        }
        let id = store.upsert_user(u.username, u.full_name, DEMO_PASSWORD, &grants, now).await?;
        store.set_system_admin(id, u.username == SYSTEM_ADMIN).await?;
    }
    Ok(())
}

const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
const MIDDLE: &[&str] = &["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu", "Quốc", "Bảo"];
const GIVEN: &[&str] = &["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khánh", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"];

/// A dossier of a random person for a procedure at an agency (demo and benchmark data).
pub fn random_dossier(rng: &mut impl Rng, reference: String, (proc_row, agency, steps): &Pair, channel: Channel) -> NewDossier {
    NewDossier {
        reference,
        procedure_id: proc_row.id,
        receiving_agency_id: agency.id,
        step_agencies: steps.iter().map(|s| s.agency_id).collect(),
        channel,
        applicant_kind: "person".into(),
        applicant_name: random_name(rng),
        applicant_id_number: random_cccd(rng),
        applicant_phone: format!("09{:08}", rng.gen_range(0..100_000_000)),
        applicant_email: None,
        applicant_address: Some(format!("{} đường Trần Phú, {}", rng.gen_range(1..300), agency.name.replace("Ủy ban nhân dân ", ""))),
        delivery: if channel == Channel::Online { "online".into() } else { "counter".into() },
        processing: proc_row.procedure.processing,
        steps: steps.clone(),
        documents: Vec::new(),
        citizen_id: None,
        draft_token: None,
        reception: None,
    }
}

/// A random but well-formed personal identification number born in 1950–2005.
pub fn random_cccd(rng: &mut impl Rng) -> String {
    const PROVINCES: [&str; 8] = ["001", "079", "056", "048", "031", "092", "046", "038"];
    let year: u32 = rng.gen_range(1950..=2005);
    let century_sex = if year >= 2000 { 2 } else { 0 } + rng.gen_range(0..2);
    format!("{}{}{:02}{:06}", PROVINCES[rng.gen_range(0..PROVINCES.len())], century_sex, year % 100, rng.gen_range(0..1_000_000))
}

fn random_name(rng: &mut impl Rng) -> String {
    format!("{} {} {}", FAMILY[rng.gen_range(0..FAMILY.len())], MIDDLE[rng.gen_range(0..MIDDLE.len())], GIVEN[rng.gen_range(0..GIVEN.len())])
}

/// A working-hours instant `days_ago` days before `now` (moved off weekends).
pub fn past_working_instant(rng: &mut impl Rng, now: Instant, days_ago: i64) -> Instant {
    let mut day = to_local(now).date() - Duration::days(days_ago);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day -= Duration::days(1);
    }
    let minutes = rng.gen_range(0..420);
    let time = NaiveTime::from_hms_opt(7, 45, 0).unwrap_or_default() + Duration::minutes(minutes);
    from_local(day.and_time(time)).min(now - Duration::minutes(5))
}

/// An actor holding every role everywhere: the seeder plays each officer in turn.
pub fn everyone(agencies: &[AgencyRow]) -> Actor {
    let grants = agencies.iter().flat_map(|a| Role::ALL.into_iter().map(move |role| Grant { role, agency_id: a.id })).collect();
    Actor::Staff { user_id: 0, grants }
}

/// A procedure with an agency that can receive it and the workflow resolved there.
pub type Pair = (ProcedureRow, AgencyRow, Vec<motcua_core::dossier::StepFacts>);

/// Every (procedure, receiving agency) pair the given agencies can handle today.
pub async fn receivable_pairs(store: &Store, agencies: &[AgencyRow], now: Instant) -> Result<Vec<Pair>> {
    let today = motcua_core::time::local_date(now).format("%Y-%m-%d").to_string();
    let live: Vec<&AgencyRow> = agencies.iter().filter(|a| a.valid_to.as_deref().is_none_or(|to| to > today.as_str())).collect();
    let mut pairs = Vec::new();
    for p in store.search_procedures(&[], None, None, i64::MAX).await? {
        for a in &live {
            if p.procedure.agency_kinds.contains(&a.kind) {
                if let Ok(steps) = store.resolve_workflow(&p.procedure.code, &p.procedure.workflow, a).await? {
                    pairs.push((p.clone(), (*a).clone(), steps));
                }
            }
        }
    }
    anyhow::ensure!(!pairs.is_empty(), "no procedure can be received by the demo agencies");
    Ok(pairs)
}

/// Creates `count` dossiers spread over the last `days` days, in every state. Each is
/// created as submitted, then every later action goes through the application's use case
/// (`motcua_app::actions::perform`) at its moment in the past, on `clock`, exactly as an
/// officer's would.
pub async fn seed_dossiers(app: &App, clock: &ManualClock, agencies: &[AgencyRow], count: usize, days: i64, now: Instant, seed: u64) -> Result<usize> {
    let store = &app.store;
    let national = app.national_calendar();
    let cal = &*national;
    let mut rng = StdRng::seed_from_u64(seed);
    let rules = DeadlineRules::default();
    let format = DossierCodeFormat::default();
    let staff = everyone(agencies);
    let pairs = receivable_pairs(store, agencies, now).await?;
    // Each action is signed by the demo officer who would take it, so that the history,
    // the forms and the dashboard per officer read like a real office's.
    let accounts = store.staff_accounts().await?;
    let holder = |role: Role, agency: i64| {
        accounts.iter().find(|a| a.grants.iter().any(|(r, g)| r == role.as_str() && *g == agency)).map(|a| format!("user:{}", a.id)).unwrap_or_else(|| "demo".into())
    };
    let targets = [
        (State::Draft, 3),
        (State::Submitted, 8),
        (State::Received, 5),
        (State::Processing, 16),
        (State::SupplementRequested, 7),
        (State::ResultReady, 8),
        (State::Returned, 40),
        (State::Rejected, 5),
        (State::Withdrawn, 4),
        (State::Stopped, 4),
    ];
    let total_weight: u32 = targets.iter().map(|t| t.1).sum();
    let mut made = 0;
    for i in 0..count {
        // Walk the states in turn for the first dossiers so every state appears.
        let target = if i < targets.len() {
            targets[i].0
        } else {
            let mut pick = rng.gen_range(0..total_weight);
            targets.iter().find(|t| if pick < t.1 { true } else { pick -= t.1; false }).map(|t| t.0).unwrap_or(State::Returned)
        };
        let pick = rng.gen_range(0..pairs.len());
        let (proc_row, agency, steps) = &pairs[pick];
        let p = &proc_row.procedure;
        let channel = if p.online != motcua_core::catalogue::OnlineLevel::None && rng.gen_bool(0.6) { Channel::Online } else { Channel::Counter };
        let days_ago = rng.gen_range(0..days.max(1));
        let mut t = past_working_instant(&mut rng, now, days_ago);
        let new = random_dossier(&mut rng, format!("HS-DEMO{:07}", seed * 1_000_000 + i as u64), &pairs[pick], channel);
        let agency_code = AgencyCode::parse(&agency.code)?;
        let mut facts = DossierFacts::new(agency.id, p.processing, steps.clone(), State::Draft);
        let mut plan: Vec<Action> = Vec::new();
        if target != State::Draft {
            plan.push(Action::Submit);
        }
        let path = plan_to(target, steps.len(), &mut rng);
        plan.extend(path);
        // The submission creates the dossier; the rest of the plan runs until the target,
        // a refusal, or the simulated time reaching today.
        let mut actions = plan.into_iter().peekable();
        let submitted = match actions.next_if(|a| matches!(a, Action::Submit)) {
            Some(submit) => {
                // The time the submission took, drawn as for every action, so that a seed
                // gives the same demo as it always has.
                let _ = rng.gen_range(0.2..1.3);
                Some(decide(&facts, &Actor::Applicant, &submit, t, cal, &rules)?)
            }
            None => None,
        };
        let ctx = ActionContext { actor: "applicant", now: t, agency_code: &agency_code, code_format: &format };
        let mut row: DossierRow = store.create_dossier(&new, submitted.as_slice(), &ctx, None).await?.dossier;
        if submitted.is_none() {
            made += 1;
            continue;
        }
        for action in actions {
            facts = row.facts()?;
            let budget = facts.current_step.and_then(|s| steps.get(s)).map(|s| s.budget_minutes).unwrap_or(120);
            let spent = (budget as f64 * rng.gen_range(0.2..1.3)) as i64;
            let next_t = cal.add_working_minutes(t, spent.max(10));
            if next_t >= now {
                break;
            }
            // Online applicants supply their own papers.
            let by_applicant = matches!(action, Action::Supply { .. }) && channel == Channel::Online;
            let who = if by_applicant { Actor::Applicant } else { staff.clone() };
            let step = facts.current_step.and_then(|s| steps.get(s));
            let label = match (by_applicant, step, &action) {
                (true, _, _) => "applicant".to_string(),
                (
                    false,
                    Some(step),
                    Action::Forward { .. } | Action::Approve { .. } | Action::Reject { .. } | Action::ReturnToStep { .. } | Action::RequestSupplement { .. } | Action::Extend { .. } | Action::Stop { .. },
                ) => holder(step.role, step.agency_id),
                _ => holder(Role::Reception, agency.id),
            };
            clock.set(next_t);
            match motcua_app::actions::perform(app, &row, &who, &label, &action, None).await {
                Ok(out) => row = out.dossier,
                // A step the rules refuse at that moment ends this dossier's story there.
                Err(AppError::Conflict(_) | AppError::Forbidden(_) | AppError::Invalid(_)) => break,
                Err(e) => return Err(e.into()),
            }
            t = next_t;
        }
        made += 1;
    }
    Ok(made)
}

/// The actions that take a dossier from submission to `target`.
pub fn plan_to(target: State, steps: usize, rng: &mut impl Rng) -> Vec<Action> {
    let supplement = || Action::RequestSupplement {
        items: vec![SupplementItem { document: "Giấy tờ chứng minh chỗ ở hợp pháp".into(), reason: "Bản chụp không rõ số nhà".into() }],
        exception_reason: None,
    };
    let mut a = Vec::new();
    match target {
        State::Draft | State::Submitted => return a,
        State::Rejected if rng.gen_bool(0.5) => {
            a.push(Action::Reject { reason: "Hồ sơ không thuộc thẩm quyền giải quyết".into(), legal_ground: None });
            return a;
        }
        State::Withdrawn if rng.gen_bool(0.5) => {
            a.push(Action::Withdraw { reason: "Công dân không còn nhu cầu".into() });
            return a;
        }
        _ => {}
    }
    a.push(Action::Receive { note: None });
    if target == State::Received {
        return a;
    }
    a.push(Action::Transfer { note: None });
    let supplement_at = if target == State::SupplementRequested || rng.gen_bool(0.1) { Some(rng.gen_range(0..steps.max(1))) } else { None };
    let stop_at = rng.gen_range(0..steps.max(1));
    for s in 0..steps {
        if supplement_at == Some(s) {
            a.push(supplement());
            if target == State::SupplementRequested {
                return a;
            }
            a.push(Action::Supply { note: None });
        }
        if s == stop_at {
            match target {
                State::Processing => return a,
                State::Rejected => {
                    a.push(Action::Reject { reason: "Không đủ điều kiện theo quy định".into(), legal_ground: None });
                    return a;
                }
                State::Stopped => {
                    a.push(Action::Stop { reason: "Theo đề nghị của người nộp hồ sơ".into() });
                    return a;
                }
                State::Withdrawn => {
                    a.push(Action::Withdraw { reason: "Công dân rút hồ sơ".into() });
                    return a;
                }
                _ => {}
            }
        }
        a.push(if s + 1 == steps { Action::Approve { note: None } } else { Action::Forward { note: None } });
    }
    if target == State::Returned {
        a.push(Action::ReturnResult { delivery: Delivery::Counter { receiver_name: "Người nộp hồ sơ".into(), receiver_id: "xuất trình CCCD".into() } });
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_core::dossier::ActionKind;

    #[test]
    fn plans_reach_every_target() {
        let mut rng = StdRng::seed_from_u64(1);
        for target in [State::Received, State::Processing, State::SupplementRequested, State::ResultReady, State::Returned, State::Stopped] {
            let plan = plan_to(target, 3, &mut rng);
            assert!(!plan.is_empty(), "{target:?}");
            assert_eq!(plan[0].kind(), ActionKind::Receive);
        }
        let returned = plan_to(State::Returned, 3, &mut rng);
        assert_eq!(returned.last().map(Action::kind), Some(ActionKind::ReturnResult));
    }
}
