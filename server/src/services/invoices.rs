//! An invoice as a PDF document (PAY-1): what `GET /api/console/invoices/{id}/pdf` answers and
//! what the Company's data archive holds (issue 15), composed once here.

use crate::db::Database;
use crate::error::ApiError;
use crate::store::{company, invoices};

/// An invoice's PDF and its number (which names the file).
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
