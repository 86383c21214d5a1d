//! The HTTP API under `/api`. One module per area; each handler validates with `domain`, calls
//! `store`, and answers JSON or an [`ApiError`](crate::error::ApiError).

mod accounts;
mod activity;
mod admin;
mod calls;
mod catalogue;
mod clock;
mod company;
mod credits;
mod dashboard;
mod disputes;
mod events;
mod invoices;
mod late_payment;
mod late_rates;
mod licences;
mod messages;
mod numbers;
mod orders;
mod price_changes;
mod system;
mod terminations;
mod trials;
mod users;
mod webapp;

pub use messages::apply_receipts;

use axum::Router;
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::state::AppState;

/// The version of the General Terms and Conditions of Sale shown to and accepted by Companies.
pub const GTCS_VERSION: &str = "2026-11";
/// Where the app links to the GTCS text (a file of the built app).
pub const GTCS_URL: &str = "/legal/gtcs.txt";

/// An id taken from the path: anything that is not one answers 404, as an id that does not exist.
fn id_of(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(system::health))
        .route("/gtcs", get(system::gtcs))
        .route("/signup", post(accounts::signup))
        .route("/session", post(accounts::login).delete(accounts::logout))
        .route("/me", get(accounts::me))
        .merge(users::routes())
        .merge(licences::routes())
        .merge(numbers::routes())
        .merge(catalogue::routes())
        .merge(orders::routes())
        .merge(dashboard::routes())
        .merge(company::routes())
        .merge(activity::routes())
        .merge(price_changes::routes())
        .merge(admin::routes())
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
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}
