//! Trials (TRIAL-1, GTCS 10; house reading "Trials"): the provider offers a Company a trial
//! (`POST /api/admin/companies/{id}/trial-offer`, support operators), the Company's next Order
//! placed with `trial` takes it (no invoice), and a Manager cancels it
//! (`POST /api/console/licences/{id}/trial/cancellation`) until its last day included, judged on
//! the day of receipt in Europe/Paris. The scheduler converts it (first invoice the day after
//! its end) or ends it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use protocol::trials::{TrialCancellation, TrialForm};

use super::extract::{Body, PathId};
use crate::auth::Manager;
use crate::auth::operator::Operator;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::trials;
use protocol::backoffice::BackOfficeAction;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/companies/{id}/trial-offer", post(offer))
        .route("/console/licences/{id}/trial/cancellation", post(cancel))
}

/// `POST /api/admin/companies/{id}/trial-offer`: the provider offers the Company a trial until
/// `trial_end` (today or later), replacing an offer not taken yet.
async fn offer(
    State(state): State<AppState>,
    operator: Operator,
    PathId(id): PathId,
    Body(form): Body<TrialForm>,
) -> Result<StatusCode, ApiError> {
    if form.trial_end < state.clock.today() {
        return Err(vec![domain::field::FieldError {
            field: "trial_end",
            problem: domain::field::Problem::Invalid("A trial cannot end before today."),
        }]
        .into());
    }
    trials::offer(
        &state.db,
        operator.may(BackOfficeAction::OfferTrial)?.id,
        id,
        form.trial_end,
        form.auto_commit,
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/console/licences/{id}/trial/cancellation`: the Company cancels its trial.
async fn cancel(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<(StatusCode, Json<TrialCancellation>), ApiError> {
    let received_on = trials::cancel(
        &state.db,
        manager.company_id,
        manager.user_id,
        id,
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(TrialCancellation {
            licence_id: id,
            received_on,
        }),
    ))
}
