//! Personal links (invitations, password resets) tried from one client address: guessing them is
//! slowed down like guessing passwords. An unknown link counts as a failure for the address; a
//! blocked address is answered 429 before the link is even looked up.

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::throttle::{self, Scope};

/// Refuses while `address` is blocked for trying unknown links.
pub async fn ensure_allowed(state: &AppState, address: &str) -> Result<(), ApiError> {
    let subjects = [(Scope::LinkAddress, address)];
    match throttle::blocked(&state.db, &subjects, state.clock.now()).await? {
        Some(wait) => Err(ApiError::TooManyAttempts(wait)),
        None => Ok(()),
    }
}

/// Counts an unknown link tried from `address`.
pub async fn unknown_tried(state: &AppState, address: &str) -> Result<(), ApiError> {
    let subjects = [(Scope::LinkAddress, address)];
    throttle::failed(&state.db, &subjects, state.clock.now()).await?;
    Ok(())
}
