//! Online submission on the portal, in three steps: the form (kept as a draft on every
//! post, so a mistake in one field never costs the applicant their uploads, and a
//! signed-in citizen can leave and come back), a review, then the submission and its
//! receipt. The draft's random token is the capability to see it and, once submitted,
//! its receipt. Submission is [`crate::submission::submit`], as for the API.

use crate::context::App;
use crate::error::AppError;
use crate::submission::{submit, ApplicantInput, CreateDossier, DocumentInput, Origin, PortalOrigin, Submitted, Upload};
use bytes::Bytes;
use motcua_core::catalogue::Procedure;
use motcua_core::files::FileKind;
use motcua_core::validation::FieldErrors;
use motcua_pdf::SubmissionReceipt;
use motcua_store::{CitizenRow, DraftRow, ProcedureRow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the applicant typed, kept in the draft.
#[derive(Default, Clone, Serialize, Deserialize)]
pub struct DraftForm {
    #[serde(default)]
    pub province: String,
    pub agency: String,
    pub kind: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub delivery: String,
}

/// A file already checked and stored for one document of the procedure.
#[derive(Clone, Serialize, Deserialize)]
pub struct DraftFile {
    pub sha256: String,
    pub original_name: String,
    pub content_type: String,
    pub size: i64,
}

/// Stored files by the index of the procedure's document they are for.
pub type DraftFiles = BTreeMap<usize, DraftFile>;

/// The ways a result is returned, as the applicant reads them.
pub const DELIVERIES: [(&str, &str); 3] = [("online", "Nhận kết quả điện tử"), ("counter", "Nhận tại Bộ phận Một cửa"), ("post", "Nhận qua dịch vụ bưu chính")];

pub fn delivery_label(d: &str) -> &'static str {
    DELIVERIES.iter().find(|(k, _)| *k == d).map(|(_, l)| *l).unwrap_or("")
}

pub fn parse_draft(d: &DraftRow) -> (DraftForm, DraftFiles) {
    (serde_json::from_str(&d.form).unwrap_or_default(), serde_json::from_str(&d.files).unwrap_or_default())
}

/// A draft the caller may use: either anonymous or their own.
pub async fn usable_draft(app: &App, token: &str, citizen: Option<&CitizenRow>) -> Result<Option<DraftRow>, AppError> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    Ok(app.store.draft(token).await?.filter(|d| d.citizen_id.is_none() || d.citizen_id == citizen.map(|c| c.id)))
}

/// The submission a draft stands for, with its files as uploads. Only the files'
/// identities are needed to validate; `with_bytes` loads their content to create.
async fn submission_of(app: &App, p: &Procedure, form: &DraftForm, files: &DraftFiles, with_bytes: bool) -> Result<(CreateDossier, Vec<Upload>), AppError> {
    let mut uploads = Vec::with_capacity(files.len());
    let mut documents = Vec::with_capacity(files.len());
    for (i, f) in files {
        let Some(doc) = p.documents.get(*i) else { continue };
        let bytes = if with_bytes { Bytes::from(app.files.get(&f.sha256).await?) } else { Bytes::new() };
        let kind = FileKind::from_content_type(&f.content_type).ok_or_else(|| AppError::Internal(format!("stored draft file type {}", f.content_type)))?;
        uploads.push(Upload { part: format!("f{i}"), file_name: f.original_name.clone(), kind, bytes });
        documents.push(DocumentInput { name: doc.name.clone(), part: format!("f{i}") });
    }
    let body = CreateDossier {
        procedure_code: p.code.clone(),
        agency_code: form.agency.clone(),
        channel: None,
        applicant: ApplicantInput {
            kind: if form.kind == "organisation" { "organisation".into() } else { "person".into() },
            name: form.name.clone(),
            id_number: form.id_number.clone(),
            phone: form.phone.clone(),
            email: Some(form.email.clone()),
            address: Some(form.address.clone()),
        },
        delivery: form.delivery.clone(),
        documents,
        reception: None,
    };
    Ok((body, uploads))
}

/// A post of the form: the draft it continues (if any), what was typed, the files that
/// passed their checks (part `f{i}` for the procedure's document `i`), and the documents
/// chosen from the citizen's store instead (`(i, sha256)`).
pub struct DraftPost {
    pub token: String,
    pub form: DraftForm,
    pub uploads: Vec<Upload>,
    pub reused: Vec<(usize, String)>,
}

/// What keeping a post as a draft led to.
pub enum Saved {
    /// The draft was already submitted (the form sent again): its receipt answers.
    AlreadySubmitted,
    Kept(Box<Kept>),
}

/// A draft as kept. `problems` are the chosen documents that could not be found (by
/// field `f{i}`).
pub struct Kept {
    pub token: String,
    pub form: DraftForm,
    pub files: DraftFiles,
    pub problems: FieldErrors,
}

/// Keeps a post as a draft: new files replace a slot's old one; documents reused from
/// the citizen's store fill slots without a new upload.
pub async fn save_draft(app: &App, row: &ProcedureRow, citizen: Option<&CitizenRow>, post: DraftPost) -> Result<Saved, AppError> {
    let p = &row.procedure;
    let existing = usable_draft(app, &post.token, citizen).await?;
    if existing.as_ref().is_some_and(|d| d.status != "open") {
        return Ok(Saved::AlreadySubmitted);
    }
    let (_, mut files) = existing.as_ref().map(parse_draft).unwrap_or_default();
    for u in &post.uploads {
        let Some(i) = u.part.strip_prefix('f').and_then(|i| i.parse::<usize>().ok()).filter(|i| *i < p.documents.len()) else { continue };
        let blob = app.files.put(&u.bytes).await?;
        files.insert(i, DraftFile { sha256: blob.sha256, original_name: u.file_name.clone(), content_type: u.kind.content_type().into(), size: blob.size });
    }
    let mut problems = FieldErrors::default();
    for (i, chosen) in &post.reused {
        if *i >= p.documents.len() || chosen.is_empty() || post.uploads.iter().any(|u| u.part == format!("f{i}")) {
            continue;
        }
        let found = match citizen {
            Some(c) if chosen.len() == 64 => app.store.citizen_document(c, chosen).await?,
            _ => None,
        };
        match found {
            Some(d) => {
                files.insert(*i, DraftFile { sha256: d.sha256, original_name: d.original_name, content_type: d.content_type, size: d.size });
            }
            None => problems.add(format!("f{i}"), "Không tìm thấy giấy tờ đã chọn trong kho giấy tờ của bạn"),
        }
    }
    let now = app.now();
    let token = existing.as_ref().map(|d| d.token.clone()).unwrap_or_else(motcua_store::new_token);
    let draft = DraftRow {
        token: token.clone(),
        citizen_id: citizen.map(|c| c.id),
        procedure_code: p.code.clone(),
        form: serde_json::to_string(&post.form).map_err(|e| AppError::Internal(e.to_string()))?,
        files: serde_json::to_string(&files).map_err(|e| AppError::Internal(e.to_string()))?,
        status: "open".into(),
        dossier_id: None,
        created_at: existing.as_ref().map(|d| d.created_at).unwrap_or(motcua_store::ms(now)),
        updated_at: motcua_store::ms(now),
    };
    app.store.save_draft(&draft).await?;
    Ok(Saved::Kept(Box::new(Kept { token, form: post.form, files, problems })))
}

/// Checks a draft as its submission would be checked, writing nothing (field paths as
/// the API names them).
pub async fn check_draft(app: &App, p: &Procedure, form: &DraftForm, files: &DraftFiles) -> Result<(), AppError> {
    let (body, stand_ins) = submission_of(app, p, form, files, false).await?;
    submit(app, None, &body, &stand_ins, None, true, Origin::Api).await.map(|_| ())
}

/// What confirming a reviewed draft led to.
pub enum Confirmed {
    /// Submitted now.
    Submitted,
    /// Another request claimed it first (a second click): its receipt answers.
    AlreadyClaimed,
}

/// Submits a reviewed draft, once. On a problem found now (an agency closed since the
/// review, say) the draft is opened again and the problem returned.
pub async fn confirm_draft(app: &App, d: &DraftRow, citizen: Option<&CitizenRow>) -> Result<Confirmed, AppError> {
    if !app.store.claim_draft(&d.token, app.now()).await? {
        // A second click while the first is still being created: wait for it briefly, so
        // the receipt this answer leads to exists.
        for _ in 0..50 {
            match app.store.draft(&d.token).await? {
                Some(x) if x.status == "submitting" => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
                _ => break,
            }
        }
        return Ok(Confirmed::AlreadyClaimed);
    }
    let outcome = async {
        let row = app.procedure(&d.procedure_code).await?.ok_or(AppError::NotFound)?;
        let (form, files) = parse_draft(d);
        let origin = PortalOrigin { citizen_id: d.citizen_id.or(citizen.map(|c| c.id)), draft_token: d.token.clone() };
        let (body, uploads) = submission_of(app, &row.procedure, &form, &files, true).await?;
        submit(app, None, &body, &uploads, None, false, Origin::Portal(&origin)).await
    }
    .await;
    match outcome {
        Ok(Submitted::Created(..)) => Ok(Confirmed::Submitted),
        other => {
            app.store.release_draft(&d.token).await?;
            match other {
                Err(e) => Err(e),
                Ok(_) => Err(AppError::Internal("portal submission was not created".into())),
            }
        }
    }
}

/// The submitted dossier of a draft, with what its receipt prints, and whether it is
/// received yet.
pub async fn receipt(app: &App, token: &str) -> Result<(SubmissionReceipt, bool), AppError> {
    let d = app.store.draft(token).await?.filter(|d| d.status == "submitted").ok_or(AppError::NotFound)?;
    let dossier = app.store.dossier_by_id(d.dossier_id.ok_or(AppError::NotFound)?).await?.ok_or(AppError::NotFound)?;
    let row = app.procedure(&d.procedure_code).await?.ok_or(AppError::NotFound)?;
    let agency = app.store.agency_by_id(dossier.receiving_agency_id).await?.map(|a| a.name).unwrap_or_default();
    let docs = app.store.dossier_documents(dossier.id).await?;
    let at = |t: motcua_core::time::Instant| motcua_core::time::to_local(t).format("%H:%M ngày %d/%m/%Y").to_string();
    let public_id = dossier.public_id().to_string();
    let received = dossier.code.is_some();
    let receipt = SubmissionReceipt {
        agency_name: agency,
        procedure_name: row.procedure.name.clone(),
        procedure_code: row.procedure.code.clone(),
        public_id: public_id.clone(),
        applicant_name: dossier.applicant_name.clone(),
        applicant_id_number: dossier.applicant_id_number.clone(),
        phone: dossier.applicant_phone.clone(),
        submitted_at: at(motcua_store::from_ms(dossier.submitted_at)),
        processing_time: row.procedure.processing.label_vi(),
        delivery: delivery_label(&dossier.delivery).into(),
        status: if received { "Đã tiếp nhận".into() } else { "Đã nộp, chờ Bộ phận Một cửa tiếp nhận".into() },
        documents: docs.into_iter().map(|x| (x.name, x.original_name)).collect(),
        lookup_url: format!("{}/tra-cuu?ma={public_id}", app.settings.public_url.trim_end_matches('/')),
        created: app.now(),
    };
    Ok((receipt, received))
}

/// The receipt as a PDF, with its file name.
pub async fn receipt_pdf(app: &App, token: &str) -> Result<(String, Vec<u8>), AppError> {
    let (r, _) = receipt(app, token).await?;
    let name = format!("bien-nhan-{}.pdf", r.public_id);
    let renderer = app.documents.clone();
    let pdf = tokio::task::spawn_blocking(move || renderer.submission_receipt(&r))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((name, pdf))
}
