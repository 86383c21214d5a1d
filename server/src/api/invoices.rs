//! `/api/console/invoices`: the Company's invoices (PAY-1), paying one (payment in advance,
//! PAY-2) through the configured [`PaymentProvider`](crate::payments::PaymentProvider), and each
//! invoice's statement of communications (PAY-3).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::idempotency::check_key;
use protocol::invoices::{InvoiceSummary, InvoiceView, PaymentForm, StatementView};

use super::extract::{Body, PathId};
use crate::auth::Manager;
use crate::error::ApiError;
use crate::services;
use crate::services::invoices::Paid;
use crate::state::AppState;
use crate::store::invoices;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/invoices", get(list))
        .route("/console/invoices/{id}", get(one))
        .route("/console/invoices/{id}/payments", post(pay))
        .route("/console/invoices/{id}/pdf", get(pdf))
        .route("/console/invoices/{id}/statement", get(statement))
        .route("/console/invoices/{id}/statement.csv", get(statement_csv))
}

/// `GET /api/console/invoices`: the Company's invoices, newest first.
async fn list(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<InvoiceSummary>>, ApiError> {
    let mut listed = invoices::list(&state.db, manager.company_id).await?;
    super::late_payment::annotate_summaries(&state, &mut listed).await?;
    Ok(Json(listed))
}

/// `GET /api/console/invoices/{id}`: one of the Company's invoices, with its lines and payment
/// attempts; another Company's is not found.
async fn one(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<Json<InvoiceView>, ApiError> {
    let mut invoice = invoices::one(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    super::late_payment::annotate_view(&state, manager.company_id, &mut invoice).await?;
    Ok(Json(invoice))
}

/// `POST /api/console/invoices/{id}/payments` (body `PaymentForm`: its idempotency key, issue
/// 13): charges the invoice's total on the Company's default payment method and records the
/// outcome the provider's webhook event brings. 201 with the paid invoice (202 with the invoice
/// still due while the provider has not sent the outcome yet); when the provider declines, the refusal is
/// recorded and the answer says why (402). The same key again answers the same outcome (200
/// with the paid invoice, or the same 402) without charging again; the same key for another
/// invoice is refused (409); no key is a 400.
async fn pay(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
    Body(form): Body<PaymentForm>,
) -> Result<(StatusCode, Json<InvoiceView>), ApiError> {
    let key = check_key(&form.idempotency_key).map_err(ApiError::IdempotencyKey)?;
    let status = match services::invoices::pay(&state, manager.company_id, manager.user_id, id, key)
        .await?
    {
        Paid::Declined { reason } => return Err(ApiError::PaymentDeclined(reason)),
        Paid::Succeeded { created: true } => {
            tracing::info!(
                invoice_id = id,
                company_id = manager.company_id,
                "invoice paid"
            );
            StatusCode::CREATED
        }
        Paid::Succeeded { created: false } => StatusCode::OK,
        Paid::Pending => StatusCode::ACCEPTED,
    };
    let mut invoice = invoices::one(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    super::late_payment::annotate_view(&state, manager.company_id, &mut invoice).await?;
    Ok((status, Json(invoice)))
}

/// `Content-Disposition` for a download named `name`.
fn attachment(name: &str) -> String {
    format!("attachment; filename=\"{name}\"")
}

/// `GET /api/console/invoices/{id}/pdf`: the invoice as a PDF document (PAY-1).
async fn pdf(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<impl IntoResponse, ApiError> {
    let pdf = crate::services::invoices::pdf(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                attachment(&format!("invoice-{}.pdf", pdf.number)),
            ),
        ],
        pdf.bytes,
    ))
}

/// `GET /api/console/invoices/{id}/statement`: the invoice's statement of communications
/// (PAY-3): the communications of the period it bills, or those a usage invoice charges,
/// available for 12 months after the invoice date; refused after that, saying until when.
async fn statement(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<Json<StatementView>, ApiError> {
    Ok(Json(
        services::statement::of_invoice(&state, manager.company_id, id).await?,
    ))
}

/// `GET /api/console/invoices/{id}/statement.csv`: the same statement as CSV, one row per
/// communication (PAY-3).
async fn statement_csv(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<impl IntoResponse, ApiError> {
    let statement = services::statement::of_invoice(&state, manager.company_id, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                attachment(&format!("statement-{}.csv", statement.number)),
            ),
        ],
        services::statement::csv(&statement.lines),
    ))
}
