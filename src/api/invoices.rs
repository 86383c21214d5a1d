//! Invoices and their payment.

use super::*;

/// The Company's invoices, newest first (PAY-1).
pub async fn invoices() -> Result<Vec<protocol::invoices::InvoiceSummary>, ApiError> {
    get("/api/console/invoices").await
}

pub async fn invoice(id: i64) -> Result<protocol::invoices::InvoiceView, ApiError> {
    get(&format!("/api/console/invoices/{id}")).await
}

/// Pays the invoice with the Company's payment method; a refusal says why. `idempotency_key`:
/// the payment's, the same for its retries (issue 13).
pub async fn pay_invoice(
    id: i64,
    idempotency_key: String,
) -> Result<protocol::invoices::InvoiceView, ApiError> {
    post(
        &format!("/api/console/invoices/{id}/payments"),
        &protocol::invoices::PaymentForm { idempotency_key },
    )
    .await
}
