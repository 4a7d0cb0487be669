//! `motcua generate`: a large data set for benchmarks (e.g. one million dossiers), made
//! by the same rules as real dossiers (codes, due dates, hash-chained events) and written
//! with the bulk loader.

use crate::demo::{everyone, past_working_instant, plan_to, random_dossier, receivable_pairs};
use anyhow::Result;
use motcua_core::calendar::{DeadlineRules, WorkCalendar};
use motcua_core::dossier::{counter_metrics, decide, Action, ActionKind, Actor, Channel, DossierFacts, State};
use motcua_core::ids::{AgencyCode, DossierCodeFormat};
use motcua_core::time::{local_date, Instant};
use motcua_store::{AgencyRow, BulkDossier, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// Generates `count` dossiers over the past year in batches; prints progress.
pub async fn dossiers(store: &Store, agencies: &[AgencyRow], cal: &WorkCalendar, count: usize, now: Instant, seed: u64) -> Result<()> {
    let pairs = receivable_pairs(store, agencies, now).await?;
    let mut rng = StdRng::seed_from_u64(seed);
    let rules = DeadlineRules::default();
    let format = DossierCodeFormat::default();
    let staff = everyone(agencies);
    // Daily counters as the normal path would have bumped them, written at the end.
    let mut counts: HashMap<(i64, String, &'static str), i64> = HashMap::new();
    let mut sequences: HashMap<(i64, String), i64> = store.code_sequences().await?.into_iter().map(|(a, d, n)| ((a, d), n)).collect();
    let start = std::time::Instant::now();
    let mut done = 0;
    while done < count {
        let n = (count - done).min(2000);
        let mut batch = Vec::with_capacity(n);
        for i in 0..n {
            let pair = &pairs[rng.gen_range(0..pairs.len())];
            let (proc_row, agency, steps) = pair;
            let target = match rng.gen_range(0..100) {
                0..=4 => State::Submitted,
                5..=14 => State::Processing,
                15..=19 => State::ResultReady,
                _ => State::Returned,
            };
            let days_ago = rng.gen_range(0..365);
            let mut t = past_working_instant(&mut rng, now, days_ago);
            let submitted_at = t;
            let channel = if rng.gen_bool(0.5) { Channel::Online } else { Channel::Counter };
            let mut facts = DossierFacts::new(agency.id, proc_row.procedure.processing, steps.clone(), State::Draft);
            let mut events = Vec::new();
            let mut code = None;
            let agency_code = AgencyCode::parse(&agency.code)?;
            let mut plan = vec![Action::Submit];
            plan.extend(plan_to(target, steps.len(), &mut rng));
            for action in plan {
                let who = if matches!(action, Action::Submit) { Actor::Applicant } else { staff.clone() };
                let tr = match decide(&facts, &who, &action, t, cal, &rules) {
                    Ok(tr) => tr,
                    Err(_) => break,
                };
                if tr.event.action == ActionKind::Receive {
                    let day = local_date(t);
                    let seq = sequences.entry((agency.id, day.format("%Y-%m-%d").to_string())).or_insert(0);
                    *seq += 1;
                    code = Some(format.issue(&agency_code, day, *seq as u32).to_string());
                }
                let day = local_date(t).format("%Y-%m-%d").to_string();
                for metric in counter_metrics(&tr, channel) {
                    *counts.entry((agency.id, day.clone(), metric)).or_insert(0) += 1;
                }
                facts = tr.next;
                events.push((tr.event, t));
                let budget = facts.current_step.and_then(|s| steps.get(s)).map(|s| s.budget_minutes).unwrap_or(120);
                let next = cal.add_working_minutes(t, ((budget as f64) * rng.gen_range(0.2..1.2)) as i64 + 5);
                if next >= now {
                    break;
                }
                t = next;
            }
            batch.push(BulkDossier {
                new: random_dossier(&mut rng, format!("HS-G{seed:03}{:09}", done + i), pair, channel),
                code,
                submitted_at,
                facts,
                events,
            });
        }
        store.bulk_load(&batch, "generated").await?;
        done += n;
        if done % 50_000 < n || done == count {
            eprintln!("{done} hồ sơ ({:.0}/s)", done as f64 / start.elapsed().as_secs_f64());
        }
    }
    for ((agency, day), last) in sequences {
        store.raise_code_sequence(agency, &day, last).await?;
    }
    store.add_counts(&counts.into_iter().collect::<Vec<_>>()).await?;
    Ok(())
}
