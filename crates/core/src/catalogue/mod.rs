//! The procedure catalogue (danh mục thủ tục hành chính): what each procedure requires,
//! how long it may take, what it costs, and the internal workflow that handles it.

mod import;
mod procedure;
mod search;
mod workflow;

pub use import::{parse_file, parse_for_import, parse_procedure, ImportRow, RawProcedure};
pub use search::{rank, rank_indexed, relevance, relevance_of, Searchable};
pub use procedure::{agency_kind_label, DocumentKind, Fee, Level, OnlineLevel, Procedure, RequiredDocument};
pub use workflow::{default_workflow, instantiate_workflow, needed_kinds, AgencyTarget, WorkflowStep};
