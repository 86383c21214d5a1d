//! The price list, the search of available Numbers, and Orders.

use super::*;

/// The price list in force on the server's today, and the Company's VAT basis.
pub async fn price_list() -> Result<protocol::catalogue::PriceListView, ApiError> {
    get("/api/console/price-list").await
}

/// Available Numbers of `country` whose digits contain `digits` (all when empty).
pub async fn available_numbers(
    country: &str,
    digits: &str,
    limit: u32,
) -> Result<Vec<protocol::catalogue::AvailableNumber>, ApiError> {
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    get(&format!(
        "/api/console/numbers/available?country={country}&contains={digits}&limit={limit}"
    ))
    .await
}

/// Places an Order; the same idempotency key answers the same Order.
pub async fn place_order(
    form: &protocol::orders::OrderForm,
) -> Result<protocol::orders::OrderView, ApiError> {
    post("/api/console/orders", form).await
}

pub async fn orders() -> Result<Vec<protocol::orders::OrderSummary>, ApiError> {
    get("/api/console/orders").await
}

pub async fn order(id: i64) -> Result<protocol::orders::OrderView, ApiError> {
    get(&format!("/api/console/orders/{id}")).await
}
