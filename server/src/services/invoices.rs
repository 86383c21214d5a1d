//! Invoices beyond one store: an invoice as a PDF document (PAY-1), what
//! `GET /api/console/invoices/{id}/pdf` answers and what the Company's data archive holds (issue
//! 15), composed once here; and paying one through the payment provider under an idempotency key
//! (issue 13). A credit note's PDF too (DISPUTE-2), with the invoice's layout.

use crate::db::Database;
use crate::error::ApiError;
use crate::services::collection;
use crate::state::AppState;
use crate::store::invoices::{Claimed, Recorded};
use crate::store::{company, disputes, invoices};

/// An invoice's or a credit note's PDF and its number (which names the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoicePdf {
    pub number: String,
    pub bytes: Vec<u8>,
}

/// The PDF of the Company's invoice `invoice_id`; `None` when it is not one of the Company's.
pub async fn pdf(
    db: &Database,
    company_id: i64,
    invoice_id: i64,
) -> Result<Option<InvoicePdf>, ApiError> {
    let Some(invoice) = invoices::one(db, company_id, invoice_id).await? else {
        return Ok(None);
    };
    let company = company::record(db, company_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = crate::invoice_pdf::render(&invoice, &company.details);
    Ok(Some(InvoicePdf {
        number: invoice.number,
        bytes,
    }))
}

/// DISPUTE-2 (house reading): the PDF of the Company's credit note `credit_note_id` and its
/// number, laid out as an invoice's; `None` when it is not one of the Company's.
pub async fn credit_note_pdf(
    db: &Database,
    company_id: i64,
    credit_note_id: i64,
) -> Result<Option<InvoicePdf>, ApiError> {
    let Some(note) = disputes::credit_note(db, company_id, credit_note_id).await? else {
        return Ok(None);
    };
    let company = company::record(db, company_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = crate::invoice_pdf::render_credit_note(&note, &company.details);
    Ok(Some(InvoicePdf {
        number: note.note.number,
        bytes,
    }))
}

/// What a payment request ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paid {
    /// The invoice is paid; `created`: by this request (false: a retry of a paid key).
    Succeeded { created: bool },
    /// The provider refused (now or, for a retry, the first time); its reason.
    Declined { reason: String },
    /// The provider accepted the charge and its outcome has not come yet (a provider posting
    /// its webhook later): the invoice page shows it once it comes.
    Pending,
}

/// PAY-1, PAY-2, issue 13: pays the Company's invoice under the idempotency `key`: the payment
/// is claimed first (`store::invoices::claim_payment`) on the Company's default method, the
/// provider is asked with the claim's provider key, and its outcome, which comes on the
/// webhook (at once from the built-in provider), is answered. A retry with the same key after a
/// lost answer answers the recorded outcome without asking the provider again, or, when the
/// first request ended before the outcome was recorded, asks the provider again with the same
/// provider key, which charges once.
pub async fn pay(
    state: &AppState,
    company_id: i64,
    user_id: i64,
    invoice_id: i64,
    key: &str,
) -> Result<Paid, ApiError> {
    let today = state.clock.today();
    let claim = match invoices::claim_payment(
        &state.db,
        company_id,
        user_id,
        invoice_id,
        key,
        today,
        state.clock.now(),
    )
    .await?
    {
        Claimed::Recorded(recorded) => return Ok(paid(recorded, false)),
        Claimed::Charge(claim) => claim,
    };
    let recorded_here = collection::charge_claim(
        &state.db,
        &state.clock,
        &state.payments,
        company_id,
        &claim,
        today,
    )
    .await?;
    Ok(
        match invoices::outcome_of_key(&state.db, claim.key_id).await? {
            Some(recorded) => paid(recorded, recorded_here),
            None => Paid::Pending,
        },
    )
}

fn paid(recorded: Recorded, created: bool) -> Paid {
    match (recorded.succeeded, recorded.reason) {
        (true, _) => Paid::Succeeded { created },
        (false, reason) => Paid::Declined {
            reason: reason.unwrap_or_else(|| "The provider gave no reason.".into()),
        },
    }
}
