//! Cross-site request forgery: a page of another site must not make a signed-in officer's
//! or citizen's browser post a form here. Every state-changing request to the pages must
//! come from this site, as its `Origin` (or, failing that, `Referer`) says; browsers set
//! both and a page cannot forge them. This needs no token in the forms, so the pages keep
//! working from cache and without JavaScript. Requests without either header do not come
//! from a browser form, and carry no forged authority. Session cookies are also
//! `SameSite=Lax`. The JSON API is not cookie-authenticated and needs none of this.
//! The site is the `Host` the request names, or the configured public address (a reverse
//! proxy may pass its own `Host` upstream).

use crate::state::AppState;
use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || from_this_site(req.headers(), authority(&state.settings.public_url)) {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "cross-site form post refused");
    ApiError::Forbidden("Yêu cầu bị từ chối vì không được gửi từ trang của hệ thống. Hãy tải lại trang và gửi lại.".into()).into_response()
}

fn from_this_site(h: &HeaderMap, public: Option<&str>) -> bool {
    if h.get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"cross-site") {
        return false;
    }
    let Some(host) = h.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let source = h.get(header::ORIGIN).or_else(|| h.get(header::REFERER)).map(|v| v.to_str().unwrap_or("null"));
    match source {
        None => true,
        Some(s) => authority(s).is_some_and(|a| a.eq_ignore_ascii_case(host) || public.is_some_and(|p| a.eq_ignore_ascii_case(p))),
    }
}

/// `host[:port]` of an absolute URL (`None` for `null` and anything unparsable).
fn authority(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn same_site_posts_pass_and_others_do_not() {
        let host = ("host", "motcua.gov.vn");
        assert!(from_this_site(&headers(&[host, ("origin", "https://motcua.gov.vn")]), None));
        assert!(from_this_site(&headers(&[host, ("referer", "https://motcua.gov.vn/tra-cuu?x=1")]), None));
        assert!(from_this_site(&headers(&[host]), None), "no browser, no ambient authority");
        assert!(!from_this_site(&headers(&[host, ("origin", "https://evil.example")]), None));
        assert!(!from_this_site(&headers(&[host, ("origin", "https://motcua.gov.vn.evil.example")]), None));
        assert!(!from_this_site(&headers(&[host, ("origin", "null")]), None));
        assert!(!from_this_site(&headers(&[host, ("referer", "http://evil.example/motcua.gov.vn")]), None));
        assert!(!from_this_site(&headers(&[host, ("origin", "https://motcua.gov.vn"), ("sec-fetch-site", "cross-site")]), None));
        assert!(from_this_site(&headers(&[("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:8080")]), None));
        assert!(!from_this_site(&headers(&[("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:9090")]), None));
        // Behind a proxy that sends its own Host: the public address is this site too.
        let proxied = headers(&[("host", "127.0.0.1:8080"), ("origin", "https://motcua.gov.vn")]);
        assert!(from_this_site(&proxied, Some("motcua.gov.vn")));
        assert!(!from_this_site(&proxied, None));
    }
}
