//! Dossier states and submission channels.

use serde::{Deserialize, Serialize};

/// The state of a dossier (DESIGN.md, "The dossier").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Submitted,
    Received,
    Processing,
    SupplementRequested,
    ResultReady,
    Returned,
    Rejected,
    Withdrawn,
    /// Processing stopped before a result (dừng giải quyết), with a notice.
    Stopped,
}

impl State {
    pub const ALL: [State; 10] = [
        State::Draft,
        State::Submitted,
        State::Received,
        State::Processing,
        State::SupplementRequested,
        State::ResultReady,
        State::Returned,
        State::Rejected,
        State::Withdrawn,
        State::Stopped,
    ];

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Received => "received",
            State::Processing => "processing",
            State::SupplementRequested => "supplement_requested",
            State::ResultReady => "result_ready",
            State::Returned => "returned",
            State::Rejected => "rejected",
            State::Withdrawn => "withdrawn",
            State::Stopped => "stopped",
        }
    }

    /// The label users read.
    pub fn label_vi(self) -> &'static str {
        match self {
            State::Draft => "Nháp",
            State::Submitted => "Chờ tiếp nhận",
            State::Received => "Đã tiếp nhận",
            State::Processing => "Đang xử lý",
            State::SupplementRequested => "Chờ bổ sung",
            State::ResultReady => "Có kết quả, chờ trả",
            State::Returned => "Đã trả kết quả",
            State::Rejected => "Từ chối",
            State::Withdrawn => "Công dân rút hồ sơ",
            State::Stopped => "Dừng giải quyết",
        }
    }

    /// Whether handling has ended (the outcome is fixed).
    pub fn is_handled(self) -> bool {
        matches!(self, State::ResultReady | State::Returned | State::Rejected | State::Withdrawn | State::Stopped)
    }
}

/// How a dossier reached the agency; numbered as in national reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 1: in person at the counter.
    Counter,
    /// 2: online.
    Online,
    /// 3: public post.
    Post,
}

impl Channel {
    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "counter" | "1" => Some(Channel::Counter),
            "online" | "2" => Some(Channel::Online),
            "post" | "3" => Some(Channel::Post),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Counter => "counter",
            Channel::Online => "online",
            Channel::Post => "post",
        }
    }

    /// The national reporting number.
    pub fn number(self) -> u8 {
        match self {
            Channel::Counter => 1,
            Channel::Online => 2,
            Channel::Post => 3,
        }
    }
}
