//! Official documents (the forms of Circular 03/2025/TT-VPCP and the like): the agency and
//! the national motto at the top (Nghị định 30/2020/NĐ-CP), the form's number, place and
//! date, a title, then labelled fields, paragraphs and tables, the signer, and a QR code.
//! What each form says is decided by the caller; this lays it out.

use crate::layout::{Align, Sheet};
use crate::PdfError;

const MOTTO: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
const MOTTO_2: &str = "Độc lập - Tự do - Hạnh phúc";

/// One piece of a form's body, top to bottom.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    /// A label in bold and its value.
    Field(String, String),
    /// Column titles, relative column widths, and rows of cells.
    Table { headers: Vec<String>, widths: Vec<f32>, rows: Vec<Vec<String>> },
}

/// A complete official document.
#[derive(Debug, Clone)]
pub struct OfficialForm {
    /// "Mẫu 01", printed small at the top right.
    pub form_code: String,
    /// The body above the issuing agency, if any (e.g. the province's people's committee).
    pub parent_agency: Option<String>,
    pub agency: String,
    /// "Số: …" under the agency; empty for none.
    pub number: String,
    /// "Khánh Hòa, ngày 23 tháng 11 năm 2026".
    pub place_date: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub blocks: Vec<Block>,
    /// Who signs: role above, name below the room for the signature.
    pub signers: Vec<(String, String)>,
    /// Address encoded in a QR code at the end, with its caption.
    pub qr: Option<(String, String)>,
    /// Sideways pages, for books with many columns.
    pub landscape: bool,
    /// When the document was made (the PDF's CreationDate), by the caller's clock.
    pub created: chrono::DateTime<chrono::Utc>,
}

/// The header every administrative document starts with (Nghị định 30/2020/NĐ-CP, Phụ lục
/// I): on the left the managing authority on its own line, then the issuing agency in bold
/// with a short rule under it, then the number; on the right the national motto, then the
/// place and date.
pub(crate) fn header(s: &mut Sheet, parent: Option<&str>, agency: &str, number: &str, place_date: &str) {
    let (l, r) = (s.left(), s.right());
    let split = l + 200.0;
    let top = s.y;
    if let Some(p) = parent {
        agency_lines(s, &p.to_uppercase(), 10.0, false, l, split);
    }
    let widest = agency_lines(s, &agency.to_uppercase(), 10.0, true, l, split);
    let w = widest * 0.4;
    let mid = (l + split) / 2.0;
    s.rule(mid - w / 2.0, mid + w / 2.0);
    if !number.is_empty() {
        s.gap(2.0);
        s.text_in(&format!("Số: {number}"), 10.5, false, Align::Center, l, split);
    }
    let left_bottom = s.y;
    s.y = top;
    s.text_in(MOTTO, 10.5, true, Align::Center, split, r);
    s.text_in(MOTTO_2, 11.0, true, Align::Center, split, r);
    let w = s.width(MOTTO_2, 11.0, true);
    let mid = (split + r) / 2.0;
    s.rule(mid - w / 2.0, mid + w / 2.0);
    if !place_date.is_empty() {
        s.gap(4.0);
        s.text_in(place_date, 10.5, false, Align::Center, split, r);
    }
    s.y = s.y.max(left_bottom);
}

/// Smallest size an agency's name is shrunk to before it is broken into lines.
const MIN_AGENCY_SIZE: f32 = 8.0;

/// Words that begin an administrative unit's name ("TỈNH KHÁNH HÒA", "PHƯỜNG NHA TRANG").
const UNIT_WORDS: &[&str] = &["TỈNH", "THÀNH", "PHƯỜNG", "XÃ", "HUYỆN", "QUẬN", "THỊ", "ĐẶC"];

/// Where an agency's name may break: before the administrative unit it belongs to, so a
/// place name ("KHÁNH HÒA") is never cut; the last such word first.
fn unit_breaks(words: &[&str]) -> Vec<usize> {
    (1..words.len()).rev().filter(|i| UNIT_WORDS.contains(&words[*i])).collect()
}

/// Lines of one name of the header: `text` on one line, shrunk down to
/// `MIN_AGENCY_SIZE` if needed; if still too long, broken before its administrative unit
/// ("ỦY BAN NHÂN DÂN" / "TỈNH KHÁNH HÒA"), each part laid out the same way; words are cut
/// only as a last resort. Returns the widest line's width.
fn agency_lines(s: &mut Sheet, text: &str, size: f32, bold: bool, x0: f32, x1: f32) -> f32 {
    let lines = fit_agency(s, text, size, bold, x1 - x0);
    let mut widest: f32 = 0.0;
    for (line, sz) in lines {
        widest = widest.max(s.width(&line, sz, bold));
        s.text_in(&line, sz, bold, Align::Center, x0, x1);
    }
    widest
}

/// The lines (with their sizes) `agency_lines` draws.
pub(crate) fn fit_agency(s: &Sheet, text: &str, size: f32, bold: bool, width: f32) -> Vec<(String, f32)> {
    let mut sz = size;
    while sz >= MIN_AGENCY_SIZE {
        if s.width(text, sz, bold) <= width {
            return vec![(text.to_string(), sz)];
        }
        sz -= 0.5;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if let Some(i) = unit_breaks(&words).into_iter().find(|i| s.width(&words[*i..].join(" "), MIN_AGENCY_SIZE, bold) <= width).or_else(|| unit_breaks(&words).last().copied()) {
        let mut out = fit_agency(s, &words[..i].join(" "), size, bold, width);
        out.extend(fit_agency(s, &words[i..].join(" "), size, bold, width));
        return out;
    }
    s.wrap(text, MIN_AGENCY_SIZE, bold, width).into_iter().map(|l| (l, MIN_AGENCY_SIZE)).collect()
}

pub fn official_form(f: &OfficialForm) -> Result<Vec<u8>, PdfError> {
    layout(f)?.finish()
}

fn layout(f: &OfficialForm) -> Result<Sheet, PdfError> {
    let mut s = Sheet::new(&f.title)?.created(f.created);
    if f.landscape {
        s = s.landscape();
    }
    let (l, r) = (s.left(), s.right());
    s.text_in(&f.form_code, 9.0, false, Align::Left, r - 60.0, r);
    header(&mut s, f.parent_agency.as_deref(), &f.agency, &f.number, &f.place_date);
    s.gap(16.0);
    s.text(&f.title.to_uppercase(), 13.5, true, Align::Center);
    if let Some(sub) = &f.subtitle {
        s.text(sub, 11.0, false, Align::Center);
    }
    s.gap(10.0);
    let size = 11.0;
    for b in &f.blocks {
        match b {
            Block::Heading(t) => {
                s.gap(4.0);
                s.text(t, size, true, Align::Left);
            }
            Block::Paragraph(t) => s.text(t, size, false, Align::Left),
            Block::Field(label, value) => s.field(label, value, size),
            Block::Table { headers, widths, rows } => s.table(headers, widths, rows, 8.5),
        }
    }
    if !f.signers.is_empty() {
        s.gap(14.0);
        s.ensure(90.0);
        let col = (r - l) / f.signers.len() as f32;
        let top = s.y;
        let mut bottom = top;
        for (i, (role, name)) in f.signers.iter().enumerate() {
            s.y = top;
            let (x0, x1) = (l + col * i as f32, l + col * (i + 1) as f32);
            s.text_in(&role.to_uppercase(), 10.5, true, Align::Center, x0, x1);
            s.text_in("(Ký, ghi rõ họ tên)", 9.5, false, Align::Center, x0, x1);
            s.gap(42.0);
            s.text_in(name, 11.0, true, Align::Center, x0, x1);
            bottom = bottom.max(s.y);
        }
        s.y = bottom;
    }
    if let Some((url, caption)) = &f.qr {
        s.gap(10.0);
        let side = 80.0;
        s.ensure(side + 6.0);
        let top = s.y;
        s.qr(url, l, top, side)?;
        s.text_in(caption, 9.5, false, Align::Left, l + side + 12.0, r);
        s.text_in(url, 9.5, true, Align::Left, l + side + 12.0, r);
        s.y = s.y.max(top + side);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_table_flows_onto_more_pages() {
        let rows: Vec<Vec<String>> = (0..120).map(|i| vec![format!("{i}"), format!("Chuyển từ bước {i} sang bước {} của quy trình giải quyết", i + 1), "Đúng hạn".into()]).collect();
        let f = OfficialForm {
            form_code: "Mẫu 06".into(),
            parent_agency: Some("UBND tỉnh Khánh Hòa".into()),
            agency: "UBND phường Nha Trang".into(),
            number: String::new(),
            place_date: "Khánh Hòa, ngày 23 tháng 11 năm 2026".into(),
            title: "Phiếu kiểm soát quá trình giải quyết hồ sơ".into(),
            subtitle: None,
            blocks: vec![Block::Table { headers: vec!["STT".into(), "Nội dung".into(), "Kết quả".into()], widths: vec![1.0, 6.0, 2.0], rows }],
            signers: vec![("Người lập".into(), "Nguyễn Thị Lan".into())],
            qr: None,
            landscape: false,
            created: chrono::Utc::now(),
        };
        let pages = layout(&f).unwrap().page_count();
        assert!(pages >= 3, "120 rows take several pages, found {pages}");
        assert!(official_form(&f).unwrap().starts_with(b"%PDF-"));
    }

    #[test]
    fn agency_names_break_between_authority_and_place_never_inside_a_name() {
        let s = Sheet::new("t").unwrap();
        let fits = fit_agency(&s, "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", 10.0, false, 200.0);
        assert_eq!(fits.len(), 1, "{fits:?}");
        let long = fit_agency(&s, "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH BÀ RỊA - VŨNG TÀU", 10.0, true, 200.0);
        assert!(long.len() >= 2, "{long:?}");
        assert_eq!(long.last().unwrap().0, "TỈNH BÀ RỊA - VŨNG TÀU", "{long:?}");
        for (line, size) in &long {
            assert!(s.width(line, *size, true) <= 200.0 && *size >= MIN_AGENCY_SIZE, "{line} at {size}");
        }
    }
}
