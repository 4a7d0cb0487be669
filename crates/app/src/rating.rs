//! A citizen rates the service of a finished dossier (Decision 766/QĐ-TTg, the
//! satisfaction criteria of `core::rating`), once.

use crate::context::App;
use crate::error::AppError;
use motcua_core::rating::{may_rate, Rating};
use motcua_store::DossierRow;

/// Records the applicant's rating of a dossier whose result exists (the caller has
/// proven to be its applicant). A second rating is a conflict.
pub async fn rate(app: &App, d: &DossierRow, rating: &Rating) -> Result<(), AppError> {
    if !d.state().map(may_rate).unwrap_or(false) {
        return Err(AppError::Conflict("Hồ sơ chỉ được đánh giá sau khi có kết quả".into()));
    }
    match app.store.rate_dossier(d, rating, app.now()).await {
        Err(e) if e.is_unique_violation() => Err(AppError::Conflict("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần".into())),
        other => Ok(other?),
    }
}
