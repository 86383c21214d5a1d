//! Browser hardening for every answer, and defence in depth against cross-site requests.
//!
//! - A strict Content-Security-Policy: scripts only from this origin, plus the inline module
//!   script Trunk writes into `index.html`, allowed by its SHA-256 (computed when the app is
//!   loaded, so a rebuilt app needs no edit here); `'wasm-unsafe-eval'` because the app is
//!   WebAssembly; no framing (`frame-ancestors 'none'`), no plugins, no foreign forms.
//! - `nosniff`, a `Referrer-Policy`, a `Permissions-Policy` that gives the microphone to the app
//!   itself only (calls and voicemail), and HSTS when cookies are `Secure` (served over https).
//! - A state-changing request (not GET, HEAD or OPTIONS) that the browser marks as coming from
//!   another site (`Sec-Fetch-Site`, else an `Origin` that is not this host) is refused with the
//!   API's JSON 403, beside the SameSite=Strict session cookie.

use axum::extract::{Request, State};
use axum::http::header::{
    HOST, ORIGIN, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

const PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");
const CROSS_ORIGIN_OPENER_POLICY: HeaderName =
    HeaderName::from_static("cross-origin-opener-policy");
const CONTENT_SECURITY_POLICY: HeaderName = HeaderName::from_static("content-security-policy");
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// The Content-Security-Policy for an app whose pages (one after the other) are `pages`: their
/// inline scripts are allowed by their hashes, nothing else inline.
pub fn content_security_policy(pages: &str) -> String {
    let mut scripts = String::from("'self' 'wasm-unsafe-eval'");
    for inline in inline_scripts(pages) {
        let digest = Sha256::digest(inline.as_bytes());
        let encoded = base64::engine::general_purpose::STANDARD.encode(digest);
        scripts.push_str(&format!(" 'sha256-{encoded}'"));
    }
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data: blob:; \
         media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The contents of the `<script>` elements of `html` that have no `src`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(tag_end) = rest[start..].find('>').map(|at| start + at + 1) else {
            break;
        };
        let tag = &rest[start..tag_end];
        let Some(close) = rest[tag_end..].find("</script>").map(|at| tag_end + at) else {
            break;
        };
        if !tag.contains(" src=") {
            found.push(&rest[tag_end..close]);
        }
        rest = &rest[close + "</script>".len()..];
    }
    found
}

/// Adds the hardening headers to every answer.
pub async fn harden(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(state.assets.content_security_policy()) {
        headers.insert(CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(
        PERMISSIONS_POLICY,
        HeaderValue::from_static(
            "microphone=(self), camera=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
    );
    headers.insert(
        CROSS_ORIGIN_OPENER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if state.secure_cookies {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Refuses a state-changing request that the browser says comes from another site.
pub async fn same_site_writes(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && from_another_site(request.headers()) {
        return ApiError::CrossSiteRequest.into_response();
    }
    next.run(request).await
}

/// What the browser says of where a request comes from: `Sec-Fetch-Site` when it sends it (all
/// current browsers), else the `Origin` against the `Host`. A request with neither is not a
/// browser's cross-site request (curl, the tests, a server).
fn from_another_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get(SEC_FETCH_SITE) {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .trim_end_matches('/');
    origin == "null" || !origin_host.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_the_inline_loader_by_its_hash_only() {
        let index = r#"<html><head><script type="module">import init from '/app.js';
await init();</script><script src="/other.js"></script></head></html>"#;
        let policy = content_security_policy(index);
        let loader = "import init from '/app.js';\nawait init();";
        let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(loader));
        assert!(policy.contains(&format!("'sha256-{digest}'")), "{policy}");
        assert_eq!(policy.matches("'sha256-").count(), 1, "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
    }

    #[test]
    fn requests_from_another_site_are_told_apart() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        assert!(!from_another_site(&headers(&[])));
        assert!(!from_another_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(from_another_site(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(from_another_site(&headers(&[(
            "sec-fetch-site",
            "same-site"
        )])));
        let same = [
            ("host", "console.example"),
            ("origin", "https://console.example"),
        ];
        assert!(!from_another_site(&headers(&same)));
        let other = [
            ("host", "console.example"),
            ("origin", "https://evil.example"),
        ];
        assert!(from_another_site(&headers(&other)));
        assert!(from_another_site(&headers(&[
            ("host", "a"),
            ("origin", "null")
        ])));
    }
}
