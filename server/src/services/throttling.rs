//! Attempts that can be guessed at (log-ins, password resets, personal links) are throttled by
//! `store::throttle`; these are the two steps every such handler takes: refuse while a subject is
//! blocked (429 before anything is checked or hashed), and count a failure. Personal links
//! (invitations, resets) are counted per client address: an unknown one is a failure.

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::throttle::{self, Scope};

/// Refuses with [`ApiError::TooManyAttempts`] while any of `subjects` is blocked.
pub async fn ensure_not_blocked(
    state: &AppState,
    subjects: &[(Scope, &str)],
) -> Result<(), ApiError> {
    match throttle::blocked(&state.db, subjects, state.clock.now()).await? {
        Some(wait) => Err(ApiError::TooManyAttempts(wait)),
        None => Ok(()),
    }
}

/// Counts a failure for each of `subjects`.
pub async fn failed(state: &AppState, subjects: &[(Scope, &str)]) -> Result<(), ApiError> {
    throttle::failed(&state.db, subjects, state.clock.now()).await?;
    Ok(())
}

/// Refuses while `address` is blocked for trying unknown links.
pub async fn ensure_links_allowed(state: &AppState, address: &str) -> Result<(), ApiError> {
    ensure_not_blocked(state, &[(Scope::LinkAddress, address)]).await
}

/// Counts an unknown link tried from `address`.
pub async fn unknown_link_tried(state: &AppState, address: &str) -> Result<(), ApiError> {
    failed(state, &[(Scope::LinkAddress, address)]).await
}
