//! `/api/console/price-list` and `/api/console/numbers/available`: the price list in force on a
//! day (PRICE-1, PRICE-2) and the search of the pool of Numbers (NUM-1).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use domain::country::CountryCode;
use domain::field::{FieldError, Problem};
use domain::payment_default::price_list_for;
use protocol::catalogue::{AvailableNumber, PriceListView};
use protocol::trials::TrialForm;

use crate::auth::Manager;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{catalogue, payment_defaults, trials};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/price-list", get(price_list))
        .route("/console/numbers/available", get(available_numbers))
}

fn invalid(field: &'static str, message: &'static str) -> ApiError {
    ApiError::Invalid(FieldError {
        field,
        problem: Problem::Invalid(message),
    })
}

/// `GET /api/console/price-list?on=YYYY-MM-DD`: the plans, the prices and discounts in force
/// that day (the server's today when `on` is left out), and the Company's VAT basis.
async fn price_list(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<PriceListView>, ApiError> {
    let on = match query
        .get("on")
        .map(|raw| raw.trim())
        .filter(|raw| !raw.is_empty())
    {
        Some(raw) => raw
            .parse::<NaiveDate>()
            .map_err(|_| invalid("on", "Give the date as YYYY-MM-DD, e.g. 2027-01-01."))?,
        None => state.clock.today(),
    };
    let list = catalogue::price_list(&state.db).await?;
    let vat = catalogue::vat_basis(&state.db, manager.company_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    // LATE-3: the list as the Company's Orders are priced (no discount while a payment default
    // withholds them), and why, for the app's quote.
    let standing = payment_defaults::standing_of(&state.db, manager.company_id).await?;
    Ok(Json(PriceListView {
        on,
        price_list: price_list_for(&list, &standing).in_force(on),
        vat,
        discounts_cancelled: standing.withheld(),
        payment_default: standing,
        trial_offer: trials::open_offer(&state.db, manager.company_id, state.clock.today())
            .await?
            .map(|offer| TrialForm {
                trial_end: offer.trial_end,
                auto_commit: offer.auto_commit,
            }),
    }))
}

/// `GET /api/console/numbers/available?country=FR&contains=12&limit=50`: Numbers no Company
/// holds, of one country, optionally containing some digits.
async fn available_numbers(
    State(state): State<AppState>,
    Manager(_manager): Manager,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Vec<AvailableNumber>>, ApiError> {
    let country = query
        .get("country")
        .and_then(|raw| raw.parse::<CountryCode>().ok())
        .ok_or_else(|| invalid("country", "Choose a country from the list."))?;
    let digits: String = query
        .get("contains")
        .map(|raw| domain::field::without_separators(raw))
        .unwrap_or_default();
    let digits = digits.trim_start_matches('+');
    if !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(invalid("contains", "Search with digits only."));
    }
    let limit = match query.get("limit") {
        Some(raw) => raw
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|limit| (1..=catalogue::MAX_SEARCH).contains(limit))
            .ok_or_else(|| invalid("limit", "Ask for 1 to 1,000 Numbers."))?,
        None => 50,
    };
    let numbers = catalogue::available_numbers(
        &state.db,
        country,
        Some(digits).filter(|d| !d.is_empty()),
        limit,
    )
    .await?;
    Ok(Json(numbers))
}
