//! The WebApp's terms (ACCEPT-1): a person accepts the GCU and the privacy notice in force
//! before the WebApp's routes answer them (`SignedIn` refuses until then).

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use protocol::Me;
use protocol::terms::TermsAcceptance;

use super::extract::Body;
use crate::auth::OwnAccount;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{accounts, terms};

pub fn routes() -> Router<AppState> {
    Router::new().route("/me/acceptance", post(accept))
}

/// `POST /api/me/acceptance`: records that the signed-in person accepts the GCU and privacy
/// notice versions they were shown, when those are the versions in force (else 409
/// `terms_not_in_force`: they read an older text). Answers who is signed in, now accepted.
async fn accept(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
    Body(acceptance): Body<TermsAcceptance>,
) -> Result<Json<Me>, ApiError> {
    let in_force = &state.terms;
    if acceptance.gcu_version != in_force.gcu.version {
        return Err(ApiError::TermsNotInForce("gcu_version"));
    }
    if acceptance.privacy_version != in_force.privacy.version {
        return Err(ApiError::TermsNotInForce("privacy_version"));
    }
    terms::accept(
        &state.db,
        user.company_id,
        user.user_id,
        in_force,
        state.clock.now(),
    )
    .await?;
    accounts::me(&state.db, user.user_id, state.clock.today(), in_force)
        .await?
        .map(Json)
        .ok_or(ApiError::Unauthenticated)
}
