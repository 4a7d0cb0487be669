//! Read models: the queries screens and API lists issue, each with the index it relies on.

mod dashboard;
mod dossier_list;
mod tracking_book;

pub use dashboard::{DashboardRow, Figure, GroupBy, OfficerRow, OperationalFigures, PoolStats};
pub use dossier_list::{due_key, DashboardCell, DossierFilter, DueWindow, ListOrder};
pub use tracking_book::BookRow;
