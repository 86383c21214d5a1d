//! Calls from the WebApp (NUM-5): placing, answering, declining and hanging up, the call
//! history, voicemail, and the relay of WebRTC signalling between the two sides of a hosted call.

use axum::Router;
use protocol::webapp::Signal;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::sessions::SessionUser;

pub fn routes() -> Router<AppState> {
    Router::new()
}

/// Relays `signal` from `user` to the other side of `call_id`, when `user` is one side of it.
pub(super) async fn relay_signal(
    _state: &AppState,
    _user: &SessionUser,
    _call_id: i64,
    _signal: Signal,
) -> Result<(), ApiError> {
    Err(ApiError::NotFound)
}
