//! Reception at the counter: the papers the officer checks against the procedure's list
//! and the fees collected. The law (Decree 61/2018, art. 19) lets the counter receive only
//! a complete dossier, so a mandatory paper missing or in the wrong form is an error to fix
//! with the applicant, not a dossier to receive.

use crate::catalogue::{DocumentKind, Procedure};
use crate::validation::FieldErrors;
use crate::Money;
use serde::{Deserialize, Serialize};

/// In which form a paper was handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperForm {
    Original,
    /// A plain copy, compared by the officer against the original shown.
    Copy,
    CertifiedCopy,
    /// The original shown and handed back; nothing kept.
    Shown,
}

impl PaperForm {
    pub const ALL: [PaperForm; 4] = [PaperForm::Original, PaperForm::CertifiedCopy, PaperForm::Copy, PaperForm::Shown];

    pub fn parse(s: &str) -> Option<PaperForm> {
        PaperForm::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PaperForm::Original => "original",
            PaperForm::Copy => "copy",
            PaperForm::CertifiedCopy => "certified_copy",
            PaperForm::Shown => "shown",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PaperForm::Original => "Bản chính",
            PaperForm::Copy => "Bản sao (đối chiếu bản chính)",
            PaperForm::CertifiedCopy => "Bản sao có chứng thực",
            PaperForm::Shown => "Xuất trình bản chính",
        }
    }

    /// Whether this form satisfies what the procedure asks for. A copy may always be
    /// replaced by the original or a certified copy (Decree 23/2015, art. 6); an original
    /// to keep or to show cannot be replaced by a copy.
    pub fn satisfies(self, wanted: DocumentKind) -> bool {
        match wanted {
            DocumentKind::Original => self == PaperForm::Original,
            DocumentKind::Copy => true,
            DocumentKind::Shown => matches!(self, PaperForm::Shown | PaperForm::Original),
        }
    }

    /// The form a procedure's paper is normally handed in.
    pub fn default_for(kind: DocumentKind) -> PaperForm {
        match kind {
            DocumentKind::Original => PaperForm::Original,
            DocumentKind::Copy => PaperForm::CertifiedCopy,
            DocumentKind::Shown => PaperForm::Shown,
        }
    }
}

/// One line of the checklist as the officer filled it in: the paper's position in the
/// procedure's list, its form (None: not handed in) and the number of copies as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistLine<'a> {
    pub form: Option<&'a str>,
    pub count: &'a str,
}

/// A paper received, as the receipt (Mẫu 01) lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedPaper {
    pub name: String,
    pub form: PaperForm,
    pub count: u32,
}

/// What the counter recorded besides the dossier itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterReception {
    pub papers: Vec<ReceivedPaper>,
    /// Number of sets of the dossier handed in (số bộ hồ sơ).
    pub sets: u32,
    pub fee: Money,
    /// Number of the fee receipt (biên lai), required when a fee was collected.
    pub fee_receipt: Option<String>,
}

/// The fee the counter normally collects: the per-dossier amounts of the procedure's fees.
/// `None` when a fee depends on a unit (pages, copies) or on a provincial resolution, and
/// the officer must work it out.
pub fn expected_fee(p: &Procedure) -> Option<Money> {
    p.fees.iter().try_fold(Money(0), |sum, f| match (f.amount, &f.unit) {
        (Some(a), None) => Some(Money(sum.0 + a.0)),
        _ => None,
    })
}

/// Parses an amount of đồng as officers type it: "50000", "50.000", "50 000 đ".
pub fn parse_amount(s: &str) -> Option<Money> {
    let t = s.trim().trim_end_matches("đồng").trim_end_matches('đ').trim_end_matches("VND").trim();
    if t.is_empty() {
        return Some(Money(0));
    }
    let mut v: i64 = 0;
    for c in t.chars() {
        match c {
            '0'..='9' => v = v.checked_mul(10)?.checked_add(c as i64 - '0' as i64)?,
            '.' | ' ' | ',' | '\u{a0}' => {}
            _ => return None,
        }
    }
    Some(Money(v))
}

/// The most a counter collects for one dossier; anything above is a typing error.
const MAX_FEE: i64 = 1_000_000_000;

/// Checks the counter's checklist and fee against the procedure. `lines` follow the
/// procedure's list of papers; error paths are `giay_to[i]`, `so_ban[i]`, `so_bo`,
/// `le_phi`, `so_bien_lai`.
pub fn check(p: &Procedure, lines: &[ChecklistLine<'_>], sets: &str, fee: &str, fee_receipt: &str) -> Result<CounterReception, FieldErrors> {
    let mut e = FieldErrors::default();
    let mut papers = Vec::new();
    if lines.len() != p.documents.len() {
        e.add("giay_to", "Danh mục giấy tờ không khớp với thủ tục; tải lại trang");
    }
    for (i, (doc, line)) in p.documents.iter().zip(lines).enumerate() {
        let form = match line.form.filter(|f| !f.is_empty()) {
            None if doc.mandatory => {
                e.add(format!("giay_to[{i}]"), format!("Chưa nhận “{}” (bắt buộc): hướng dẫn người nộp bổ sung trước khi tiếp nhận", doc.name));
                continue;
            }
            None => continue,
            Some(f) => match PaperForm::parse(f) {
                Some(f) => f,
                None => {
                    e.add(format!("giay_to[{i}]"), "Hình thức giấy tờ không hợp lệ");
                    continue;
                }
            },
        };
        if !form.satisfies(doc.kind) {
            e.add(format!("giay_to[{i}]"), format!("“{}” phải là {}", doc.name, doc.kind.label_vi().to_lowercase()));
        }
        match line.count.trim().parse::<u32>() {
            Ok(n) if (1..=50).contains(&n) && n >= doc.count.max(1) => papers.push(ReceivedPaper { name: doc.name.clone(), form, count: n }),
            Ok(n) if (1..=50).contains(&n) => e.add(format!("so_ban[{i}]"), format!("Thủ tục yêu cầu {} bản", doc.count)),
            _ => e.add(format!("so_ban[{i}]"), "Số bản là số từ 1 đến 50"),
        }
    }
    let sets = match sets.trim().parse::<u32>() {
        Ok(n) if (1..=10).contains(&n) => n,
        _ => {
            e.add("so_bo", "Số bộ hồ sơ là số từ 1 đến 10");
            1
        }
    };
    let fee = match parse_amount(fee) {
        Some(m) if m.0 <= MAX_FEE => m,
        _ => {
            e.add("le_phi", "Số tiền thu là số đồng, ví dụ 50.000");
            Money(0)
        }
    };
    let fee_receipt = fee_receipt.trim();
    let fee_receipt = (!fee_receipt.is_empty()).then(|| fee_receipt.to_string());
    if fee.0 > 0 && fee_receipt.is_none() {
        e.add("so_bien_lai", "Đã thu phí, lệ phí thì ghi số biên lai");
    }
    if fee_receipt.as_ref().is_some_and(|r| r.chars().count() > 50) {
        e.add("so_bien_lai", "Số biên lai dài quá 50 ký tự");
    }
    e.finish(|| CounterReception { papers, sets, fee, fee_receipt })
}

/// A paper as a client of the API names it: by its name in the procedure's list, with
/// its form (`original`, `certified_copy`, `copy`, `shown`) and number of copies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedPaper<'a> {
    pub name: &'a str,
    pub form: &'a str,
    pub copies: u32,
}

/// [`check`] for a checklist given by paper names (the API's), under the same rule as the
/// counter's screen: the papers are lined up with the procedure's list (a name the list
/// lacks, or given twice, is an error) and every error is reported at the path of the
/// API's body, under `reception`.
pub fn check_named(p: &Procedure, papers: &[NamedPaper<'_>], sets: u32, fee_vnd: i64, fee_receipt: &str) -> Result<CounterReception, FieldErrors> {
    let mut e = FieldErrors::default();
    // For each paper of the procedure, the position of the entry that names it.
    let mut entry_of: Vec<Option<usize>> = vec![None; p.documents.len()];
    for (j, paper) in papers.iter().enumerate() {
        match p.documents.iter().position(|d| d.name == paper.name.trim()) {
            None => e.add(format!("reception.papers[{j}].name"), "Thủ tục không có giấy tờ với tên này"),
            Some(i) if entry_of[i].is_some() => e.add(format!("reception.papers[{j}].name"), "Giấy tờ này đã có trong danh mục"),
            Some(i) => entry_of[i] = Some(j),
        }
    }
    let counts: Vec<String> = entry_of.iter().map(|j| j.map(|j| papers[j].copies.to_string()).unwrap_or_default()).collect();
    let lines: Vec<ChecklistLine<'_>> =
        entry_of.iter().zip(&counts).map(|(j, count)| ChecklistLine { form: j.map(|j| papers[j].form.trim()), count }).collect();
    let fee = if fee_vnd < 0 { "-".to_string() } else { fee_vnd.to_string() };
    let checked = check(p, &lines, &sets.to_string(), &fee, fee_receipt);
    let path_of = |path: &str| -> String {
        let index = |rest: &str| rest.trim_end_matches(']').parse::<usize>().ok();
        if let Some(i) = path.strip_prefix("giay_to[").and_then(index) {
            return entry_of.get(i).copied().flatten().map(|j| format!("reception.papers[{j}].form")).unwrap_or_else(|| "reception.papers".into());
        }
        if let Some(i) = path.strip_prefix("so_ban[").and_then(index) {
            return entry_of.get(i).copied().flatten().map(|j| format!("reception.papers[{j}].copies")).unwrap_or_else(|| "reception.papers".into());
        }
        match path {
            "so_bo" => "reception.sets",
            "le_phi" => "reception.fee_vnd",
            "so_bien_lai" => "reception.fee_receipt",
            _ => "reception.papers",
        }
        .into()
    };
    match checked {
        Ok(r) if e.is_empty() => Ok(r),
        Ok(_) => Err(e),
        Err(errors) => {
            for x in errors.0 {
                e.add(path_of(&x.path), x.message);
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::ProcessingTime;
    use crate::catalogue::{Fee, Level, OnlineLevel, RequiredDocument};

    fn procedure() -> Procedure {
        Procedure {
            code: "1.000001".into(),
            name: "Thủ tục mẫu".into(),
            field: "Đất đai".into(),
            level: Level::Commune,
            agency_text: "Ủy ban nhân dân cấp xã".into(),
            agency_kinds: vec!["commune_people_committee".into()],
            processing: ProcessingTime::WorkingDays { half_days: 10 },
            fees: Vec::new(),
            documents: vec![
                RequiredDocument { name: "Tờ khai".into(), kind: DocumentKind::Original, count: 1, mandatory: true, form: None },
                RequiredDocument { name: "Giấy tờ nhà đất".into(), kind: DocumentKind::Copy, count: 2, mandatory: true, form: None },
                RequiredDocument { name: "Giấy ủy quyền".into(), kind: DocumentKind::Original, count: 1, mandatory: false, form: None },
            ],
            online: OnlineLevel::None,
            result: "Giấy chứng nhận".into(),
            legal_basis: String::new(),
            workflow: Vec::new(),
            source_note: None,
        }
    }

    fn line<'a>(form: &'a str, count: &'a str) -> ChecklistLine<'a> {
        ChecklistLine { form: Some(form), count }
    }

    #[test]
    fn a_complete_checklist_is_received_with_its_fee() {
        let r = check(&procedure(), &[line("original", "1"), line("certified_copy", "2"), line("", "1")], "1", "50.000 đ", "BL-0001").unwrap();
        assert_eq!(r.papers.len(), 2);
        assert_eq!(r.papers[1], ReceivedPaper { name: "Giấy tờ nhà đất".into(), form: PaperForm::CertifiedCopy, count: 2 });
        assert_eq!(r.fee, Money(50_000));
        assert_eq!(r.fee_receipt.as_deref(), Some("BL-0001"));
    }

    #[test]
    fn missing_mandatory_papers_wrong_forms_and_counts_are_named() {
        let e = check(&procedure(), &[line("", "1"), line("copy", "1"), line("copy", "1")], "0", "abc", "").unwrap_err();
        let paths: Vec<&str> = e.0.iter().map(|x| x.path.as_str()).collect();
        assert_eq!(paths, ["giay_to[0]", "so_ban[1]", "giay_to[2]", "so_bo", "le_phi"]);
        assert!(e.0[0].message.contains("Tờ khai"));
    }

    #[test]
    fn a_fee_needs_its_receipt_number() {
        let e = check(&procedure(), &[line("original", "1"), line("original", "2"), line("", "")], "1", "20000", " ").unwrap_err();
        assert_eq!(e.0[0].path, "so_bien_lai");
        assert!(check(&procedure(), &[line("original", "1"), line("original", "2"), line("", "")], "1", "0", "").is_ok());
    }

    #[test]
    fn a_stale_form_with_another_list_is_refused() {
        let e = check(&procedure(), &[line("original", "1")], "1", "", "").unwrap_err();
        assert_eq!(e.0[0].path, "giay_to");
    }

    #[test]
    fn the_api_checklist_names_papers_and_follows_the_same_rule() {
        let named = |name, form, copies| NamedPaper { name, form, copies };
        let r = check_named(&procedure(), &[named("Giấy tờ nhà đất", "certified_copy", 2), named("Tờ khai", "original", 1)], 1, 0, "").unwrap();
        assert_eq!(r.papers.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Tờ khai", "Giấy tờ nhà đất"], "in the procedure's order");
        let e = check_named(&procedure(), &[], 1, 0, "").unwrap_err();
        assert_eq!(e.0.iter().map(|x| x.path.as_str()).collect::<Vec<_>>(), ["reception.papers", "reception.papers"], "both mandatory papers missing");
        let e = check_named(&procedure(), &[named("Tờ khai", "copy", 1), named("Giấy tờ nhà đất", "copy", 1), named("Khác", "copy", 1), named("Tờ khai", "original", 1)], 0, -5, "")
            .unwrap_err();
        let paths: Vec<&str> = e.0.iter().map(|x| x.path.as_str()).collect();
        assert_eq!(paths, ["reception.papers[2].name", "reception.papers[3].name", "reception.papers[0].form", "reception.papers[1].copies", "reception.sets", "reception.fee_vnd"]);
    }

    #[test]
    fn amounts_parse_as_typed() {
        assert_eq!(parse_amount("1.200.000"), Some(Money(1_200_000)));
        assert_eq!(parse_amount(" 30 000 đồng"), Some(Money(30_000)));
        assert_eq!(parse_amount(""), Some(Money(0)));
        assert_eq!(parse_amount("-5"), None);
        assert_eq!(parse_amount("99999999999999999999999"), None);
    }

    #[test]
    fn expected_fee_sums_per_dossier_amounts_only() {
        let mut p = procedure();
        let fee = |amount: Option<i64>, unit: Option<&str>| Fee { name: "Lệ phí".into(), amount: amount.map(Money), online_amount: None, unit: unit.map(String::from), note: None };
        p.fees = vec![fee(Some(30_000), None), fee(Some(20_000), None)];
        assert_eq!(expected_fee(&p), Some(Money(50_000)));
        p.fees.push(fee(Some(2_000), Some("trang")));
        assert_eq!(expected_fee(&p), None);
        p.fees.clear();
        assert_eq!(expected_fee(&p), Some(Money(0)));
    }
}
