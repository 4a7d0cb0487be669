//! The procedure catalogue (danh mục thủ tục hành chính): what each procedure requires,
//! how long it may take, what it costs, and the internal workflow that handles it.

mod import;
mod procedure;
mod routing;
mod search;
mod workflow;

pub use import::{parse_file, parse_for_import, parse_procedure, ImportRow, RawProcedure};
pub use search::{rank, rank_indexed, relevance, relevance_of, Searchable};
pub use procedure::{agency_kind_label, DocumentKind, Fee, Level, OnlineLevel, Procedure, RequiredDocument};
pub use routing::{admin_level, catalogue_write, choose_route, may_set_route, AdminLevel, AdminSeat, Place, ProcedureOwner, RouteArea, ScopeRefusal, StepRoute, EVERY_PROCEDURE};
pub use workflow::{default_workflow, instantiate_workflow, needed_kinds, AgencyTarget, WorkflowStep};
