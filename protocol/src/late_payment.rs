//! Late payment and suspension (LATE-1, LATE-2, LATE-4, SUSP-1): the penalty of an overdue
//! invoice as computed for the server's today, the formal notice to pay, and suspensions
//! (`GET /api/console/suspensions`; the provider's `POST /api/admin/...`).

use chrono::NaiveDate;
use domain::money::{Money, Percent};
use domain::suspension::SuspensionReason;
use serde::{Deserialize, Serialize};

/// Which side of LATE-1's `max(ECB + 10 points, 3 × legal rate)` gave the rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateBasis {
    /// The ECB main refinancing rate plus 10 points.
    EcbPlusTen,
    /// The floor: three times the legal interest rate.
    LegalFloor,
}

/// The penalty rate used, and why (LATE-1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PenaltyRateView {
    /// The semester whose rates apply: the one containing the first day late ("2026 S1").
    pub semester: String,
    pub ecb_rate: Percent,
    pub legal_rate: Percent,
    /// The yearly rate applied.
    pub rate: Percent,
    pub basis: RateBasis,
    /// For a person: "12.15 % a year: the ECB rate of 2026 S1 (2.15 %) plus 10 points, above the
    /// floor of 3 × the legal rate (7.86 %)."
    pub explanation: String,
}

/// What an overdue invoice costs on `as_of` (LATE-1, LATE-2), computed on each read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LatePaymentView {
    /// The server's today.
    pub as_of: NaiveDate,
    pub days_late: u32,
    /// `None` when the rates of the semester are not known yet (see `rates_missing`).
    pub rate: Option<PenaltyRateView>,
    pub penalty: Option<Money>,
    /// EUR 40 per late invoice (LATE-2).
    pub indemnity: Money,
    /// Why no penalty could be computed, when it could not.
    pub rates_missing: Option<String>,
}

/// The formal notice to pay an invoice (LATE-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormalNoticeView {
    pub sent_on: NaiveDate,
    /// The last day to pay: `sent_on + 8 days`.
    pub deadline: NaiveDate,
}

/// `POST /api/admin/companies/{id}/suspension` and `POST /api/admin/users/{id}/suspension`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspendForm {
    pub reason: SuspensionReason,
    #[serde(default)]
    pub details: String,
}

/// A suspension in force (SUSP-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspensionView {
    pub id: i64,
    /// `None` for the Company itself.
    pub user_id: Option<i64>,
    /// The suspended User's name, for a User.
    pub user_name: Option<String>,
    pub reason: SuspensionReason,
    /// The reason as a person reads it.
    pub reason_label: String,
    pub details: String,
    pub suspended_on: NaiveDate,
}

/// `GET /api/console/suspensions`: what is suspended in the Company now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspensions {
    pub company: Option<SuspensionView>,
    pub users: Vec<SuspensionView>,
}
