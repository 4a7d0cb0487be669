//! Printed documents of motcua as PDF: Vietnamese text shaped by rustybuzz (through krilla)
//! in an embedded Unicode serif font, so diacritics render the same on every reader and no
//! system font is needed.
//!
//! Each document is a plain struct of already-formatted Vietnamese strings; this crate lays
//! it out and knows nothing of the database or the web.

mod form;
mod layout;
mod receipt;

pub use form::{official_form, Block, OfficialForm};
pub use receipt::{submission_receipt, SubmissionReceipt};

/// A document that could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("embedded font could not be loaded")]
    Font,
    #[error("QR code: {0}")]
    Qr(String),
    #[error("PDF serialisation failed: {0}")]
    Serialize(String),
}
