//! What every area's handlers take from a request, each refusal answered in the API's JSON error
//! shape: a JSON body, ids and other parameters of the path, the provider's admin token. (Who is
//! signed in comes from `crate::auth`: `SignedIn`, `Manager`.)

use axum::extract::rejection::PathRejection;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

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

/// The address the request came from (the TCP peer), for throttling; `unknown` when the server
/// was not told (requests made in-process).
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string());
        Ok(ClientAddress(address))
    }
}

/// The provider, authenticated by the admin token. Without `--admin-token` the provider's routes
/// do not exist (404).
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let expected = state.admin_token.as_deref().ok_or(ApiError::NotFound)?;
        let given = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Compared through their hashes, so the time taken says nothing about the token.
        match Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes()) {
            true => Ok(Admin),
            false => Err(ApiError::AdminUnauthorized),
        }
    }
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
