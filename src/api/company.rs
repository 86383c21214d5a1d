//! The Company Account and the proof log (Activity).

use super::*;

pub async fn company() -> Result<protocol::company::CompanyAccount, ApiError> {
    get("/api/console/company").await
}

pub async fn update_company(
    form: &protocol::company::CompanyForm,
) -> Result<protocol::company::CompanyAccount, ApiError> {
    put("/api/console/company", form).await
}

pub async fn add_payment_method(
    form: &protocol::company::PaymentMethodForm,
) -> Result<protocol::company::CompanyAccount, ApiError> {
    post("/api/console/company/payment-methods", form).await
}

pub async fn remove_payment_method(id: i64) -> Result<protocol::company::CompanyAccount, ApiError> {
    delete(&format!("/api/console/company/payment-methods/{id}")).await
}

/// Issue 13: invoices are collected from method `id` from now on.
pub async fn set_default_payment_method(
    id: i64,
) -> Result<protocol::company::CompanyAccount, ApiError> {
    put(
        &format!("/api/console/company/payment-methods/{id}/default"),
        &serde_json::json!({}),
    )
    .await
}

pub async fn set_promotion_opt_out(
    opt_out: bool,
) -> Result<protocol::company::CompanyAccount, ApiError> {
    put(
        "/api/console/company/promotion",
        &protocol::company::PromotionForm { opt_out },
    )
    .await
}

/// A page of the proof log, newest first: entries numbered below `before` (all when `None`).
pub async fn activity(before: Option<i64>) -> Result<protocol::company::ActivityPage, ApiError> {
    match before {
        Some(seq) => get(&format!("/api/console/activity?before={seq}")).await,
        None => get("/api/console/activity").await,
    }
}
