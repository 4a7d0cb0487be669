//! The tracking book of an agency for a period (Sổ theo dõi hồ sơ, Mẫu 07 of Circular
//! 03/2025/TT-VPCP), as PDF or XLSX, for officers of that agency.
//!
//! The XLSX is written in rust_xlsxwriter's constant-memory mode (rows go to a temporary
//! file as they are written) and sent from that file, so a year of a busy agency does not
//! sit in memory; the PDF, laid out whole, is for periods of up to 5,000 dossiers.

use crate::access::Staff;
use crate::context::App;
use crate::error::AppError;
use chrono::NaiveDate;
use motcua_core::validation::FieldErrors;
use motcua_pdf::{Block, OfficialForm};
use motcua_store::read::BookRow;

const PDF_MAX_ROWS: i64 = 5_000;
const XLSX_MAX_ROWS: i64 = 1_000_000;

/// The file of a tracking book.
pub enum Book {
    Pdf(Vec<u8>),
    /// A temporary file, removed when dropped (an open handle keeps it readable).
    Xlsx(tempfile::NamedTempFile),
}

fn day(ms: Option<i64>) -> String {
    ms.map(|t| motcua_core::time::to_local(motcua_store::from_ms(t)).format("%H:%M %d/%m/%Y").to_string()).unwrap_or_default()
}

fn outcome_label(o: Option<&str>) -> &'static str {
    match o {
        Some("early") => "Trước hạn",
        Some("on_time") => "Đúng hạn",
        Some("late") => "Quá hạn",
        _ => "",
    }
}

const HEADERS: [&str; 11] = ["STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Cơ quan chủ trì", "Ngày nhận", "Hẹn trả", "Ngày có kết quả", "Kết quả", "Ngày trả kết quả", "Ký nhận"];

/// Columns of `HEADERS` that hold an instant (written as dates in the XLSX).
const DATE_COLUMNS: [usize; 4] = [5, 6, 7, 9];

/// The instants of a line, in the order of `DATE_COLUMNS`.
fn instants(r: &BookRow) -> [Option<i64>; 4] {
    [Some(r.received_at), r.original_due_at.or(r.due_at), r.finished_at, r.returned_at]
}

/// The cells of one line (the receiver's signature column is left blank for the paper book).
fn cells(i: usize, r: &BookRow, app: &App, agency: &str) -> [String; 11] {
    let [received, due, finished, returned] = instants(r).map(day);
    [
        (i + 1).to_string(),
        r.code.clone().unwrap_or_default(),
        app.names.procedure(r.procedure_id).name,
        r.applicant_name.clone(),
        agency.to_string(),
        received,
        due,
        finished,
        if r.finished_at.is_some() { outcome_label(r.outcome.as_deref()).to_string() } else { String::new() },
        returned,
        String::new(),
    ]
}

/// What an officer asks for, as typed: an agency's code, the first and last days
/// (`YYYY-MM-DD`) and the format (`pdf`, the default, or `xlsx`).
pub struct BookRequest<'a> {
    pub agency: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub format: Option<&'a str>,
}

/// The book asked for, as its file and the file's name without extension; every problem
/// of the request at once.
pub async fn tracking_book(app: &App, staff: &Staff, q: &BookRequest<'_>) -> Result<(String, Book), AppError> {
    let mut e = FieldErrors::default();
    let agency = match q.agency.filter(|c| !c.is_empty()) {
        Some(code) => match app.agency(code).await? {
            Some(a) if staff.agencies().contains(&a.id) => Some(a),
            _ => {
                e.add("co-quan", "Cơ quan không thuộc phạm vi của bạn");
                None
            }
        },
        None => {
            e.add("co-quan", "Chọn cơ quan");
            None
        }
    };
    let date = |e: &mut FieldErrors, path: &str, v: Option<&str>| match v.map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d")) {
        Some(Ok(d)) => Some(d),
        _ => {
            e.add(path, "Ngày phải có dạng YYYY-MM-DD");
            None
        }
    };
    let from = date(&mut e, "tu", q.from);
    let to = date(&mut e, "den", q.to);
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            e.add("den", "Ngày cuối kỳ phải từ ngày đầu kỳ trở đi");
        }
    }
    let xlsx = match q.format.unwrap_or("pdf") {
        "pdf" => false,
        "xlsx" => true,
        _ => {
            e.add("dinh-dang", "Định dạng phải là pdf hoặc xlsx");
            false
        }
    };
    let (Some(agency), Some(from), Some(to), true) = (agency, from, to, e.is_empty()) else { return Err(AppError::Invalid(e)) };
    let start = motcua_store::ms(motcua_core::time::from_local(from.and_hms_opt(0, 0, 0).unwrap_or_default()));
    let end = motcua_store::ms(motcua_core::time::from_local(to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).unwrap_or_default()));
    let max = if xlsx { XLSX_MAX_ROWS } else { PDF_MAX_ROWS };
    let rows = app.store.tracking_book(agency.id, start, end, max + 1).await?;
    if rows.len() as i64 > max {
        return Err(AppError::field("den", format!("Kỳ này có hơn {max} hồ sơ: chọn kỳ ngắn hơn{}", if xlsx { "" } else { " hoặc tải bản XLSX" })));
    }
    // Every procedure of the book must be named, not only the first one's.
    let procedures: std::collections::BTreeSet<i64> = rows.iter().map(|r| r.procedure_id).collect();
    for id in procedures {
        app.names.ensure(app, &[agency.id], Some(id)).await?;
    }
    let period = format!("từ ngày {} đến ngày {}", from.format("%d/%m/%Y"), to.format("%d/%m/%Y"));
    let file = format!("so-theo-doi-{}-{}-{}", agency.code, from.format("%Y%m%d"), to.format("%Y%m%d"));
    let agency_name = agency.name.clone();
    if xlsx {
        let app2 = app.clone();
        let tmp = tokio::task::spawn_blocking(move || write_xlsx(&rows, &app2, &agency_name, &period)).await.map_err(|e| AppError::Internal(e.to_string()))??;
        return Ok((file, Book::Xlsx(tmp)));
    }
    let form = OfficialForm {
        form_code: "Mẫu số 07".into(),
        parent_agency: None,
        agency: agency.name.clone(),
        number: String::new(),
        place_date: String::new(),
        title: "Sổ theo dõi hồ sơ".into(),
        subtitle: Some(format!("{} · {} hồ sơ", period, rows.len())),
        blocks: vec![Block::Table {
            headers: HEADERS.iter().map(|h| h.to_string()).collect(),
            // STT fits "5000" and the signature column a signature.
            widths: vec![0.8, 3.0, 2.2, 1.6, 1.8, 1.4, 1.4, 1.4, 1.3, 1.4, 1.6],
            rows: rows.iter().enumerate().map(|(i, r)| cells(i, r, app, &agency.name).to_vec()).collect(),
        }],
        signers: Vec::new(),
        qr: None,
        landscape: true,
        created: app.now(),
    };
    Ok((file, Book::Pdf(crate::documents::render(app, form).await?)))
}

/// Writes the book to a temporary XLSX file, row by row in constant memory. Instants are
/// date-time cells (Excel serial numbers in Vietnamese time with a dd/mm/yyyy hh:mm format),
/// so a spreadsheet sorts and filters them as dates; the outcome has its own column.
fn write_xlsx(rows: &[BookRow], app: &App, agency: &str, period: &str) -> Result<tempfile::NamedTempFile, AppError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let tmp = tempfile::NamedTempFile::new().map_err(|e| AppError::Internal(e.to_string()))?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().map_err(err)?;
    ws.set_name("So theo doi").map_err(err)?;
    let bold = Format::new().set_bold();
    let when = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    for c in DATE_COLUMNS {
        ws.set_column_width(c as u16, 16).map_err(err)?;
    }
    ws.write_with_format(0, 0, format!("SỔ THEO DÕI HỒ SƠ — {agency}"), &bold).map_err(err)?;
    ws.write(1, 0, period).map_err(err)?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_with_format(3, c as u16, *h, &bold).map_err(err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 4 + i as u32;
        let instants = instants(r);
        for (c, v) in cells(i, r, app, agency).iter().enumerate() {
            if c == 0 {
                ws.write(row, 0, (i + 1) as f64).map_err(err)?;
            } else if let Some(k) = DATE_COLUMNS.iter().position(|d| *d == c) {
                if let Some(ms) = instants[k] {
                    // Vietnamese time is UTC+7 all year; Excel date-times have no zone.
                    let local = ExcelDateTime::from_timestamp(ms.div_euclid(1000) + 7 * 3600).map_err(err)?;
                    ws.write_datetime_with_format(row, c as u16, &local, &when).map_err(err)?;
                }
            } else if !v.is_empty() {
                ws.write(row, c as u16, v.as_str()).map_err(err)?;
            }
        }
    }
    wb.save(tmp.path()).map_err(err)?;
    Ok(tmp)
}
