//! `motcua audit verify`: walks every dossier's event chain and the chain of
//! administrative changes, and names the first link that was altered, deleted or reordered.

use anyhow::Result;
use motcua_store::Store;

/// Prints the report; returns whether every chain is whole.
pub async fn verify(store: &Store) -> Result<bool> {
    let started = std::time::Instant::now();
    let r = store.verify_all().await?;
    for (name, b) in &r.dossier_breaks {
        println!("HỎNG  hồ sơ {name}: sự kiện số {} — {}", b.seq, reason_vi(b.reason));
    }
    if let Some(b) = &r.audit_break {
        let row = b.row_id.map(|id| format!(" (dòng id {id})")).unwrap_or_default();
        println!("HỎNG  nhật ký quản trị: thay đổi số {}{row} — {}", b.seq, reason_vi(b.reason));
    }
    println!(
        "Đã kiểm tra {} hồ sơ ({} sự kiện) và {} thay đổi quản trị trong {:.1} s: {} chuỗi bị hỏng.",
        r.dossiers,
        r.events,
        r.audit_rows,
        started.elapsed().as_secs_f64(),
        r.dossier_breaks.len() + usize::from(r.audit_break.is_some())
    );
    println!("Mã băm đầu chuỗi nhật ký quản trị (lưu lại ngoài hệ thống để đối chiếu): {}", r.audit_head);
    Ok(r.dossier_breaks.is_empty() && r.audit_break.is_none())
}

fn reason_vi(reason: &str) -> &'static str {
    match reason {
        "missing or reordered event" | "missing or reordered change" => "bị xoá hoặc đảo thứ tự",
        "previous hash does not match" => "không nối tiếp bản ghi trước (bị xoá, chèn hoặc đảo thứ tự)",
        "event content was altered" | "change was altered" => "nội dung đã bị sửa",
        "events after the last one were deleted" | "changes after the last one were deleted" => "các bản ghi cuối đã bị xoá",
        "dossier state differs from its last event" => "trạng thái hồ sơ không khớp sự kiện cuối cùng",
        "change written outside the chain" => "bản ghi được chèn ngoài chuỗi",
        _ => "chuỗi bị hỏng",
    }
}
