//! The Company Account page (ACCESS-4, PAY-2, PROMO-1) and the proof log's browsing (PROOF-1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use domain::company_account::CompanyForm;
pub use domain::payment::{PaymentKind, PaymentMethodForm};
pub use domain::vat::ViesStatus;

/// `GET /api/console/company` and the answer to every change on that page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyAccount {
    /// The details as stored (normalised), in the form's shape.
    pub details: CompanyForm,
    /// The methods on file (removed ones are not listed), oldest first.
    pub payment_methods: Vec<PaymentMethodView>,
    /// PAY-2: whether at least one of them is valid on the server's today.
    pub has_valid_payment_method: bool,
    /// PROMO-1: the Company refuses the use of its name and logo for promotion.
    pub promo_opt_out: bool,
    /// Its Managers must use two-factor authentication.
    pub managers_need_two_factor: bool,
    /// DATA-1 (rectification): the Company's Users may correct their own names and mobile.
    #[serde(default)]
    pub users_correct_profile: bool,
    /// Issue 19: a VAT number of another member state, as VIES last answered about it; `None`
    /// for a Company without one (billed in France, outside the EU, or no number).
    #[serde(default)]
    pub vat_check: Option<VatCheckView>,
    /// LATE-3: whether a payment default withholds the Company's discounts, and until when.
    #[serde(default)]
    pub payment_default: domain::payment_default::Standing,
}

/// Issue 19: the Company's foreign EU VAT number and VIES's latest answer about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatCheckView {
    pub vat_number: String,
    pub status: ViesStatus,
    /// What it means for the invoices, and, when pending, why.
    pub message: String,
    /// When VIES was asked (UTC, RFC 3339); `None` when it has not been yet.
    pub consulted_at: Option<String>,
    /// VIES's consultation number (its `requestIdentifier`), when it gave one.
    pub request_identifier: Option<String>,
    /// The trader's name and address as VIES gave them.
    pub trader_name: Option<String>,
    pub trader_address: Option<String>,
}

/// One payment method on file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethodView {
    pub id: i64,
    pub kind: PaymentKind,
    pub label: String,
    pub last4: String,
    /// The last day it can be used; `None` for a mandate without an end.
    pub valid_until: Option<NaiveDate>,
    /// Whether it is valid on the server's today (PAY-2).
    pub valid: bool,
    /// Issue 13: the method invoices are collected from (the one the Company named, while it
    /// is valid; else its oldest valid one).
    #[serde(default)]
    pub default: bool,
}

/// `PUT /api/console/company/promotion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionForm {
    pub opt_out: bool,
}

/// `PUT /api/console/company/two-factor`: whether Managers must use two-factor authentication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorPolicyForm {
    pub required: bool,
}

/// `GET /api/console/activity?before=<seq>`: a page of the proof log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    /// The `before` to ask for the next (older) page; `None` when this page reached the first entry.
    pub older: Option<i64>,
    /// The id of the Ed25519 key that signs the log's checkpoints (the first 16 hex digits of
    /// the SHA-256 of its public key), to compare with the one the provider publishes.
    #[serde(default)]
    pub proof_key_id: Option<String>,
}

/// One entry of the proof log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityEntry {
    /// Its number in the Company's log: 1, 2, 3…
    pub seq: i64,
    /// When it was recorded (UTC, RFC 3339).
    pub at: String,
    /// Who made the change ("Anne Martin"); `None` for the system.
    pub author: Option<String>,
    /// What was done, e.g. `company.update`.
    pub action: String,
    /// What it was done to, e.g. `company:1`.
    pub subject: String,
    /// The values before and after, as JSON text; `None` when there is none (a creation has no
    /// before).
    pub before: Option<String>,
    pub after: Option<String>,
}
