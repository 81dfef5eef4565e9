//! Cross-cutting middleware: CSRF checks on every state change, security
//! headers on every response, and error pages rendered (and server errors
//! logged) in one place.

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ErrorDetail, WebError};
use crate::state::AppState;
use crate::tokens;
use crate::visitor::Visitor;

/// The form field and header that carry the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
const CSRF_HEADER: &str = "x-csrf-token";

/// Refuses a state-changing request (any method but GET, HEAD, OPTIONS)
/// that does not carry the visitor's CSRF token in the `_csrf` form field
/// (of a url-encoded or a `multipart/form-data` body) or the `X-CSRF-Token`
/// header, or that comes from another origin.
pub async fn csrf(State(app): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let Some(expected) = request.extensions().get::<Visitor>().map(|v| v.csrf_token.clone()) else {
        return WebError::CsrfRejected.into_response();
    };
    // A browser names the page's origin on every cross-site POST: it must be ours.
    if let Some(origin) = request.headers().get("origin").and_then(|o| o.to_str().ok())
        && origin != origin_of(&app.settings.public_url)
    {
        return WebError::CsrfRejected.into_response();
    }
    let from_header = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    // An upload form (`multipart/form-data`) carries `_csrf` as one of its parts.
    let boundary = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| !is_form)
        .and_then(|ct| multer::parse_boundary(ct).ok());
    let limit = crate::routes::body_limit(
        app.settings.max_body_bytes,
        request.extensions().get::<MatchedPath>().map(MatchedPath::as_str),
    );
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let from_form = match boundary {
        _ if is_form => form_urlencoded_value(&bytes, CSRF_FIELD),
        Some(boundary) => multipart_value(&bytes, boundary, CSRF_FIELD).await,
        None => None,
    };
    let presented = from_form.or(from_header);
    if !presented.is_some_and(|token| tokens::same_secret(&token, &expected)) {
        return WebError::CsrfRejected.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..].find('/').map_or(url, |end| &url[..after_scheme + end])
}

fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The first text part named `name` of a `multipart/form-data` body (a
/// part longer than 1 KiB, or a body that does not parse, gives nothing).
async fn multipart_value(body: &axum::body::Bytes, boundary: String, name: &str) -> Option<String> {
    let limits = multer::SizeLimit::new().for_field(name, 1024);
    let stream = Body::from(body.clone()).into_data_stream();
    let mut multipart =
        multer::Multipart::with_constraints(stream, boundary, multer::Constraints::new().size_limit(limits));
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// Adds the security headers to every response; pages are never cached.
pub async fn security_headers(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: &'static str, value: &'static str| {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    };
    set(
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
    set("x-content-type-options", "nosniff");
    set("x-frame-options", "DENY");
    // same-origin: links carrying tokens never leak to other sites, and browsers still send
    // a real Origin on our own form posts (with no-referrer Chromium sends `Origin: null`).
    set("referrer-policy", "same-origin");
    set("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
    set("cross-origin-opener-policy", "same-origin");
    if app.settings.is_https() {
        set("strict-transport-security", "max-age=63072000; includeSubDomains");
    }
    if !is_static {
        response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Renders an error page for any error response that is not already a page
/// or a JSON document, in the visitor's language with the request id, and
/// logs server errors once.
pub async fn error_pages(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let visitor = request.extensions().get::<Visitor>().cloned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let detail = response.extensions().get::<ErrorDetail>().map(|d| d.0.clone());
    if status.is_server_error() {
        tracing::error!(status = status.as_u16(), detail = detail.as_deref().unwrap_or("-"), "request failed");
    }
    let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("text/html") || content_type.starts_with("application/json") {
        return response;
    }
    let Some(visitor) = visitor else { return response };
    match app.templates.error_page(&app, &visitor, status) {
        Ok(html) => {
            let mut page = (status, html).into_response();
            for (name, value) in response.headers() {
                if name == axum::http::header::SET_COOKIE {
                    page.headers_mut().append(name, value.clone());
                }
            }
            page
        }
        Err(err) => {
            tracing::error!(error = %err, "the error page could not be rendered");
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_scheme_host_and_port() {
        assert_eq!(origin_of("https://relais.example.org"), "https://relais.example.org");
        assert_eq!(origin_of("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
        assert_eq!(origin_of("https://relais.example.org/base"), "https://relais.example.org");
    }

    #[test]
    fn form_fields_are_decoded() {
        assert_eq!(form_urlencoded_value(b"a=1&_csrf=x%2By+z&b=", "_csrf").as_deref(), Some("x+y z"));
        assert_eq!(form_urlencoded_value(b"a=1", "_csrf"), None);
        // Malformed escapes are kept as typed: such a value never equals a real token.
        assert_eq!(form_urlencoded_value(b"_csrf=%zz", "_csrf").as_deref(), Some("%zz"));
    }

    fn multipart(parts: &[(&str, Option<&str>, &str)]) -> axum::body::Bytes {
        let mut body = String::new();
        for (name, filename, value) in parts {
            body.push_str("--XyZ\r\nContent-Disposition: form-data; name=\"");
            body.push_str(name);
            body.push('"');
            if let Some(filename) = filename {
                body.push_str(&format!("; filename=\"{filename}\"\r\nContent-Type: text/csv"));
            }
            body.push_str("\r\n\r\n");
            body.push_str(value);
            body.push_str("\r\n");
        }
        body.push_str("--XyZ--\r\n");
        axum::body::Bytes::from(body)
    }

    #[tokio::test]
    async fn multipart_fields_are_read() {
        let boundary = || multer::parse_boundary("multipart/form-data; boundary=XyZ").expect("boundary");
        let first = multipart(&[("_csrf", None, "tok+en/="), ("file", Some("a.csv"), "Prénom;Nom\r\nAwa;Diop")]);
        assert_eq!(multipart_value(&first, boundary(), "_csrf").await.as_deref(), Some("tok+en/="));
        // After the file too (a browser sends the fields in the form's order).
        let last = multipart(&[("file", Some("a.csv"), "_csrf\r\n--X"), ("_csrf", None, "later")]);
        assert_eq!(multipart_value(&last, boundary(), "_csrf").await.as_deref(), Some("later"));
        let none = multipart(&[("file", Some("_csrf.csv"), "a"), ("csrf", None, "x")]);
        assert_eq!(multipart_value(&none, boundary(), "_csrf").await, None);
        // Too long, or not multipart at all: nothing.
        let long = multipart(&[("_csrf", None, &"t".repeat(2000))]);
        assert_eq!(multipart_value(&long, boundary(), "_csrf").await, None);
        assert_eq!(multipart_value(&axum::body::Bytes::from_static(b"_csrf=x"), boundary(), "_csrf").await, None);
        assert!(multer::parse_boundary("application/x-www-form-urlencoded").is_err());
    }
}
