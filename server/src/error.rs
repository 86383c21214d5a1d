//! The API's one error type and the one place that turns it into an HTTP answer:
//! `{"error": {"code", "message", "field"}}` with a 4xx status, or a 500 that reveals nothing.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::field::FieldError;
use protocol::{ErrorBody, ErrorDetail};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A field failed the domain's validation; the first one is reported.
    #[error("invalid field {}: {}", .0.field, .0.problem)]
    Invalid(FieldError),
    #[error("an account already uses this email")]
    EmailTaken,
    #[error("wrong email or password")]
    WrongCredentials,
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("no such resource")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("malformed request body: {0}")]
    MalformedBody(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<Vec<FieldError>> for ApiError {
    fn from(mut errors: Vec<FieldError>) -> Self {
        match errors.is_empty() {
            true => ApiError::Internal("validation failed without an error".into()),
            false => ApiError::Invalid(errors.swap_remove(0)),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        ApiError::MalformedBody(rejection.body_text())
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, String, Option<&'static str>) {
        match self {
            ApiError::Invalid(error) => {
                (StatusCode::UNPROCESSABLE_ENTITY, error.problem.code(), error.problem.to_string(), Some(error.field))
            }
            ApiError::EmailTaken => (
                StatusCode::CONFLICT,
                "email_taken",
                "An account already uses this email. Log in instead, or use another email.".into(),
                Some("email"),
            ),
            ApiError::WrongCredentials => {
                (StatusCode::UNAUTHORIZED, "wrong_credentials", "Wrong email or password.".into(), None)
            }
            ApiError::Unauthenticated => {
                (StatusCode::UNAUTHORIZED, "unauthenticated", "Please log in to continue.".into(), None)
            }
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Only Managers of the Company Account can do this.".into(),
                None,
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found", "There is nothing here.".into(), None),
            ApiError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "This request is not allowed here.".into(), None)
            }
            ApiError::MalformedBody(reason) => {
                (StatusCode::BAD_REQUEST, "malformed_body", format!("The request could not be read: {reason}"), None)
            }
            ApiError::Database(_) | ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side. Nothing was saved; please try again.".into(),
                None,
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, field) = self.parts();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let body = ErrorBody {
            error: ErrorDetail { code: code.into(), message, field: field.map(Into::into) },
        };
        (status, Json(body)).into_response()
    }
}
