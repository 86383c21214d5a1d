//! Licences, the Company's Numbers and the dashboard.

use super::*;

pub async fn licences() -> Result<Vec<protocol::licences::LicenceView>, ApiError> {
    get("/api/console/licences").await
}

/// Gives the Company's notice of non-renewal for a Licence (NOTICE-1).
pub async fn give_notice(licence_id: i64) -> Result<protocol::licences::NoticeReceipt, ApiError> {
    post(
        &format!("/api/console/licences/{licence_id}/notice"),
        &serde_json::json!({}),
    )
    .await
}

pub async fn numbers() -> Result<Vec<protocol::numbers::NumberView>, ApiError> {
    get("/api/console/numbers").await
}

/// The active Users and their territory (NUM-2), for the Number's user picker.
pub async fn assignable_users() -> Result<Vec<protocol::numbers::AssignableUser>, ApiError> {
    get("/api/console/numbers/assignable-users").await
}

pub async fn assign_number(
    number_id: i64,
    user_id: i64,
) -> Result<protocol::numbers::NumberView, ApiError> {
    put(
        &format!("/api/console/numbers/{number_id}/user"),
        &protocol::numbers::AssignForm { user_id },
    )
    .await
}

pub async fn unassign_number(number_id: i64) -> Result<protocol::numbers::NumberView, ApiError> {
    delete(&format!("/api/console/numbers/{number_id}/user")).await
}

/// Gives the Number back to the provider (NUM-4: only once its Licence has ended).
pub async fn release_number(number_id: i64) -> Result<(), ApiError> {
    without_answer(Request::delete(&format!("/api/console/numbers/{number_id}")).build()).await
}

pub async fn dashboard() -> Result<protocol::dashboard::Dashboard, ApiError> {
    get("/api/console/dashboard").await
}

/// TRIAL-1: cancels the Licence's trial (accepted until its last day included).
pub async fn cancel_trial(
    licence_id: i64,
) -> Result<protocol::trials::TrialCancellation, ApiError> {
    post(
        &format!("/api/console/licences/{licence_id}/trial/cancellation"),
        &serde_json::json!({}),
    )
    .await
}
