//! Exhaustive test of the dossier state machine: every situation (state, and step where it
//! matters) × every action × every party, against a table written independently of the
//! implementation. Everything not in the table must be refused.

use chrono::{Duration, NaiveDate};
use motcua_core::calendar::{DeadlineRules, Outcome, ProcessingTime, WorkCalendar};
use motcua_core::dossier::{
    decide, Action, ActionKind, Actor, Delivery, DossierFacts, Grant, Refusal, Role, State, StepFacts, SupplementItem,
};
use motcua_core::time::{from_local, Instant};

const RECEIVING: i64 = 10;
const OTHER_STEP_AGENCY: i64 = 20;
const STRANGER: i64 = 99;

fn t0() -> Instant {
    from_local(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(9, 0, 0).unwrap())
}

fn steps() -> Vec<StepFacts> {
    vec![
        StepFacts { name: "Thẩm định".into(), role: Role::Specialist, agency_id: RECEIVING, budget_minutes: 960 },
        StepFacts { name: "Xem xét".into(), role: Role::HeadOfUnit, agency_id: RECEIVING, budget_minutes: 240 },
        StepFacts { name: "Ký".into(), role: Role::SigningLeader, agency_id: OTHER_STEP_AGENCY, budget_minutes: 240 },
    ]
}

/// Builds the facts of each situation.
fn situation(name: &str) -> DossierFacts {
    let mut d = DossierFacts::new(RECEIVING, ProcessingTime::WorkingDays { half_days: 6 }, steps(), State::Draft);
    let received = |d: &mut DossierFacts| {
        d.received_at = Some(t0());
        d.due_at = Some(t0() + Duration::days(3));
        d.original_due_at = d.due_at;
    };
    match name {
        "draft" => {}
        "submitted" => d.state = State::Submitted,
        "received" => {
            d.state = State::Received;
            received(&mut d);
        }
        "processing@0" | "processing@1" | "processing@2" => {
            d.state = State::Processing;
            received(&mut d);
            d.current_step = Some(name[11..].parse().unwrap());
            d.step_started_at = Some(t0());
        }
        "supplement_before_receipt" => {
            d.state = State::SupplementRequested;
            d.paused_at = Some(t0());
            d.supplement_requests = 1;
        }
        "supplement_after_receipt" => {
            d.state = State::SupplementRequested;
            received(&mut d);
            d.current_step = Some(0);
            d.paused_at = Some(t0());
            d.supplement_requests = 1;
        }
        "result_ready" => {
            d.state = State::ResultReady;
            received(&mut d);
            d.current_step = Some(2);
        }
        "returned" => d.state = State::Returned,
        "rejected" => d.state = State::Rejected,
        "withdrawn" => d.state = State::Withdrawn,
        "stopped" => d.state = State::Stopped,
        other => panic!("unknown situation {other}"),
    }
    d
}

const SITUATIONS: [&str; 14] = [
    "draft",
    "submitted",
    "received",
    "processing@0",
    "processing@1",
    "processing@2",
    "supplement_before_receipt",
    "supplement_after_receipt",
    "result_ready",
    "returned",
    "rejected",
    "withdrawn",
    "stopped",
    "draft",
];

#[derive(Clone, Copy, PartialEq, Debug)]
enum P {
    App,
    S(Role),
}
use P::App;
const REC: P = P::S(Role::Reception);
const SPEC: P = P::S(Role::Specialist);
const HEAD: P = P::S(Role::HeadOfUnit);
const LEAD: P = P::S(Role::SigningLeader);

/// (situation, action, parties allowed, resulting state, agency whose staff may act)
fn table() -> Vec<(&'static str, ActionKind, Vec<P>, State, i64)> {
    use ActionKind::*;
    use State as S;
    let mut t = vec![
        ("draft", Submit, vec![App], S::Submitted, RECEIVING),
        ("submitted", Receive, vec![REC], S::Received, RECEIVING),
        ("submitted", RequestSupplement, vec![REC], S::SupplementRequested, RECEIVING),
        ("submitted", Reject, vec![REC], S::Rejected, RECEIVING),
        ("submitted", Withdraw, vec![App, REC], S::Withdrawn, RECEIVING),
        ("received", Transfer, vec![REC], S::Processing, RECEIVING),
        ("received", Withdraw, vec![App, REC], S::Withdrawn, RECEIVING),
        ("processing@0", Forward, vec![SPEC], S::Processing, RECEIVING),
        ("processing@1", Forward, vec![HEAD], S::Processing, RECEIVING),
        ("processing@1", ReturnToStep, vec![HEAD], S::Processing, RECEIVING),
        ("processing@2", ReturnToStep, vec![LEAD], S::Processing, OTHER_STEP_AGENCY),
        ("processing@2", Approve, vec![LEAD], S::ResultReady, OTHER_STEP_AGENCY),
        ("supplement_before_receipt", Supply, vec![App, REC], S::Submitted, RECEIVING),
        ("supplement_before_receipt", Reject, vec![REC], S::Rejected, RECEIVING),
        ("supplement_before_receipt", Withdraw, vec![App, REC], S::Withdrawn, RECEIVING),
        ("supplement_after_receipt", Supply, vec![App, REC], S::Processing, RECEIVING),
        ("supplement_after_receipt", Stop, vec![HEAD, LEAD], S::Stopped, RECEIVING),
        ("supplement_after_receipt", Extend, vec![SPEC, HEAD, LEAD], S::SupplementRequested, RECEIVING),
        ("supplement_after_receipt", Withdraw, vec![App, REC], S::Withdrawn, RECEIVING),
        ("result_ready", ReturnResult, vec![REC], S::Returned, RECEIVING),
    ];
    for (sit, agency) in [("processing@0", RECEIVING), ("processing@1", RECEIVING), ("processing@2", OTHER_STEP_AGENCY)] {
        t.push((sit, RequestSupplement, vec![SPEC, HEAD, LEAD], S::SupplementRequested, agency));
        t.push((sit, Reject, vec![HEAD, LEAD], S::Rejected, agency));
        t.push((sit, Stop, vec![HEAD, LEAD], S::Stopped, agency));
        t.push((sit, Extend, vec![SPEC, HEAD, LEAD], S::Processing, agency));
        t.push((sit, Withdraw, vec![App, REC], S::Withdrawn, RECEIVING));
    }
    // The step's own role hands it to a named colleague; leaders assign too.
    t.push(("processing@0", Assign, vec![SPEC, HEAD, LEAD], S::Processing, RECEIVING));
    t.push(("processing@1", Assign, vec![HEAD, LEAD], S::Processing, RECEIVING));
    t.push(("processing@2", Assign, vec![HEAD, LEAD], S::Processing, OTHER_STEP_AGENCY));
    t
}

/// A valid instance of each action for the given facts.
fn sample(kind: ActionKind, d: &DossierFacts) -> Action {
    match kind {
        ActionKind::Submit => Action::Submit,
        ActionKind::Receive => Action::Receive { note: None },
        ActionKind::RequestSupplement => Action::RequestSupplement {
            items: vec![SupplementItem { document: "Giấy chứng sinh".into(), reason: "Bản chụp mờ".into() }],
            exception_reason: Some("Phát hiện sai sót mới".into()),
        },
        ActionKind::Supply => Action::Supply { note: None },
        ActionKind::Transfer => Action::Transfer { note: None },
        ActionKind::Forward => Action::Forward { note: None },
        ActionKind::Assign => Action::Assign { assignee: 42, assignee_name: "Trần Văn Minh".into(), note: None },
        ActionKind::ReturnToStep => Action::ReturnToStep { step: d.current_step.unwrap_or(1).saturating_sub(1), reason: "Thiếu ý kiến".into() },
        ActionKind::Approve => Action::Approve { note: None },
        ActionKind::Reject => Action::Reject { reason: "Không đủ điều kiện".into(), legal_ground: None },
        ActionKind::Stop => Action::Stop { reason: "Theo đề nghị của công dân".into() },
        ActionKind::Extend => Action::Extend { new_due: d.due_at.unwrap_or(t0()) + Duration::days(5), reason: "Cần xác minh".into() },
        ActionKind::Withdraw => Action::Withdraw { reason: "Không còn nhu cầu".into() },
        ActionKind::ReturnResult => Action::ReturnResult { delivery: Delivery::Online },
    }
}

fn actor(p: P, agencies: &[i64]) -> Actor {
    match p {
        App => Actor::Applicant,
        P::S(role) => Actor::Staff { user_id: 1, grants: agencies.iter().map(|&a| Grant { role, agency_id: a }).collect() },
    }
}

fn parties() -> Vec<P> {
    let mut v = vec![App];
    v.extend(Role::ALL.into_iter().map(P::S));
    v
}

#[test]
fn every_situation_action_and_party_matches_the_table() {
    let cal = WorkCalendar::weekdays();
    let rules = DeadlineRules::default();
    let table = table();
    let mut checked = 0;
    for sit in SITUATIONS {
        let d = situation(sit);
        for kind in ActionKind::ALL {
            let row = table.iter().find(|r| r.0 == sit && r.1 == kind);
            for p in parties() {
                let action = sample(kind, &d);
                // Staff holding the role in every agency involved: only role and state decide.
                let everywhere = actor(p, &[RECEIVING, OTHER_STEP_AGENCY]);
                let got = decide(&d, &everywhere, &action, t0() + Duration::hours(1), &cal, &rules);
                match row {
                    Some((_, _, allowed, to, agency)) if allowed.contains(&p) => {
                        let tr = got.unwrap_or_else(|e| panic!("{sit} {kind:?} {p:?} should be allowed: {e:?}"));
                        assert_eq!(tr.next.state, *to, "{sit} {kind:?} {p:?}");
                        assert_eq!((tr.event.from, tr.event.to, tr.event.action), (d.state, *to, kind));
                        if let P::S(_) = p {
                            // The same role in the wrong agency is out of scope.
                            let wrong = if *agency == RECEIVING { OTHER_STEP_AGENCY } else { RECEIVING };
                            for elsewhere in [STRANGER, wrong] {
                                let e = decide(&d, &actor(p, &[elsewhere]), &action, t0(), &cal, &rules);
                                assert_eq!(e, Err(Refusal::OutOfScope), "{sit} {kind:?} {p:?} from agency {elsewhere}");
                            }
                        }
                    }
                    Some(_) => assert_eq!(got, Err(Refusal::Forbidden), "{sit} {kind:?} {p:?} should be forbidden"),
                    None => assert!(
                        matches!(got, Err(Refusal::WrongState { .. })),
                        "{sit} {kind:?} {p:?} should be impossible in this state, got {got:?}"
                    ),
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, SITUATIONS.len() * ActionKind::ALL.len() * 7);
}

fn staff(role: Role, agency: i64) -> Actor {
    Actor::Staff { user_id: 1, grants: vec![Grant { role, agency_id: agency }] }
}

#[test]
fn full_life_to_returned_with_a_pause_is_on_time() {
    let cal = WorkCalendar::weekdays();
    let rules = DeadlineRules::default();
    let mut d = DossierFacts::new(RECEIVING, ProcessingTime::WorkingDays { half_days: 6 }, steps(), State::Submitted);
    let mut now = t0();
    let mut step = |d: &mut DossierFacts, who: Actor, a: Action, hours: i64| {
        now += Duration::hours(hours);
        let t = decide(d, &who, &a, now, &cal, &rules).unwrap();
        *d = t.next;
    };
    step(&mut d, staff(Role::Reception, RECEIVING), Action::Receive { note: None }, 0);
    let first_due = d.due_at.unwrap();
    // Mon 09:00 + 3 working days → Thu 09:00
    assert_eq!(first_due, t0() + Duration::days(3));
    step(&mut d, staff(Role::Reception, RECEIVING), Action::Transfer { note: None }, 1);
    let ask = sample(ActionKind::RequestSupplement, &d);
    step(&mut d, staff(Role::Specialist, RECEIVING), ask, 1);
    // Paused Mon 11:00 → supplied Tue 11:00: one working day pushed.
    step(&mut d, Actor::Applicant, Action::Supply { note: None }, 24);
    assert_eq!(d.due_at.unwrap(), first_due + Duration::days(1));
    assert_eq!(d.state, State::Processing);
    step(&mut d, staff(Role::Specialist, RECEIVING), Action::Forward { note: None }, 1);
    step(&mut d, staff(Role::HeadOfUnit, RECEIVING), Action::Forward { note: None }, 1);
    step(&mut d, staff(Role::SigningLeader, OTHER_STEP_AGENCY), Action::Approve { note: None }, 1);
    assert_eq!(d.state, State::ResultReady);
    assert_eq!(d.outcome, Some(Outcome::Early));
    step(&mut d, staff(Role::Reception, RECEIVING), Action::ReturnResult { delivery: Delivery::Online }, 1);
    assert_eq!(d.state, State::Returned);
}

#[test]
fn a_named_hand_over_lasts_while_the_dossier_stays_at_its_step() {
    let cal = WorkCalendar::weekdays();
    let rules = DeadlineRules::default();
    let mut d = situation("processing@0");
    let head = staff(Role::HeadOfUnit, RECEIVING);
    let assign = |id: i64| Action::Assign { assignee: id, assignee_name: format!("Cán bộ {id}"), note: None };
    d = decide(&d, &head, &assign(7), t0(), &cal, &rules).unwrap().next;
    assert_eq!((d.assignee, d.current_step, d.state), (Some(7), Some(0), State::Processing));
    let again = decide(&d, &head, &assign(7), t0(), &cal, &rules).unwrap_err();
    assert!(matches!(again, Refusal::Invalid { path: "assignee", .. }), "{again:?}");
    let ask = sample(ActionKind::RequestSupplement, &d);
    d = decide(&d, &staff(Role::Specialist, RECEIVING), &ask, t0(), &cal, &rules).unwrap().next;
    d = decide(&d, &Actor::Applicant, &Action::Supply { note: None }, t0() + Duration::hours(1), &cal, &rules).unwrap().next;
    assert_eq!(d.assignee, Some(7), "a supplement round keeps the hand-over");
    let t = decide(&d, &staff(Role::Specialist, RECEIVING), &Action::Forward { note: None }, t0() + Duration::hours(2), &cal, &rules).unwrap();
    assert_eq!((t.next.assignee, t.next.current_step), (None, Some(1)), "the next step is anyone's of its role");
}

#[test]
fn second_supplement_request_needs_a_recorded_exception_and_makes_the_dossier_late() {
    let cal = WorkCalendar::weekdays();
    let rules = DeadlineRules::default();
    let d = situation("processing@0");
    let items = vec![SupplementItem { document: "Tờ khai".into(), reason: "Thiếu chữ ký".into() }];
    let plain = Action::RequestSupplement { items: items.clone(), exception_reason: None };
    let mut again = d.clone();
    again.supplement_requests = 1;
    let err = decide(&again, &staff(Role::Specialist, RECEIVING), &plain, t0(), &cal, &rules).unwrap_err();
    assert!(matches!(err, Refusal::Invalid { path: "exception_reason", .. }));
    let with_reason = Action::RequestSupplement { items, exception_reason: Some("Giấy tờ giả mạo".into()) };
    let t = decide(&again, &staff(Role::Specialist, RECEIVING), &with_reason, t0(), &cal, &rules).unwrap();
    assert_eq!(t.next.supplement_requests, 2);
    let mut d2 = t.next;
    d2 = decide(&d2, &Actor::Applicant, &Action::Supply { note: None }, t0(), &cal, &rules).unwrap().next;
    d2.current_step = Some(2);
    let done = decide(&d2, &staff(Role::SigningLeader, OTHER_STEP_AGENCY), &Action::Approve { note: None }, t0(), &cal, &rules).unwrap();
    assert_eq!(done.next.outcome, Some(Outcome::Late));
}

#[test]
fn extension_is_allowed_once_and_counts_late() {
    let cal = WorkCalendar::weekdays();
    let rules = DeadlineRules::default();
    let d = situation("processing@2");
    let ext = sample(ActionKind::Extend, &d);
    let t = decide(&d, &staff(Role::SigningLeader, OTHER_STEP_AGENCY), &ext, t0(), &cal, &rules).unwrap();
    assert!(t.next.extended);
    let again = decide(&t.next, &staff(Role::SigningLeader, OTHER_STEP_AGENCY), &sample(ActionKind::Extend, &t.next), t0(), &cal, &rules);
    assert!(matches!(again, Err(Refusal::Invalid { path: "new_due", .. })));
    let approved = decide(&t.next, &staff(Role::SigningLeader, OTHER_STEP_AGENCY), &Action::Approve { note: None }, t0(), &cal, &rules).unwrap();
    assert_eq!(approved.next.outcome, Some(Outcome::Late));
}

#[test]
fn an_extension_must_move_the_date_later() {
    let cal = WorkCalendar::weekdays();
    let d = situation("processing@0");
    let earlier = Action::Extend { new_due: d.due_at.unwrap() - Duration::hours(1), reason: "x".into() };
    let r = decide(&d, &staff(Role::Specialist, RECEIVING), &earlier, t0(), &cal, &DeadlineRules::default());
    assert!(matches!(r, Err(Refusal::Invalid { path: "new_due", .. })));
}

#[test]
fn late_approval_is_late() {
    let cal = WorkCalendar::weekdays();
    let d = situation("processing@2");
    let late = d.due_at.unwrap() + Duration::minutes(1);
    let t = decide(&d, &staff(Role::SigningLeader, OTHER_STEP_AGENCY), &Action::Approve { note: None }, late, &cal, &DeadlineRules::default()).unwrap();
    assert_eq!(t.next.outcome, Some(Outcome::Late));
}
