//! Who is asking: password hashing, the session cookie, and the extractors handlers take.

pub mod cookie;
pub mod operator;
pub mod password;
pub mod recent;
pub mod two_factor;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::sessions::{self, SessionUser};
use crate::store::terms;

/// A signed-in person acting on their own account (`/api/me…`): let in even while the
/// two-factor authentication their Company requires is not on yet, so that they can turn it on.
#[derive(Debug, Clone)]
pub struct OwnAccount(pub SessionUser);

impl FromRequestParts<AppState> for OwnAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = cookie::session_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        let now = state.clock.now();
        let reads = recent::is_read(&parts.method);
        if reads && let Some(user) = state.recent_sessions.get(&token, now) {
            return Ok(OwnAccount(user));
        }
        let generation = state.recent_sessions.generation();
        let user = sessions::find(&state.db, &token, now)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        if reads {
            state
                .recent_sessions
                .remember(&token, &user, now, generation);
        }
        Ok(OwnAccount(user))
    }
}

/// A signed-in person with the second factor their Company requires (`SignedIn` and `Manager`
/// build on it).
async fn with_second_factor(parts: &mut Parts, state: &AppState) -> Result<SessionUser, ApiError> {
    let OwnAccount(user) = OwnAccount::from_request_parts(parts, state).await?;
    if user.two_factor_setup_needed {
        return Err(ApiError::TwoFactorSetupNeeded);
    }
    Ok(user)
}

/// Any signed-in user (Manager or not) using the WebApp (`/api/app/…`): with the second factor
/// their Company requires, and once they accepted the GCU and privacy notice in force
/// (ACCEPT-1), else 403 `terms_acceptance_needed`.
#[derive(Debug, Clone)]
pub struct SignedIn(pub SessionUser);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = with_second_factor(parts, state).await?;
        let mut connection = state.db.pool.acquire().await?;
        if !terms::accepted_in_force(&mut connection, user.user_id, &state.terms).await? {
            return Err(ApiError::TermsAcceptanceNeeded);
        }
        Ok(SignedIn(user))
    }
}

/// A signed-in Manager: the only people who reach the Management Console (ACCESS-1). The
/// Company accepted the GTCS; the WebApp's terms are asked only in the WebApp.
#[derive(Debug, Clone)]
pub struct Manager(pub SessionUser);

impl FromRequestParts<AppState> for Manager {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = with_second_factor(parts, state).await?;
        if user.is_manager {
            Ok(Manager(user))
        } else {
            Err(ApiError::Forbidden)
        }
    }
}
