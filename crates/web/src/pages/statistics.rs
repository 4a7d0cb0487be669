//! Public statistics (`/thong-ke`): per agency, this month and this year — dossiers
//! received, finished early / on time / late, the share submitted online — as tables and a
//! chart drawn on the server (no JavaScript). Figures come from the daily counters kept in
//! the same transaction as every action.

use super::render;
use crate::state::AppState;
use crate::error::ApiError;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use motcua_core::time::local_date;
use std::collections::BTreeMap;

pub struct Row {
    agency: String,
    received: i64,
    online_share: String,
    finished: i64,
    early: i64,
    on_time: i64,
    late: i64,
    on_time_rate: String,
    satisfaction: String,
    rate: Option<f64>,
}

pub struct Period {
    title: String,
    rows: Vec<Row>,
}

pub struct Bar {
    y: i64,
    label: String,
    width: i64,
    value: String,
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    periods: Vec<Period>,
    year: i32,
    bars: Vec<Bar>,
    chart_height: i64,
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

fn show(p: Option<f64>) -> String {
    p.map(|v| format!("{v:.1}%").replace('.', ",")).unwrap_or_else(|| "—".into())
}

async fn period(state: &AppState, title: String, from: &str, to: &str) -> Result<Period, ApiError> {
    let totals = state.store.metric_totals(from, to).await?;
    let mut by_agency: BTreeMap<i64, BTreeMap<String, i64>> = BTreeMap::new();
    for (agency, metric, n) in totals {
        by_agency.entry(agency).or_default().insert(metric, n);
    }
    state.names.ensure(state, &by_agency.keys().copied().collect::<Vec<_>>(), None).await?;
    let mut rows: Vec<Row> = by_agency
        .into_iter()
        .map(|(agency, m)| {
            let get = |k: &str| m.get(k).copied().unwrap_or(0);
            let (early, on_time, late) = (get("finished_early"), get("finished_on_time"), get("finished_late"));
            let finished = early + on_time + late;
            let rate = percent(early + on_time, finished);
            Row {
                agency: state.names.agency(agency).name,
                received: get("received"),
                online_share: show(percent(get("received_online"), get("received"))),
                finished,
                early,
                on_time,
                late,
                on_time_rate: show(rate),
                satisfaction: match get("rated") {
                    0 => "Chưa có đánh giá".to_string(),
                    n => format!("{} ({n} lượt)", show(percent(get("rated_very_satisfied") + get("rated_satisfied"), n))),
                },
                rate,
            }
        })
        .filter(|r| r.received > 0 || r.finished > 0)
        .collect();
    rows.sort_by(|a, b| a.agency.cmp(&b.agency));
    Ok(Period { title, rows })
}

pub async fn statistics(State(state): State<AppState>) -> Response {
    let today = local_date(state.now());
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let month_start = today.with_day(1).unwrap_or(today);
    let year_start = today.with_ordinal(1).unwrap_or(today);
    let built = async {
        let month = period(&state, format!("Tháng {}/{}", today.month(), today.year()), &day(month_start), &day(today)).await?;
        let year = period(&state, format!("Năm {}", today.year()), &day(year_start), &day(today)).await?;
        Ok::<_, ApiError>((month, year))
    };
    let (month, year) = match built.await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let bars: Vec<Bar> = year
        .rows
        .iter()
        .filter_map(|r| r.rate.map(|rate| (r, rate)))
        .enumerate()
        .map(|(i, (r, rate))| Bar {
            y: i as i64 * 46,
            // The name on its own line above its bar: long agency names stay readable.
            label: if r.agency.chars().count() > 52 { format!("{}…", r.agency.chars().take(51).collect::<String>()) } else { r.agency.clone() },
            width: (rate * 3.0).round() as i64,
            value: show(Some(rate)),
        })
        .collect();
    let chart_height = (bars.len() as i64 * 46).max(46);
    render(StatisticsPage { periods: vec![month, year], year: today.year(), bars, chart_height })
}
