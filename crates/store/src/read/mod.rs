//! Read models: the queries screens and API lists issue, each with the index it relies on.

mod dossier_list;
mod tracking_book;

pub use dossier_list::{DossierFilter, DueWindow, ListOrder, NO_DUE};
pub use tracking_book::BookRow;
