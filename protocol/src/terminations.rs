//! Terminations of Licences before their tacit renewal: by the Company after a price increase
//! (PRICE-5) or by the provider for fault (TERM-1, TERM-2, `POST /api/admin/licences/{id}/
//! fault-termination`), listed for Managers by `GET /api/console/terminations`.

use chrono::NaiveDate;
use domain::money::Money;
use serde::{Deserialize, Serialize};

/// The provider's termination for fault: the reason the Company is told (TERM-2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultTerminationForm {
    pub reason: String,
}

/// TERM-1: what falls due, as `termination.fault_amount` computed it on the day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultAmountView {
    pub monthly_instalment: Money,
    pub remaining_instalments: u32,
    pub accelerated_instalments: Money,
    pub discounts_reimbursed: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TerminationView {
    pub licence_id: i64,
    /// `price_increase` or `fault`.
    pub cause: String,
    pub reason: Option<String>,
    /// The price-change notice, for a termination after an increase.
    pub notice_id: Option<i64>,
    pub received_at: String,
    pub service_last_day: NaiveDate,
    /// For a termination for fault.
    pub amount_due: Option<FaultAmountView>,
    /// TERM-1: the invoice of the amount due, issued on the termination day.
    #[serde(default)]
    pub invoice_id: Option<i64>,
    #[serde(default)]
    pub invoice_number: Option<String>,
}
