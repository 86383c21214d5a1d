//! Sign-up, log-in (throttled, with the second factor of those who turned it on), log-out (here
//! or everywhere), who is signed in, and the person's password: reset through a link sent by
//! email, or changed with the current one.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::email::Email;
use domain::field::FieldError;
use domain::signup::{new_password, validate_login, validate_signup};
use protocol::{
    LoginForm, LoginReply, Me, PasswordChange, PasswordReset, PasswordResetRequest,
    SecondFactorAnswer, SecondFactorChallenge, SignupForm,
};

use super::GTCS_VERSION;
use super::extract::{Body, ClientAddress, PathParams};
use crate::auth::{OwnAccount, cookie, password};
use crate::error::ApiError;
use crate::services::sign_in::{self, SignIn};
use crate::services::throttling;
use crate::state::AppState;
use crate::store::sessions;
use crate::store::throttle::{self, Scope};
use crate::store::{accounts, passwords};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", post(signup))
        .route("/session", post(login).delete(logout))
        .route("/session/second-factor", post(second_factor))
        .route("/me", get(me))
        .route("/me/password", axum::routing::put(change_password))
        .route("/me/sessions", axum::routing::delete(log_out_everywhere))
        .route("/password-reset", post(request_reset))
        .route("/password-reset/{token}", get(check_reset).post(reset))
}

/// `POST /api/signup`: creates the Company Account and its first Manager, and signs them in.
async fn signup(
    State(state): State<AppState>,
    Body(form): Body<SignupForm>,
) -> Result<impl IntoResponse, ApiError> {
    let signup = validate_signup(&form, GTCS_VERSION)?;
    let hash = password::hash(signup.password.clone()).await?;
    let user_id = accounts::create_company(&state.db, &signup, &hash, state.clock.now()).await?;
    tracing::info!(user_id, "company signed up");
    let (token, me) = sign_in::open_session(&state, user_id).await?;
    Ok((
        StatusCode::CREATED,
        [cookie::set(&token, state.secure_cookies)],
        Json(me),
    ))
}

/// `POST /api/session`: logs in, or asks for the second factor (see [`LoginReply`]). A wrong
/// email and a wrong password get the same answer.
async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(form): Body<LoginForm>,
) -> Result<Response, ApiError> {
    let (email, given) = validate_login(&form)?;
    // Throttled per account and per address, checked before any password is hashed.
    let account_key = email.to_string().to_lowercase();
    let subjects = [
        (Scope::LoginAccount, account_key.as_str()),
        (Scope::LoginAddress, address.as_str()),
    ];
    throttling::ensure_not_blocked(&state, &subjects).await?;
    let account = accounts::credentials(&state.db, &email).await?;
    let user_id = account.as_ref().map(|(id, _)| *id);
    let verified = password::verify(given, account.map(|(_, hash)| hash)).await?;
    let Some(user_id) = user_id.filter(|_| verified) else {
        throttling::failed(&state, &subjects).await?;
        return Err(ApiError::WrongCredentials);
    };
    throttle::succeeded(&state.db, Scope::LoginAccount, &account_key).await?;
    let signed_in = sign_in::after_password(&state, user_id).await?;
    Ok(reply(&state, signed_in))
}

/// 200 with the session cookie and who is signed in, or 202 with the second factor's challenge.
fn reply(state: &AppState, signed_in: SignIn) -> Response {
    match signed_in {
        SignIn::Session { token, me } => (
            [cookie::set(&token, state.secure_cookies)],
            Json(LoginReply::SignedIn(me)),
        )
            .into_response(),
        SignIn::Challenge(challenge) => (
            StatusCode::ACCEPTED,
            Json(LoginReply::SecondFactor(SecondFactorChallenge {
                challenge,
            })),
        )
            .into_response(),
    }
}

/// `POST /api/session/second-factor`: finishes a log-in with a code from the person's app or
/// one of their recovery codes.
async fn second_factor(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(form): Body<SecondFactorAnswer>,
) -> Result<impl IntoResponse, ApiError> {
    let (token, me) =
        sign_in::answer_challenge(&state, &address, &form.challenge, &form.code).await?;
    Ok(([cookie::set(&token, state.secure_cookies)], Json(me)))
}

/// `DELETE /api/session`: ends the session on the server and clears the cookie.
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(token) = cookie::session_token(&headers) {
        sessions::close(&state.db, &token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [cookie::clear(state.secure_cookies)],
    ))
}

/// `GET /api/me`: the signed-in user and their Company.
async fn me(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
) -> Result<Json<Me>, ApiError> {
    accounts::me(&state.db, user.user_id, state.clock.today(), &state.terms)
        .await?
        .map(Json)
        .ok_or(ApiError::Unauthenticated)
}

/// A password the rules accept, as the `field`'s problem otherwise.
fn chosen_password(raw: &str, field: &'static str) -> Result<String, ApiError> {
    new_password(raw).map_err(|problem| ApiError::Invalid(FieldError { field, problem }))
}

/// `POST /api/password-reset`: sends a reset link to the account using this address, if any.
/// The answer is the same whether or not one does; requests are throttled per address and per
/// account.
async fn request_reset(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(form): Body<PasswordResetRequest>,
) -> Result<StatusCode, ApiError> {
    let email = Email::parse(&form.email).map_err(|problem| {
        ApiError::Invalid(FieldError {
            field: "email",
            problem,
        })
    })?;
    let account_key = email.as_str().to_lowercase();
    let subjects = [
        (Scope::ResetAccount, account_key.as_str()),
        (Scope::ResetAddress, address.as_str()),
    ];
    let now = state.clock.now();
    throttling::ensure_not_blocked(&state, &subjects).await?;
    // Every request counts, found or not: a flood of them slows down either way.
    throttling::failed(&state, &subjects).await?;
    passwords::request_reset(&state.db, &email, now).await?;
    Ok(StatusCode::ACCEPTED)
}

/// `result`, an unknown link counted against `address` first.
async fn counted<T>(
    state: &AppState,
    address: &str,
    result: Result<T, passwords::ResetError>,
) -> Result<T, ApiError> {
    if let Err(passwords::ResetError::Unknown) = &result {
        throttling::unknown_link_tried(state, address).await?;
    }
    Ok(result?)
}

/// `GET /api/password-reset/{token}`: 204 while the link can be used, else why not.
async fn check_reset(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    PathParams(token): PathParams<String>,
) -> Result<StatusCode, ApiError> {
    throttling::ensure_links_allowed(&state, &address).await?;
    let checked = passwords::check_reset(&state.db, &token, state.clock.now()).await;
    counted(&state, &address, checked).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/password-reset/{token}`: sets the new password, ends every session of the account
/// and signs in here (through the second factor for an account that has one).
async fn reset(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    PathParams(token): PathParams<String>,
    Body(form): Body<PasswordReset>,
) -> Result<Response, ApiError> {
    throttling::ensure_links_allowed(&state, &address).await?;
    // A dead link is what matters first, before judging the password.
    let checked = passwords::check_reset(&state.db, &token, state.clock.now()).await;
    counted(&state, &address, checked).await?;
    let hash = password::hash(chosen_password(&form.password, "password")?).await?;
    let user_id = passwords::reset(&state.db, &token, &hash, state.clock.now()).await?;
    tracing::info!(user_id, "password reset");
    let signed_in = sign_in::after_password(&state, user_id).await?;
    Ok(reply(&state, signed_in))
}

/// `PUT /api/me/password`: the signed-in person changes their password with the current one;
/// their other sessions end. A wrong current password counts as a failed log-in.
async fn change_password(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
    headers: HeaderMap,
    Body(form): Body<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    let chosen = chosen_password(&form.new_password, "new_password")?;
    sign_in::confirm_password(&state, user.user_id, &form.current_password).await?;
    let hash = password::hash(chosen).await?;
    let token = cookie::session_token(&headers).ok_or(ApiError::Unauthenticated)?;
    passwords::change(&state.db, user.company_id, user.user_id, &hash, &token, now).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/me/sessions`: "log out everywhere", this browser included.
async fn log_out_everywhere(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
) -> Result<impl IntoResponse, ApiError> {
    passwords::log_out_everywhere(&state.db, user.user_id).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [cookie::clear(state.secure_cookies)],
    ))
}
