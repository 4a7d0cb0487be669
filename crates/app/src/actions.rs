//! Lifecycle actions on a dossier, from any adapter: core decides, the store commits the
//! transition with its event, outbox, read models and counters in one transaction. The
//! rule (who may do what, when) is `core::dossier`; the recording is
//! `store::Store::apply_action`; this is the use case between them.

use crate::access::Staff;
use crate::context::App;
use crate::error::AppError;
use crate::submission::Upload;
use crate::views::prepare_names;
use motcua_core::dossier::{decide, Action, Actor, Delivery, Transition};
use motcua_core::files::FileKind;
use motcua_core::ids::AgencyCode;
use motcua_store::{ActionContext, ActionOutcome, DossierRow, IdempotencyKey, NewDocument, Render};

/// What an applicant reads once the withdrawal code is sent.
pub fn code_sent_message(sent_to: &str) -> String {
    format!("Mã xác nhận rút hồ sơ đã được gửi tới {sent_to}. Nhập mã (có hiệu lực {} phút) để hoàn tất việc rút hồ sơ.", motcua_core::account::CODE_TTL_MINUTES)
}

/// The applicant's second factor for a withdrawal. Without a code: checks that the
/// withdrawal would be allowed, sends a one-time code to the dossier's phone (or e-mail)
/// and answers where it went. With one: `None` when it is right (and now used up), a
/// field error on `one_time_code` when it is wrong, expired or used.
async fn confirm_withdrawal(app: &App, d: &DossierRow, action: &Action, code: Option<&str>) -> Result<Option<String>, AppError> {
    use motcua_core::account::{normalise_code, one_time_code, withdrawal_code_message, Login};
    use motcua_store::CodeCheck;
    const PURPOSE: &str = "withdraw";
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        // Refused now what would be refused then (a decided dossier), before any message.
        decided(app, d, &Actor::Applicant, action).await?;
        let to = motcua_core::ids::Phone::parse(&d.applicant_phone)
            .map(Login::Phone)
            .ok()
            .or_else(|| d.applicant_email.as_deref().and_then(|e| Login::parse(e).ok()))
            .ok_or_else(|| AppError::Conflict("Hồ sơ không có số điện thoại hoặc thư điện tử để nhận mã xác nhận; vui lòng rút hồ sơ tại Bộ phận Một cửa".into()))?;
        let code = one_time_code(rand::random());
        // Within a minute of the last code nothing new is sent: that code still works.
        app.store.issue_dossier_code(d.id, PURPOSE, &code, &to, &withdrawal_code_message(&code, d.public_id()), app.now()).await?;
        return Ok(Some(to.masked()));
    };
    let Some(code) = normalise_code(code) else { return Err(AppError::field("one_time_code", "Mã xác nhận gồm 6 chữ số")) };
    match app.store.consume_dossier_code(d.id, PURPOSE, &code, app.now()).await? {
        CodeCheck::Accepted => Ok(None),
        CodeCheck::Wrong { attempts_left } => Err(AppError::field("one_time_code", format!("Mã xác nhận không đúng (còn {attempts_left} lần thử)"))),
        CodeCheck::NoLiveCode => Err(AppError::field("one_time_code", "Mã xác nhận đã hết hạn, đã được dùng hoặc đã nhập sai quá số lần: hãy yêu cầu mã mới")),
    }
}

/// Decides an action on a dossier as it was read, and the receiving agency's code (the
/// dossier code is issued from it at reception).
async fn decided(app: &App, d: &DossierRow, actor: &Actor, action: &Action) -> Result<(Transition, AgencyCode), AppError> {
    let facts = d.facts()?;
    let named;
    let action = match action {
        Action::Assign { assignee, note, .. } => {
            named = Action::Assign { assignee: *assignee, assignee_name: colleague(app, &facts, *assignee).await?, note: note.clone() };
            &named
        }
        a => a,
    };
    let transition = decide(&facts, actor, action, app.now(), &app.calendar_for(d.receiving_agency_id), &app.settings.rules)?;
    // An online return hands over the electronic result: there must be one to download.
    if matches!(action, Action::ReturnResult { delivery: Delivery::Online }) && !app.store.has_result_document(d.id).await? {
        return Err(AppError::Conflict("Chưa có văn bản kết quả điện tử để trả trực tuyến: người ký cần đính kèm hoặc tạo văn bản kết quả khi phê duyệt".into()));
    }
    prepare_names(app, &[d]).await?;
    let agency_code = AgencyCode::parse(&app.names.agency(d.receiving_agency_id).code).map_err(|_| AppError::Internal("stored agency code".into()))?;
    Ok((transition, agency_code))
}

/// The name of the colleague a step is handed to, who must hold the step's role at the
/// step's agency.
async fn colleague(app: &App, facts: &motcua_core::dossier::DossierFacts, user: i64) -> Result<String, AppError> {
    let step = facts.current_step.and_then(|i| facts.steps.get(i)).ok_or_else(|| AppError::field("assignee", "Hồ sơ không ở bước xử lý nào"))?;
    app.store
        .holders(step.role, step.agency_id)
        .await?
        .into_iter()
        .find(|(id, _)| *id == user)
        .map(|(_, name)| name)
        .ok_or_else(|| AppError::field("assignee", format!("Cán bộ được giao phải giữ vai trò “{}” tại cơ quan của bước này", step.role.label_vi())))
}

/// Decides an action with core and commits it: the one path every action takes, from the
/// API and from the pages alike.
pub async fn perform(
    app: &App,
    d: &DossierRow,
    actor: &Actor,
    label: &str,
    action: &Action,
    idem: Option<(&IdempotencyKey, Render<'_>)>,
) -> Result<ActionOutcome, AppError> {
    let (transition, agency_code) = decided(app, d, actor, action).await?;
    let ctx = ActionContext { actor: label, now: app.now(), agency_code: &agency_code, code_format: &app.settings.code_format };
    let out = app.store.apply_action(d, &transition, &ctx, idem).await?;
    app.dossiers_changed();
    Ok(out)
}

/// An action with the documents it brings (a supplement's papers, an approval's result),
/// in one transaction.
pub async fn perform_with_documents(
    app: &App,
    d: &DossierRow,
    (actor, label): (&Actor, &str),
    action: &Action,
    documents: &[NewDocument],
    role: &str,
    idem: Option<(&IdempotencyKey, Render<'_>)>,
) -> Result<ActionOutcome, AppError> {
    let (transition, agency_code) = decided(app, d, actor, action).await?;
    let ctx = ActionContext { actor: label, now: app.now(), agency_code: &agency_code, code_format: &app.settings.code_format };
    let out = app.store.apply_action_with_documents(d, &transition, &ctx, documents, role, idem).await?;
    app.dossiers_changed();
    Ok(out)
}

/// The applicant supplies the missing papers online: the Supply action and the files,
/// in one transaction. Each file answers one paper of the last request, by its place in
/// that request (`answers[i]` for `files[i]`), and is named after it as the officer
/// listed it.
pub async fn supply_papers(app: &App, d: &DossierRow, files: &[Upload], answers: &[Option<usize>]) -> Result<DossierRow, AppError> {
    let events = app.store.dossier_events(d.id).await?;
    let asked: Vec<String> = events
        .iter()
        .rev()
        .find(|e| e.action == "request_supplement")
        .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.data).ok())
        .and_then(|v| v.get("items").and_then(|i| i.as_array()).cloned())
        .unwrap_or_default()
        .iter()
        .map(|i| i["document"].as_str().unwrap_or("Giấy tờ bổ sung").to_string())
        .collect();
    let action = Action::Supply { note: Some(format!("Bổ sung trực tuyến {} tệp", files.len())) };
    let mut documents = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        let name = answers.get(i).copied().flatten().and_then(|n| asked.get(n).cloned()).unwrap_or_else(|| "Giấy tờ bổ sung".into());
        documents.push(stored_document(app, f, name).await?);
    }
    Ok(perform_with_documents(app, d, (&Actor::Applicant, "applicant"), &action, &documents, "supplement", None).await?.dossier)
}

/// Keeps an uploaded file and describes it as a document of a dossier.
pub(crate) async fn stored_document(app: &App, f: &Upload, name: String) -> Result<NewDocument, AppError> {
    let blob = app.files.put(&f.bytes).await?;
    Ok(NewDocument { name, sha256: blob.sha256, size: blob.size, content_type: f.kind.content_type().into(), original_name: f.file_name.clone() })
}

/// The result document an approval carries.
pub enum ResultFile {
    /// None now: the result is handed over on paper, or signed and attached later.
    None,
    /// The result notice generated from the dossier ([`crate::documents::generated_result`]).
    Generated,
    /// The signed file the leader attaches (a PDF).
    Attached(Upload),
}

/// The signing leader approves at the last step, with the result document if any, in one
/// transaction.
pub async fn approve(app: &App, d: &DossierRow, staff: &Staff, action: &Action, result: ResultFile, idem: Option<(&IdempotencyKey, Render<'_>)>) -> Result<ActionOutcome, AppError> {
    let document = match result {
        ResultFile::None => return perform(app, d, &staff.actor(), &staff.label(), action, idem).await,
        ResultFile::Generated => {
            let note = match action {
                Action::Approve { note } => note.as_deref().unwrap_or(""),
                _ => "",
            };
            crate::documents::generated_result(app, d, &staff.0.full_name, note).await?
        }
        ResultFile::Attached(u) if u.kind != FileKind::Pdf => return Err(AppError::field("result_file", "Văn bản kết quả phải là tệp PDF")),
        ResultFile::Attached(u) => stored_document(app, &u, "Văn bản kết quả giải quyết".into()).await?,
    };
    perform_with_documents(app, d, (&staff.actor(), &staff.label()), action, &[document], "result", idem).await
}

/// What an applicant's withdrawal led to.
pub enum Withdrawal {
    /// A one-time code went to the dossier's phone or e-mail (masked here): repeat with it.
    CodeSent(String),
    Withdrawn(Box<ActionOutcome>),
}

/// The applicant withdraws a dossier not yet decided: without a code, one is sent to the
/// dossier's phone (the code and the phone number alone may be known to a stranger, and a
/// withdrawal cannot be undone); with the right one, the dossier is withdrawn.
pub async fn withdraw_by_applicant(app: &App, d: &DossierRow, action: &Action, code: Option<&str>, idem: Option<(&IdempotencyKey, Render<'_>)>) -> Result<Withdrawal, AppError> {
    match confirm_withdrawal(app, d, action, code).await? {
        Some(sent_to) => Ok(Withdrawal::CodeSent(sent_to)),
        None => Ok(Withdrawal::Withdrawn(Box::new(perform(app, d, &Actor::Applicant, "applicant", action, idem).await?))),
    }
}
