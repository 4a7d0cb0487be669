//! motcua's domain core: every rule of the one-stop system as plain functions over data.
//!
//! No IO, no async, no database, no clock: callers pass the current instant and any
//! randomness in. Adapters (storage, web, jobs) depend on this crate, never the reverse.

pub mod account;
pub mod admin;
pub mod calendar;
pub mod catalogue;
pub mod dossier;
pub mod feedback;
pub mod files;
pub mod ids;
pub mod money;
pub mod rating;
pub mod reception;
pub mod redirect;
pub mod text;
pub mod validation;
pub mod time;

pub use money::Money;
