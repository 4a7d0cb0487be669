//! What the use cases reach outside themselves through, as traits: each has one real
//! implementation today, and tests or later issues may give another. The last three are
//! seams only, named for the issues that will fill them (notifications, signed results,
//! payments); nothing stands behind them yet.

use futures_util::future::BoxFuture;
use motcua_core::time::Instant;
use motcua_pdf::{OfficialForm, PdfError, SubmissionReceipt};
use motcua_store::{BlobStore, StoreError, StoredBlob};

pub use motcua_core::time::Clock;

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        chrono::Utc::now()
    }
}

/// Where the papers citizens upload and the documents agencies issue are kept, by the
/// SHA-256 of their content (a file given twice is kept once).
pub trait FileStore: Send + Sync {
    fn put<'a>(&'a self, bytes: &'a [u8]) -> BoxFuture<'a, Result<StoredBlob, StoreError>>;
    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, Result<Vec<u8>, StoreError>>;
}

/// Files in a directory of this machine (a commune's laptop, or a shared volume).
impl FileStore for BlobStore {
    fn put<'a>(&'a self, bytes: &'a [u8]) -> BoxFuture<'a, Result<StoredBlob, StoreError>> {
        Box::pin(BlobStore::put(self, bytes))
    }

    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, Result<Vec<u8>, StoreError>> {
        Box::pin(BlobStore::get(self, sha256))
    }
}

/// Lays out a composed document as a printable file. CPU-bound: callers run it off the
/// async runtime ([`crate::documents::render`]).
pub trait DocumentRenderer: Send + Sync {
    /// An official form of Circular 03/2025/TT-VPCP (Mẫu 01–06), a result notice, a
    /// tracking book.
    fn official_form(&self, form: &OfficialForm) -> Result<Vec<u8>, PdfError>;
    /// The receipt of an online submission.
    fn submission_receipt(&self, receipt: &SubmissionReceipt) -> Result<Vec<u8>, PdfError>;
}

/// PDF files laid out by `motcua-pdf`.
pub struct PdfRenderer;

impl DocumentRenderer for PdfRenderer {
    fn official_form(&self, form: &OfficialForm) -> Result<Vec<u8>, PdfError> {
        motcua_pdf::official_form(form)
    }

    fn submission_receipt(&self, receipt: &SubmissionReceipt) -> Result<Vec<u8>, PdfError> {
        motcua_pdf::submission_receipt(receipt)
    }
}

/// Seam for the notifications issue: the consumer of the outbox that sends SMS, e-mail
/// and Zalo messages. No method yet: the outbox rows are written by the store today and
/// read by the demo mailbox.
pub trait Notifier: Send + Sync {}

/// Seam for the signed-results issue: a digital signature on issued documents (a
/// qualified certificate, Decree 23/2025). No method yet: results are signed outside
/// motcua and attached, or issued unsigned as a notice.
pub trait Signer: Send + Sync {}

/// Seam for the payments issue: a gateway that requests and confirms a fee paid straight
/// to the agency's account (motcua never holds money). No method yet: fees are collected
/// at the counter and their receipt number recorded.
pub trait PaymentProvider: Send + Sync {}

/// A clock that stands where it is put: for replaying a history (the demo's months of
/// dossiers) through the same use cases as live traffic.
pub struct ManualClock(std::sync::Mutex<Instant>);

impl ManualClock {
    pub fn new(at: Instant) -> Self {
        ManualClock(std::sync::Mutex::new(at))
    }

    pub fn set(&self, at: Instant) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
