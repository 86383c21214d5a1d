//! The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it),
//! Secure when the console is served over https.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};

use crate::store::sessions::LIFETIME;

pub const NAME: &str = "console_session";

/// The session token sent by the browser, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
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
    let secure = if secure { "; Secure" } else { "" };
    header(format!(
        "{NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        LIFETIME.num_seconds()
    ))
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear(secure: bool) -> (axum::http::HeaderName, HeaderValue) {
    let secure = if secure { "; Secure" } else { "" };
    header(format!(
        "{NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}"
    ))
}
