//! Invoices and payments (PAY-1, PAY-3, RENEW-2): `GET /api/console/invoices`,
//! `GET /api/console/invoices/{id}` and `POST /api/console/invoices/{id}/payments`; the demo
//! clock `POST /api/admin/clock/advance`.

use chrono::NaiveDate;
use domain::catalogue::Billing;
use domain::money::{Money, Percent};
use serde::{Deserialize, Serialize};

/// The body of `POST /api/console/invoices/{id}/payments`: the idempotency key the app chose
/// for this payment (one per click on "Pay now", sent again on a retry after a lost answer): the
/// same key pays at most once and answers the same outcome again (issue 13). A body without a
/// key reads as an empty key, which the server refuses with a sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    pub idempotency_key: String,
}

/// What an invoice bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    /// A new Order.
    Order,
    /// A Licence's new period (RENEW-1, RENEW-2).
    Renewal,
    /// A Credits top-up.
    CreditsTopup,
    /// Late-payment penalties and the recovery indemnity of a late invoice, without VAT
    /// (LATE-1, LATE-2): issued when the late invoice is paid or formally noticed.
    Penalty,
    /// What falls due on a termination for fault (TERM-1), issued on the termination day.
    Termination,
    /// The minutes and SMS of a month beyond what the Call Plans include, where they price
    /// them (PAY-1): issued on the first day of the next month.
    Usage,
}

impl InvoiceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Order => "order",
            InvoiceKind::Renewal => "renewal",
            InvoiceKind::CreditsTopup => "credits_topup",
            InvoiceKind::Penalty => "penalty",
            InvoiceKind::Termination => "termination",
            InvoiceKind::Usage => "usage",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "order" => Some(InvoiceKind::Order),
            "renewal" => Some(InvoiceKind::Renewal),
            "credits_topup" => Some(InvoiceKind::CreditsTopup),
            "penalty" => Some(InvoiceKind::Penalty),
            "termination" => Some(InvoiceKind::Termination),
            "usage" => Some(InvoiceKind::Usage),
            _ => None,
        }
    }

    /// How a person reads it: "Order", "Renewal", "Credits top-up", "Late-payment penalty",
    /// "Termination for fault".
    pub fn label(self) -> &'static str {
        match self {
            InvoiceKind::Order => "Order",
            InvoiceKind::Renewal => "Renewal",
            InvoiceKind::CreditsTopup => "Credits top-up",
            InvoiceKind::Penalty => "Late-payment penalty",
            InvoiceKind::Termination => "Termination for fault",
            InvoiceKind::Usage => "Usage beyond the plans",
        }
    }

    /// LATE-1, LATE-2 (house reading): a penalty invoice bills damages, not a supply: no VAT,
    /// so no reverse charge to justify and no credit note deducted from it, and no penalty of
    /// its own when paid late (penalties are owed on the late invoices that bill a supply).
    pub fn bills_damages(self) -> bool {
        self == InvoiceKind::Penalty
    }
}

/// Where an invoice stands. Payment is due on the day of issue (payment in advance); an unpaid
/// invoice is overdue from the day after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Issued,
    Paid,
    Overdue,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Overdue => "overdue",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "issued" => Some(InvoiceStatus::Issued),
            "paid" => Some(InvoiceStatus::Paid),
            "overdue" => Some(InvoiceStatus::Overdue),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::Issued => "Due",
            InvoiceStatus::Paid => "Paid",
            InvoiceStatus::Overdue => "Overdue",
        }
    }

    pub fn is_unpaid(self) -> bool {
        self != InvoiceStatus::Paid
    }
}

/// One invoice in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub id: i64,
    /// `2026-000042`: year and place in that year's unbroken sequence.
    pub number: String,
    pub kind: InvoiceKind,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: InvoiceStatus,
    pub total: Money,
    /// When overdue: days late, the rate and why, the penalty and the indemnity for today
    /// (LATE-1, LATE-2).
    #[serde(default)]
    pub late: Option<crate::late_payment::LatePaymentView>,
}

/// One invoice with its lines and its payment attempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub id: i64,
    pub number: String,
    pub kind: InvoiceKind,
    pub order_id: Option<i64>,
    pub licence_id: Option<i64>,
    /// The period billed (a Licence's period), first and last day.
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub billing: Option<Billing>,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub status: InvoiceStatus,
    pub paid_on: Option<NaiveDate>,
    pub vat_rate: Percent,
    pub vat_reason: String,
    pub lines: Vec<InvoiceLineView>,
    pub subtotal: Money,
    pub vat: Money,
    pub total: Money,
    pub payments: Vec<PaymentView>,
    /// When overdue: days late, the rate and why, the penalty and the indemnity (LATE-1, LATE-2).
    #[serde(default)]
    pub late: Option<crate::late_payment::LatePaymentView>,
    /// The formal notice to pay, once sent (LATE-4).
    #[serde(default)]
    pub formal_notice: Option<crate::late_payment::FormalNoticeView>,
    /// Issue 19: on an invoice with a reverse charge, the VIES consultation that confirmed the
    /// Company's VAT number before it was issued.
    #[serde(default)]
    pub vies: Option<ViesProofView>,
}

/// The VIES consultation recorded as proof of a reverse charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViesProofView {
    pub vat_number: String,
    /// VIES's consultation number (`requestIdentifier`), when it gave one.
    pub request_identifier: Option<String>,
    /// The day VIES answered (its `requestDate`).
    pub request_date: Option<String>,
    pub trader_name: Option<String>,
    pub trader_address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceLineView {
    pub description: String,
    pub quantity: u32,
    pub unit_price: Money,
    /// Percentage off; 0 on a renewal (RENEW-2).
    pub discount_pct: Percent,
    pub net: Money,
    /// The VAT the line carries itself: a credit note deducted (DISPUTE-2, negative, at the
    /// credit note's rate). `None` for every other line, whose VAT is the invoice's rate on its
    /// subtotal.
    #[serde(default)]
    pub vat: Option<Money>,
}

/// One attempt to charge an invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentView {
    pub id: i64,
    /// When it was attempted (UTC, RFC 3339).
    pub attempted_at: String,
    pub amount: Money,
    /// The payment method, as the Manager knows it: "Main account (SEPA …1234)".
    pub method: String,
    pub succeeded: bool,
    /// Why the provider refused it, when it did.
    pub reason: Option<String>,
}

/// `POST /api/admin/clock/advance` (demo clock only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvanceClock {
    pub days: u32,
}

/// What the demo clock did: the new date and the days the scheduler processed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockAdvanced {
    pub today: NaiveDate,
    pub days_processed: Vec<NaiveDate>,
}

/// `GET /api/console/invoices/{id}/statement`: the invoice's statement of communications
/// (PAY-3), available for 12 months after the invoice date: the communications of the period it
/// bills (of its Licence's Numbers), or, for a usage invoice, those it charges; none for an
/// invoice that bills no period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementView {
    pub invoice_id: i64,
    pub number: String,
    /// The days covered, first and last.
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub available_until: NaiveDate,
    pub lines: Vec<crate::webapp::CommunicationLine>,
    /// The sum of the lines' amounts charged beyond the plans, excluding VAT.
    pub charged: Money,
}
