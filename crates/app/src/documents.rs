//! The official forms of a dossier (Circular 03/2025/TT-VPCP, annex I) and the result
//! notice issued at approval, composed from the dossier and the event that gave rise to
//! each, and laid out by the document renderer.
//!
//! Mẫu 01 receipt and appointment slip, 02 supplement request, 03 refusal, 04 apology with
//! a new date, 05 notice of stopping, 06 process-control sheet. A form whose event has not
//! happened (no refusal for a dossier never refused) is a conflict with the reason.

use crate::access::Staff;
use crate::context::App;
use crate::error::AppError;
use crate::views::{dossier_view, prepare_names, Audience, DossierView, EventView};
use motcua_pdf::{Block, OfficialForm};
use motcua_store::{DossierRow, NewDocument};
use std::collections::HashMap;

/// "2026-11-23T09:15:00+07:00" → "09 giờ 15 phút, ngày 23/11/2026".
fn long_time(rfc: Option<&str>) -> String {
    rfc.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.format("%H giờ %M phút, ngày %d/%m/%Y").to_string())
        .unwrap_or_else(|| "—".into())
}

fn short_time(rfc: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc).map(|t| t.format("%H:%M %d/%m/%Y").to_string()).unwrap_or_default()
}

/// "Khánh Hòa, ngày 23 tháng 11 năm 2026" for the instant of an event (or now).
fn place_date(place: &str, rfc: Option<&str>, app: &App) -> String {
    let day = rfc
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.date_naive())
        .unwrap_or_else(|| motcua_core::time::local_date(app.now()));
    use chrono::Datelike;
    format!("{place}, ngày {:02} tháng {:02} năm {}", day.day(), day.month(), day.year())
}

/// The sequence number of a dossier code (`H56.22366-261123-0007` → `0007`): the line of
/// the agency's tracking book for that day.
fn book_number(code: &str) -> String {
    code.rsplit('-').next().unwrap_or(code).to_string()
}

fn latest<'a>(v: &'a DossierView, action: &str) -> Option<&'a EventView> {
    v.timeline.as_ref()?.iter().rev().find(|e| e.action == action)
}

fn actor_name(e: &EventView, names: &HashMap<i64, String>) -> String {
    match e.actor.as_deref() {
        Some("applicant") => "Người nộp hồ sơ".into(),
        Some(a) => a.strip_prefix("user:").and_then(|id| id.parse::<i64>().ok()).and_then(|id| names.get(&id).cloned()).unwrap_or_else(|| a.to_string()),
        None => String::new(),
    }
}

fn step_outcome_label(e: &EventView) -> &'static str {
    match e.data.get("step_outcome").and_then(|o| o.as_str()) {
        Some("early") => "Trước hạn",
        Some("on_time") => "Đúng hạn",
        Some("late") => "Quá hạn",
        _ => "",
    }
}

struct Context {
    view: DossierView,
    code: String,
    place: String,
    parent_agency: Option<String>,
    legal_basis: String,
    processing: String,
    /// What the procedure results in (the catalogue's "kết quả").
    result: String,
    documents: Vec<(String, String, u32)>,
    /// What the counter recorded, when received there.
    reception: Option<motcua_core::reception::CounterReception>,
    names: HashMap<i64, String>,
    lookup_url: String,
    /// The receiving agency's signing leaders (id, name), who sign in its name.
    leaders: Vec<(i64, String)>,
}

fn base(c: &Context, form_code: &str, number: String, title: &str, at: Option<&str>, app: &App) -> OfficialForm {
    OfficialForm {
        form_code: form_code.into(),
        parent_agency: c.parent_agency.clone(),
        agency: c.view.summary.agency.name.clone(),
        number,
        place_date: place_date(&c.place, at, app),
        title: title.into(),
        subtitle: None,
        blocks: Vec::new(),
        signers: Vec::new(),
        qr: None,
        landscape: false,
        created: app.now(),
    }
}

fn applicant_blocks(c: &Context) -> Vec<Block> {
    let a = &c.view.applicant;
    let mut b = vec![
        Block::Field("Mã hồ sơ:".into(), c.code.clone()),
        Block::Field("Người nộp hồ sơ:".into(), a.name.clone()),
        Block::Field("Số định danh / mã số thuế:".into(), a.id_number.clone()),
    ];
    if let Some(addr) = a.address.as_ref().filter(|s| !s.is_empty()) {
        b.push(Block::Field("Địa chỉ:".into(), addr.clone()));
    }
    b.push(Block::Field("Số điện thoại:".into(), a.phone.clone()));
    if let Some(m) = a.email.as_ref().filter(|s| !s.is_empty()) {
        b.push(Block::Field("Thư điện tử:".into(), m.clone()));
    }
    b.push(Block::Field("Thủ tục:".into(), c.view.summary.procedure.name.clone()));
    b
}

fn refused(what: &str) -> AppError {
    AppError::Conflict(what.into())
}

fn build(n: &str, c: &Context, app: &App) -> Result<OfficialForm, AppError> {
    let v = &c.view;
    let s = &v.summary;
    Ok(match n {
        "01" => {
            let received = latest(v, "receive").or_else(|| latest(v, "submit")).filter(|_| s.received_at.is_some()).ok_or_else(|| refused("Hồ sơ chưa được tiếp nhận: chưa có giấy tiếp nhận"))?;
            let mut f = base(c, "Mẫu số 01", format!("{}/TNHS", book_number(&c.code)), "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", s.received_at.as_deref(), app);
            f.blocks.push(Block::Paragraph(format!("{} tiếp nhận hồ sơ của:", s.agency.name)));
            f.blocks.extend(applicant_blocks(c));
            f.blocks.push(Block::Heading("Thành phần hồ sơ nộp gồm:".into()));
            f.blocks.push(Block::Table {
                headers: vec!["STT".into(), "Tên giấy tờ".into(), "Hình thức".into(), "Số lượng".into()],
                widths: vec![0.7, 6.0, 2.0, 1.3],
                rows: c.documents.iter().enumerate().map(|(i, (name, kind, count))| vec![format!("{}", i + 1), name.clone(), kind.clone(), count.to_string()]).collect(),
            });
            let sets = c.reception.as_ref().map(|r| r.sets).unwrap_or(1);
            f.blocks.push(Block::Field("Số lượng hồ sơ:".into(), format!("{sets:02} (bộ)")));
            if let Some(r) = c.reception.as_ref().filter(|r| r.fee.0 > 0) {
                let receipt = r.fee_receipt.as_deref().map(|n| format!(" (biên lai số {n})")).unwrap_or_default();
                f.blocks.push(Block::Field("Phí, lệ phí đã thu:".into(), format!("{}{receipt}", r.fee.display_vnd())));
            }
            f.blocks.push(Block::Field("Thời gian giải quyết theo quy định:".into(), c.processing.clone()));
            f.blocks.push(Block::Field("Thời gian nhận hồ sơ:".into(), long_time(s.received_at.as_deref())));
            f.blocks.push(Block::Field("Thời gian trả kết quả:".into(), long_time(s.due_at.as_deref())));
            let place = match v.delivery.as_str() {
                "post" => format!("Qua dịch vụ bưu chính đến: {}", v.applicant.address.clone().unwrap_or_default()),
                "online" => "Trực tuyến, trên Cổng dịch vụ công".into(),
                _ => format!("Bộ phận Một cửa, {}", s.agency.name),
            };
            f.blocks.push(Block::Field("Nhận kết quả tại:".into(), place));
            f.blocks.push(Block::Field("Vào Sổ theo dõi hồ sơ, số:".into(), book_number(&c.code)));
            f.signers = vec![("Người nộp hồ sơ".into(), v.applicant.name.clone()), ("Người tiếp nhận".into(), actor_name(received, &c.names))];
            f.qr = Some((c.lookup_url.clone(), "Tra cứu tình trạng hồ sơ: quét mã hoặc mở địa chỉ, nhập mã hồ sơ và số điện thoại.".into()));
            f
        }
        "02" => {
            let e = latest(v, "request_supplement").ok_or_else(|| refused("Hồ sơ chưa có yêu cầu bổ sung"))?;
            let number = e.data.get("request_number").and_then(|n| n.as_i64()).unwrap_or(1);
            let mut f = base(c, "Mẫu số 02", format!("{}-{number}/PYCBS", book_number(&c.code)), "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", Some(&e.at), app);
            f.blocks.extend(applicant_blocks(c));
            f.blocks.push(Block::Paragraph("Sau khi xem xét, đề nghị ông/bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:".into()));
            let items: Vec<Vec<String>> = e
                .data
                .get("items")
                .and_then(|i| i.as_array())
                .map(|a| a.iter().enumerate().map(|(i, x)| vec![(i + 1).to_string(), x["document"].as_str().unwrap_or("").into(), x["reason"].as_str().unwrap_or("").into()]).collect())
                .unwrap_or_default();
            f.blocks.push(Block::Table { headers: vec!["STT".into(), "Giấy tờ".into(), "Nội dung cần bổ sung, lý do".into()], widths: vec![0.7, 4.0, 5.3], rows: items });
            if let Some(x) = e.data.get("exception_reason").and_then(|x| x.as_str()).filter(|x| !x.is_empty()) {
                f.blocks.push(Block::Field("Lý do yêu cầu lần nữa:".into(), x.into()));
            }
            f.blocks.push(Block::Field("Căn cứ pháp lý:".into(), c.legal_basis.clone()));
            f.blocks.push(Block::Paragraph("Thời hạn giải quyết tạm dừng từ ngày yêu cầu đến khi nhận đủ hồ sơ bổ sung. Xin lỗi ông/bà vì sự bất tiện này.".into()));
            f.signers = vec![("Người hướng dẫn".into(), actor_name(e, &c.names))];
            f
        }
        "03" => {
            let e = latest(v, "reject").ok_or_else(|| refused("Hồ sơ không bị từ chối"))?;
            let mut f = base(c, "Mẫu số 03", format!("{}/PTC", book_number(&c.code)), "Phiếu từ chối tiếp nhận giải quyết hồ sơ", Some(&e.at), app);
            f.blocks.extend(applicant_blocks(c));
            f.blocks.push(Block::Field("Lý do từ chối:".into(), e.note.clone().unwrap_or_default()));
            let ground = e.data.get("legal_ground").and_then(|g| g.as_str()).filter(|g| !g.is_empty()).map(String::from).unwrap_or_else(|| c.legal_basis.clone());
            f.blocks.push(Block::Field("Căn cứ pháp lý:".into(), ground));
            f.blocks.push(Block::Paragraph("Xin thông báo để ông/bà được biết và thực hiện.".into()));
            f.signers = vec![("Người từ chối".into(), actor_name(e, &c.names))];
            f
        }
        "04" => {
            let e = latest(v, "extend").ok_or_else(|| refused("Hồ sơ chưa có văn bản xin lỗi và hẹn lại"))?;
            let mut f = base(c, "Mẫu số 04", format!("{}/XLHL", book_number(&c.code)), "Văn bản xin lỗi và hẹn lại ngày trả kết quả", Some(&e.at), app);
            f.blocks.push(Block::Paragraph(format!("{} xin gửi lời xin lỗi tới ông/bà {} vì hồ sơ chưa được giải quyết đúng hạn.", s.agency.name, v.applicant.name)));
            f.blocks.extend(applicant_blocks(c));
            f.blocks.push(Block::Field("Ngày hẹn trả kết quả ban đầu:".into(), long_time(e.data.get("previous_due_at").and_then(|x| x.as_str()))));
            f.blocks.push(Block::Field("Lý do chậm trễ:".into(), e.note.clone().unwrap_or_default()));
            f.blocks.push(Block::Field("Thời gian hẹn trả kết quả mới:".into(), long_time(e.data.get("new_due_at").and_then(|x| x.as_str()))));
            f.blocks.push(Block::Paragraph("Rất mong nhận được sự thông cảm của ông/bà.".into()));
            // Decree 61/2018, art. 19: the agency apologises, so its head signs (the
            // officer who asked for more time is not the agency): the signing leader of the
            // receiving agency, the one who granted the extension if they hold that role.
            let asked_by = e.actor.as_deref().and_then(|a| a.strip_prefix("user:")).and_then(|id| id.parse::<i64>().ok());
            let head = c.leaders.iter().find(|(id, _)| Some(*id) == asked_by).or_else(|| c.leaders.first()).map(|(_, name)| name.clone()).unwrap_or_default();
            f.signers = vec![("Thủ trưởng cơ quan".into(), head)];
            f
        }
        "05" => {
            let e = latest(v, "stop").ok_or_else(|| refused("Hồ sơ không bị dừng giải quyết"))?;
            let mut f = base(c, "Mẫu số 05", format!("{}/TBDGQ", book_number(&c.code)), "Thông báo về việc dừng giải quyết hồ sơ", Some(&e.at), app);
            f.blocks.extend(applicant_blocks(c));
            f.blocks.push(Block::Field("Lý do dừng giải quyết:".into(), e.note.clone().unwrap_or_default()));
            f.blocks.push(Block::Field("Thời điểm dừng:".into(), long_time(Some(&e.at))));
            f.blocks.push(Block::Paragraph("Xin thông báo để ông/bà được biết.".into()));
            f.signers = vec![("Người thông báo".into(), actor_name(e, &c.names))];
            f
        }
        "06" => {
            let mut f = base(c, "Mẫu số 06", String::new(), "Phiếu kiểm soát quá trình giải quyết hồ sơ", None, app);
            f.subtitle = Some(format!("Kèm theo hồ sơ {}", c.code));
            f.blocks.extend(applicant_blocks(c));
            f.blocks.push(Block::Field("Ngày hẹn trả kết quả:".into(), long_time(s.due_at.as_deref())));
            let rows = v
                .timeline
                .as_ref()
                .map(|t| {
                    t.iter()
                        .map(|e| {
                            let what = match &e.step_name {
                                Some(step) => format!("{} (bước: {step})", e.action_label),
                                None => e.action_label.clone(),
                            };
                            let note = e.note.clone().unwrap_or_default();
                            vec![e.seq.to_string(), short_time(&e.at), what, e.state_label.clone(), actor_name(e, &c.names), step_outcome_label(e).into(), note]
                        })
                        .collect()
                })
                .unwrap_or_default();
            f.blocks.push(Block::Table {
                headers: vec!["STT".into(), "Thời gian".into(), "Việc".into(), "Chuyển sang".into(), "Người thực hiện".into(), "Kết quả bước".into(), "Ghi chú".into()],
                widths: vec![0.8, 1.6, 2.6, 1.6, 2.0, 1.3, 1.9],
                rows,
            });
            if let Some(o) = &s.outcome_label {
                f.blocks.push(Block::Field("Kết quả giải quyết:".into(), o.clone()));
            }
            f
        }
        _ => return Err(AppError::NotFound),
    })
}

/// Everything the forms print about a dossier, loaded once.
async fn load_context(app: &App, d: &DossierRow, events: &[motcua_store::EventRow]) -> Result<Context, AppError> {
    prepare_names(app, &[d]).await?;
    let documents = app.store.dossier_documents(d.id).await?;
    let view = dossier_view(app, d, Audience::Staff, Some(events), Some(documents.clone()))?;
    let procedure = app.store.procedure_by_id(d.procedure_id).await?.ok_or(AppError::NotFound)?;
    let p = &procedure.procedure;
    // The papers received: as the counter checked them, else the files given for each
    // required paper, else the required papers themselves.
    let reception = app.store.dossier_reception(d.id).await?;
    let documents = if let Some(r) = &reception {
        r.papers.iter().map(|x| (x.name.clone(), x.form.label_vi().to_string(), x.count)).collect()
    } else if documents.is_empty() {
        p.documents.iter().filter(|x| x.mandatory).map(|x| (x.name.clone(), x.kind.label_vi().to_string(), x.count)).collect()
    } else {
        documents
            .iter()
            .filter(|x| x.role != "result")
            .map(|x| {
                let kind = p.documents.iter().find(|r| r.name == x.name).map(|r| r.kind.label_vi()).unwrap_or("Bản điện tử");
                (x.name.clone(), format!("{kind} (tệp {})", x.original_name), 1)
            })
            .collect()
    };
    let agency = app.store.agency_by_id(d.receiving_agency_id).await?.ok_or(AppError::NotFound)?;
    let parent_agency = match agency.parent_id {
        Some(pid) => app.store.agency_by_id(pid).await?.map(|a| a.name),
        None => None,
    };
    let place = app
        .store
        .agency_provinces(&app.today())
        .await?
        .into_iter()
        .find(|(a, _, _)| *a == agency.code)
        .map(|(_, _, name)| name.trim_start_matches("Tỉnh ").trim_start_matches("Thành phố ").to_string())
        .unwrap_or_default();
    let user_ids: Vec<i64> = events.iter().filter_map(|e| e.actor.strip_prefix("user:").and_then(|i| i.parse().ok())).collect();
    let names = app.store.user_names(&user_ids).await?;
    let leaders = app.store.holders(motcua_core::dossier::Role::SigningLeader, agency.id).await?;
    let code_text = view.summary.code.clone().unwrap_or_else(|| view.summary.reference.clone());
    Ok(Context {
        lookup_url: format!("{}/tra-cuu?ma={code_text}", app.settings.public_url.trim_end_matches('/')),
        code: code_text,
        view,
        place,
        parent_agency,
        legal_basis: p.legal_basis.clone(),
        processing: p.processing.label_vi(),
        result: p.result.clone(),
        documents,
        reception,
        names,
        leaders,
    })
}

/// Lays out a form off the async runtime (a page of text and a QR code take milliseconds
/// of CPU each).
pub async fn render(app: &App, form: OfficialForm) -> Result<Vec<u8>, AppError> {
    let renderer = app.documents.clone();
    tokio::task::spawn_blocking(move || renderer.official_form(&form))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Form `n` (`01`–`06`) of a dossier the officer sees, as a PDF with its file name.
pub async fn official_form(app: &App, staff: &Staff, code: &str, n: &str) -> Result<(String, Vec<u8>), AppError> {
    let (d, events) = app.store.dossier_with_events(code).await?.ok_or(AppError::NotFound)?;
    if !staff.sees(&d)? {
        return Err(AppError::NotFound);
    }
    let context = load_context(app, &d, &events).await?;
    let form = build(n, &context, app)?;
    let file = format!("mau-{n}-{}.pdf", context.code);
    Ok((file, render(app, form).await?))
}

/// The result notice the signing leader issues with the approval when no signed file is
/// attached: what was decided, for whom, by whom and when, with the lookup QR. Procedures
/// whose result is a certificate of their own still need that certificate attached.
async fn result_notice(app: &App, d: &DossierRow, signer: &str, note: &str) -> Result<Vec<u8>, AppError> {
    let (_, events) = app.store.dossier_with_events(d.public_id()).await?.ok_or(AppError::NotFound)?;
    let c = load_context(app, d, &events).await?;
    let now = motcua_core::time::to_local(app.now()).format("%Y-%m-%dT%H:%M:%S+07:00").to_string();
    let mut f = base(&c, "", format!("{}/TBKQ", book_number(&c.code)), "Thông báo kết quả giải quyết thủ tục hành chính", Some(&now), app);
    f.blocks.extend(applicant_blocks(&c));
    f.blocks.push(Block::Field("Kết quả giải quyết:".into(), c.result.clone()));
    if !note.trim().is_empty() {
        f.blocks.push(Block::Field("Nội dung:".into(), note.trim().to_string()));
    }
    f.blocks.push(Block::Field("Ngày phê duyệt:".into(), long_time(Some(&now))));
    f.blocks.push(Block::Paragraph("Văn bản điện tử có giá trị như bản giấy; tra cứu tính xác thực bằng mã QR.".into()));
    f.signers = vec![("Người ký".into(), signer.to_string())];
    f.qr = Some((c.lookup_url.clone(), "Tra cứu hồ sơ: quét mã hoặc mở địa chỉ, nhập mã hồ sơ và số điện thoại.".into()));
    render(app, f).await
}

/// The result notice generated at approval, kept as the dossier's result document.
pub async fn generated_result(app: &App, d: &DossierRow, signer: &str, note: &str) -> Result<NewDocument, AppError> {
    let pdf = result_notice(app, d, signer, note).await?;
    let blob = app.files.put(&pdf).await?;
    Ok(NewDocument {
        name: "Văn bản kết quả giải quyết".into(),
        sha256: blob.sha256,
        size: blob.size,
        content_type: "application/pdf".into(),
        original_name: format!("thong-bao-ket-qua-{}.pdf", d.public_id()),
    })
}
