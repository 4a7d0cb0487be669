//! The acknowledgement an applicant gets after submitting online: what was filed, with
//! which papers, and how to follow it (the QR opens the lookup with the code filled in).

use crate::layout::{Align, Sheet};
use crate::PdfError;

/// Everything printed on a submission receipt, already formatted in Vietnamese.
#[derive(Debug, Clone)]
pub struct SubmissionReceipt {
    pub agency_name: String,
    pub procedure_name: String,
    pub procedure_code: String,
    /// The dossier code, or the submission reference until the agency receives it.
    pub public_id: String,
    pub applicant_name: String,
    pub applicant_id_number: String,
    pub phone: String,
    pub submitted_at: String,
    pub processing_time: String,
    pub delivery: String,
    pub status: String,
    /// Required document name and the file given for it.
    pub documents: Vec<(String, String)>,
    pub lookup_url: String,
    /// When the receipt was made (the PDF's CreationDate), by the caller's clock.
    pub created: chrono::DateTime<chrono::Utc>,
}

pub fn submission_receipt(r: &SubmissionReceipt) -> Result<Vec<u8>, PdfError> {
    let mut s = Sheet::new(&format!("Biên nhận nộp hồ sơ trực tuyến {}", r.public_id))?.created(r.created);
    let (l, rt) = (s.left(), s.right());
    crate::form::header(&mut s, None, &r.agency_name, "", "");
    s.gap(18.0);
    s.text("BIÊN NHẬN NỘP HỒ SƠ TRỰC TUYẾN", 14.0, true, Align::Center);
    s.text(&format!("Mã hồ sơ: {}", r.public_id), 12.0, true, Align::Center);
    s.gap(12.0);
    let size = 11.0;
    s.field("Thủ tục:", &format!("{} (mã {})", r.procedure_name, r.procedure_code), size);
    s.field("Người nộp:", &r.applicant_name, size);
    s.field("Số định danh / MST:", &r.applicant_id_number, size);
    s.field("Điện thoại:", &r.phone, size);
    s.field("Thời điểm nộp:", &r.submitted_at, size);
    s.field("Thời hạn giải quyết:", &r.processing_time, size);
    s.field("Nhận kết quả:", &r.delivery, size);
    s.field("Tình trạng:", &r.status, size);
    s.gap(8.0);
    s.text("Thành phần hồ sơ đã nộp", size, true, Align::Left);
    if r.documents.is_empty() {
        s.text("(không có tệp đính kèm)", size, false, Align::Left);
    }
    for (i, (name, file)) in r.documents.iter().enumerate() {
        s.text(&format!("{}. {} — tệp: {}", i + 1, name, file), size, false, Align::Left);
    }
    s.gap(12.0);
    let qr_side = 96.0;
    s.ensure(qr_side + 10.0);
    let qr_top = s.y;
    s.qr(&r.lookup_url, l, qr_top, qr_side)?;
    s.text_in(
        "Quét mã QR hoặc mở địa chỉ dưới đây, nhập mã hồ sơ và số điện thoại (hoặc số định danh) của người nộp để theo dõi hồ sơ:",
        size,
        false,
        Align::Left,
        l + qr_side + 14.0,
        rt,
    );
    s.text_in(&r.lookup_url, size, true, Align::Left, l + qr_side + 14.0, rt);
    s.y = s.y.max(qr_top + qr_side + 8.0);
    s.gap(6.0);
    s.text(
        "Biên nhận này xác nhận hồ sơ đã được gửi. Bộ phận Một cửa kiểm tra hồ sơ; khi tiếp nhận, hồ sơ được cấp mã chính thức và ngày hẹn trả kết quả, và bạn được thông báo.",
        9.5,
        false,
        Align::Left,
    );
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SubmissionReceipt {
        SubmissionReceipt {
            agency_name: "UBND phường Nha Trang".into(),
            procedure_name: "Đăng ký khai sinh".into(),
            procedure_code: "1.001193".into(),
            public_id: "HS-7K2M9Q".into(),
            applicant_name: "Nguyễn Thị Hường".into(),
            applicant_id_number: "056190000123".into(),
            phone: "0905123456".into(),
            submitted_at: "09:00 ngày 23/11/2026".into(),
            processing_time: "Trong ngày".into(),
            delivery: "Nhận kết quả điện tử".into(),
            status: "Đã nộp, chờ tiếp nhận".into(),
            documents: vec![("Tờ khai đăng ký khai sinh".into(), "to-khai.pdf".into())],
            lookup_url: "http://localhost/tra-cuu?ma=HS-7K2M9Q".into(),
            created: chrono::Utc::now(),
        }
    }

    #[test]
    fn produces_a_pdf_with_embedded_font() {
        let pdf = submission_receipt(&sample()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // The font is embedded (subset), so no reader needs a Vietnamese system font.
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/FontFile2") || text.contains("/FontFile3"), "font not embedded");
        assert!(pdf.len() < 200_000, "receipt is {} bytes", pdf.len());
    }

    #[test]
    fn long_text_wraps_within_the_page() {
        let s = Sheet::new("t").unwrap();
        let long = "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất ".repeat(4);
        let lines = s.wrap(&long, 11.0, false, 300.0);
        assert!(lines.len() > 3);
        for line in &lines {
            assert!(s.width(line, 11.0, false) <= 300.0, "line too wide: {line}");
        }
        assert_eq!(lines.join(" ").split_whitespace().collect::<Vec<_>>(), long.split_whitespace().collect::<Vec<_>>());
    }
}
