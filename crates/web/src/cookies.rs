//! Reading and writing our cookies.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session cookie: a random token whose digest names the server-side session.
pub const SESSION: &str = "relais_session";
/// The CSRF token of a visitor who is not signed in (double-submit).
pub const CSRF: &str = "relais_csrf";
/// The language chosen by a visitor who is not signed in.
pub const LANG: &str = "relais_lang";
/// A one-time message shown on the next page (a translation key, never free text).
pub const FLASH: &str = "relais_flash";

/// The value of a cookie sent by the browser.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, path `/`, `Secure` over HTTPS.
pub fn set(name: &str, value: &str, max_age_secs: Option<u64>, secure: bool) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", Some(0), secure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; relais_session=abc; b=2"));
        assert_eq!(get(&headers, SESSION).as_deref(), Some("abc"));
        assert_eq!(get(&headers, CSRF), None);
        assert_eq!(set("x", "y", None, true), "x=y; Path=/; HttpOnly; SameSite=Lax; Secure");
    }
}
