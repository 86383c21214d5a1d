//! The HTTP API under `/api`. One module per area, each declaring its own routes; each handler
//! takes what it needs through `extract` (and `crate::auth`), validates with `domain`, calls
//! `crate::services` or `crate::store`, and answers JSON or an [`ApiError`]. An area never
//! imports another area: what they share lives in `extract` and `crate::services`.

mod accounts;
mod activity;
mod backoffice;
mod calls;
mod catalogue;
mod catalogue_admin;
mod clock;
mod communications;
mod company;
mod complaints;
mod credits;
mod dashboard;
mod discontinuations;
mod disputes;
mod events;
mod export;
mod extract;
mod invoices;
mod late_payment;
mod late_rates;
mod licences;
mod messages;
mod numbers;
mod orders;
mod payments;
mod price_changes;
mod privacy;
mod system;
mod terminations;
mod terms;
mod trials;
mod two_factor;
mod users;
mod webapp;

use axum::Router;
use protocol::terms::{Document, TermsInForce};

use crate::error::ApiError;
use crate::state::AppState;

/// The version of the General Terms and Conditions of Sale shown to and accepted by Companies.
pub const GTCS_VERSION: &str = "2026-11";
/// Where the app links to the GTCS text (a file of the built app).
pub const GTCS_URL: &str = "/legal/gtcs.txt";
/// The version of the General Conditions of Use accepted by each person using the WebApp
/// (ACCEPT-1); a new version asks them again.
pub const GCU_VERSION: &str = "2026-12";
/// Where the app links to the GCU text in force (a file of the built app, one per version).
pub const GCU_URL: &str = "/legal/gcu-2026-12.txt";
/// The version of the privacy notice accepted with the GCU (DATA-1, ACCEPT-1).
pub const PRIVACY_VERSION: &str = "2026-12";
/// Where the app links to the privacy notice in force.
pub const PRIVACY_URL: &str = "/legal/privacy-2026-12.txt";

/// The GCU and privacy notice in force, as `AppState::terms` holds them.
pub fn terms_in_force() -> TermsInForce {
    TermsInForce {
        gcu: Document {
            version: GCU_VERSION.into(),
            url: GCU_URL.into(),
        },
        privacy: Document {
            version: PRIVACY_VERSION.into(),
            url: PRIVACY_URL.into(),
        },
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(system::routes())
        .merge(payments::routes())
        .merge(accounts::routes())
        .merge(backoffice::routes())
        .merge(two_factor::routes())
        .merge(export::routes())
        .merge(terms::routes())
        .merge(users::routes())
        .merge(licences::routes())
        .merge(numbers::routes())
        .merge(catalogue::routes())
        .merge(catalogue_admin::routes())
        .merge(orders::routes())
        .merge(dashboard::routes())
        .merge(company::routes())
        .merge(activity::routes())
        .merge(price_changes::routes())
        .merge(credits::routes())
        .merge(terminations::routes())
        .merge(invoices::routes())
        .merge(disputes::routes())
        .merge(complaints::routes())
        .merge(discontinuations::routes())
        .merge(late_payment::routes())
        .merge(late_rates::routes())
        .merge(clock::routes())
        .merge(trials::routes())
        .merge(webapp::routes())
        .merge(messages::routes())
        .merge(calls::routes())
        .merge(communications::routes())
        .merge(events::routes())
        .merge(privacy::routes())
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}
