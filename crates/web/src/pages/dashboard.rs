//! The leaders' dashboard (`/can-bo/bang-dieu-khien`): for a period, per agency or per
//! field of the officer's scope, dossiers received, open, overdue now, finished early / on
//! time / late, online share and satisfaction, each agency's figures linked to the queue
//! of dossiers behind them; `dinh-dang=xlsx` downloads the same table.

use super::render;
use crate::state::AppState;
use crate::auth::WebStaff;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use motcua_store::read::{DashboardRow, Figure, GroupBy, OfficerRow};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct DashboardQuery {
    tu: Option<String>,
    den: Option<String>,
    theo: Option<String>,
    #[serde(rename = "dinh-dang")]
    format: Option<String>,
}

pub struct Line {
    label: String,
    /// Each counted figure with the address of the dossiers behind it.
    cells: Vec<(i64, String)>,
    row: DashboardRow,
    on_time_rate: String,
    online_share: String,
    satisfaction: String,
    /// The same three shares as fractions (`None` where the page shows "—"), for the XLSX.
    shares: [Option<f64>; 3],
}

/// One officer's work in the period.
pub struct OfficerLine {
    name: String,
    row: OfficerRow,
    in_time_rate: String,
    in_time_share: Option<f64>,
}

/// One bar of the monthly trend: month, received, finished in time, late (heights in px).
pub struct Bar {
    label: String,
    x: usize,
    received: (i64, i64),
    in_time: (i64, i64),
    late: (i64, i64),
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    from: String,
    to: String,
    /// co-quan | linh-vuc | thang | can-bo
    by: String,
    officers: Vec<OfficerLine>,
    bars: Vec<Bar>,
    /// The rows, then the total.
    lines: Vec<Line>,
}

fn share(n: i64, d: i64) -> Option<f64> {
    (d != 0).then(|| n as f64 / d as f64)
}

/// A share as the page prints it ("12,5%"), "—" when there is nothing to divide by.
fn pct(n: i64, d: i64) -> String {
    match share(n, d) {
        None => "—".into(),
        Some(x) => format!("{:.1}%", x * 100.0).replace('.', ","),
    }
}

/// `whose` narrows the drill-down to a receiving agency or a field (empty: the whole scope).
fn line(label: String, period: &str, whose: &str, row: DashboardRow) -> Line {
    let figures = [
        (row.received, Figure::Received),
        (row.open, Figure::Open),
        (row.overdue, Figure::Overdue),
        (row.early, Figure::Early),
        (row.on_time, Figure::OnTime),
        (row.late, Figure::Late),
    ];
    Line {
        cells: figures.iter().map(|(n, f)| (*n, format!("/can-bo?sap_xep=moi&so_lieu={}{period}{whose}", f.as_str()))).collect(),
        on_time_rate: pct(row.early + row.on_time, row.early + row.on_time + row.late),
        online_share: pct(row.online, row.received),
        satisfaction: pct(row.satisfied, row.rated),
        shares: [share(row.early + row.on_time, row.early + row.on_time + row.late), share(row.online, row.received), share(row.satisfied, row.rated)],
        label,
        row,
    }
}

pub async fn dashboard(State(state): State<AppState>, staff: WebStaff, Query(q): Query<DashboardQuery>) -> Response {
    let result: Result<Response, ApiError> = async {
        let staff = staff.0.ok_or(ApiError::Unauthorized)?;
        let today = motcua_core::time::local_date(state.now());
        let first_of_month = today.with_day(1).unwrap_or(today);
        let parse = |v: &Option<String>, default: NaiveDate, path: &str| match v.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| ApiError::field(path, "Ngày phải có dạng YYYY-MM-DD")),
        };
        let from = parse(&q.tu, first_of_month, "tu")?;
        let to = parse(&q.den, today, "den")?;
        if to < from {
            return Err(ApiError::field("den", "Ngày cuối kỳ phải từ ngày đầu kỳ trở đi"));
        }
        let by: &'static str = match q.theo.as_deref() {
            Some("linh-vuc") => "linh-vuc",
            Some("thang") => "thang",
            Some("can-bo") => "can-bo",
            _ => "co-quan",
        };
        let by_field = by == "linh-vuc";
        let group = match by {
            "linh-vuc" => GroupBy::Field,
            "thang" => GroupBy::Month,
            _ => GroupBy::Agency,
        };
        let start = motcua_store::ms(motcua_core::time::from_local(from.and_hms_opt(0, 0, 0).unwrap_or_default()));
        let end = motcua_store::ms(motcua_core::time::from_local(to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).unwrap_or_default()));
        let scope = staff.agencies();
        let officers = if by == "can-bo" { officer_lines(&state, &scope, start, end).await? } else { Vec::new() };
        let rows = state.store.dashboard(&scope, start, end, motcua_store::ms(state.now()), group).await?;
        state.names.ensure(&state, &scope, None).await?;
        let period = format!("&tu={}&den={}", from.format("%Y-%m-%d"), to.format("%Y-%m-%d"));
        let mut total = DashboardRow::default();
        let mut lines = Vec::with_capacity(rows.len());
        for r in rows {
            total.received += r.received;
            total.open += r.open;
            total.overdue += r.overdue;
            total.early += r.early;
            total.on_time += r.on_time;
            total.late += r.late;
            total.online += r.online;
            total.rated += r.rated;
            total.satisfied += r.satisfied;
            let (label, whose) = if by_field {
                (r.key.clone(), format!("&linh_vuc={}", super::url_encode(&r.key)))
            } else if group == GroupBy::Month {
                // A month's dossiers: the period narrowed to that month.
                let (label, first, last) = month_bounds(&r.key, from, to);
                lines.push(line(label, &format!("&tu={first}&den={last}"), "", r));
                continue;
            } else {
                let a = state.names.agency(r.key.parse().unwrap_or_default());
                (a.name, format!("&co_quan_nhan={}", super::url_encode(&a.code)))
            };
            lines.push(line(label, &period, &whose, r));
        }
        let total = line("Tổng cộng".into(), &period, "", total);
        if q.format.as_deref() == Some("xlsx") {
            let file = format!("bang-dieu-khien-{}-{}.xlsx", from.format("%Y%m%d"), to.format("%Y%m%d"));
            let bytes = tokio::task::spawn_blocking(move || xlsx(&officers, &lines, &total, by)).await.map_err(|e| ApiError::Internal(e.to_string()))??;
            return Ok((
                [
                    (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
                ],
                bytes,
            )
                .into_response());
        }
        let bars = if group == GroupBy::Month { bars(&lines) } else { Vec::new() };
        lines.push(total);
        Ok(render(DashboardPage { from: from.format("%Y-%m-%d").to_string(), to: to.format("%Y-%m-%d").to_string(), by: by.to_string(), officers, bars, lines }))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// "2026-11" within the period → ("Tháng 11/2026", first day, last day), both clipped to it.
fn month_bounds(key: &str, from: NaiveDate, to: NaiveDate) -> (String, NaiveDate, NaiveDate) {
    let first = NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d").unwrap_or(from);
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    let last = next.pred_opt().unwrap_or(first);
    (format!("Tháng {}", first.format("%m/%Y")), first.max(from), last.min(to))
}

/// The monthly trend as bars scaled to the busiest month (120 px).
fn bars(lines: &[Line]) -> Vec<Bar> {
    let max = lines.iter().map(|l| l.row.received).max().unwrap_or(0).max(1);
    let h = |n: i64| (n, n * 120 / max);
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| Bar {
            label: l.label.trim_start_matches("Tháng ").to_string(),
            x: 40 + i * 56,
            received: h(l.row.received),
            in_time: h(l.row.early + l.row.on_time),
            late: h(l.row.late),
        })
        .collect()
}

async fn officer_lines(state: &AppState, scope: &[i64], start: i64, end: i64) -> Result<Vec<OfficerLine>, ApiError> {
    let rows = state.store.officer_activity(scope, start, end).await?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.actor.strip_prefix("user:").and_then(|i| i.parse().ok())).collect();
    let names = state.store.user_names(&ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| OfficerLine {
            name: r.actor.strip_prefix("user:").and_then(|i| i.parse::<i64>().ok()).and_then(|i| names.get(&i).cloned()).unwrap_or_else(|| r.actor.clone()),
            in_time_rate: pct(r.steps_in_time, r.steps_in_time + r.steps_late),
            in_time_share: share(r.steps_in_time, r.steps_in_time + r.steps_late),
            row: r,
        })
        .collect())
}

/// The page's tables as a workbook: the officers' table first when the page shows it, then
/// the grouped table; the same columns as the page, counts as numbers and shares as
/// percentages (fractions with a % format, empty where the page shows "—").
fn xlsx(officers: &[OfficerLine], lines: &[Line], total: &Line, by: &str) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| ApiError::Internal(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    if by == "can-bo" {
        let ws = wb.add_worksheet();
        ws.set_name("Theo can bo").map_err(err)?;
        for (c, h) in ["Cán bộ", "Tiếp nhận", "Bước đã xử lý", "Đúng hạn bước", "Trễ hạn bước", "Tỷ lệ đúng hạn"].iter().enumerate() {
            ws.write_with_format(0, c as u16, *h, &bold).map_err(err)?;
        }
        for (i, o) in officers.iter().enumerate() {
            let r = 1 + i as u32;
            ws.write(r, 0, o.name.as_str()).map_err(err)?;
            for (c, v) in [o.row.received, o.row.steps, o.row.steps_in_time, o.row.steps_late].iter().enumerate() {
                ws.write(r, 1 + c as u16, *v as f64).map_err(err)?;
            }
            if let Some(x) = o.in_time_share {
                ws.write_number_with_format(r, 5, x, &percent).map_err(err)?;
            }
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name(match by { "linh-vuc" => "Theo linh vuc", "thang" => "Theo thang", _ => "Theo co quan" }).map_err(err)?;
    let headers = [
        match by { "linh-vuc" => "Lĩnh vực", "thang" => "Tháng", _ => "Cơ quan" },
        "Tiếp nhận", "Đang giải quyết", "Quá hạn hiện tại", "Trước hạn", "Đúng hạn", "Trễ hạn", "Tỷ lệ đúng hạn", "Trực tuyến", "Hài lòng", "Lượt đánh giá",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_with_format(0, c as u16, *h, &bold).map_err(err)?;
    }
    for (i, l) in lines.iter().chain(std::iter::once(total)).enumerate() {
        let r = 1 + i as u32;
        ws.write(r, 0, l.label.as_str()).map_err(err)?;
        let x = &l.row;
        for (c, v) in [x.received, x.open, x.overdue, x.early, x.on_time, x.late].iter().enumerate() {
            ws.write(r, 1 + c as u16, *v as f64).map_err(err)?;
        }
        for (c, v) in l.shares.iter().enumerate() {
            if let Some(v) = v {
                ws.write_number_with_format(r, 7 + c as u16, *v, &percent).map_err(err)?;
            }
        }
        ws.write(r, 10, x.rated as f64).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}
