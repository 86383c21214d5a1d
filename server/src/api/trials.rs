//! Trials (TRIAL-1, GTCS 10): the provider grants a trial on an active Licence
//! (`POST /api/admin/licences/{id}/trial`, with the admin token), and a Manager cancels it
//! (`POST /api/console/licences/{id}/trial/cancellation`) until its last day included, judged on
//! the day of receipt in Europe/Paris. The scheduler converts or ends it the day after.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use protocol::trials::{TrialCancellation, TrialForm};

use super::extract::{Admin, Body, PathId};
use crate::auth::Manager;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::trials;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/licences/{id}/trial", post(grant))
        .route("/console/licences/{id}/trial/cancellation", post(cancel))
}

/// `POST /api/admin/licences/{id}/trial`: the provider puts an active Licence on trial until
/// `trial_end` (today or later).
async fn grant(
    State(state): State<AppState>,
    _admin: Admin,
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
    trials::start(
        &state.db,
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
