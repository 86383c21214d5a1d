//! Health and the facts the app needs before anyone signs in.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use protocol::{Gtcs, Health};

use super::{GTCS_URL, GTCS_VERSION};
use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/gtcs", get(gtcs))
}

/// `GET /api/health`: 200 when the database answers.
async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.db.ping().await?;
    Ok(Json(Health {
        status: "ok".into(),
        database: state.db.backend.name().into(),
        today: state.clock.today().to_string(),
    }))
}

/// `GET /api/gtcs`: the version in force (ACCEPT-1).
async fn gtcs() -> Json<Gtcs> {
    Json(Gtcs {
        version: GTCS_VERSION.into(),
        url: GTCS_URL.into(),
    })
}
