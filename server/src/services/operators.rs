//! The provider's operators (issue 14): adding one (the server command `operator add`, which
//! prints their set-up link), their set-up (a password and an authenticator app, both
//! required), and their sign-in with both, throttled as Users' log-ins are.

use chrono::{DateTime, Utc};
use domain::field::{FieldError, Problem};
use protocol::backoffice::{
    OperatorMe, OperatorRole, OperatorSetup, OperatorSetupForm, OperatorSignIn,
};

use crate::auth::password;
use crate::auth::two_factor::{Authenticator, AuthenticatorError, Code};
use crate::db::Database;
use crate::error::ApiError;
use crate::services::throttling;
use crate::state::AppState;
use crate::store::operators::{self, AddError};
use crate::store::throttle::{self, Scope};

#[derive(Debug, thiserror::Error)]
pub enum AddOperatorError {
    #[error("“{0}” is not an email address")]
    Email(String),
    #[error(transparent)]
    Add(#[from] AddError),
    #[error(transparent)]
    Authenticator(#[from] AuthenticatorError),
}

/// Adds an operator of `role`; the path of their one-time set-up link
/// (`/backoffice/setup/<token>`).
pub async fn add(
    db: &Database,
    email: &str,
    role: OperatorRole,
    now: DateTime<Utc>,
) -> Result<String, AddOperatorError> {
    let email = domain::email::Email::parse(email)
        .map_err(|_| AddOperatorError::Email(email.to_owned()))?
        .to_string();
    let authenticator = Authenticator::generate(&email)?;
    let (_, token) = operators::add(db, &email, role, &authenticator.stored_secret(), now).await?;
    Ok(format!("/backoffice/setup/{token}"))
}

fn authenticator(stored: &str) -> Result<Authenticator, ApiError> {
    Authenticator::from_stored(stored).map_err(|error| ApiError::Internal(error.to_string()))
}

/// What the set-up link shows: the authenticator's secret chosen for the operator.
pub async fn setup(state: &AppState, token: &str) -> Result<OperatorSetup, ApiError> {
    let operator = operators::by_setup_token(&state.db, token, Utc::now())
        .await?
        .ok_or(ApiError::OperatorSetupLinkInvalid)?;
    // Named in the app by the operator's email.
    let named = Authenticator::from_stored_for(&operator.totp_secret, &operator.me.email)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    Ok(OperatorSetup {
        email: operator.me.email,
        role: operator.me.role,
        secret: named.readable_secret(),
        uri: named.uri(),
        qr_code: named
            .qr_data_url()
            .map_err(|error| ApiError::Internal(error.to_string()))?,
    })
}

/// Completes the set-up: a password the rules accept and a code from the authenticator just
/// set up.
pub async fn complete_setup(
    state: &AppState,
    token: &str,
    form: OperatorSetupForm,
) -> Result<(), ApiError> {
    let operator = operators::by_setup_token(&state.db, token, Utc::now())
        .await?
        .ok_or(ApiError::OperatorSetupLinkInvalid)?;
    let new_password = domain::signup::new_password(&form.password).map_err(|problem| {
        ApiError::Invalid(FieldError {
            field: "password",
            problem,
        })
    })?;
    let step = match Code::parse(&form.code) {
        Some(Code::App(digits)) => authenticator(&operator.totp_secret)?.accepted_step(&digits, 0),
        _ => None,
    }
    .ok_or(ApiError::Invalid(FieldError {
        field: "code",
        problem: Problem::Invalid(
            "This code is not right. Enter the six digits your app shows now for this account.",
        ),
    }))?;
    let hash = password::hash(new_password).await?;
    if !operators::complete_setup(&state.db, token, &hash, step, Utc::now()).await? {
        return Err(ApiError::OperatorSetupLinkInvalid);
    }
    Ok(())
}

/// Signs an operator in with their password and a code from their authenticator (each code
/// once); the session's token and who they are. One refusal for any wrong part.
pub async fn sign_in(
    state: &AppState,
    address: &str,
    form: &OperatorSignIn,
) -> Result<(String, OperatorMe), ApiError> {
    let account = format!("operator:{}", form.email.trim().to_lowercase());
    let subjects = [
        (Scope::LoginAccount, account.as_str()),
        (Scope::LoginAddress, address),
    ];
    throttling::ensure_not_blocked(state, &subjects).await?;
    let operator = operators::by_email(&state.db, form.email.trim()).await?;
    let stored = operator
        .as_ref()
        .and_then(|found| found.password_hash.clone());
    let password_right = password::verify(form.password.clone(), stored).await?;
    let step = match (&operator, Code::parse(&form.code)) {
        (Some(found), Some(Code::App(digits))) if password_right => {
            authenticator(&found.totp_secret)?.accepted_step(&digits, found.totp_last_step)
        }
        _ => None,
    };
    let (Some(operator), Some(step)) = (operator, step) else {
        throttling::failed(state, &subjects).await?;
        return Err(ApiError::OperatorSignInRefused);
    };
    if !operators::accept_step(&state.db, operator.me.id, step).await? {
        throttling::failed(state, &subjects).await?;
        return Err(ApiError::OperatorSignInRefused);
    }
    throttle::succeeded(&state.db, Scope::LoginAccount, &account).await?;
    let token = operators::open_session(&state.db, operator.me.id, Utc::now()).await?;
    Ok((token, operator.me))
}
