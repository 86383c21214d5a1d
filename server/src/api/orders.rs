//! `/api/console/orders`: placing an Order (PRICE-1, PRICE-2, ACCEPT-1) and reading the
//! Company's Orders. Orders are irrevocable (ACCEPT-2): no route edits or deletes one, and the
//! database refuses it too.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::order::validate_order_form;
use protocol::orders::{OrderForm, OrderSummary, OrderView};

use super::GTCS_VERSION;
use super::extract::{Body, PathId};
use crate::auth::Manager;
use crate::error::ApiError;
use crate::services;
use crate::state::AppState;
use crate::store::company;
use crate::store::orders::{self, Placed, Placing};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orders", get(list).post(place))
        .route("/console/orders/{id}", get(one))
}

/// `POST /api/console/orders`: 201 with the new Order; 200 with the same Order when its
/// idempotency key was already used by the Company (a double click or a retry).
async fn place(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Body(form): Body<OrderForm>,
) -> Result<(StatusCode, Json<OrderView>), ApiError> {
    validate_order_form(&form, GTCS_VERSION)?;
    // Issue 19: VIES is asked again before an invoice that would carry a reverse charge.
    services::vies::before_invoice(
        &state.db,
        &state.clock,
        &state.vies,
        manager.company_id,
        Some(manager.user_id),
    )
    .await?;
    let today = state.clock.today();
    let placing = Placing {
        company_id: manager.company_id,
        user_id: manager.user_id,
        gtcs_version: GTCS_VERSION,
        today,
        now: state.clock.now(),
        has_valid_payment_method: company::has_valid_payment_method(
            &state.db,
            manager.company_id,
            today,
        )
        .await?,
    };
    match orders::place(&state.db, placing, &form).await? {
        Placed::Created(order) => {
            tracing::info!(
                order_id = order.id,
                company_id = manager.company_id,
                "order placed"
            );
            Ok((StatusCode::CREATED, Json(order)))
        }
        Placed::Existing(order_id) => orders::one(&state.db, manager.company_id, order_id)
            .await?
            .map(|order| (StatusCode::OK, Json(order)))
            .ok_or(ApiError::NotFound),
    }
}

/// `GET /api/console/orders`: the Company's Orders, newest first.
async fn list(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<OrderSummary>>, ApiError> {
    Ok(Json(orders::list(&state.db, manager.company_id).await?))
}

/// `GET /api/console/orders/{id}`: one of the Company's Orders; another Company's is not found.
async fn one(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<Json<OrderView>, ApiError> {
    orders::one(&state.db, manager.company_id, id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}
