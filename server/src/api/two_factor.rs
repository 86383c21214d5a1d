//! A person's two-factor authentication (TOTP, RFC 6238), which anyone may turn on and a
//! Company may require of its Managers: start (a new secret, as a QR code), confirm with a code
//! from the app (which turns it on and gives recovery codes, shown once), new recovery codes,
//! turn off. Every change asks for the current password first, except the confirmation, which
//! proves the app instead.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use protocol::{CurrentPassword, RecoveryCodes, TwoFactorConfirm, TwoFactorSetup};

use super::extract::Body;
use crate::auth::OwnAccount;
use crate::auth::two_factor::{Authenticator, recovery_codes};
use crate::error::ApiError;
use crate::services::sign_in;
use crate::state::AppState;
use crate::store::{accounts, two_factor};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/two-factor", post(start).put(confirm).delete(turn_off))
        .route("/me/two-factor/recovery-codes", post(new_recovery_codes))
}

/// `POST /api/me/two-factor`: a new secret for the person's authenticator app, pending until
/// confirmed (a setup started earlier is replaced). Refused while it is on.
async fn start(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
    Body(form): Body<CurrentPassword>,
) -> Result<(StatusCode, Json<TwoFactorSetup>), ApiError> {
    sign_in::confirm_password(&state, user.user_id, &form.current_password).await?;
    let me = accounts::me(&state.db, user.user_id, state.clock.today(), &state.terms)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let internal =
        |error: crate::auth::two_factor::AuthenticatorError| ApiError::Internal(error.to_string());
    let authenticator = Authenticator::generate(&me.user.email).map_err(internal)?;
    two_factor::begin(
        &state.db,
        user.user_id,
        &authenticator.stored_secret(),
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(TwoFactorSetup {
            secret: authenticator.readable_secret(),
            otpauth_uri: authenticator.uri(),
            qr_code: authenticator.qr_data_url().map_err(internal)?,
        }),
    ))
}

/// `PUT /api/me/two-factor`: a code from the app turns it on; the answer holds the recovery
/// codes, shown this once.
async fn confirm(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
    Body(form): Body<TwoFactorConfirm>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let step = sign_in::setup_code_step(&state, user.user_id, &form.code).await?;
    let (codes, hashes): (Vec<String>, Vec<String>) = recovery_codes().into_iter().unzip();
    two_factor::enable(
        &state.db,
        user.company_id,
        user.user_id,
        step,
        &hashes,
        state.clock.now(),
    )
    .await?;
    tracing::info!(user_id = user.user_id, "two-factor authentication on");
    Ok(Json(RecoveryCodes { codes }))
}

/// `DELETE /api/me/two-factor`: turns it off (refused to a Manager whose Company requires it).
async fn turn_off(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
    Body(form): Body<CurrentPassword>,
) -> Result<StatusCode, ApiError> {
    sign_in::confirm_password(&state, user.user_id, &form.current_password).await?;
    two_factor::disable(&state.db, user.company_id, user.user_id, state.clock.now()).await?;
    tracing::info!(user_id = user.user_id, "two-factor authentication off");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/me/two-factor/recovery-codes`: new recovery codes; the old ones stop working.
async fn new_recovery_codes(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
    Body(form): Body<CurrentPassword>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    sign_in::confirm_password(&state, user.user_id, &form.current_password).await?;
    let (codes, hashes): (Vec<String>, Vec<String>) = recovery_codes().into_iter().unzip();
    two_factor::replace_recovery_codes(
        &state.db,
        user.company_id,
        user.user_id,
        &hashes,
        state.clock.now(),
    )
    .await?;
    Ok(Json(RecoveryCodes { codes }))
}
