//! Signing a person in, and the checks that prove who they are: their password (a log-in, a
//! password reset) opens a session at once, or, when they turned two-factor authentication on,
//! a challenge that a code from their app or a recovery code answers. Wrong passwords and wrong
//! codes are throttled per account and per client address.

use domain::field::{FieldError, Problem};
use protocol::Me;

use crate::auth::password;
use crate::auth::two_factor::{Authenticator, Code};
use crate::error::ApiError;
use crate::services::throttling;
use crate::state::AppState;
use crate::store::throttle::{self, Scope};
use crate::store::{accounts, passwords, sessions, two_factor};

/// Where a right password leads.
pub enum SignIn {
    /// A new session: its token (for the cookie) and who is signed in.
    Session { token: String, me: Me },
    /// A second factor is needed: the challenge to answer.
    Challenge(String),
}

/// Opens a session for `user_id` at once.
pub async fn open_session(state: &AppState, user_id: i64) -> Result<(String, Me), ApiError> {
    let token = sessions::open(&state.db, user_id, state.clock.now()).await?;
    let me = accounts::me(&state.db, user_id, state.clock.today(), &state.terms)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok((token, me))
}

/// After a right password: a session, or a challenge for a person with a second factor.
pub async fn after_password(state: &AppState, user_id: i64) -> Result<SignIn, ApiError> {
    let factor = two_factor::factor(&state.db, user_id).await?;
    if factor.is_some_and(|factor| factor.enabled) {
        let challenge = two_factor::open_challenge(&state.db, user_id, state.clock.now()).await?;
        return Ok(SignIn::Challenge(challenge));
    }
    let (token, me) = open_session(state, user_id).await?;
    Ok(SignIn::Session { token, me })
}

/// The throttling subject of a signed-in person's own checks (their current password, their
/// codes): never reset by a right password, so a known password does not buy more guesses.
fn account_subject(user_id: i64) -> String {
    format!("user:{user_id}")
}

/// Answers a challenge with `code`: a session once the code is right. Wrong codes count against
/// the challenge (a few tries), the account and the client address.
pub async fn answer_challenge(
    state: &AppState,
    address: &str,
    challenge: &str,
    code: &str,
) -> Result<(String, Me), ApiError> {
    let now = state.clock.now();
    let (user_id, company_id) = two_factor::challenged(&state.db, challenge, now)
        .await?
        .ok_or(ApiError::LoginChallengeExpired)?;
    let account = account_subject(user_id);
    let subjects = [
        (Scope::LoginAccount, account.as_str()),
        (Scope::LoginAddress, address),
    ];
    throttling::ensure_not_blocked(state, &subjects).await?;
    let accepted = match Code::parse(code) {
        Some(Code::App(digits)) => app_code_accepted(state, user_id, &digits).await?,
        Some(Code::Recovery(hash)) => {
            two_factor::use_recovery_code(&state.db, company_id, user_id, &hash, now).await?
        }
        None => false,
    };
    if !accepted {
        two_factor::challenge_failed(&state.db, challenge).await?;
        throttling::failed(state, &subjects).await?;
        return Err(wrong_code(
            "This code is not right. Enter the code your app shows now, or one of your recovery codes.",
        ));
    }
    if !two_factor::close_challenge(&state.db, challenge).await? {
        return Err(ApiError::LoginChallengeExpired);
    }
    throttle::succeeded(&state.db, Scope::LoginAccount, &account).await?;
    open_session(state, user_id).await
}

/// Whether `digits` is a code of the person's app not used before (and marks it used).
async fn app_code_accepted(state: &AppState, user_id: i64, digits: &str) -> Result<bool, ApiError> {
    let Some(factor) = two_factor::factor(&state.db, user_id).await? else {
        return Ok(false);
    };
    let authenticator = Authenticator::from_stored(&factor.secret)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    match authenticator.accepted_step(digits, factor.last_step) {
        Some(step) if factor.enabled => {
            Ok(two_factor::accept_step(&state.db, user_id, step).await?)
        }
        _ => Ok(false),
    }
}

/// The time step of a code from the app the person is setting up, if it is right.
pub async fn setup_code_step(state: &AppState, user_id: i64, code: &str) -> Result<u64, ApiError> {
    let account = account_subject(user_id);
    let subjects = [(Scope::LoginAccount, account.as_str())];
    throttling::ensure_not_blocked(state, &subjects).await?;
    let factor = two_factor::factor(&state.db, user_id)
        .await?
        .filter(|factor| !factor.enabled)
        .ok_or(ApiError::TwoFactorOff)?;
    let authenticator = Authenticator::from_stored(&factor.secret)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    let step = match Code::parse(code) {
        Some(Code::App(digits)) => authenticator.accepted_step(&digits, 0),
        _ => None,
    };
    match step {
        Some(step) => Ok(step),
        None => {
            throttling::failed(state, &subjects).await?;
            Err(wrong_code(
                "This code is not right. Enter the six digits your app shows now for this account.",
            ))
        }
    }
}

fn wrong_code(sentence: &'static str) -> ApiError {
    ApiError::Invalid(FieldError {
        field: "code",
        problem: Problem::Invalid(sentence),
    })
}

/// Checks a signed-in person's current password before a change to how they sign in; a wrong
/// one counts as a failed log-in of the account.
pub async fn confirm_password(state: &AppState, user_id: i64, given: &str) -> Result<(), ApiError> {
    let account = account_subject(user_id);
    let subjects = [(Scope::LoginAccount, account.as_str())];
    throttling::ensure_not_blocked(state, &subjects).await?;
    let stored = passwords::current_hash(&state.db, user_id).await?;
    if password::verify(given.to_owned(), stored).await? {
        return Ok(());
    }
    throttling::failed(state, &subjects).await?;
    Err(ApiError::Invalid(FieldError {
        field: "current_password",
        problem: Problem::Invalid("This is not your current password."),
    }))
}
