//! Catalogue endpoints: search and read procedures, list agencies.

use crate::state::AppState;
use crate::error::ApiError;
use axum::extract::{Path, Query, State};
use axum::Json;
use motcua_core::catalogue::{AgencyTarget, Procedure};
use motcua_core::text::words;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
pub struct ProcedureQuery {
    /// Search words; diacritics, case and word order do not matter.
    pub q: Option<String>,
    /// province | commune | central
    pub level: Option<String>,
    /// The `next` value of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureSummary {
    pub code: String,
    pub name: String,
    pub field: String,
    pub level: String,
    pub online: String,
    pub processing_time: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedurePage {
    pub items: Vec<ProcedureSummary>,
    /// Cursor of the next page, or null on the last one.
    pub next: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeeView {
    pub name: String,
    pub amount_vnd: Option<i64>,
    pub online_amount_vnd: Option<i64>,
    pub unit: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentRequirement {
    pub name: String,
    /// original | copy | shown
    pub kind: String,
    pub count: u32,
    pub mandatory: bool,
    pub form: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkflowStepView {
    pub name: String,
    pub role: String,
    /// `receiving` or the kind of agency that handles the step.
    pub agency: String,
    pub budget_minutes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureDetail {
    pub code: String,
    pub name: String,
    pub field: String,
    pub level: String,
    pub agency: String,
    pub agency_kinds: Vec<String>,
    pub processing_time: String,
    pub fees: Vec<FeeView>,
    pub documents: Vec<DocumentRequirement>,
    pub online: String,
    pub result: String,
    pub legal_basis: String,
    pub inter_agency: bool,
    pub workflow: Vec<WorkflowStepView>,
    pub source_note: Option<String>,
}

fn summary(p: &Procedure) -> ProcedureSummary {
    ProcedureSummary {
        code: p.code.clone(),
        name: p.name.clone(),
        field: p.field.clone(),
        level: p.level.as_str().into(),
        online: p.online.as_str().into(),
        processing_time: p.processing.label_vi(),
    }
}

fn detail(p: Procedure) -> ProcedureDetail {
    ProcedureDetail {
        inter_agency: p.is_inter_agency(),
        processing_time: p.processing.label_vi(),
        level: p.level.as_str().into(),
        online: p.online.as_str().into(),
        fees: p
            .fees
            .into_iter()
            .map(|f| FeeView { name: f.name, amount_vnd: f.amount.map(|m| m.0), online_amount_vnd: f.online_amount.map(|m| m.0), unit: f.unit, note: f.note })
            .collect(),
        documents: p
            .documents
            .into_iter()
            .map(|d| DocumentRequirement {
                kind: serde_json::to_value(d.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                name: d.name,
                count: d.count,
                mandatory: d.mandatory,
                form: d.form,
            })
            .collect(),
        workflow: p
            .workflow
            .into_iter()
            .map(|s| WorkflowStepView {
                name: s.name,
                role: s.role.as_str().into(),
                agency: match s.agency {
                    AgencyTarget::Receiving => "receiving".into(),
                    AgencyTarget::Kind(k) => k,
                },
                budget_minutes: s.budget_minutes,
            })
            .collect(),
        code: p.code,
        name: p.name,
        field: p.field,
        agency: p.agency_text,
        agency_kinds: p.agency_kinds,
        result: p.result,
        legal_basis: p.legal_basis,
        source_note: p.source_note,
    }
}

/// Search the procedure catalogue.
#[utoipa::path(get, path = "/api/v1/procedures", tag = "catalogue", operation_id = "list_procedures", params(ProcedureQuery),
    responses((status = 200, body = ProcedurePage), (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(State(state): State<AppState>, Query(q): Query<ProcedureQuery>) -> Result<Json<ProcedurePage>, ApiError> {
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::field("limit", "Số kết quả mỗi trang phải từ 1 đến 100"));
    }
    if let Some(l) = &q.level {
        if !["province", "commune", "central"].contains(&l.as_str()) {
            return Err(ApiError::field("level", "Cấp thực hiện phải là province, commune hoặc central"));
        }
    }
    let w = words(q.q.as_deref().unwrap_or(""));
    if w.len() > 12 {
        return Err(ApiError::field("q", "Tối đa 12 từ khóa"));
    }
    let rows = state.store.search_procedures(&w, q.level.as_deref(), q.cursor.as_deref(), limit + 1).await?;
    let more = rows.len() as i64 > limit;
    let items: Vec<ProcedureSummary> = rows.iter().take(limit as usize).map(|r| summary(&r.procedure)).collect();
    let next = if more { items.last().map(|i| i.code.clone()) } else { None };
    Ok(Json(ProcedurePage { items, next }))
}

/// One procedure with everything a citizen needs before going.
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "catalogue", operation_id = "get_procedure", params(("code" = String, Path, description = "Procedure code")),
    responses((status = 200, body = ProcedureDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(State(state): State<AppState>, Path(code): Path<String>) -> Result<Json<ProcedureDetail>, ApiError> {
    let row = state.store.procedure_by_code(&code).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(detail(row.procedure)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyView {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub unit_code: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AgencyQuery {
    /// Only agencies of this kind (e.g. `commune_people_committee`).
    pub kind: Option<String>,
}

/// Agencies in force today (where dossiers can be submitted).
#[utoipa::path(get, path = "/api/v1/agencies", tag = "catalogue", params(AgencyQuery), responses((status = 200, body = Vec<AgencyView>)))]
pub async fn agencies(State(state): State<AppState>, Query(q): Query<AgencyQuery>) -> Result<Json<Vec<AgencyView>>, ApiError> {
    let today = state.today();
    let rows = state.store.agencies_in_force(&today).await?;
    Ok(Json(
        rows.into_iter()
            .filter(|a| q.kind.as_deref().is_none_or(|k| k == a.kind))
            .map(|a| AgencyView { code: a.code, name: a.name, kind: a.kind, unit_code: a.unit_code })
            .collect(),
    ))
}
