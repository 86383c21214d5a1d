//! The price list and the pool of available Numbers (PRICE-1, PRICE-2, NUM-1):
//! `GET /api/console/price-list?on=YYYY-MM-DD` and
//! `GET /api/console/numbers/available?country=FR&contains=12&limit=50`.

use chrono::NaiveDate;
use domain::country::CountryCode;
use serde::{Deserialize, Serialize};

pub use domain::catalogue::{Billing, BillingDiscount, CallPlan, PlanPrice, PriceList};
pub use domain::order::VatBasis;

/// The price list in force on `on`, and what decides the signed-in Company's VAT rate, so the
/// app computes the same quote as the server (`domain::order::quote_order`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceListView {
    pub on: NaiveDate,
    pub price_list: PriceList,
    pub vat: VatBasis,
    /// LATE-3 (GTCS 5.3): a payment default withholds the Company's discounts (until every
    /// Licence in force on its day has ended); `price_list` then carries no discount.
    #[serde(default)]
    pub discounts_cancelled: bool,
    /// LATE-3: where the Company stands, with the sentence the quote shows
    /// (`domain::payment_default::Standing::sentence`).
    #[serde(default)]
    pub payment_default: domain::payment_default::Standing,
    /// TRIAL-1: the trial the provider offers the Company, open for its next Order placed with
    /// `trial` (until the trial's last day).
    #[serde(default)]
    pub trial_offer: Option<crate::trials::TrialForm>,
}

/// A Number of the pool that no Company holds yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailableNumber {
    pub id: i64,
    /// E.164, e.g. `+33612345678`.
    pub e164: String,
    pub country: CountryCode,
}
