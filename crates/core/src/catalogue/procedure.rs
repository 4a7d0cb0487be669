//! A procedure as the catalogue publishes it.

use super::workflow::WorkflowStep;
use crate::calendar::ProcessingTime;
use crate::Money;
use serde::{Deserialize, Serialize};

/// Level of government that implements a procedure (after the 2025 reorganisation there
/// is no district level).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Central,
    Province,
    Commune,
}

impl Level {
    pub fn parse(s: &str) -> Option<Self> {
        match crate::text::fold(s).as_str() {
            "central" | "trung uong" | "bo" => Some(Level::Central),
            "province" | "tinh" | "cap tinh" => Some(Level::Province),
            "commune" | "xa" | "cap xa" => Some(Level::Commune),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Central => "central",
            Level::Province => "province",
            Level::Commune => "commune",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Level::Central => "Cấp trung ương",
            Level::Province => "Cấp tỉnh",
            Level::Commune => "Cấp xã",
        }
    }
}

/// Online public service level (Nghị định 42/2022/NĐ-CP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Toàn trình: submit, pay and receive the result online.
    Full,
    /// Một phần: some step needs presence.
    Partial,
    /// Not offered online.
    None,
}

impl OnlineLevel {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "full" | "4" => Some(OnlineLevel::Full),
            "partial" | "3" => Some(OnlineLevel::Partial),
            "none" | "1" | "2" => Some(OnlineLevel::None),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OnlineLevel::Full => "full",
            OnlineLevel::Partial => "partial",
            OnlineLevel::None => "none",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            OnlineLevel::Full => "Dịch vụ công trực tuyến toàn trình",
            OnlineLevel::Partial => "Dịch vụ công trực tuyến một phần",
            OnlineLevel::None => "Không cung cấp trực tuyến",
        }
    }
}

/// Whether a document is kept as an original, a copy, or only shown at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Original,
    Copy,
    Shown,
}

impl DocumentKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            DocumentKind::Original => "Bản chính",
            DocumentKind::Copy => "Bản sao",
            DocumentKind::Shown => "Xuất trình",
        }
    }
}

/// One document of the dossier's composition (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredDocument {
    pub name: String,
    pub kind: DocumentKind,
    pub count: u32,
    pub mandatory: bool,
    /// Name of the blank form, if the procedure prescribes one.
    pub form: Option<String>,
}

/// A fee or charge (phí, lệ phí). `amount` is `None` where a provincial resolution sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub name: String,
    pub amount: Option<Money>,
    /// Reduced amount when submitted online, where the law grants one.
    pub online_amount: Option<Money>,
    /// Unit the amount applies to ("trang", "trường hợp"), if not per dossier.
    pub unit: Option<String>,
    pub note: Option<String>,
}

/// A procedure of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// National code (`1.001193`), or a provisional local code when none is published.
    pub code: String,
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    pub level: Level,
    /// Implementing agency as the catalogue words it ("Ủy ban nhân dân cấp xã").
    pub agency_text: String,
    /// Kinds of agency that receive and lead it (`commune_people_committee`, …).
    pub agency_kinds: Vec<String>,
    pub processing: ProcessingTime,
    pub fees: Vec<Fee>,
    pub documents: Vec<RequiredDocument>,
    pub online: OnlineLevel,
    pub result: String,
    pub legal_basis: String,
    pub workflow: Vec<WorkflowStep>,
    /// Free-text notes of the source (confidence, code status, sample marking).
    pub source_note: Option<String>,
}

impl Procedure {
    /// Whether several agencies take part (một cửa liên thông).
    pub fn is_inter_agency(&self) -> bool {
        self.workflow.iter().any(|s| s.agency != super::AgencyTarget::Receiving)
    }

    /// Text the catalogue search matches against, folded.
    pub fn search_text(&self) -> String {
        crate::text::fold(&format!("{} {} {}", self.name, self.field, self.code))
    }
}

/// What citizens call a kind of agency, for the catalogue's "Cơ quan thực hiện" filter
/// (one choice per kind: a province has thousands of agencies but a dozen kinds).
pub fn agency_kind_label(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "province_people_committee" => "Ủy ban nhân dân cấp tỉnh",
        "province_service_centre" => "Trung tâm Phục vụ hành chính công cấp tỉnh",
        "department_justice" => "Sở Tư pháp",
        "department_finance" => "Sở Tài chính",
        "department_construction" => "Sở Xây dựng",
        "province_police" => "Công an cấp tỉnh",
        "commune_people_committee" => "Ủy ban nhân dân cấp xã",
        "commune_police" => "Công an cấp xã",
        "social_insurance" => "Bảo hiểm xã hội",
        _ => return None,
    })
}
