//! JSON input with errors that name the field (`applicant.phone`) in Vietnamese: the
//! API's bodies, and the action forms of the pages that speak the same shapes.

use crate::error::AppError;
use serde::de::DeserializeOwned;

/// Parses JSON from bytes, reporting the path of the first wrong field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            AppError::Malformed(format!("JSON không hợp lệ (dòng {}, cột {})", inner.line(), inner.column()))
        } else {
            // serde reports a missing field at its parent; name the field itself.
            let msg = inner.to_string();
            let missing = msg.strip_prefix("missing field `").and_then(|r| r.split('`').next());
            let path = match (path.as_str(), missing) {
                (".", Some(f)) => f.to_string(),
                (p, Some(f)) => format!("{p}.{f}"),
                (".", None) => String::new(),
                (p, None) => p.to_string(),
            };
            match missing {
                Some(_) => AppError::field(&path, "Thiếu trường bắt buộc"),
                None => AppError::field(&path, type_error_vi(&msg)),
            }
        }
    })
}

/// A serde type error in Vietnamese only: users read the message, and serde's English
/// (`invalid type: string "x", expected u64`) would sit inside it. What was expected is
/// told in words of JSON; the value sent is not repeated.
fn type_error_vi(serde_message: &str) -> String {
    let expected = serde_message.rsplit_once("expected ").map(|(_, e)| e.trim()).unwrap_or("");
    let wanted = if serde_message.starts_with("unknown variant") {
        "giá trị không thuộc các giá trị cho phép"
    } else if serde_message.starts_with("unknown field") {
        "trường này không được hỗ trợ"
    } else if ["u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize"].iter().any(|t| expected.starts_with(t)) || expected.contains("integer") {
        "cần một số nguyên"
    } else if expected.starts_with("f32") || expected.starts_with("f64") {
        "cần một số"
    } else if expected.contains("string") || expected.contains("char") {
        "cần một chuỗi ký tự"
    } else if expected.contains("bool") {
        "cần true hoặc false"
    } else if expected.contains("sequence") {
        "cần một danh sách (mảng JSON)"
    } else if expected.contains("struct") || expected.contains("map") {
        "cần một đối tượng JSON"
    } else if serde_message.starts_with("invalid length") {
        "số phần tử không đúng"
    } else {
        "giá trị không hợp lệ"
    };
    format!("Sai kiểu dữ liệu: {wanted}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn type_errors_name_the_expected_kind_in_vietnamese() {
        assert_eq!(super::type_error_vi("invalid type: string \"abc\", expected u64"), "Sai kiểu dữ liệu: cần một số nguyên");
        assert_eq!(super::type_error_vi("invalid type: integer `5`, expected a string"), "Sai kiểu dữ liệu: cần một chuỗi ký tự");
        assert_eq!(super::type_error_vi("invalid type: map, expected a boolean"), "Sai kiểu dữ liệu: cần true hoặc false");
    }
}
