//! The JSON API under `/api/v1` and its OpenAPI document at `/api/openapi.json`,
//! generated from the handlers' annotations so it cannot drift from them.

pub(crate) mod actions;
mod auth;
pub mod dossiers;
mod json;
mod procedures;
pub(crate) mod submission;

use crate::state::AppState;
use crate::routes::Routes;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "motcua API", description = "Hệ thống một cửa: thủ tục hành chính, hồ sơ, tiếp nhận và giải quyết. Errors are `{error, message, fields}`; messages are Vietnamese."),
    paths(
        procedures::list, procedures::get, procedures::agencies,
        auth::token, auth::revoke, auth::me,
        dossiers::create, dossiers::get, dossiers::list,
        actions::receive, actions::request_supplement, actions::supply, actions::transfer, actions::forward,
        actions::return_to_step, actions::approve, actions::reject, actions::stop, actions::extend,
        actions::withdraw, actions::return_result, actions::assign,
    ),
    modifiers(&BearerAuth, &Described, &MultipartSubmission),
    tags((name = "catalogue"), (name = "auth"), (name = "dossiers"), (name = "actions"))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// The multipart form of `POST /api/v1/dossiers`, which the handler reads by hand (a
/// `dossier` JSON part and one file part per document) and so cannot be derived.
struct MultipartSubmission;

impl Modify for MultipartSubmission {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::content::ContentBuilder;
        use utoipa::openapi::encoding::EncodingBuilder;
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        use utoipa::openapi::Ref;
        let Some(body) = openapi.paths.paths.get_mut("/api/v1/dossiers").and_then(|p| p.post.as_mut()).and_then(|op| op.request_body.as_mut()) else { return };
        let file = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("Tệp của một giấy tờ (PDF, JPEG hoặc PNG); tên phần là `part` của giấy tờ đó trong `documents`"));
        let form = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("dossier", Ref::from_schema_name("CreateDossier"))
            .required("dossier")
            .additional_properties(Some(file))
            .description(Some("Phần `dossier` là hồ sơ dạng JSON; mỗi phần còn lại là một tệp đính kèm"));
        let content = ContentBuilder::new().schema(Some(form)).encoding("dossier", EncodingBuilder::new().content_type(Some("application/json"))).build();
        body.content.insert("multipart/form-data".into(), content);
    }
}

/// Every response gets a description (clients and validators show it; utoipa leaves it
/// empty when only a body is given), in the words of its status code.
struct Described;

impl Modify for Described {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in ops.into_iter().flatten() {
                for (status, r) in op.responses.responses.iter_mut() {
                    if let utoipa::openapi::RefOr::T(r) = r {
                        if r.description.trim().is_empty() {
                            r.description = status_description(status).to_string();
                        }
                    }
                }
            }
        }
    }
}

fn status_description(status: &str) -> &'static str {
    match status {
        "200" => "Thành công",
        "201" => "Đã tạo",
        "204" => "Thành công, không có nội dung",
        "400" => "Yêu cầu không hợp lệ (JSON hoặc tham số sai cú pháp)",
        "401" => "Chưa xác thực: thiếu hoặc sai mã truy cập (Bearer)",
        "403" => "Không có quyền thực hiện",
        "404" => "Không tìm thấy",
        "409" => "Xung đột với trạng thái hiện tại của hồ sơ",
        "413" => "Dữ liệu gửi lên quá lớn",
        "415" => "Kiểu nội dung không được hỗ trợ",
        "422" => "Dữ liệu chưa hợp lệ; `fields` nêu từng trường sai",
        "429" => "Quá nhiều yêu cầu; thử lại sau",
        "503" => "Hệ thống tạm thời không sẵn sàng; thử lại sau",
        _ => "Phản hồi",
    }
}

pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

async fn openapi() -> impl axum::response::IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], openapi_json())
}

/// Small bodies everywhere but submissions, which carry documents.
const API_BODY_LIMIT: usize = 64 * 1024;

pub fn router(state: &AppState) -> Routes {
    use crate::throttle::Guard;
    let uploads = Routes::new().route("/api/v1/dossiers", post(dossiers::create).get(dossiers::list)).with(|r| r.layer(DefaultBodyLimit::max(state.config.max_upload_bytes)));
    // An applicant reads and acts with the dossier code and a secret: a stranger could guess.
    let lookups = Routes::new()
        .route("/api/v1/dossiers/{code}", get(dossiers::get))
        .route("/api/v1/dossiers/{code}/supply", post(actions::supply))
        .route("/api/v1/dossiers/{code}/withdraw", post(actions::withdraw))
        .guarded(state, Guard::LookupOrToken);
    let sign_in = Routes::new().route("/api/v1/auth/token", post(auth::token).delete(auth::revoke)).guarded(state, Guard::SignIn);
    let api = Routes::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/procedures", get(procedures::list))
        .route("/api/v1/procedures/{code}", get(procedures::get))
        .route("/api/v1/agencies", get(procedures::agencies))
        .route("/api/v1/me", get(auth::me))
        .route("/api/v1/dossiers/{code}/receive", post(actions::receive))
        .route("/api/v1/dossiers/{code}/request-supplement", post(actions::request_supplement))
        .route("/api/v1/dossiers/{code}/transfer", post(actions::transfer))
        .route("/api/v1/dossiers/{code}/forward", post(actions::forward))
        .route("/api/v1/dossiers/{code}/return-to-step", post(actions::return_to_step))
        .route("/api/v1/dossiers/{code}/approve", post(actions::approve))
        .route("/api/v1/dossiers/{code}/reject", post(actions::reject))
        .route("/api/v1/dossiers/{code}/stop", post(actions::stop))
        .route("/api/v1/dossiers/{code}/extend", post(actions::extend))
        .route("/api/v1/dossiers/{code}/return-result", post(actions::return_result))
        .route("/api/v1/dossiers/{code}/assign", post(actions::assign))
        .merge(lookups)
        .merge(sign_in)
        .with(|r| r.layer(DefaultBodyLimit::max(API_BODY_LIMIT)));
    uploads.merge(api).with(|r| r.layer(axum::middleware::map_response(json_errors)))
}

/// Errors raised by the framework before a handler runs (bad query strings, bodies over
/// the limit, wrong methods) come as plain text; the API promises its JSON error shape
/// for every error, so they are rewritten here.
async fn json_errors(resp: axum::response::Response) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let mut resp = resp;
    // RFC 6750 §3: a 401 names the scheme the client should authenticate with.
    if resp.status() == StatusCode::UNAUTHORIZED && !resp.headers().contains_key(header::WWW_AUTHENTICATE) {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer realm=\"motcua\""));
    }
    let status = resp.status();
    let is_json = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return resp;
    }
    let (error, message) = match status {
        StatusCode::BAD_REQUEST => ("bad_request", "Tham số của yêu cầu không hợp lệ"),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "Dữ liệu gửi lên quá lớn"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "Phương thức không được hỗ trợ cho địa chỉ này"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "Kiểu nội dung không được hỗ trợ"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "Yêu cầu quá thời gian xử lý, vui lòng thử lại"),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid", "Dữ liệu chưa hợp lệ"),
        s if s.is_server_error() => ("internal", "Lỗi hệ thống, vui lòng thử lại"),
        _ => ("error", "Yêu cầu không hợp lệ"),
    };
    let mut out = (status, axum::Json(crate::error::ErrorBody { error, message: message.into(), fields: vec![] })).into_response();
    for h in [header::ALLOW, header::WWW_AUTHENTICATE] {
        if let Some(v) = resp.headers().get(&h) {
            out.headers_mut().insert(h, v.clone());
        }
    }
    out
}
