//! Errors on pages are pages: a person who follows a dead link, sends a file over the limit
//! or meets a refused action reads a Vietnamese page with the way home, not the API's JSON.

use super::render;
use askama::Template;
use axum::body::to_bytes;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    message: String,
    fields: Vec<String>,
}

fn title(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "Không tìm thấy trang",
        StatusCode::UNAUTHORIZED => "Cần đăng nhập",
        StatusCode::FORBIDDEN => "Không có quyền truy cập",
        StatusCode::CONFLICT => "Không thực hiện được",
        StatusCode::PAYLOAD_TOO_LARGE => "Dữ liệu gửi lên quá lớn",
        StatusCode::SERVICE_UNAVAILABLE => "Hệ thống tạm gián đoạn",
        StatusCode::TOO_MANY_REQUESTS => "Tạm khoá do thử quá nhiều lần",
        s if s.is_server_error() => "Lỗi hệ thống",
        _ => "Yêu cầu không hợp lệ",
    }
}

/// Turns a JSON error from a page handler (or the framework) into an HTML page with the
/// same status and message.
pub async fn html_errors(resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let content_type = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    if content_type.starts_with("text/html") {
        return resp;
    }
    let kept: Vec<_> = [header::ALLOW, header::RETRY_AFTER].into_iter().filter_map(|h| resp.headers().get(&h).cloned().map(|v| (h, v))).collect();
    let body = to_bytes(resp.into_body(), 64 * 1024).await.unwrap_or_default();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let message = json["message"].as_str().map(String::from).unwrap_or_else(|| match status {
        StatusCode::NOT_FOUND => "Địa chỉ này không có trên cổng dịch vụ công.".into(),
        StatusCode::PAYLOAD_TOO_LARGE => "Tổng dung lượng các tệp vượt quá giới hạn; hãy chọn tệp nhỏ hơn.".into(),
        _ => "Vui lòng quay lại và thử lại.".into(),
    });
    let fields = json["fields"].as_array().map(|f| f.iter().filter_map(|x| x["message"].as_str().map(String::from)).collect()).unwrap_or_default();
    let mut out = (status, render(ErrorPage { title: title(status), message, fields })).into_response();
    out.headers_mut().extend(kept);
    out
}

/// Unmatched addresses: the API's JSON 404 under `/api/`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError::NotFound.into_response();
    }
    (StatusCode::NOT_FOUND, render(ErrorPage { title: title(StatusCode::NOT_FOUND), message: "Địa chỉ này không có trên cổng dịch vụ công.".into(), fields: Vec::new() }))
        .into_response()
}
