//! `/api/console/credits`: the Company's Credits balance and its top-ups. Debits (reserve, then
//! commit) are for the WebApp and live in `store::credits`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::credits::{TopUpForm, validate_top_up};
use domain::idempotency::check_key;
use domain::money::Money;
use protocol::credits::{CreditsView, MovementView, TopUpDone};
use protocol::invoices::InvoiceStatus;
use protocol::webapp::AppEvent;

use super::extract::Body;
use crate::auth::Manager;
use crate::error::ApiError;
use crate::services;
use crate::state::AppState;
use crate::store::webapp;
use crate::store::{credits, invoices};

/// How many movements the console shows.
const MOVEMENTS_SHOWN: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/credits", get(show))
        .route("/console/credits/top-ups", post(top_up))
}

async fn view(state: &AppState, company_id: i64) -> Result<CreditsView, ApiError> {
    let balance = credits::balance(&state.db, company_id).await?;
    let movements = credits::movements(&state.db, company_id, MOVEMENTS_SHOWN).await?;
    Ok(CreditsView {
        balance: Money::from_cents(balance.balance_cents),
        reserved: Money::from_cents(balance.reserved_cents),
        available: Money::from_cents(balance.available_cents()),
        movements: movements
            .into_iter()
            .map(|movement| MovementView {
                kind: movement.kind,
                amount: Money::from_cents(movement.amount_cents),
                balance_after: Money::from_cents(movement.balance_after_cents),
                description: movement.description,
                at: movement.at,
            })
            .collect(),
    })
}

/// `GET /api/console/credits`.
async fn show(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<CreditsView>, ApiError> {
    view(&state, manager.company_id).await.map(Json)
}

/// `POST /api/console/credits/top-ups`: buys Credits, checked by `validate_top_up` as in the
/// browser: writes the top-up's invoice (PAY-1) with the top-up's idempotency key (issue 13)
/// and collects it at once; the Credits are credited once it is paid (a declined collection
/// leaves them as they were, the invoice due). 201 with the invoice and the Credits; the same key again answers
/// 200 with the same invoice, crediting and invoicing nothing more; the same key with another
/// amount is refused (409); no key is a 400.
async fn top_up(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Body(form): Body<TopUpForm>,
) -> Result<(StatusCode, Json<TopUpDone>), ApiError> {
    let amount_cents = validate_top_up(&form)?;
    let key = check_key(&form.idempotency_key).map_err(ApiError::IdempotencyKey)?;
    // Issue 19: VIES is asked again before an invoice that would carry a reverse charge.
    services::vies::before_invoice(
        &state.db,
        &state.clock,
        &state.vies,
        manager.company_id,
        Some(manager.user_id),
    )
    .await?;
    let topped_up = credits::top_up_with_invoice(
        &state.db,
        manager.company_id,
        Some(manager.user_id),
        amount_cents,
        key,
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    let invoice = topped_up.invoice;
    // House reading "Due date and collection": the invoice is collected on its issue date, at
    // once, and the Credits are credited when it is paid (a retry collects what a crash left).
    services::collection::collect_invoice(
        &state.db,
        &state.clock,
        &state.payments,
        manager.company_id,
        invoice.id,
        state.clock.today(),
    )
    .await?;
    let credits = view(&state, manager.company_id).await?;
    let paid = invoices::one(&state.db, manager.company_id, invoice.id)
        .await?
        .is_some_and(|invoice| invoice.status == InvoiceStatus::Paid);
    if !topped_up.created {
        return Ok((
            StatusCode::OK,
            Json(TopUpDone {
                invoice_id: invoice.id,
                invoice_number: invoice.number,
                paid,
                credits,
            }),
        ));
    }
    tracing::info!(
        company_id = manager.company_id,
        amount_cents,
        "credits topped up"
    );
    // Employees with the WebApp open see the new Credits at once (their dialler prices with them).
    let event = AppEvent::Credits {
        available: credits.available,
    };
    for user_id in webapp::active_user_ids(&state.db, manager.company_id).await? {
        state.telephony.hub.publish(user_id, &event);
    }
    Ok((
        StatusCode::CREATED,
        Json(TopUpDone {
            invoice_id: invoice.id,
            invoice_number: invoice.number,
            paid,
            credits,
        }),
    ))
}
