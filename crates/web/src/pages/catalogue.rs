//! The public procedure catalogue: search (diacritics, case and word order do not matter;
//! best match first), filters, pages; and each procedure's page with a QR code of its
//! address for the counter's notice board, and a printable view.

use super::{render, url_encode};
use crate::state::AppState;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use motcua_core::catalogue::{agency_kind_label, rank_indexed, AgencyTarget, Level, Procedure};
use motcua_core::text::{sort_key, words};
use serde::Deserialize;

const PAGE_SIZE: usize = 20;

pub struct Line {
    code: String,
    name: String,
    field: String,
    level: &'static str,
    time: String,
    online: &'static str,
}

fn line(p: &Procedure) -> Line {
    Line {
        code: p.code.clone(),
        name: p.name.clone(),
        field: p.field.clone(),
        level: p.level.label_vi(),
        time: p.processing.label_vi(),
        online: p.online.label_vi(),
    }
}

#[derive(Template)]
#[template(path = "catalogue.html")]
struct CataloguePage {
    q: String,
    field: String,
    level: String,
    agency: String,
    fields: Vec<String>,
    agencies: Vec<(String, String)>,
    levels: Vec<(&'static str, &'static str)>,
    total: usize,
    items: Vec<Line>,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct CatalogueQuery {
    q: Option<String>,
    #[serde(rename = "linh-vuc")]
    field: Option<String>,
    cap: Option<String>,
    #[serde(rename = "co-quan")]
    agency: Option<String>,
    trang: Option<usize>,
}


pub async fn search(State(state): State<AppState>, Query(q): Query<CatalogueQuery>) -> Response {
    let text = q.q.unwrap_or_default().chars().take(200).collect::<String>();
    let field = q.field.unwrap_or_default();
    let level = q.cap.unwrap_or_default();
    let agency = q.agency.unwrap_or_default();
    let page = q.trang.unwrap_or(1).clamp(1, 1000);
    let w: Vec<String> = words(&text).into_iter().take(12).collect();
    let (catalogue, agencies) = match (state.catalogue().await, state.agencies_today().await) {
        (Ok(c), Ok(a)) => (c, a),
        (Err(e), _) | (_, Err(e)) => return ApiError::from(e).into_response(),
    };
    let fields = catalogue.fields.iter().map(|(f, _)| f.clone()).collect();
    // One choice per kind of agency that receives some procedure: its usual name, or the
    // name of the first such agency here.
    let mut agency_options: Vec<(String, String)> = Vec::new();
    for a in agencies.iter().filter(|a| catalogue.agency_kinds.contains(&a.kind)) {
        if !agency_options.iter().any(|(k, _)| *k == a.kind) {
            agency_options.push((a.kind.clone(), agency_kind_label(&a.kind).map(String::from).unwrap_or_else(|| a.name.clone())));
        }
    }
    agency_options.sort_by_cached_key(|(_, label)| sort_key(label));
    let agency_kind = agency_options.iter().find(|a| a.0 == agency).map(|a| a.0.clone());
    let filtered = catalogue
        .rows
        .iter()
        .zip(&catalogue.index)
        .map(|(r, s)| (&r.procedure, s))
        .filter(|(p, _)| field.is_empty() || p.field == field)
        .filter(|(p, _)| level.is_empty() || p.level.as_str() == level)
        .filter(|(p, _)| agency.is_empty() || agency_kind.as_ref().is_some_and(|k| p.agency_kinds.contains(k)));
    let ranked = rank_indexed(&w, filtered);
    let total = ranked.len();
    let items = ranked.iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).map(|p| line(p)).collect();
    let link = |n: usize| format!("/thu-tuc?q={}&linh-vuc={}&cap={}&co-quan={}&trang={n}", url_encode(&text), url_encode(&field), url_encode(&level), url_encode(&agency));
    render(CataloguePage {
        q: text.clone(),
        field: field.clone(),
        level: level.clone(),
        agency: agency.clone(),
        fields,
        agencies: agency_options,
        levels: [Level::Province, Level::Commune, Level::Central].iter().map(|l| (l.as_str(), l.label_vi())).collect(),
        total,
        items,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page * PAGE_SIZE < total).then(|| link(page + 1)),
    })
}

struct DocLine {
    name: String,
    kind: &'static str,
    count: u32,
    mandatory: bool,
    form: String,
}

struct FeeLine {
    name: String,
    amount: String,
    note: String,
}

struct Detail {
    code: String,
    name: String,
    field: String,
    level: &'static str,
    agency: String,
    time: String,
    online: &'static str,
    online_ok: bool,
    result: String,
    legal_basis: String,
    documents: Vec<DocLine>,
    fees: Vec<FeeLine>,
    steps: Vec<String>,
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ProcedurePage {
    p: Detail,
    url: String,
    qr_svg: std::sync::Arc<String>,
    printable: bool,
}

fn fee_amount(f: &motcua_core::catalogue::Fee) -> String {
    let base = match f.amount {
        Some(m) if m.0 == 0 => "Miễn".to_string(),
        Some(m) => m.display_vnd(),
        None => "Theo nghị quyết của HĐND tỉnh".to_string(),
    };
    let per = f.unit.as_deref().map(|u| format!("/{u}")).unwrap_or_default();
    match f.online_amount {
        Some(o) => format!("{base}{per} (nộp trực tuyến: {}{per})", o.display_vnd()),
        None => format!("{base}{per}"),
    }
}

fn detail(p: &Procedure) -> Detail {
    Detail {
        code: p.code.clone(),
        name: p.name.clone(),
        field: p.field.clone(),
        level: p.level.label_vi(),
        agency: p.agency_text.clone(),
        time: p.processing.label_vi(),
        online: p.online.label_vi(),
        online_ok: p.online != motcua_core::catalogue::OnlineLevel::None,
        result: p.result.clone(),
        legal_basis: p.legal_basis.clone(),
        documents: p
            .documents
            .iter()
            .map(|d| DocLine { name: d.name.clone(), kind: d.kind.label_vi(), count: d.count, mandatory: d.mandatory, form: d.form.clone().unwrap_or_default() })
            .collect(),
        fees: p.fees.iter().map(|f| FeeLine { name: f.name.clone(), amount: fee_amount(f), note: f.note.clone().unwrap_or_default() }).collect(),
        steps: p
            .workflow
            .iter()
            .map(|s| {
                let hours = s.budget_minutes as f64 / 60.0;
                let place = match &s.agency {
                    AgencyTarget::Receiving => String::new(),
                    AgencyTarget::Kind(_) => " (cơ quan phối hợp)".to_string(),
                };
                format!("{}{place} — {}, {} giờ làm việc", s.name, s.role.label_vi(), format!("{hours:.1}").trim_end_matches(".0"))
            })
            .collect(),
    }
}

/// The address of a page as the public sees it (for the QR code).
fn page_url(state: &AppState, headers: &HeaderMap, path: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}{path}")
}

async fn procedure_page(state: AppState, headers: HeaderMap, code: String, printable: bool) -> Response {
    let row = match state.procedure(&code).await {
        Ok(Some(p)) => p,
        Ok(None) => return ApiError::NotFound.into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let url = page_url(&state, &headers, &format!("/thu-tuc/{}", row.procedure.code));
    render(ProcedurePage { p: detail(&row.procedure), qr_svg: state.qr_svg(&url), url, printable })
}

pub async fn procedure(State(state): State<AppState>, headers: HeaderMap, Path(code): Path<String>) -> Response {
    procedure_page(state, headers, code, false).await
}

pub async fn printable(State(state): State<AppState>, headers: HeaderMap, Path(code): Path<String>) -> Response {
    procedure_page(state, headers, code, true).await
}
