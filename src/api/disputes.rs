//! Disputes of an invoice, their decisions and the credit notes deducted (DISPUTE-1, DISPUTE-2).

use super::*;

/// The invoice's disputes, the credit notes deducted from it and its windows.
pub async fn invoice_disputes(
    invoice_id: i64,
) -> Result<protocol::disputes::InvoiceDisputes, ApiError> {
    get(&format!("/api/console/invoices/{invoice_id}/disputes")).await
}

/// Disputes the invoice with a written justification.
pub async fn dispute_invoice(
    invoice_id: i64,
    form: &protocol::disputes::DisputeForm,
) -> Result<protocol::disputes::InvoiceDisputes, ApiError> {
    post(
        &format!("/api/console/invoices/{invoice_id}/disputes"),
        form,
    )
    .await
}
