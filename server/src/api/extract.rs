//! What every area's handlers take from a request, each refusal answered in the API's JSON error
//! shape: a JSON body, ids and other parameters of the path, the client's address. (Who is
//! signed in comes from `crate::auth`: `SignedIn`, `Manager`, `operator::Operator`.)

use axum::extract::rejection::PathRejection;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// A JSON body whose rejection is an [`ApiError`] (so it answers in the API's error shape).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Body<T>(pub T);

/// The parameters of the path. A path they cannot be read from names nothing here, so it
/// answers the JSON 404, exactly as an id that does not exist.
pub struct PathParams<T>(pub T);

impl<S, T> FromRequestParts<S> for PathParams<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(params) = Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(|_: PathRejection| ApiError::NotFound)?;
        Ok(PathParams(params))
    }
}

/// The one id of the path (`/…/{id}/…`). Anything that is not an id answers the JSON 404, as an
/// id that does not exist.
pub struct PathId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let PathParams(id) = PathParams::<i64>::from_request_parts(parts, state).await?;
        Ok(PathId(id))
    }
}

/// The address the request came from, for throttling: the TCP peer, or, when the peer is one of
/// the trusted reverse proxies (`--trusted-proxies`), the client its `X-Forwarded-For` names;
/// `unknown` when the server was not told (requests made in-process).
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(ClientAddress("unknown".to_owned()));
        };
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let client = client_ip(peer.ip(), &forwarded, &state.trusted_proxies);
        Ok(ClientAddress(client.to_string()))
    }
}

/// The client of a request from `peer`: `peer` itself unless it is a trusted proxy; then the
/// nearest address of `forwarded` (`X-Forwarded-For`, read from the right) that is not a
/// trusted proxy. Entries a client made up sit to the left of what the proxies appended, so
/// they are never reached while a real address is there.
fn client_ip(peer: IpAddr, forwarded: &str, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut client = peer;
    for entry in forwarded.rsplit(',') {
        match entry.trim().parse::<IpAddr>() {
            Ok(address) if trusted.contains(&address) => client = address,
            Ok(address) => return address,
            Err(_) => break,
        }
    }
    client
}

/// A stored file (an MMS image, a voicemail) for the one User allowed to read it: private to
/// the browser's cache, never sniffed as another type.
pub struct PrivateFile {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl IntoResponse for PrivateFile {
    fn into_response(self) -> Response {
        (
            [
                (CONTENT_TYPE, self.content_type),
                (CACHE_CONTROL, "private, max-age=86400".to_owned()),
                (X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            ],
            self.bytes,
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn the_client_is_read_from_x_forwarded_for_only_behind_a_trusted_proxy() {
        let nginx = [ip("127.0.0.1")];
        // Directly connected: the header is the client's own words, ignored.
        assert_eq!(
            client_ip(ip("203.0.113.9"), "10.0.0.1", &nginx),
            ip("203.0.113.9")
        );
        // Through nginx: the address it appended.
        assert_eq!(
            client_ip(ip("127.0.0.1"), "198.51.100.7", &nginx),
            ip("198.51.100.7")
        );
        // A made-up entry on the left is never reached.
        assert_eq!(
            client_ip(ip("127.0.0.1"), "6.6.6.6, 198.51.100.7", &nginx),
            ip("198.51.100.7")
        );
        // Through two trusted proxies.
        let both = [ip("127.0.0.1"), ip("10.0.0.2")];
        assert_eq!(
            client_ip(ip("127.0.0.1"), "198.51.100.7, 10.0.0.2", &both),
            ip("198.51.100.7")
        );
        // Nothing usable: the proxy itself.
        assert_eq!(
            client_ip(ip("127.0.0.1"), "garbage", &nginx),
            ip("127.0.0.1")
        );
        assert_eq!(client_ip(ip("127.0.0.1"), "", &nginx), ip("127.0.0.1"));
    }
}
