//! The `motcua` binary's library: configuration, reference data, demo data, the server
//! runner and the CLI commands, shared with the black-box tests.

pub mod audit_cmd;
pub mod calendar_cmd;
pub mod config;
pub mod demo;
pub mod generate;
pub mod import;
pub mod reference;
pub mod serve;
