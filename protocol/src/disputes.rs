//! Disputes of invoices, credit notes and restitution claims (DISPUTE-1..3):
//! `GET|POST /api/console/invoices/{id}/disputes`,
//! `POST /api/console/invoices/{id}/restitution-claims`, the Company's credit notes
//! `GET /api/console/credit-notes`, `GET /api/console/credit-notes/{id}` and its PDF
//! `GET /api/console/credit-notes/{id}/pdf`, and the provider's
//! `POST /api/admin/disputes/{id}/decision`.

use chrono::NaiveDate;
use domain::money::{Money, Percent};
use serde::{Deserialize, Serialize};

use crate::invoices::InvoiceLineView;

/// `POST /api/console/invoices/{id}/disputes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeForm {
    pub justification: String,
}

/// Where a dispute stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    Open,
    Accepted,
    Refused,
}

impl DisputeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DisputeStatus::Open => "open",
            DisputeStatus::Accepted => "accepted",
            DisputeStatus::Refused => "refused",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "open" => Some(DisputeStatus::Open),
            "accepted" => Some(DisputeStatus::Accepted),
            "refused" => Some(DisputeStatus::Refused),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DisputeStatus::Open => "Awaiting the provider's decision",
            DisputeStatus::Accepted => "Accepted",
            DisputeStatus::Refused => "Refused",
        }
    }
}

/// A credit note and what is left of it (DISPUTE-2, house reading: a document of its own, with
/// net lines, VAT at the disputed invoice's rate and a total).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditNoteView {
    pub id: i64,
    /// `CN-2026-000001`: year and place in that year's sequence.
    pub number: String,
    /// The invoice disputed.
    pub invoice_id: i64,
    pub invoice_number: String,
    pub net: Money,
    pub vat: Money,
    /// Net + VAT: what it gives back.
    pub amount: Money,
    /// Not yet deducted from an invoice, VAT included.
    pub remaining: Money,
    pub issued_on: NaiveDate,
    /// What no invoice deducted, refunded after the Contract ended (house reading).
    #[serde(default)]
    pub refund: Option<CreditNoteRefund>,
}

/// DISPUTE-2 (house reading "Credit notes"): a credit note's part left when no invoice follows
/// (the Contract ended), refunded to the Company's payment method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteRefund {
    /// VAT included.
    pub amount: Money,
    /// The day the refund was asked of the payment provider.
    pub on: NaiveDate,
    /// The payment method as the Manager names it ("Company card ending 4242").
    pub method: String,
    /// False while the provider has not confirmed it.
    pub refunded: bool,
}

/// `GET /api/console/credit-notes/{id}`: a credit note as a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditNoteDocument {
    pub note: CreditNoteView,
    /// Net lines: what it gives back, before VAT.
    pub lines: Vec<InvoiceLineView>,
    /// The disputed invoice's rate.
    pub vat_rate: Percent,
    /// The provider's note with its decision, if any.
    pub reason: Option<String>,
}

/// One dispute of an invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisputeView {
    pub id: i64,
    pub invoice_id: i64,
    pub justification: String,
    pub opened_on: NaiveDate,
    pub status: DisputeStatus,
    pub decided_on: Option<NaiveDate>,
    /// Why the provider refused it (or a note with its acceptance).
    pub decision_reason: Option<String>,
    /// The credit note an accepted dispute created.
    pub credit_note: Option<CreditNoteView>,
}

/// A credit note deducted from this invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditNoteUse {
    pub number: String,
    pub invoice_number: String,
    pub amount: Money,
}

/// `POST /api/console/invoices/{id}/restitution-claims`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestitutionClaimForm {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestitutionClaimView {
    pub id: i64,
    pub reason: String,
    pub claimed_on: NaiveDate,
    /// The provider's decision, as a dispute's: open, accepted (with a credit note) or refused.
    pub status: DisputeStatus,
    #[serde(default)]
    pub decided_on: Option<NaiveDate>,
    /// A refusal's reason, or the note given with an acceptance.
    #[serde(default)]
    pub decision_reason: Option<String>,
    /// The credit note of an accepted claim.
    #[serde(default)]
    pub credit_note_number: Option<String>,
}

/// `GET /api/console/invoices/{id}/disputes`: everything about disputing one invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceDisputes {
    /// DISPUTE-1: the last day the invoice may be disputed.
    pub dispute_last_day: NaiveDate,
    /// Newest first.
    pub disputes: Vec<DisputeView>,
    /// Credit notes deducted from this invoice.
    pub credit_notes_used: Vec<CreditNoteUse>,
    /// DISPUTE-3: the last day of a restitution claim, once paid.
    pub restitution_last_day: Option<NaiveDate>,
    pub restitution_claims: Vec<RestitutionClaimView>,
}

/// `POST /api/admin/disputes/{id}/decision`: the provider accepts (creating a credit note of
/// `amount`, by default the invoice's total) or refuses with a `reason`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisputeDecision {
    pub accept: bool,
    #[serde(default)]
    pub amount: Option<Money>,
    #[serde(default)]
    pub reason: Option<String>,
}
