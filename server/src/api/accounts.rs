//! Sign-up, log-in, log-out and who is signed in.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::signup::{validate_login, validate_signup};
use protocol::{LoginForm, Me, SignupForm};

use super::GTCS_VERSION;
use super::extract::{Body, ClientAddress};
use crate::auth::{SignedIn, cookie, password};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::accounts;
use crate::store::sessions;
use crate::store::throttle::{self, Scope};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", post(signup))
        .route("/session", post(login).delete(logout))
        .route("/me", get(me))
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
    let (cookie, me) = open_session(&state, user_id).await?;
    Ok((StatusCode::CREATED, [cookie], Json(me)))
}

/// `POST /api/session`: logs in. A wrong email and a wrong password get the same answer.
async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(form): Body<LoginForm>,
) -> Result<impl IntoResponse, ApiError> {
    let (email, given) = validate_login(&form)?;
    // Throttled per account and per address, checked before any password is hashed.
    let account_key = email.to_string().to_lowercase();
    let subjects = [
        (Scope::LoginAccount, account_key.as_str()),
        (Scope::LoginAddress, address.as_str()),
    ];
    let now = state.clock.now();
    if let Some(wait) = throttle::blocked(&state.db, &subjects, now).await? {
        return Err(ApiError::TooManyAttempts(wait));
    }
    let account = accounts::credentials(&state.db, &email).await?;
    let user_id = account.as_ref().map(|(id, _)| *id);
    let verified = password::verify(given, account.map(|(_, hash)| hash)).await?;
    let Some(user_id) = user_id.filter(|_| verified) else {
        throttle::failed(&state.db, &subjects, now).await?;
        return Err(ApiError::WrongCredentials);
    };
    throttle::succeeded(&state.db, Scope::LoginAccount, &account_key).await?;
    let (cookie, me) = open_session(&state, user_id).await?;
    Ok(([cookie], Json(me)))
}

async fn open_session(
    state: &AppState,
    user_id: i64,
) -> Result<((axum::http::HeaderName, axum::http::HeaderValue), Me), ApiError> {
    let token = sessions::open(&state.db, user_id, state.clock.now()).await?;
    let me = accounts::me(&state.db, user_id, state.clock.today())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok((cookie::set(&token, state.secure_cookies), me))
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
async fn me(State(state): State<AppState>, SignedIn(user): SignedIn) -> Result<Json<Me>, ApiError> {
    accounts::me(&state.db, user.user_id, state.clock.today())
        .await?
        .map(Json)
        .ok_or(ApiError::Unauthenticated)
}
