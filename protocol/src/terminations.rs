//! Terminations of Licences before their tacit renewal: by the Company after a price increase
//! (PRICE-5) or by the provider for fault (TERM-1, TERM-2, `POST /api/admin/licences/{id}/
//! fault-termination`), listed for Managers by `GET /api/console/terminations`.

use chrono::NaiveDate;
use domain::fault::FaultGround;
use domain::money::Money;
use serde::{Deserialize, Serialize};

/// The provider's termination for fault: its ground, chosen from TERM-2's list (or an invoice
/// unpaid after its formal notice, LATE-4), and the facts the Company is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultTerminationForm {
    pub ground: FaultGround,
    pub reason: String,
}

/// `POST /api/admin/companies/{id}/fault-notice`: the notice by email naming the breach, 8 days
/// before a termination on a ground of GTCS 6.2.2 (ii).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultNoticeForm {
    pub ground: FaultGround,
    pub reason: String,
}

/// A notice naming a breach, as sent: the Company may remedy it until `deadline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultNoticeView {
    pub ground: FaultGround,
    pub reason: String,
    pub sent_on: NaiveDate,
    pub deadline: NaiveDate,
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
    /// A termination for fault's ground (TERM-2), when recorded.
    #[serde(default)]
    pub ground: Option<FaultGround>,
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
