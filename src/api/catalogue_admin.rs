//! The catalogue as data in the back office (issue 14, point 3): `/api/admin/catalogue/…` and
//! the late-payment rates of each semester (`/api/admin/late-payment-rates`).

use protocol::catalogue_admin::{
    CreditsRateForm, CreditsRates, IndexEntry, IndexForm, Pool, PriceIndexSeries,
    PriceListVersions, RangeAdded, RangeForm, ReductionForm, ReductionView,
};
use protocol::late_rates::{RateForm, SemesterRatesView};

use super::{ApiError, get, post};

/// Each plan's prices for a new Order today, and every version of the list.
pub async fn price_list_versions() -> Result<PriceListVersions, ApiError> {
    get("/api/admin/catalogue/price-list").await
}

/// PRICE-3: a general reduction, at once, for new Orders.
pub async fn reduce_prices(form: &ReductionForm) -> Result<ReductionView, ApiError> {
    post("/api/admin/catalogue/reductions", form).await
}

/// PRICE-4: the index series and the indexation between `base` and `new` (empty: the default).
pub async fn price_index(base: &str, new: &str) -> Result<PriceIndexSeries, ApiError> {
    let query = |key: &str, month: &str| match month.trim() {
        "" => String::new(),
        month => format!(
            "{key}={}&",
            String::from(js_sys::encode_uri_component(month))
        ),
    };
    get(&format!(
        "/api/admin/catalogue/price-index?{}{}",
        query("base", base),
        query("new", new)
    ))
    .await
}

/// PRICE-4: a month's index.
pub async fn enter_price_index(form: &IndexForm) -> Result<IndexEntry, ApiError> {
    post("/api/admin/catalogue/price-index", form).await
}

/// PRICE-6: every Credits rate.
pub async fn credits_rates() -> Result<CreditsRates, ApiError> {
    get("/api/admin/catalogue/credits-rates").await
}

/// PRICE-6: a Credits rate from today, for current Licences at once.
pub async fn publish_credits_rate(form: &CreditsRateForm) -> Result<CreditsRates, ApiError> {
    post("/api/admin/catalogue/credits-rates", form).await
}

/// NUM-1: the pool per country, and the free Numbers of `country` containing `contains`.
pub async fn pool(country: &str, contains: &str) -> Result<Pool, ApiError> {
    get(&format!(
        "/api/admin/catalogue/numbers?country={}&contains={}",
        String::from(js_sys::encode_uri_component(country.trim())),
        String::from(js_sys::encode_uri_component(contains.trim()))
    ))
    .await
}

/// NUM-1: a range of Numbers joins the pool.
pub async fn add_numbers(form: &RangeForm) -> Result<RangeAdded, ApiError> {
    post("/api/admin/catalogue/numbers", form).await
}

/// LATE-1: every recorded semester.
pub async fn late_payment_rates() -> Result<Vec<SemesterRatesView>, ApiError> {
    get("/api/admin/late-payment-rates").await
}

/// LATE-1: a semester's rates.
pub async fn record_late_payment_rates(form: &RateForm) -> Result<SemesterRatesView, ApiError> {
    post("/api/admin/late-payment-rates", form).await
}
