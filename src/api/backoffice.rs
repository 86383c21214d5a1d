//! The provider's back office (issue 14): an operator's set-up and session.

use gloo_net::http::Request;
use protocol::backoffice::{
    DisputeItem, OperatorMe, OperatorSetup, OperatorSetupForm, OperatorSignIn, OverdueItem,
};
use protocol::disputes::DisputeDecision;

use super::{ApiError, get, post, without_answer};

/// What the set-up link `token` offers: the authenticator's secret chosen for the operator.
pub async fn operator_setup(token: &str) -> Result<OperatorSetup, ApiError> {
    get(&format!("/api/backoffice/setup/{token}")).await
}

/// Sets the operator's password, with a first code of their authenticator.
pub async fn complete_operator_setup(
    token: &str,
    form: &OperatorSetupForm,
) -> Result<(), ApiError> {
    without_answer(Request::post(&format!("/api/backoffice/setup/{token}")).json(form)).await
}

pub async fn operator_sign_in(form: &OperatorSignIn) -> Result<OperatorMe, ApiError> {
    post("/api/backoffice/session", form).await
}

/// The signed-in operator; `None` when nobody is.
pub async fn operator() -> Result<Option<OperatorMe>, ApiError> {
    match get("/api/backoffice/session").await {
        Ok(me) => Ok(Some(me)),
        Err(error) if error.status() == Some(403) => Ok(None),
        Err(error) => Err(error),
    }
}

pub async fn operator_sign_out() -> Result<(), ApiError> {
    without_answer(Request::delete("/api/backoffice/session").build()).await
}

/// Overdue invoices, the longest overdue first.
pub async fn overdue_queue() -> Result<Vec<OverdueItem>, ApiError> {
    get("/api/admin/queues/overdue").await
}

/// Disputes waiting for a decision, the oldest first.
pub async fn disputes_queue() -> Result<Vec<DisputeItem>, ApiError> {
    get("/api/admin/queues/disputes").await
}

/// LATE-4: the formal notice to pay an overdue invoice.
pub async fn send_formal_notice(invoice_id: i64) -> Result<(), ApiError> {
    without_answer(
        Request::post(&format!("/api/admin/invoices/{invoice_id}/formal-notice")).build(),
    )
    .await
}

/// DISPUTE-2: accept (with a credit note of `amount`) or refuse (with a reason) a dispute.
pub async fn decide_dispute(dispute_id: i64, decision: &DisputeDecision) -> Result<(), ApiError> {
    without_answer(
        Request::post(&format!("/api/admin/disputes/{dispute_id}/decision")).json(decision),
    )
    .await
}
