//! motcua's application layer: every use case, as plain async functions over [`App`]
//! (the store, the file store, the clock, the document renderer and the working
//! calendars). The HTTP handlers, the CLI and, later, workers and payment callbacks are
//! adapters that parse their input, call one use case and present its answer; none of
//! them decides who may do what (this crate does, by asking `motcua-core`).
//!
//! No HTTP here: inputs are core types (or plain serde shapes the API shares), outputs
//! are rows, views and [`AppError`].

pub mod access;
pub mod admin;
pub mod action_input;
pub mod actions;
pub mod cache;
pub mod calendars;
pub mod citizens;
mod codes;
mod context;
pub mod documents;
pub mod exports;
mod error;
pub mod json;
mod names;
pub mod portal;
pub mod ports;
pub mod feedback;
pub mod queue;
pub mod rating;
pub mod submission;
pub mod views;

pub use context::{App, Caches, Catalogue, Settings};
pub use error::AppError;
