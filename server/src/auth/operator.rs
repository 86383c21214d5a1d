//! The provider's operators (issue 14): the extractor of their session, apart from Company
//! Users' (its own cookie, its own table), and the check of their role.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::Utc;
use protocol::backoffice::{BackOfficeAction, OperatorMe};

use super::cookie;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::operators;

/// A signed-in operator. Anyone else (a Company's User included) is refused with
/// [`ApiError::OperatorSignInNeeded`] (403). Sessions run on real time, not the demo clock: an
/// operator moving a demo server's date stays signed in.
#[derive(Debug, Clone)]
pub struct Operator(pub OperatorMe);

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = cookie::token_named(&parts.headers, cookie::OPERATOR)
            .ok_or(ApiError::OperatorSignInNeeded)?;
        operators::session(&state.db, &token, Utc::now())
            .await?
            .map(Operator)
            .ok_or(ApiError::OperatorSignInNeeded)
    }
}

impl Operator {
    /// The operator, when `action` is their role's business; else 403.
    pub fn may(&self, action: BackOfficeAction) -> Result<&OperatorMe, ApiError> {
        if self.0.role.may(action) {
            Ok(&self.0)
        } else {
            Err(ApiError::OperatorRoleForbidden {
                needed: action.role(),
            })
        }
    }

    pub fn id(&self) -> i64 {
        self.0.id
    }
}
