//! The catalogue as data, in the provider's back office (issue 14, point 3): the price list's
//! versions and general reductions (PRICE-3), the consumer price index series and what an
//! indexation computed from it gives (PRICE-4), the Credits rates (PRICE-6) and the pool of
//! Numbers per country (NUM-1), all under `/api/admin/catalogue/…`.

use chrono::NaiveDate;
use domain::catalogue::Billing;
use domain::country::CountryCode;
use domain::money::Money;
use serde::{Deserialize, Serialize};

pub use domain::credits::RateForm as CreditsRateForm;
pub use domain::indexation::{IndexEntry, IndexForm, Month};

use crate::price_changes::{NewPrice, PriceLine};

/// Where a version of the price list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionKind {
    /// The list as published (seeded).
    List,
    /// PRICE-4: an indexation announced by notice.
    Indexation,
    /// PRICE-5: another increase announced by notice.
    Increase,
    /// PRICE-3: a general reduction, for new Orders only.
    Reduction,
}

impl VersionKind {
    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            VersionKind::List => "Price list",
            VersionKind::Indexation => "Indexation (notice)",
            VersionKind::Increase => "Increase (notice)",
            VersionKind::Reduction => "General reduction (new Orders only)",
        }
    }
}

/// One price of a version: a plan's tier from the version's day on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionPrice {
    pub billing: Billing,
    pub min_quantity: u32,
    pub unit_price: Money,
}

/// A version of one Call Plan's prices: the rows that start on `effective_on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceVersion {
    pub plan_code: String,
    pub effective_on: NaiveDate,
    pub kind: VersionKind,
    pub prices: Vec<VersionPrice>,
}

/// A Call Plan's prices in force for a new Order today, tier by tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanInForce {
    pub code: String,
    pub name: String,
    pub prices: Vec<VersionPrice>,
}

/// `GET /api/admin/catalogue/price-list`: the prices in force today and every version, the
/// latest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceListVersions {
    /// The server's today: a reduction takes effect on it.
    pub today: NaiveDate,
    pub plans: Vec<PlanInForce>,
    pub versions: Vec<PriceVersion>,
}

/// `POST /api/admin/catalogue/reductions`: a general reduction of one Call Plan's prices
/// (PRICE-3), effective on the server's today, for new Orders only. Only the tiers that go down
/// are given; an increase is refused (it needs a price-change notice, PRICE-4, PRICE-5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReductionForm {
    pub plan_code: String,
    #[serde(default)]
    pub prices: Vec<NewPrice>,
}

/// The reduction recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReductionView {
    pub id: i64,
    pub plan_code: String,
    pub effective_on: NaiveDate,
    pub prices: Vec<PriceLine>,
}

/// What an indexation from `base_month` to `new_month` gives each plan's prices in force today
/// (PRICE-4, calculator `indexation.apply`: never down).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexationPreview {
    pub base_month: Month,
    pub new_month: Month,
    pub index_base: domain::price_change::PriceIndex,
    pub index_new: domain::price_change::PriceIndex,
    /// Each plan's tiers before and after; empty when the index did not go up.
    pub plans: Vec<IndexedPlan>,
    /// Why nothing changes, when nothing does.
    pub unchanged: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexedPlan {
    pub plan_code: String,
    pub prices: Vec<PriceLine>,
}

/// `GET /api/admin/catalogue/price-index?base=YYYY-MM&new=YYYY-MM`: the series, oldest first,
/// the next month to enter, and the indexation between `base` and `new` (by default the latest
/// month and the same month a year before, when both are entered).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceIndexSeries {
    pub today: NaiveDate,
    pub series: Vec<IndexEntry>,
    /// The month the series takes next (none when the latest month over is entered).
    pub next_month: Option<Month>,
    pub indexation: Option<IndexationPreview>,
}

/// A Credits rate (PRICE-6): per started minute for calls, per part for SMS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditsRateView {
    pub kind: String,
    pub class: String,
    /// Empty: every destination of the class.
    pub prefix: String,
    pub price: Money,
    pub valid_from: NaiveDate,
    /// The rate current Licences pay today (PRICE-6), rather than an older one.
    pub in_force: bool,
}

/// `GET /api/admin/catalogue/credits-rates`: every rate, by kind, class and prefix, the latest
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditsRates {
    pub today: NaiveDate,
    pub rates: Vec<CreditsRateView>,
}

/// The pool of one country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolCountry {
    pub country: CountryCode,
    /// No Company holds them.
    pub free: i64,
    /// A Company holds them.
    pub assigned: i64,
}

/// `GET /api/admin/catalogue/numbers?country=FR&contains=12`: the pool per country and, when a
/// country is asked, its first free Numbers (E.164 order, at most 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub countries: Vec<PoolCountry>,
    pub free_numbers: Vec<String>,
}

/// `POST /api/admin/catalogue/numbers`: the Numbers from `first` to `last` (both included;
/// `last` empty: `first` alone) join the pool of `country`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeForm {
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub first: String,
    #[serde(default)]
    pub last: String,
}

/// What a range added: the Numbers new to the pool, and those it held already (skipped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeAdded {
    pub country: CountryCode,
    pub added: i64,
    pub skipped: i64,
}
