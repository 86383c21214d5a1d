//! `/api/console/invoices`: the Company's invoices (PAY-1) and paying one (payment in advance,
//! PAY-2) through the configured [`PaymentProvider`](crate::payments::PaymentProvider).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use protocol::invoices::{InvoiceSummary, InvoiceView};

use crate::auth::Manager;
use crate::error::ApiError;
use crate::payments::{Charge, ChargeOutcome};
use crate::state::AppState;
use crate::store::invoices::{self, Attempt, PayError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/invoices", get(list))
        .route("/console/invoices/{id}", get(one))
        .route("/console/invoices/{id}/payments", post(pay))
}

fn invoice_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound)
}

/// `GET /api/console/invoices`: the Company's invoices, newest first.
async fn list(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<InvoiceSummary>>, ApiError> {
    Ok(Json(invoices::list(&state.db, manager.company_id).await?))
}

/// `GET /api/console/invoices/{id}`: one of the Company's invoices, with its lines and payment
/// attempts; another Company's is not found.
async fn one(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Path(id): Path<String>,
) -> Result<Json<InvoiceView>, ApiError> {
    invoices::one(&state.db, manager.company_id, invoice_id(&id)?)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

fn pay_error(error: PayError) -> ApiError {
    match error {
        PayError::NotFound => ApiError::NotFound,
        PayError::AlreadyPaid => ApiError::InvoiceAlreadyPaid,
        PayError::Database(error) => error.into(),
    }
}

/// `POST /api/console/invoices/{id}/payments`: charges the invoice's total on the Company's
/// first payment method valid today and records the outcome. 201 with the paid invoice; when the
/// provider declines, the refusal is recorded and the answer says why (402).
async fn pay(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<InvoiceView>), ApiError> {
    let id = invoice_id(&id)?;
    let today = state.clock.today();
    let amount = invoices::amount_due(&state.db, manager.company_id, id)
        .await
        .map_err(pay_error)?;
    let method = invoices::chargeable_methods(&state.db, manager.company_id, today)
        .await?
        .into_iter()
        .next()
        .ok_or(ApiError::NoPaymentMethodToPay)?;
    let number = invoices::one(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?
        .number;
    let charge = Charge {
        company_id: manager.company_id,
        invoice_number: number,
        amount,
        method_kind: method.kind.clone(),
        method_label: method.label.clone(),
        method_last4: method.last4.clone(),
    };
    let outcome = state.payments.charge(&charge).await;
    let (succeeded, provider_reference, reason) = match outcome {
        ChargeOutcome::Succeeded { reference } => (true, Some(reference), None),
        ChargeOutcome::Declined { reason } => (false, None, Some(reason)),
    };
    let attempt = Attempt {
        method_id: method.id,
        amount,
        provider: state.payments.name(),
        succeeded,
        provider_reference,
        reason: reason.clone(),
    };
    invoices::record_attempt(
        &state.db,
        manager.company_id,
        manager.user_id,
        id,
        &attempt,
        today,
        state.clock.now(),
    )
    .await
    .map_err(pay_error)?;
    if let Some(reason) = reason {
        return Err(ApiError::PaymentDeclined(reason));
    }
    tracing::info!(
        invoice_id = id,
        company_id = manager.company_id,
        "invoice paid"
    );
    let invoice = invoices::one(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(invoice)))
}
