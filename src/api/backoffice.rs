//! The provider's back office (issue 14): an operator's set-up and session.

use gloo_net::http::Request;
use protocol::backoffice::{OperatorMe, OperatorSetup, OperatorSetupForm, OperatorSignIn};

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
