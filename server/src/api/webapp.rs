//! `/api/app/home`: the signed-in User's Numbers with their usage, whether they are suspended,
//! and the Company's Credits; `/api/app/numbers/{id}/usage`: one Number's month (PAY-1).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use domain::dial::DialClass;
use domain::money::Money;
use domain::service::notice_sentence;
use protocol::webapp::{AppHome, CallRates, MyNumber, Usage};

use super::extract::PathId;
use crate::auth::SignedIn;
use crate::error::ApiError;
use crate::services::webapp::{own_number, suspension, usage};
use crate::state::AppState;
use crate::store::webapp;
use crate::store::{calls, credits, discontinuations};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/home", get(home))
        .route("/app/numbers/{id}/usage", get(number_usage))
}

/// `GET /api/app/numbers/{id}/usage`: what is left this month of the Call Plan of one of the
/// User's own Numbers, what went beyond and what it comes to so far (PAY-1); another's is 404.
async fn number_usage(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Json<Usage>, ApiError> {
    let number = own_number(&state, &user, id).await?;
    Ok(Json(usage(&state, &number).await?))
}

/// `GET /api/app/home`: the User's Numbers with their usage, whether they are suspended, and the
/// Company's Credits.
async fn home(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<AppHome>, ApiError> {
    let mut numbers = Vec::new();
    for number in webapp::numbers_of(&state.db, user.user_id).await? {
        let country = number.country;
        numbers.push(MyNumber {
            id: number.id,
            usage: usage(&state, &number).await?,
            e164: number.e164,
            country,
            plan_name: number.plan_name,
            calls_with_credits: number.calls_with_credits,
        });
    }
    let balance = credits::balance(&state.db, user.company_id).await?;
    Ok(Json(AppHome {
        numbers,
        suspended: suspension(&state, &user).await?,
        credits_available: Money::from_cents(balance.available_cents()),
        call_rates: CallRates {
            special: calls::rates(&state.db, "call", DialClass::Special).await?,
            international: calls::rates(&state.db, "call", DialClass::International).await?,
        },
        discontinued: discontinuations::announced(&state.db)
            .await?
            .into_iter()
            .map(|announced| notice_sentence(announced, state.clock.today()))
            .collect(),
    }))
}
