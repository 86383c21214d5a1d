//! `POST /api/payments/webhook`: the payment provider's events (issue 13, house reading "Due
//! date and collection"): a charge's outcome, signed with HMAC-SHA256 over the timestamp and the
//! body (`Payment-Signature: t=…,v1=…`). No session: the signature is the authentication. A
//! delivery whose signature does not hold, or whose timestamp is outside the tolerance window,
//! is refused (400) and changes nothing; an event already applied (a replay) answers 200 and
//! changes nothing.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::payments::SIGNATURE_HEADER;
use crate::services::collection;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/payments/webhook", post(webhook))
}

/// 200 `{"received": true, "applied": bool}`: `applied` false for an event already applied.
async fn webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    let applied =
        collection::receive_webhook(&state.db, &state.clock, &state.payments, signature, &body)
            .await?;
    Ok(Json(json!({"received": true, "applied": applied})))
}
