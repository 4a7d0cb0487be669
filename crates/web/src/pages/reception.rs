//! Reception at the counter (`/can-bo/tiep-nhan`): the officer finds the procedure and the
//! applicant (prefilled from their latest dossier by CCCD or tax code), ticks each paper of
//! the procedure's list as original or copy with its number of copies, attaches scans,
//! records the fee collected and the delivery, and receives the dossier in one step: code
//! and due date issued, then the receipt-and-appointment slip (Mẫu 01) to print.

use super::render;
use motcua_app::submission::{submit, ApplicantInput, CreateDossier, DocumentInput, Origin, Submitted, Upload};
use motcua_app::AppError;
use crate::uploads::read_page_form;
use crate::state::AppState;
use crate::auth::WebStaff;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use motcua_core::catalogue::{rank_indexed, Procedure};
use motcua_core::reception::{check, expected_fee, ChecklistLine, PaperForm};
use motcua_core::text::words;
use motcua_store::AgencyRow;
use serde::Deserialize;
use std::collections::HashMap;

struct Paper {
    index: usize,
    name: String,
    wanted: &'static str,
    mandatory: bool,
    form: String,
    count: String,
}

#[derive(Template)]
#[template(path = "reception.html")]
struct ReceptionPage {
    agencies: Vec<(String, String)>,
    agency: String,
    search: String,
    /// Procedures matching the search, as (code, name).
    matches: Vec<(String, String)>,
    procedure: Option<(String, String, String)>,
    fees: Vec<String>,
    papers: Vec<Paper>,
    forms: Vec<(&'static str, &'static str)>,
    values: HashMap<String, String>,
    prefilled: bool,
    errors: Vec<(String, String)>,
}

impl ReceptionPage {
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.as_str())
    }
}

#[derive(Deserialize, Default)]
pub struct ReceptionQuery {
    co_quan: Option<String>,
    tim: Option<String>,
    thu_tuc: Option<String>,
    so_dinh_danh: Option<String>,
}

fn empty_page(agencies: &[AgencyRow], agency: &str) -> ReceptionPage {
    ReceptionPage {
        agencies: agencies.iter().map(|a| (a.code.clone(), a.name.clone())).collect(),
        agency: agency.to_string(),
        search: String::new(),
        matches: Vec::new(),
        procedure: None,
        fees: Vec::new(),
        papers: Vec::new(),
        forms: PaperForm::ALL.iter().map(|f| (f.as_str(), f.label_vi())).collect(),
        values: HashMap::new(),
        prefilled: false,
        errors: Vec::new(),
    }
}

/// Fills the page for a chosen procedure: its papers with the forms typed (or the usual
/// form of each), its fees, and the fee it normally collects.
fn with_procedure(page: &mut ReceptionPage, p: &Procedure, typed: Option<&HashMap<String, String>>) {
    page.procedure = Some((p.code.clone(), p.name.clone(), p.processing.label_vi()));
    page.fees = p
        .fees
        .iter()
        .map(|f| {
            let amount = f.amount.map(|m| m.display_vnd()).unwrap_or_else(|| "theo quy định của tỉnh".into());
            let unit = f.unit.as_deref().map(|u| format!("/{u}")).unwrap_or_default();
            format!("{}: {amount}{unit}", f.name)
        })
        .collect();
    page.papers = p
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let get = |k: String| typed.and_then(|t| t.get(&k).cloned());
            Paper {
                index: i,
                name: d.name.clone(),
                wanted: d.kind.label_vi(),
                mandatory: d.mandatory,
                form: get(format!("giay_to_{i}")).unwrap_or_else(|| if d.mandatory { PaperForm::default_for(d.kind).as_str().into() } else { String::new() }),
                count: get(format!("so_ban_{i}")).unwrap_or_else(|| d.count.max(1).to_string()),
            }
        })
        .collect();
    if typed.is_none() {
        let fee = expected_fee(p).map(|m| m.0.to_string()).unwrap_or_default();
        page.values.insert("le_phi".into(), fee);
        page.values.insert("so_bo".into(), "1".into());
        page.values.insert("delivery".into(), "counter".into());
        page.values.insert("kind".into(), "person".into());
    }
}

pub async fn form(State(state): State<AppState>, staff: WebStaff, Query(q): Query<ReceptionQuery>) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let agencies = motcua_app::submission::reception_agencies(&state, &staff).await?;
        let Some(first) = agencies.first() else {
            return Err(ApiError::Forbidden("Chỉ cán bộ Bộ phận Một cửa được tiếp nhận hồ sơ tại quầy".into()));
        };
        let agency = agencies.iter().find(|a| Some(&a.code) == q.co_quan.as_ref()).unwrap_or(first).clone();
        let mut page = empty_page(&agencies, &agency.code);
        let id_number = q.so_dinh_danh.as_deref().unwrap_or("").trim().chars().take(20).collect::<String>();
        let catalogue = state.catalogue().await?;
        let accepted = |p: &Procedure| p.agency_kinds.contains(&agency.kind);
        let chosen = q.thu_tuc.as_deref().and_then(|c| catalogue.rows.iter().find(|r| r.procedure.code == c.trim() && accepted(&r.procedure)));
        page.search = q.tim.unwrap_or_default().chars().take(200).collect();
        if chosen.is_none() && !page.search.trim().is_empty() {
            let w = words(&page.search);
            let exact = catalogue.rows.iter().find(|r| r.procedure.code == page.search.trim() && accepted(&r.procedure));
            let ranked: Vec<&Procedure> = match exact {
                Some(r) => vec![&r.procedure],
                None => rank_indexed(&w, catalogue.rows.iter().zip(&catalogue.index).map(|(r, s)| (&r.procedure, s)).filter(|(p, _)| accepted(p))),
            };
            page.matches = ranked.into_iter().take(15).map(|p| (p.code.clone(), p.name.clone())).collect();
            if page.matches.is_empty() {
                page.errors.push(("tim".into(), format!("Không có thủ tục phù hợp mà {} tiếp nhận", agency.name)));
            }
        }
        page.values.insert("id_number".into(), id_number.clone());
        if let Some(row) = chosen {
            with_procedure(&mut page, &row.procedure, None);
            if !id_number.is_empty() {
                if let Some((kind, name, phone, email, address)) = state.store.latest_applicant(&id_number, &staff.agencies()).await? {
                    page.prefilled = true;
                    page.values.extend([
                        ("kind".to_string(), kind),
                        ("name".into(), name),
                        ("phone".into(), phone),
                        ("email".into(), email.unwrap_or_default()),
                        ("address".into(), address.unwrap_or_default()),
                    ]);
                }
            }
        }
        Ok(render(page))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Maps an API error path to the form field it belongs to.
fn field_of(path: &str) -> String {
    if let Some(part) = path.strip_prefix("files.") {
        return part.to_string();
    }
    if let Some(rest) = path.strip_prefix("giay_to[").or_else(|| path.strip_prefix("so_ban[")) {
        let prefix = if path.starts_with("giay_to") { "giay_to_" } else { "so_ban_" };
        return format!("{prefix}{}", rest.trim_end_matches(']'));
    }
    match path {
        "agency_code" | "procedure_code" | "channel" => "co_quan".into(),
        p => p.strip_prefix("applicant.").unwrap_or(p).to_string(),
    }
}

pub async fn post(State(state): State<AppState>, staff: WebStaff, mut mp: Multipart) -> Response {
    let Some(staff) = staff.0 else { return Redirect::to("/dang-nhap").into_response() };
    let result: Result<Response, ApiError> = async {
        let form = read_page_form(&mut mp, &state).await?;
        let f = &form.fields;
        let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
        let agencies = motcua_app::submission::reception_agencies(&state, &staff).await?;
        let agency = agencies
            .iter()
            .find(|a| a.code == get("co_quan"))
            .ok_or_else(|| ApiError::Forbidden("Bạn không tiếp nhận hồ sơ cho cơ quan này".into()))?
            .clone();
        let procedure = state.procedure(&get("thu_tuc")).await?.ok_or_else(|| ApiError::field("thu_tuc", "Không có thủ tục với mã này"))?;
        let p = &procedure.procedure;
        let lines: Vec<ChecklistLine<'_>> = (0..p.documents.len())
            .map(|i| ChecklistLine {
                form: f.get(&format!("giay_to_{i}")).map(String::as_str),
                count: f.get(&format!("so_ban_{i}")).map(String::as_str).unwrap_or(""),
            })
            .collect();
        let checked = check(p, &lines, &get("so_bo"), &get("le_phi"), &get("so_bien_lai"));
        // A scan goes with the paper of its line: `tep_3` is the scan of paper 3.
        let mut documents = Vec::new();
        let mut uploads: Vec<Upload> = Vec::new();
        for u in form.uploads {
            let Some(i) = u.part.strip_prefix("tep_").and_then(|i| i.parse::<usize>().ok()).filter(|i| *i < p.documents.len()) else { continue };
            documents.push(DocumentInput { name: p.documents[i].name.clone(), part: u.part.clone() });
            uploads.push(u);
        }
        let body = CreateDossier {
            procedure_code: p.code.clone(),
            agency_code: agency.code.clone(),
            channel: Some("counter".into()),
            applicant: ApplicantInput {
                kind: get("kind"),
                name: get("name"),
                id_number: get("id_number"),
                phone: get("phone"),
                email: Some(get("email")),
                address: Some(get("address")),
            },
            delivery: get("delivery"),
            documents,
            // The checklist is this screen's, checked above by the same rule.
            reception: None,
        };
        let mut errors: Vec<(String, String)> = form.file_errors.iter().map(|(p, m)| (field_of(p), m.clone())).collect();
        if let Err(e) = &checked {
            errors.extend(e.0.iter().map(|x| (field_of(&x.path), x.message.clone())));
        }
        let outcome = match (&checked, errors.is_empty()) {
            (Ok(reception), true) => submit(&state, Some(&staff), &body, &uploads, None, false, Origin::Counter(reception)).await,
            _ => submit(&state, Some(&staff), &body, &uploads, None, true, Origin::Api).await,
        };
        match outcome {
            Ok(Submitted::Created(d, _)) => return Ok(Redirect::to(&format!("/can-bo/ho-so/{}?tiep_nhan=1", d.public_id())).into_response()),
            Ok(Submitted::Replayed(_)) => return Err(ApiError::Conflict("Hồ sơ vừa được tiếp nhận".into())),
            Ok(Submitted::Valid) => {}
            Err(AppError::Invalid(e)) => errors.extend(e.0.into_iter().map(|x| (field_of(&x.path), x.message))),
            Err(e) => return Err(e.into()),
        }
        if !uploads.is_empty() || !form.file_errors.is_empty() {
            errors.push(("scans".into(), "Các tệp bản quét cần chọn lại sau khi sửa lỗi".into()));
        }
        let mut page = empty_page(&agencies, &agency.code);
        page.values = f.clone();
        with_procedure(&mut page, p, Some(f));
        page.errors = errors;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
