//! The leaders' dashboard (`/can-bo/bang-dieu-khien`): for a period, per agency or per
//! field of the officer's scope, dossiers received, open, overdue now, finished early / on
//! time / late, online share and satisfaction, each agency's figures linked to the queue
//! of dossiers behind them; `dinh-dang=xlsx` downloads the same table.

use super::render;
use crate::app::AppState;
use crate::auth::WebStaff;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use motcua_store::read::{DashboardRow, GroupBy};
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
    /// Agency code for drill-down links (empty when grouped by field).
    agency: String,
    row: DashboardRow,
    on_time_rate: String,
    online_share: String,
    satisfaction: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    from: String,
    to: String,
    by_field: bool,
    lines: Vec<Line>,
    total: Line,
}

fn pct(n: i64, d: i64) -> String {
    if d == 0 {
        "—".into()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / d as f64).replace('.', ",")
    }
}

fn line(label: String, agency: String, row: DashboardRow) -> Line {
    Line {
        on_time_rate: pct(row.early + row.on_time, row.early + row.on_time + row.late),
        online_share: pct(row.online, row.received),
        satisfaction: pct(row.satisfied, row.rated),
        label,
        agency,
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
        let by_field = q.theo.as_deref() == Some("linh-vuc");
        let start = motcua_store::ms(motcua_core::time::from_local(from.and_hms_opt(0, 0, 0).unwrap_or_default()));
        let end = motcua_store::ms(motcua_core::time::from_local(to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).unwrap_or_default()));
        let scope = staff.agencies();
        let rows = state.store.dashboard(&scope, start, end, motcua_store::ms(state.now()), if by_field { GroupBy::Field } else { GroupBy::Agency }).await?;
        state.names.ensure(&state, &scope, None).await?;
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
            let (label, agency) = if by_field {
                (r.key.clone(), String::new())
            } else {
                let a = state.names.agency(r.key.parse().unwrap_or_default());
                (a.name, a.code)
            };
            lines.push(line(label, agency, r));
        }
        let total = line("Tổng cộng".into(), String::new(), total);
        if q.format.as_deref() == Some("xlsx") {
            let file = format!("bang-dieu-khien-{}-{}.xlsx", from.format("%Y%m%d"), to.format("%Y%m%d"));
            let bytes = tokio::task::spawn_blocking(move || xlsx(&lines, &total, by_field)).await.map_err(|e| ApiError::Internal(e.to_string()))??;
            return Ok((
                [
                    (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
                ],
                bytes,
            )
                .into_response());
        }
        Ok(render(DashboardPage { from: from.format("%Y-%m-%d").to_string(), to: to.format("%Y-%m-%d").to_string(), by_field, lines, total }))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

fn xlsx(lines: &[Line], total: &Line, by_field: bool) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| ApiError::Internal(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let bold = Format::new().set_bold();
    let headers = [if by_field { "Lĩnh vực" } else { "Cơ quan" }, "Tiếp nhận", "Đang giải quyết", "Quá hạn hiện tại", "Trước hạn", "Đúng hạn", "Trễ hạn", "Trực tuyến", "Lượt đánh giá", "Hài lòng"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_with_format(0, c as u16, *h, &bold).map_err(err)?;
    }
    for (i, l) in lines.iter().chain(std::iter::once(total)).enumerate() {
        let r = 1 + i as u32;
        ws.write(r, 0, l.label.as_str()).map_err(err)?;
        let x = &l.row;
        for (c, v) in [x.received, x.open, x.overdue, x.early, x.on_time, x.late, x.online, x.rated, x.satisfied].iter().enumerate() {
            ws.write(r, 1 + c as u16, *v as f64).map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}
