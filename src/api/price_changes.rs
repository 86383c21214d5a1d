//! Price-change notices and the termination they allow.

use super::*;

/// The price-change notices concerning the Company's Licences (PRICE-4, PRICE-5).
pub async fn price_changes() -> Result<Vec<protocol::price_changes::PriceChangeView>, ApiError> {
    get("/api/console/price-changes").await
}

/// PRICE-5: terminates the Licences a non-indexed increase concerns.
pub async fn terminate_after_price_change(
    notice_id: i64,
) -> Result<protocol::price_changes::PriceChangeView, ApiError> {
    post(
        &format!("/api/console/price-changes/{notice_id}/termination"),
        &serde_json::json!({}),
    )
    .await
}

/// PRICE-4, PRICE-5: the provider's price-change notice (administrators, from the back office).
pub async fn announce_price_change(
    form: &protocol::price_changes::PriceChangeForm,
) -> Result<protocol::price_changes::PriceChangeView, ApiError> {
    post("/api/admin/price-changes", form).await
}
