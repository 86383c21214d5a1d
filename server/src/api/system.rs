//! Health and the facts the app needs before anyone signs in.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use protocol::terms::{Document, Legal};
use protocol::{Gtcs, Health};

use super::{GTCS_URL, GTCS_VERSION};
use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/gtcs", get(gtcs))
        .route("/legal", get(legal))
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

/// `GET /api/legal`: every legal document in force and where to read it: the GTCS (accepted for
/// the Company), the GCU and the privacy notice (accepted by each person using the WebApp).
async fn legal(State(state): State<AppState>) -> Json<Legal> {
    Json(Legal {
        gtcs: Document {
            version: GTCS_VERSION.into(),
            url: GTCS_URL.into(),
        },
        gcu: state.terms.gcu.clone(),
        privacy: state.terms.privacy.clone(),
    })
}
