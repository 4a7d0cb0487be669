//! Identifiers parsed once at the edge: a value of these types is always valid.

mod agency_code;
mod cccd;
mod dossier_code;
mod phone;
mod tax_code;

pub use agency_code::AgencyCode;
pub use cccd::Cccd;
pub use dossier_code::{DossierCode, DossierCodeFormat};
pub use phone::Phone;
pub use tax_code::TaxCode;

/// Why an identifier was refused. The message is shown to users, so it is Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số")]
    CccdFormat,
    #[error("Mã tỉnh nơi đăng ký khai sinh ({0}) trong số định danh không tồn tại")]
    CccdProvince(String),
    #[error("Năm sinh trong số định danh ({0}) nằm trong tương lai")]
    CccdFutureBirth(i32),
    #[error("Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số của đơn vị phụ thuộc")]
    TaxFormat,
    #[error("Mã số thuế sai chữ số kiểm tra")]
    TaxCheckDigit,
    #[error("Mã định danh cơ quan không đúng định dạng (ví dụ: H55 hoặc H55.242)")]
    AgencyFormat,
    #[error("Mã hồ sơ không đúng định dạng <mã cơ quan>-<YYMMDD>-<số thứ tự> (ví dụ: H56.12-261123-0001)")]
    DossierFormat,
    #[error("Số điện thoại không hợp lệ (ví dụ: 0912345678)")]
    PhoneFormat,
}
