//! The discontinuation of a Service (NOTICE-3, GTCS 6.2.1): `GET` and `POST
//! /api/admin/service-discontinuations` for operators (announcing is the administrators'); the
//! Companies read them on the dashboard and the Users in the WebApp's home.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::field::required_text;
use protocol::backoffice::BackOfficeAction;
use protocol::discontinuations::{DiscontinuationForm, DiscontinuationView, Discontinuations};

use super::extract::Body;
use crate::auth::operator::Operator;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::discontinuations;

/// The longest reason the Companies are told.
const MAX_REASON: usize = 2000;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/service-discontinuations", get(list).post(announce))
}

/// Every discontinuation announced, the soonest first, with the server's today.
async fn list(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<Discontinuations>, ApiError> {
    Ok(Json(Discontinuations {
        today: state.clock.today(),
        announced: discontinuations::list(&state.db).await?,
    }))
}

/// NOTICE-3: an administrator announces today that a Service stops on a day two weeks away at
/// least; the Managers of every Company with a Licence in force are emailed.
async fn announce(
    State(state): State<AppState>,
    operator: Operator,
    Body(form): Body<DiscontinuationForm>,
) -> Result<(StatusCode, Json<DiscontinuationView>), ApiError> {
    let operator_id = operator.may(BackOfficeAction::DiscontinueService)?.id;
    let reason = required_text(&form.reason, MAX_REASON).map_err(|problem| {
        ApiError::Invalid(domain::field::FieldError {
            field: "reason",
            problem,
        })
    })?;
    let now = state.clock.now();
    let (announced, companies) = discontinuations::announce(
        &state.db,
        operator_id,
        (form.service, form.effective, &reason),
        state.clock.today(),
        now,
    )
    .await?;
    tracing::info!(
        service = form.service.as_str(),
        companies,
        "service discontinuation announced"
    );
    Ok((StatusCode::CREATED, Json(announced)))
}
