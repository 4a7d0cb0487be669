//! Who acts on dossiers: the applicant and staff roles scoped to agencies.

use serde::{Deserialize, Serialize};

/// Staff roles (Nghị định 118/2025/NĐ-CP assigns reception and return to the one-stop
/// section, handling to the specialised units, signing to the agency's leaders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ một cửa: receives dossiers and returns results.
    Reception,
    /// Chuyên viên xử lý: appraises dossiers.
    Specialist,
    /// Lãnh đạo phòng: reviews the specialist's proposal.
    HeadOfUnit,
    /// Lãnh đạo cơ quan: approves and signs results.
    SigningLeader,
    /// Giám sát trung tâm: watches, does not act.
    Supervisor,
    /// Quản trị hệ thống: manages accounts and reference data, not dossiers.
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [Role::Reception, Role::Specialist, Role::HeadOfUnit, Role::SigningLeader, Role::Supervisor, Role::Admin];

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reception => "reception",
            Role::Specialist => "specialist",
            Role::HeadOfUnit => "head_of_unit",
            Role::SigningLeader => "signing_leader",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Reception => "Cán bộ một cửa",
            Role::Specialist => "Chuyên viên xử lý",
            Role::HeadOfUnit => "Lãnh đạo phòng",
            Role::SigningLeader => "Lãnh đạo cơ quan",
            Role::Supervisor => "Giám sát trung tâm",
            Role::Admin => "Quản trị hệ thống",
        }
    }

    /// Roles that may own a workflow step.
    pub fn handles_steps(self) -> bool {
        matches!(self, Role::Specialist | Role::HeadOfUnit | Role::SigningLeader)
    }
}

/// A role held in one agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub agency_id: i64,
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The applicant, authenticated by the dossier's code and secret (phone or ID number).
    Applicant,
    /// A staff member with their grants (already expanded to sub-agencies by the caller).
    Staff { user_id: i64, grants: Vec<Grant> },
}

impl Actor {
    /// Whether this staff member holds `role` in `agency`.
    pub fn holds(&self, role: Role, agency: i64) -> bool {
        match self {
            Actor::Applicant => false,
            Actor::Staff { grants, .. } => grants.iter().any(|g| g.role == role && g.agency_id == agency),
        }
    }

    /// Whether this staff member holds any role in `agency` (may read its dossiers).
    pub fn sees(&self, agency: i64) -> bool {
        match self {
            Actor::Applicant => false,
            Actor::Staff { grants, .. } => grants.iter().any(|g| g.agency_id == agency),
        }
    }
}

/// A party in the permission table: the applicant or one staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    Applicant,
    Staff(Role),
}
