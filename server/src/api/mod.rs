//! The HTTP API under `/api`. One module per area, each declaring its own routes; each handler
//! takes what it needs through `extract` (and `crate::auth`), validates with `domain`, calls
//! `crate::services` or `crate::store`, and answers JSON or an [`ApiError`]. An area never
//! imports another area: what they share lives in `extract` and `crate::services`.

mod accounts;
mod activity;
mod calls;
mod catalogue;
mod clock;
mod company;
mod credits;
mod dashboard;
mod data_rights;
mod disputes;
mod events;
mod extract;
mod invoices;
mod late_payment;
mod late_rates;
mod licences;
mod messages;
mod numbers;
mod orders;
mod price_changes;
mod privacy;
mod system;
mod terminations;
mod trials;
mod two_factor;
mod users;
mod webapp;

use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

/// The version of the General Terms and Conditions of Sale shown to and accepted by Companies.
pub const GTCS_VERSION: &str = "2026-11";
/// Where the app links to the GTCS text (a file of the built app).
pub const GTCS_URL: &str = "/legal/gtcs.txt";

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(system::routes())
        .merge(accounts::routes())
        .merge(two_factor::routes())
        .merge(data_rights::routes())
        .merge(users::routes())
        .merge(licences::routes())
        .merge(numbers::routes())
        .merge(catalogue::routes())
        .merge(orders::routes())
        .merge(dashboard::routes())
        .merge(company::routes())
        .merge(activity::routes())
        .merge(price_changes::routes())
        .merge(credits::routes())
        .merge(terminations::routes())
        .merge(invoices::routes())
        .merge(disputes::routes())
        .merge(late_payment::routes())
        .merge(late_rates::routes())
        .merge(clock::routes())
        .merge(trials::routes())
        .merge(webapp::routes())
        .merge(messages::routes())
        .merge(calls::routes())
        .merge(events::routes())
        .merge(privacy::routes())
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}
