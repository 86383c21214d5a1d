//! The built app (Trunk's `dist/`), loaded into memory at start and compressed once with brotli
//! and gzip. Hashed file names are cached forever; the pages never are. The app is three
//! bundles, each downloaded only by its audience (`protocol::bundle`): any path that is not a
//! file is an app route, answered with the page of the bundle serving it, so deep links and the
//! back button work.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use protocol::bundle::Bundle;

use crate::state::AppState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

struct Asset {
    content_type: HeaderValue,
    cache_control: &'static str,
    identity: Vec<u8>,
    gzip: Option<Vec<u8>>,
    brotli: Option<Vec<u8>>,
}

#[derive(Default)]
pub struct Assets {
    files: HashMap<String, Asset>,
    /// The Content-Security-Policy this app needs (its inline loader allowed by hash).
    content_security_policy: String,
}

impl Assets {
    /// Loads every file under `dir`. A missing `dir` gives an empty set (the API still works).
    pub fn load(dir: &Path) -> std::io::Result<Self> {
        let mut assets = Assets::default();
        if dir.is_dir() {
            assets.load_dir(dir, dir)?;
        } else {
            tracing::warn!(dir = %dir.display(), "no built app to serve: build it with `make run`");
        }
        let pages: String = Bundle::ALL
            .iter()
            .filter_map(|bundle| assets.files.get(bundle.page()))
            .map(|page| String::from_utf8_lossy(&page.identity).into_owned())
            .collect();
        assets.content_security_policy = crate::security::content_security_policy(&pages);
        Ok(assets)
    }

    pub fn content_security_policy(&self) -> &str {
        &self.content_security_policy
    }

    fn load_dir(&mut self, root: &Path, dir: &Path) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                self.load_dir(root, &path)?;
                continue;
            }
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(&path)?;
            self.files
                .insert(format!("/{relative}"), Asset::new(&relative, bytes));
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl Asset {
    fn new(name: &str, identity: Vec<u8>) -> Self {
        let mime = mime_guess::from_path(name).first_or_octet_stream();
        let compressible = matches!(mime.type_(), mime_guess::mime::TEXT)
            || ["javascript", "json", "wasm", "svg", "xml"]
                .iter()
                .any(|kind| mime.essence_str().contains(kind));
        let content_type = match mime.type_() {
            mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
            _ => mime.to_string(),
        };
        let worth = |compressed: Vec<u8>| (compressed.len() < identity.len()).then_some(compressed);
        let (gzip, brotli) = if compressible && identity.len() > 512 {
            (worth(gzip(&identity)), worth(brotli(&identity)))
        } else {
            (None, None)
        };
        Asset {
            content_type: HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            cache_control: if is_hashed(name) { IMMUTABLE } else { NO_CACHE },
            identity,
            gzip,
            brotli,
        }
    }

    fn response(&self, accept_encoding: &str) -> Response {
        let accepts = |coding: &str| {
            accept_encoding.split(',').any(|part| {
                let mut pieces = part.split(';');
                pieces.next().is_some_and(|name| name.trim() == coding)
                    && !pieces.any(|parameter| {
                        matches!(parameter.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000")
                    })
            })
        };
        let (body, encoding) = match (&self.brotli, &self.gzip) {
            (Some(brotli), _) if accepts("br") => (brotli, Some("br")),
            (_, Some(gzip)) if accepts("gzip") => (gzip, Some("gzip")),
            _ => (&self.identity, None),
        };
        let mut response = Response::new(Body::from(body.clone()));
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, self.content_type.clone());
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(self.cache_control));
        if self.gzip.is_some() || self.brotli.is_some() {
            headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
        }
        if let Some(encoding) = encoding {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    }
}

/// Trunk names assets `name-<hex hash>.ext` (and `…_bg.wasm`): their content never changes.
fn is_hashed(name: &str) -> bool {
    let stem = name
        .rsplit('/')
        .next()
        .unwrap_or(name)
        .split('.')
        .next()
        .unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out
}

/// Serves a file of the built app, or `index.html` for any other path (an app route).
pub async fn serve(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    // `/api` and `/api/` escape the nested API router's fallback: they are API paths all the same.
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        return crate::error::ApiError::NotFound.into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let accept_encoding = headers
        .get(ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let path = uri.path();
    let asset = state
        .assets
        .files
        .get(path)
        .or_else(|| match path.rsplit('/').next() {
            // A missing file with an extension is a 404, not the app.
            Some(last) if last.contains('.') => None,
            _ => state.assets.files.get(Bundle::serving(path).page()),
        });
    match asset {
        Some(asset) => asset.response(accept_encoding),
        None if state.assets.is_empty() => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The console app is not built. Run `make run` to build and serve it.",
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed("console-664c8a886fe0479.js"));
        assert!(is_hashed("console-8d3f6a0c1b2e4f5a_bg.wasm"));
        assert!(is_hashed("style-0123456789abcdef.css"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("legal/gtcs.txt"));
        assert!(!is_hashed("my-app.js"));
    }

    #[test]
    fn compresses_text_and_picks_the_best_accepted_encoding() {
        let asset = Asset::new("app.js", "let x = 1;\n".repeat(200).into_bytes());
        assert!(asset.brotli.is_some() && asset.gzip.is_some());
        let header = |response: &Response| response.headers().get(CONTENT_ENCODING).cloned();
        assert_eq!(
            header(&asset.response("gzip, deflate, br")),
            Some(HeaderValue::from_static("br"))
        );
        assert_eq!(
            header(&asset.response("gzip")),
            Some(HeaderValue::from_static("gzip"))
        );
        assert_eq!(
            header(&asset.response("br;q=0, gzip")),
            Some(HeaderValue::from_static("gzip"))
        );
        assert_eq!(header(&asset.response("")), None);
    }
}
