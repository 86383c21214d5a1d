//! `POST /api/admin/clock/advance`: on a demo or test server (`--demo-clock`), moves the
//! server's date forward by whole days (for every instance sharing its database) and runs the
//! scheduler over every day passed, in order. On any other server the route does not exist (404).

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use protocol::invoices::{AdvanceClock, ClockAdvanced};

use super::extract::Body;
use crate::error::ApiError;
use crate::scheduler;
use crate::state::AppState;
use crate::store::demo_clock;

/// At most this many days per request (ten years).
pub const MAX_DAYS: u32 = 3660;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/clock/advance", post(advance))
}

async fn advance(
    State(state): State<AppState>,
    Body(request): Body<AdvanceClock>,
) -> Result<Json<ClockAdvanced>, ApiError> {
    if !state.demo_clock {
        return Err(ApiError::NotFound);
    }
    if request.days == 0 || request.days > MAX_DAYS {
        return Err(ApiError::DaysOutOfRange(MAX_DAYS));
    }
    state.clock.advance_days(i64::from(request.days));
    // Shared through the database: every instance of the demo follows it within a second.
    demo_clock::record(&state.db, state.clock.shift_seconds()).await?;
    let reports =
        scheduler::catch_up_collecting(&state.db, &state.clock, Some(&state.vies), &state.payments)
            .await
            .map_err(|error| ApiError::Internal(error.to_string()))?;
    Ok(Json(ClockAdvanced {
        today: state.clock.today(),
        days_processed: reports
            .iter()
            .filter(|report| report.processed)
            .map(|report| report.day)
            .collect(),
    }))
}
