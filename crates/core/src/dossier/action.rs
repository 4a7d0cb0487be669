//! What can be done to a dossier.

use crate::time::Instant;
use serde::{Deserialize, Serialize};

/// One missing or wrong paper in a supplement request, with its reason (the law asks for
/// everything missing in one request, each with its reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementItem {
    pub document: String,
    pub reason: String,
}

/// How a result was handed back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Delivery {
    /// At the counter, to the named person with their ID number.
    Counter { receiver_name: String, receiver_id: String },
    /// By public post, with a tracking number.
    Post { tracking_number: String },
    /// Online: the applicant downloads the electronic result.
    Online,
}

/// An action with its inputs, already parsed into valid values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Submit,
    Receive { note: Option<String> },
    RequestSupplement { items: Vec<SupplementItem>, exception_reason: Option<String> },
    Supply { note: Option<String> },
    Transfer { note: Option<String> },
    Forward { note: Option<String> },
    /// Hands the current step to a named colleague who holds its role (the name is what
    /// the history shows).
    Assign { assignee: i64, assignee_name: String, note: Option<String> },
    ReturnToStep { step: usize, reason: String },
    Approve { note: Option<String> },
    Reject { reason: String, legal_ground: Option<String> },
    Stop { reason: String },
    Extend { new_due: Instant, reason: String },
    Withdraw { reason: String },
    ReturnResult { delivery: Delivery },
}

/// The kind of an action, without its inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Submit,
    Receive,
    RequestSupplement,
    Supply,
    Transfer,
    Forward,
    Assign,
    ReturnToStep,
    Approve,
    Reject,
    Stop,
    Extend,
    Withdraw,
    ReturnResult,
}

impl ActionKind {
    pub const ALL: [ActionKind; 14] = [
        ActionKind::Submit,
        ActionKind::Receive,
        ActionKind::RequestSupplement,
        ActionKind::Supply,
        ActionKind::Transfer,
        ActionKind::Forward,
        ActionKind::Assign,
        ActionKind::ReturnToStep,
        ActionKind::Approve,
        ActionKind::Reject,
        ActionKind::Stop,
        ActionKind::Extend,
        ActionKind::Withdraw,
        ActionKind::ReturnResult,
    ];

    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Submit => "submit",
            ActionKind::Receive => "receive",
            ActionKind::RequestSupplement => "request_supplement",
            ActionKind::Supply => "supply",
            ActionKind::Transfer => "transfer",
            ActionKind::Forward => "forward",
            ActionKind::Assign => "assign",
            ActionKind::ReturnToStep => "return_to_step",
            ActionKind::Approve => "approve",
            ActionKind::Reject => "reject",
            ActionKind::Stop => "stop",
            ActionKind::Extend => "extend",
            ActionKind::Withdraw => "withdraw",
            ActionKind::ReturnResult => "return_result",
        }
    }

    /// What the public timeline says happened.
    pub fn label_vi(self) -> &'static str {
        match self {
            ActionKind::Submit => "Nộp hồ sơ",
            ActionKind::Receive => "Tiếp nhận hồ sơ",
            ActionKind::RequestSupplement => "Yêu cầu bổ sung, hoàn thiện hồ sơ",
            ActionKind::Supply => "Bổ sung hồ sơ",
            ActionKind::Transfer => "Chuyển hồ sơ đến bộ phận giải quyết",
            ActionKind::Forward => "Chuyển bước xử lý",
            ActionKind::Assign => "Giao cán bộ khác xử lý",
            ActionKind::ReturnToStep => "Trả lại bước trước",
            ActionKind::Approve => "Phê duyệt kết quả",
            ActionKind::Reject => "Từ chối giải quyết",
            ActionKind::Stop => "Dừng giải quyết",
            ActionKind::Extend => "Xin lỗi và gia hạn thời gian giải quyết",
            ActionKind::Withdraw => "Rút hồ sơ",
            ActionKind::ReturnResult => "Trả kết quả",
        }
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Submit => ActionKind::Submit,
            Action::Receive { .. } => ActionKind::Receive,
            Action::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Action::Supply { .. } => ActionKind::Supply,
            Action::Transfer { .. } => ActionKind::Transfer,
            Action::Forward { .. } => ActionKind::Forward,
            Action::Assign { .. } => ActionKind::Assign,
            Action::ReturnToStep { .. } => ActionKind::ReturnToStep,
            Action::Approve { .. } => ActionKind::Approve,
            Action::Reject { .. } => ActionKind::Reject,
            Action::Stop { .. } => ActionKind::Stop,
            Action::Extend { .. } => ActionKind::Extend,
            Action::Withdraw { .. } => ActionKind::Withdraw,
            Action::ReturnResult { .. } => ActionKind::ReturnResult,
        }
    }
}
