//! The public lookup (`/tra-cuu`): an applicant finds a dossier by its code and their
//! phone or ID number, follows it, supplies missing papers, withdraws it, and downloads
//! the electronic result.

use super::render;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use super::staff_dossier::{dossier_page, EventLine};
use motcua_app::access::applicant_secret_matches;
use motcua_app::actions::{self, Withdrawal};
use motcua_app::AppError;
use motcua_app::views::{dossier_view, prepare_names, Audience, DossierView};

#[derive(Template)]
#[template(path = "lookup.html")]
pub struct LookupPage {
    pub(super) error: Option<String>,
    pub(super) code: String,
}

#[derive(Deserialize)]
pub struct LookupQuery {
    pub(super) ma: Option<String>,
}

/// The lookup form; `?ma=` fills in the code (receipts' QR codes open this).
pub async fn lookup_form(Query(q): Query<LookupQuery>) -> Response {
    render(LookupPage { error: None, code: q.ma.filter(|m| m.len() <= 80).unwrap_or_default() })
}

#[derive(Deserialize)]
pub struct LookupForm {
    pub(super) code: String,
    pub(super) secret: String,
}

#[derive(Template)]
#[template(path = "lookup_result.html")]
pub struct LookupResult {
    pub(super) id: String,
    pub(super) state: String,
    pub(super) next_step: String,
    pub(super) missing: Vec<(String, String)>,
    pub(super) procedure: String,
    pub(super) agency: String,
    pub(super) submitted: String,
    pub(super) received: String,
    pub(super) due: String,
    pub(super) due_label: String,
    pub(super) explanation: Vec<String>,
    pub(super) timeline: Vec<EventLine>,
    pub(super) can_withdraw: bool,
    pub(super) can_rate: bool,
    /// The electronic result can be downloaded (returned, with a result document).
    pub(super) has_result: bool,
    pub(super) notice: Option<String>,
    pub(super) withdraw_error: Option<String>,
    pub(super) supply_error: Option<String>,
    /// The applicant's secret when already proven (a signed-in owner): forms carry it hidden.
    pub(super) known_secret: Option<String>,
    /// A withdrawal waits for its one-time code: the form asks for it, keeping the reason.
    pub(super) withdraw_code_sent: bool,
    pub(super) withdraw_reason: String,
}

/// What the applicant should know or do next, in plain Vietnamese.
fn next_step(v: &DossierView) -> String {
    let s = &v.summary;
    let last_note = v.timeline.as_ref().and_then(|t| t.last()).and_then(|e| e.note.clone()).unwrap_or_default();
    match s.state.as_str() {
        "draft" => "Hồ sơ chưa được nộp.".into(),
        "submitted" => "Hồ sơ đang chờ cán bộ tiếp nhận kiểm tra. Khi hồ sơ được tiếp nhận, bạn sẽ nhận mã hồ sơ và ngày hẹn trả kết quả.".into(),
        "received" | "processing" => format!(
            "Hồ sơ đang được giải quyết{}. Bạn không cần làm gì thêm; hạn trả kết quả được ghi bên dưới.",
            s.current_step_name.as_deref().map(|n| format!(" (bước: {n})")).unwrap_or_default()
        ),
        "supplement_requested" => "Cơ quan cần bạn bổ sung giấy tờ dưới đây. Thời hạn giải quyết tạm dừng cho đến khi bạn nộp đủ; nộp bổ sung trực tuyến ngay bên dưới, hoặc tại Bộ phận Một cửa nơi đã nộp hồ sơ.".into(),
        "result_ready" => match v.delivery.as_str() {
            "post" => "Đã có kết quả; kết quả sẽ được gửi qua dịch vụ bưu chính đến địa chỉ bạn đã đăng ký.".into(),
            "online" => "Đã có kết quả; bạn nhận kết quả điện tử trên cổng dịch vụ công.".into(),
            _ => format!("Đã có kết quả. Mời bạn mang giấy tờ tùy thân đến {} để nhận kết quả.", s.agency.name),
        },
        "returned" => "Đã trả kết quả. Cảm ơn bạn đã sử dụng dịch vụ.".into(),
        "rejected" => format!("Hồ sơ bị từ chối. Lý do: {last_note}"),
        "stopped" => format!("Cơ quan đã dừng giải quyết hồ sơ. Lý do: {last_note}"),
        "withdrawn" => "Bạn đã rút hồ sơ.".into(),
        _ => String::new(),
    }
}

/// What the applicant sees of their dossier, as the lookup shows it.
pub async fn applicant_page(state: &AppState, d: &motcua_store::DossierRow, notice: Option<String>, withdraw_error: Option<String>) -> Result<LookupResult, ApiError> {
    let events = state.store.dossier_events(d.id).await?;
    applicant_page_with(state, d, events, notice, withdraw_error).await
}

pub async fn applicant_page_with(
    state: &AppState,
    d: &motcua_store::DossierRow,
    events: Vec<motcua_store::EventRow>,
    notice: Option<String>,
    withdraw_error: Option<String>,
) -> Result<LookupResult, ApiError> {
    prepare_names(state, &[d]).await?;
    let v = dossier_view(state, d, Audience::Applicant, Some(&events), None)?;
    let mut page = lookup_result(v, notice, withdraw_error);
    // A dossier is rated once: no invitation after that.
    if page.can_rate && state.store.is_rated(d.id).await? {
        page.can_rate = false;
    }
    page.has_result = d.state == "returned" && d.document_count > 0 && state.store.has_result_document(d.id).await?;
    Ok(page)
}

fn lookup_result(v: DossierView, notice: Option<String>, withdraw_error: Option<String>) -> LookupResult {
    // What the applicant sees of the history was decided by the view (`Audience::Applicant`).
    let page = dossier_page(v.clone());
    let s = &v.summary;
    // Everything asked for in the latest supplement request, with its reasons.
    let missing = if s.state == "supplement_requested" {
        v.timeline
            .as_ref()
            .and_then(|t| t.iter().rev().find(|e| e.action == "request_supplement"))
            .and_then(|e| e.data.get("items").and_then(|i| i.as_array()).cloned())
            .unwrap_or_default()
            .iter()
            .map(|i| (i["document"].as_str().unwrap_or("").to_string(), i["reason"].as_str().unwrap_or("").to_string()))
            .collect()
    } else {
        Vec::new()
    };
    LookupResult {
        next_step: next_step(&v),
        missing,
        can_withdraw: matches!(s.state.as_str(), "submitted" | "received" | "processing" | "supplement_requested"),
        can_rate: motcua_core::dossier::State::parse(&s.state).is_some_and(motcua_core::rating::may_rate),
        has_result: false,
        state: page.d.state,
        id: page.d.id,
        procedure: page.d.procedure,
        agency: page.d.agency,
        submitted: page.d.submitted,
        received: if s.received_at.is_some() { page.d.received } else { String::new() },
        due: if s.due_at.is_some() { page.d.due } else { String::new() },
        due_label: page.d.due_label,
        explanation: page.explanation,
        timeline: page.timeline,
        notice,
        withdraw_error,
        supply_error: None,
        known_secret: None,
        withdraw_code_sent: false,
        withdraw_reason: String::new(),
    }
}

/// The dossier behind a code and secret, or the one answer for a wrong code or secret.
pub async fn find_for_applicant(state: &AppState, code: &str, secret: &str) -> Result<Option<motcua_store::DossierRow>, ApiError> {
    let found = if code.len() <= 80 { state.store.dossier_by_public_id(code.trim()).await? } else { None };
    let proven = state.throttles.applicant_guess(code, found.as_ref().map(|d| d.id), secret, state.now(), || found.as_ref().is_some_and(|d| applicant_secret_matches(d, secret)))?;
    Ok(found.filter(|_| proven))
}

/// The dossier with its events in one query, if the secret proves the caller is its
/// applicant (the lookup is the busiest public page).
pub async fn find_with_events(state: &AppState, code: &str, secret: &str) -> Result<Option<(motcua_store::DossierRow, Vec<motcua_store::EventRow>)>, ApiError> {
    let found = if code.len() <= 80 { state.store.dossier_with_events(code.trim()).await? } else { None };
    let proven = state.throttles.applicant_guess(code, found.as_ref().map(|(d, _)| d.id), secret, state.now(), || found.as_ref().is_some_and(|(d, _)| applicant_secret_matches(d, secret)))?;
    Ok(found.filter(|_| proven))
}

fn not_found_page(code: String) -> Response {
    // One answer for a wrong code and a wrong secret: nobody learns which codes exist.
    (
        StatusCode::NOT_FOUND,
        render(LookupPage { error: Some("Không tìm thấy hồ sơ khớp với mã và số điện thoại hoặc số định danh đã nhập".into()), code }),
    )
        .into_response()
}

pub async fn lookup(State(state): State<AppState>, Form(f): Form<LookupForm>) -> Response {
    match find_with_events(&state, &f.code, &f.secret).await {
        Err(e) => e.into_response(),
        Ok(None) => not_found_page(f.code),
        Ok(Some((d, events))) => match applicant_page_with(&state, &d, events, None, None).await {
            Ok(page) => render(page),
            Err(e) => e.into_response(),
        },
    }
}

#[derive(Deserialize)]
pub struct ResultForm {
    pub(super) code: String,
    pub(super) secret: String,
}

/// The electronic result of a returned dossier, for its applicant (code + phone or ID).
pub async fn download_result(State(state): State<AppState>, Form(f): Form<ResultForm>) -> Response {
    let result: Result<Response, ApiError> = async {
        let Some(d) = find_for_applicant(&state, &f.code, &f.secret).await? else { return Ok(not_found_page(f.code)) };
        if d.state != "returned" {
            return Err(ApiError::Conflict("Kết quả chưa được trả".into()));
        }
        let doc = state.store.dossier_documents(d.id).await?.into_iter().rev().find(|x| x.role == "result").ok_or(ApiError::NotFound)?;
        let bytes = state.files.get(&doc.sha256).await?;
        let name = motcua_core::files::sanitize_name(&doc.original_name);
        Ok(([(header::CONTENT_TYPE, doc.content_type), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], bytes).into_response())
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The applicant uploads the papers asked for; the dossier goes back to the officer and
/// the clock resumes.
pub async fn supply(State(state): State<AppState>, mut mp: axum::extract::Multipart) -> Response {
    let form = match crate::uploads::read_page_form(&mut mp, &state).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let (fields, files) = (form.fields, form.uploads);
    let file_error = form.file_errors.into_iter().next().map(|(_, m)| m);
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let d = match find_for_applicant(&state, &get("code"), &get("secret")).await {
        Err(e) => return e.into_response(),
        Ok(None) => return not_found_page(get("code")),
        Ok(Some(d)) => d,
    };
    let view = |d: motcua_store::DossierRow, notice: Option<String>, error: Option<String>, status: StatusCode| {
        let state = state.clone();
        async move {
            match applicant_page(&state, &d, notice, None).await {
                Ok(mut page) => {
                    page.supply_error = error;
                    (status, render(page)).into_response()
                }
                Err(e) => e.into_response(),
            }
        }
    };
    if file_error.is_some() || files.is_empty() {
        let msg = file_error.unwrap_or_else(|| "Chọn ít nhất một tệp để nộp bổ sung".into());
        return view(d, None, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    // Each file answers the paper of its field (`s0`, `s1`, … in the order asked).
    let answers: Vec<Option<usize>> = files.iter().map(|f| f.part.strip_prefix('s').and_then(|i| i.parse::<usize>().ok())).collect();
    match actions::supply_papers(&state, &d, &files, &answers).await {
        Ok(row) => view(row, Some(format!("Đã nộp bổ sung {} tệp. Hồ sơ được chuyển lại cho cán bộ xử lý và thời hạn giải quyết tiếp tục.", files.len())), None, StatusCode::OK).await,
        Err(AppError::Conflict(m)) => view(d, None, Some(m), StatusCode::CONFLICT).await,
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    pub(super) code: String,
    pub(super) secret: String,
    pub(super) reason: String,
    /// Empty on the first submission, which sends the code.
    #[serde(default)]
    pub(super) one_time_code: String,
}

/// The applicant withdraws a dossier not yet decided, proving it is theirs with the secret
/// and then with the one-time code sent to the dossier's phone (the code and the phone may
/// both be known to someone else).
pub async fn withdraw(State(state): State<AppState>, Form(f): Form<WithdrawForm>) -> Response {
    let d = match find_for_applicant(&state, &f.code, &f.secret).await {
        Err(e) => return e.into_response(),
        Ok(None) => return not_found_page(f.code),
        Ok(Some(d)) => d,
    };
    let reason: String = f.reason.trim().chars().take(500).collect();
    let outcome = if reason.is_empty() {
        Err(AppError::field("reason", "Ghi rõ lý do rút hồ sơ"))
    } else {
        let action = motcua_core::dossier::Action::Withdraw { reason: reason.clone() };
        actions::withdraw_by_applicant(&state, &d, &action, Some(f.one_time_code.as_str()), None).await
    };
    let (row, notice, error, status, code_sent) = match outcome {
        Ok(Withdrawal::Withdrawn(out)) => (out.dossier, Some("Bạn đã rút hồ sơ. Cơ quan đã được thông báo.".to_string()), None, StatusCode::OK, false),
        Ok(Withdrawal::CodeSent(sent_to)) => (d, Some(actions::code_sent_message(&sent_to)), None, StatusCode::OK, true),
        Err(AppError::Invalid(e)) => {
            let code_asked = e.0.iter().any(|x| x.path == "one_time_code");
            (d, None, Some(e.0.first().map(|x| x.message.clone()).unwrap_or_default()), StatusCode::UNPROCESSABLE_ENTITY, code_asked)
        }
        Err(AppError::Conflict(m)) => (d, None, Some(m), StatusCode::CONFLICT, false),
        Err(e) => return ApiError::from(e).into_response(),
    };
    match applicant_page(&state, &row, notice, error).await {
        Ok(mut page) => {
            page.withdraw_code_sent = code_sent && page.can_withdraw;
            page.withdraw_reason = if code_sent { reason } else { String::new() };
            // Proven a moment ago: the step that takes the code does not ask for it again.
            if page.withdraw_code_sent && page.known_secret.is_none() {
                page.known_secret = Some(f.secret.trim().to_string());
            }
            (status, render(page)).into_response()
        }
        Err(e) => e.into_response(),
    }
}
