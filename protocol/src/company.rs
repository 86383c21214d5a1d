//! The Company Account page (ACCESS-4, PAY-2, PROMO-1) and the proof log's browsing (PROOF-1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use domain::company_account::CompanyForm;
pub use domain::payment::{PaymentKind, PaymentMethodForm};

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
}

/// `PUT /api/console/company/promotion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionForm {
    pub opt_out: bool,
}

/// `GET /api/console/activity?before=<seq>`: a page of the proof log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    /// The `before` to ask for the next (older) page; `None` when this page reached the first entry.
    pub older: Option<i64>,
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
