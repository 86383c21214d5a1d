//! Disputes of an invoice, their decisions, the credit notes deducted, and the Company's credit
//! notes (DISPUTE-1, DISPUTE-2).

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

/// The Company's credit notes, newest first; each one's PDF is at [`credit_note_pdf_path`].
pub async fn credit_notes() -> Result<Vec<protocol::disputes::CreditNoteView>, ApiError> {
    get("/api/console/credit-notes").await
}

/// Where the credit note's PDF downloads from.
pub fn credit_note_pdf_path(credit_note_id: i64) -> String {
    format!("/api/console/credit-notes/{credit_note_id}/pdf")
}

/// DISPUTE-3: a claim for restitution of a paid invoice, until a year after the payment.
pub async fn claim_restitution(
    invoice_id: i64,
    form: &protocol::disputes::RestitutionClaimForm,
) -> Result<protocol::disputes::InvoiceDisputes, ApiError> {
    post(
        &format!("/api/console/invoices/{invoice_id}/restitution-claims"),
        form,
    )
    .await
}

/// DISPUTE-4: the Company's complaints, newest first.
pub async fn complaints() -> Result<Vec<protocol::complaints::ComplaintView>, ApiError> {
    get("/api/console/complaints").await
}

/// DISPUTE-4: a complaint to the provider's support.
pub async fn open_complaint(
    form: &protocol::complaints::ComplaintForm,
) -> Result<protocol::complaints::ComplaintView, ApiError> {
    post("/api/console/complaints", form).await
}
