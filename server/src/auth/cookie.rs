//! The session cookies, a Company User's and an operator's: HttpOnly (no script reads them),
//! SameSite=Strict (no other site sends them), Secure when the console is served over https.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};

use crate::store::sessions::LIFETIME;

pub const NAME: &str = "console_session";
/// An operator's session (issue 14), apart from any User's session in the same browser.
pub const OPERATOR: &str = "backoffice_session";

/// The session token sent by the browser, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    token_named(headers, NAME)
}

/// The token of the cookie `name` sent by the browser, if any.
pub fn token_named(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, token)| token.to_owned())
        .filter(|token| !token.is_empty() && token.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn header(value: String) -> (axum::http::HeaderName, HeaderValue) {
    (
        SET_COOKIE,
        HeaderValue::from_str(&value).expect("cookie values are ASCII"),
    )
}

/// `Set-Cookie` that stores `token` in the browser.
pub fn set(token: &str, secure: bool) -> (axum::http::HeaderName, HeaderValue) {
    set_named(NAME, token, LIFETIME.num_seconds(), secure)
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear(secure: bool) -> (axum::http::HeaderName, HeaderValue) {
    set_named(NAME, "", 0, secure)
}

/// `Set-Cookie` of the cookie `name` holding `token` for `max_age` seconds (0: removes it).
pub fn set_named(
    name: &str,
    token: &str,
    max_age: i64,
    secure: bool,
) -> (axum::http::HeaderName, HeaderValue) {
    let secure = if secure { "; Secure" } else { "" };
    header(format!(
        "{name}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    ))
}
