//! Parsing procedure catalogue files: the shape of `data/procedures.json`, accepting the
//! national-database field names of the shared sample (`processing_working_days`,
//! `same_day`, `days_kind`, …), with every problem reported by line and field.

use super::procedure::{DocumentKind, Fee, Level, OnlineLevel, Procedure, RequiredDocument};
use super::workflow::{default_workflow, AgencyTarget, WorkflowStep};
use crate::calendar::ProcessingTime;
use crate::dossier::Role;
use crate::validation::FieldErrors;
use crate::Money;
use serde::Deserialize;
use serde_json::value::RawValue;

/// A procedure as written in an import file, before validation.
#[derive(Debug, Clone, Deserialize)]
pub struct RawProcedure {
    pub code: Option<String>,
    pub name: Option<String>,
    pub field: Option<String>,
    pub level: Option<String>,
    pub agency: Option<String>,
    #[serde(default)]
    pub agency_kinds: Vec<String>,
    pub processing_working_days: Option<f64>,
    pub processing_days: Option<u32>,
    pub days_kind: Option<String>,
    #[serde(default)]
    pub same_day: bool,
    #[serde(default)]
    pub fees: Vec<RawFee>,
    #[serde(default)]
    pub documents: Vec<RawDocument>,
    pub online: Option<String>,
    pub result: Option<String>,
    pub legal_basis: Option<String>,
    pub workflow: Option<Vec<RawStep>>,
    pub confidence: Option<String>,
    pub code_status: Option<String>,
    #[serde(default)]
    pub sample: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawFee {
    pub name: Option<String>,
    pub amount_vnd: Option<i64>,
    pub online_amount_vnd: Option<i64>,
    pub unit: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawDocument {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub count: Option<u32>,
    #[serde(default = "yes")]
    pub mandatory: bool,
    pub form: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawStep {
    pub name: Option<String>,
    pub role: Option<String>,
    /// `"receiving"` or an agency kind.
    pub agency: Option<String>,
    /// Time budget in working hours (may be fractional).
    pub hours: Option<f64>,
}

fn yes() -> bool {
    true
}

/// One row of an import file with the line it starts on.
#[derive(Debug)]
pub struct ImportRow {
    pub line: usize,
    pub result: Result<Procedure, FieldErrors>,
}

#[derive(Deserialize)]
struct Wrapped<'a> {
    #[serde(borrow)]
    procedures: Vec<&'a RawValue>,
}

/// A whole catalogue file checked for import: every row valid and every code once, or
/// every problem by line (in Vietnamese), so that an import applies all or nothing.
pub fn parse_for_import(text: &str, minutes_per_day: i64) -> Result<Vec<Procedure>, Vec<String>> {
    let rows = parse_file(text, minutes_per_day).map_err(|(line, msg)| vec![format!("dòng {line}: {msg}")])?;
    let mut good = Vec::with_capacity(rows.len());
    let mut bad = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for row in rows {
        match row.result {
            Ok(p) => {
                if let Some(first) = seen.insert(p.code.clone(), row.line) {
                    bad.push(format!("dòng {}: code: mã thủ tục {} trùng với dòng {first}", row.line, p.code));
                }
                good.push(p);
            }
            Err(errs) => bad.extend(errs.0.into_iter().map(|e| format!("dòng {}: {}: {}", row.line, if e.path.is_empty() { "(bản ghi)" } else { &e.path }, e.message))),
        }
    }
    if bad.is_empty() {
        Ok(good)
    } else {
        Err(bad)
    }
}

/// Splits an import file (`{"procedures": [...]}` or a bare array) into rows, each parsed
/// and validated on its own. A file that is not JSON at all is one error with its line.
pub fn parse_file(text: &str, minutes_per_day: i64) -> Result<Vec<ImportRow>, (usize, String)> {
    let bad_json = |e: serde_json::Error| (e.line(), format!("JSON không hợp lệ: {e}"));
    let items: Vec<&RawValue> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(bad_json)?
    } else {
        serde_json::from_str::<Wrapped<'_>>(text).map_err(bad_json)?.procedures
    };
    let base = text.as_ptr() as usize;
    Ok(items
        .into_iter()
        .map(|raw| {
            let offset = raw.get().as_ptr() as usize - base;
            let line = text[..offset].bytes().filter(|&b| b == b'\n').count() + 1;
            let result = match serde_json::from_str::<RawProcedure>(raw.get()) {
                Ok(p) => parse_procedure(&p, minutes_per_day),
                Err(e) => {
                    let mut errs = FieldErrors::default();
                    errs.add("", format!("Sai kiểu dữ liệu: {e}"));
                    Err(errs)
                }
            };
            ImportRow { line, result }
        })
        .collect())
}

/// The agency kinds implied by a catalogue's agency text, for files that do not name them.
fn infer_agency_kinds(level: Level, agency: &str) -> Vec<String> {
    let folded = crate::text::fold(agency);
    let kind = match level {
        Level::Commune if folded.starts_with("cong an") => "commune_police",
        Level::Commune => "commune_people_committee",
        Level::Province if folded.starts_with("cong an") => "province_police",
        Level::Province => "province_service_centre",
        Level::Central => "central_agency",
    };
    vec![kind.to_string()]
}

/// Validates one raw procedure.
pub fn parse_procedure(raw: &RawProcedure, minutes_per_day: i64) -> Result<Procedure, FieldErrors> {
    let mut e = FieldErrors::default();
    let code = match raw.code.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() && c.len() <= 64 && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') => Some(c.to_string()),
        Some(_) => {
            e.add("code", "Mã thủ tục chỉ gồm chữ, số, dấu chấm và gạch ngang, tối đa 64 ký tự");
            None
        }
        None => {
            e.add("code", "Thiếu mã thủ tục");
            None
        }
    };
    let name = e.text("name", raw.name.as_deref().unwrap_or(""), 500);
    let field = e.text("field", raw.field.as_deref().unwrap_or(""), 200);
    let level = match raw.level.as_deref().and_then(Level::parse) {
        Some(l) => Some(l),
        None => {
            e.add("level", "Cấp thực hiện phải là tỉnh, xã hoặc trung ương");
            None
        }
    };
    let agency_text = e.text("agency", raw.agency.as_deref().unwrap_or(""), 300);
    let processing = match (raw.same_day, raw.processing_working_days, raw.processing_days, raw.days_kind.as_deref()) {
        (true, _, _, _) => Some(ProcessingTime::SameDay),
        // Two years at most: no procedure takes longer, and a huge number would overflow
        // every due date computed from it (found by fuzzing).
        (false, _, Some(d), Some("calendar")) if d > 0 && d <= MAX_CALENDAR_DAYS => Some(ProcessingTime::CalendarDays { days: d }),
        (false, Some(w), _, _) if w > 0.0 && w <= 365.0 && (w * 2.0).fract() == 0.0 => Some(ProcessingTime::WorkingDays { half_days: (w * 2.0) as u32 }),
        (false, Some(0.0), _, _) => Some(ProcessingTime::SameDay),
        _ => {
            e.add("processing_working_days", "Thời hạn giải quyết phải là số ngày làm việc dương, bội của 0,5 (hoặc same_day, hoặc processing_days với days_kind = calendar)");
            None
        }
    };
    let online = match raw.online.as_deref().and_then(OnlineLevel::parse) {
        Some(o) => Some(o),
        None => {
            e.add("online", "Mức độ trực tuyến phải là full, partial hoặc none");
            None
        }
    };
    let mut fees = Vec::with_capacity(raw.fees.len());
    for (i, f) in raw.fees.iter().enumerate() {
        let name = e.text(&format!("fees[{i}].name"), f.name.as_deref().unwrap_or(""), 300);
        for (label, v) in [("amount_vnd", f.amount_vnd), ("online_amount_vnd", f.online_amount_vnd)] {
            if v.is_some_and(|a| !(0..=1_000_000_000_000).contains(&a)) {
                e.add(format!("fees[{i}].{label}"), "Số tiền phải từ 0 đến 1.000 tỷ đồng");
            }
        }
        if let Some(name) = name {
            fees.push(Fee {
                name,
                amount: f.amount_vnd.map(Money),
                online_amount: f.online_amount_vnd.map(Money),
                unit: f.unit.clone(),
                note: f.note.clone(),
            });
        }
    }
    let mut documents = Vec::with_capacity(raw.documents.len());
    for (i, d) in raw.documents.iter().enumerate() {
        let name = e.text(&format!("documents[{i}].name"), d.name.as_deref().unwrap_or(""), 500);
        let kind = match d.kind.as_deref().unwrap_or("original") {
            "original" => Some(DocumentKind::Original),
            "copy" => Some(DocumentKind::Copy),
            "shown" => Some(DocumentKind::Shown),
            _ => {
                e.add(format!("documents[{i}].kind"), "Loại giấy tờ phải là original, copy hoặc shown");
                None
            }
        };
        let count = d.count.unwrap_or(1);
        if !(1..=100).contains(&count) {
            e.add(format!("documents[{i}].count"), "Số lượng phải từ 1 đến 100");
        }
        if let (Some(name), Some(kind)) = (name, kind) {
            documents.push(RequiredDocument { name, kind, count, mandatory: d.mandatory, form: d.form.clone() });
        }
    }
    let workflow = match (&raw.workflow, processing) {
        (Some(steps), _) if !steps.is_empty() => parse_steps(steps, &mut e),
        (Some(_), _) => {
            e.add("workflow", "Quy trình phải có ít nhất một bước");
            Vec::new()
        }
        (None, Some(p)) => default_workflow(p, minutes_per_day),
        (None, None) => Vec::new(),
    };
    if let Some(ProcessingTime::WorkingDays { half_days }) = processing {
        let budget: i64 = workflow.iter().map(|s| s.budget_minutes).sum();
        if budget > half_days as i64 * minutes_per_day / 2 {
            e.add("workflow", "Tổng thời gian các bước vượt quá thời hạn giải quyết theo quy định");
        }
    }
    let agency_kinds = if raw.agency_kinds.is_empty() {
        level.zip(agency_text.as_deref()).map(|(l, a)| infer_agency_kinds(l, a)).unwrap_or_default()
    } else {
        raw.agency_kinds.clone()
    };
    let mut notes: Vec<String> = Vec::new();
    if raw.sample {
        notes.push("Dữ liệu mẫu (sample)".into());
    }
    if let Some(c) = &raw.confidence {
        notes.push(format!("confidence: {c}"));
    }
    if let Some(c) = &raw.code_status {
        notes.push(format!("code_status: {c}"));
    }
    if let Some(n) = &raw.note {
        notes.push(n.clone());
    }
    let result = e.text("result", raw.result.as_deref().unwrap_or(""), 500);
    let legal_basis = e.text("legal_basis", raw.legal_basis.as_deref().unwrap_or(""), 2000);
    e.finish(|| Procedure {
        code: code.unwrap_or_default(),
        name: name.unwrap_or_default(),
        field: field.unwrap_or_default(),
        level: level.unwrap_or(Level::Commune),
        agency_text: agency_text.unwrap_or_default(),
        agency_kinds,
        processing: processing.unwrap_or(ProcessingTime::SameDay),
        fees,
        documents,
        online: online.unwrap_or(OnlineLevel::None),
        result: result.unwrap_or_default(),
        legal_basis: legal_basis.unwrap_or_default(),
        workflow,
        source_note: (!notes.is_empty()).then(|| notes.join("; ")),
    })
}

/// The longest processing time in calendar days an imported procedure may have.
pub const MAX_CALENDAR_DAYS: u32 = 730;

fn parse_steps(steps: &[RawStep], e: &mut FieldErrors) -> Vec<WorkflowStep> {
    let mut out = Vec::with_capacity(steps.len());
    for (i, s) in steps.iter().enumerate() {
        let name = e.text(&format!("workflow[{i}].name"), s.name.as_deref().unwrap_or(""), 200);
        let role = match s.role.as_deref().and_then(Role::parse) {
            Some(r) if r.handles_steps() => Some(r),
            _ => {
                e.add(format!("workflow[{i}].role"), "Vai trò phải là specialist, head_of_unit hoặc signing_leader");
                None
            }
        };
        let agency = match s.agency.as_deref().map(str::trim) {
            None | Some("receiving") => AgencyTarget::Receiving,
            Some(k) if !k.is_empty() && k.len() <= 64 => AgencyTarget::Kind(k.to_string()),
            Some(_) => {
                e.add(format!("workflow[{i}].agency"), "Cơ quan của bước phải là receiving hoặc một loại cơ quan");
                AgencyTarget::Receiving
            }
        };
        let minutes = match s.hours {
            // Counted in whole minutes: a step under half a minute would have none.
            Some(h) if h > 0.0 && h <= 24.0 * 365.0 && (h * 60.0).round() >= 1.0 => Some((h * 60.0).round() as i64),
            _ => {
                e.add(format!("workflow[{i}].hours"), "Thời gian của bước phải là số giờ làm việc dương");
                None
            }
        };
        if let (Some(name), Some(role), Some(budget_minutes)) = (name, role, minutes) {
            out.push(WorkflowStep { name, role, agency, budget_minutes });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"code":"1.001193","name":"Đăng ký khai sinh","field":"Hộ tịch","level":"xã",
        "agency":"Ủy ban nhân dân cấp xã","processing_working_days":0,"same_day":true,
        "fees":[{"name":"Lệ phí","amount_vnd":0}],"documents":[{"name":"Tờ khai","kind":"original","count":1,"mandatory":true}],
        "online":"full","result":"Giấy khai sinh","legal_basis":"Luật Hộ tịch 2014"}"#;

    #[test]
    fn parses_the_shared_sample_shape_with_a_default_workflow() {
        let rows = parse_file(&format!("[{GOOD}]"), 480).unwrap();
        let p = rows[0].result.as_ref().unwrap();
        assert_eq!(p.processing, ProcessingTime::SameDay);
        assert_eq!(p.level, Level::Commune);
        assert_eq!(p.agency_kinds, vec!["commune_people_committee"]);
        assert_eq!(p.workflow.len(), 3);
        assert!(!p.is_inter_agency());
    }

    #[test]
    fn reports_bad_rows_by_line_and_field() {
        let text = format!("{{\"procedures\": [\n{GOOD},\n{{\"code\": \"1.2\", \"name\": \"\",\n \"level\": \"huyện\", \"online\": \"x\", \"documents\": [{{\"kind\": \"scan\"}}]}}\n]}}");
        let rows = parse_file(&text, 480).unwrap();
        assert!(rows[0].result.is_ok());
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].line, 6);
        let errs = rows[1].result.as_ref().unwrap_err();
        let paths: Vec<&str> = errs.0.iter().map(|e| e.path.as_str()).collect();
        for p in ["name", "level", "online", "documents[0].name", "documents[0].kind", "processing_working_days"] {
            assert!(paths.contains(&p), "{p} missing from {paths:?}");
        }
    }

    #[test]
    fn refuses_workflow_longer_than_the_legal_time() {
        let text = r#"[{"code":"X.1","name":"N","field":"F","level":"tỉnh","agency":"Sở","processing_working_days":1,
            "online":"none","result":"R","legal_basis":"L","workflow":[{"name":"A","role":"specialist","hours":9}]}]"#;
        let rows = parse_file(text, 480).unwrap();
        assert_eq!(rows[0].result.as_ref().unwrap_err().0[0].path, "workflow");
    }

    /// Two inputs found by fuzzing: a calendar time that overflows every due date, and a
    /// step whose time rounds to no minute at all.
    #[test]
    fn refuses_times_that_cannot_be_counted() {
        let calendar =
            |days: u64| format!(r#"[{{"code":"X","name":"N","field":"F","level":"xã","agency":"A","processing_days":{days},"days_kind":"calendar","online":"none","result":"R","legal_basis":"L"}}]"#);
        assert!(parse_file(&calendar(730), 480).unwrap()[0].result.is_ok());
        let err = parse_file(&calendar(4_294_967_295), 480).unwrap().remove(0).result.unwrap_err();
        assert_eq!(err.0[0].path, "processing_working_days");
        let step = |hours: f64| {
            format!(
                r#"[{{"code":"X","name":"N","field":"F","level":"xã","agency":"A","processing_working_days":1,"online":"none","result":"R","legal_basis":"L","workflow":[{{"name":"A","role":"specialist","hours":{hours}}}]}}]"#
            )
        };
        assert!(parse_file(&step(0.02), 480).unwrap()[0].result.is_ok(), "a minute and more");
        let err = parse_file(&step(0.001), 480).unwrap().remove(0).result.unwrap_err();
        assert_eq!(err.0[0].path, "workflow[0].hours");
    }

    #[test]
    fn a_file_that_is_not_json_is_one_error_with_its_line() {
        let err = parse_file("[\n{\"code\": }", 480).unwrap_err();
        assert_eq!(err.0, 2);
    }
}
