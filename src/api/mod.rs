//! The typed client of the server's `/api`. Every call answers the body it promises or an
//! [`ApiError`] whose message can be shown as is.

use gloo_net::http::Request;
use protocol::{ErrorBody, ErrorCode, Gtcs, LoginForm, LoginReply, Me, SignupForm};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("The server cannot be reached. Check your connection and try again.")]
    Network,
    /// The server refused the request and said why.
    #[error("{}", .body.error.message)]
    Refused { status: u16, body: ErrorBody },
    #[error("The server answered something unexpected (status {0}). Please try again.")]
    Unexpected(u16),
}

impl ApiError {
    /// The form field the server's refusal concerns, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Refused { body, .. } => body.error.field.as_deref(),
            _ => None,
        }
    }

    /// What the server said went wrong, if it refused the request.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Refused { body, .. } => Some(body.error.code),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Refused { status, .. } | ApiError::Unexpected(status) => Some(*status),
            ApiError::Network => None,
        }
    }

    /// Whether the request's answer was lost rather than given: no answer at all, the server
    /// failing before it could answer, or another request of the same payment still waiting for
    /// the bank. The request may have been done, so its retry carries the same idempotency key
    /// (`app_state::intent`).
    pub fn answer_lost(&self) -> bool {
        match self {
            ApiError::Network => true,
            ApiError::Unexpected(status) => *status >= 500,
            ApiError::Refused { status, body } => {
                *status >= 500 || body.error.code == ErrorCode::PaymentInProgress
            }
        }
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Math)]
    fn random() -> f64;
    #[wasm_bindgen(js_namespace = Date)]
    fn now() -> f64;
}

/// A new idempotency key for one intent of the person (issue 13: an Order, a Credits top-up, a
/// payment), e.g. `top-up-19c0f3a2b10-1f3a…`: the time and 53 random bits, unique enough that two
/// intents of one Company never share one. The page keeps it for the intent's retries.
pub fn new_idempotency_key(what: &str) -> String {
    let random = (random() * 9_007_199_254_740_992.0) as u64;
    format!("{what}-{:x}-{random:x}", now() as u64)
}

/// Sends `request` and reads its answer as text, or says why it failed: the one asynchronous path
/// of every call. It is not generic, so the browser downloads it once, not once per answer type.
async fn exchange(request: Result<Request, gloo_net::Error>) -> Result<Answer, ApiError> {
    let request = request.map_err(|_| ApiError::Unexpected(0))?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    receive(response).await
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `public/loading.mjs`: the answer to a GET of `path` the page started while its wasm was
    /// loading, once, during the page's first seconds; `undefined` otherwise.
    #[wasm_bindgen(catch, js_namespace = window, js_name = earlyResponse)]
    fn early_response(path: &str) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>;
}

/// `GET path`: the answer the page started early, if there is one, else a new request.
async fn fetch(path: &str) -> Result<Answer, ApiError> {
    use wasm_bindgen::JsCast;
    let early = early_response(path)
        .ok()
        .and_then(|answer| answer.dyn_into::<js_sys::Promise>().ok());
    match early {
        Some(promise) => {
            let response = wasm_bindgen_futures::JsFuture::from(promise)
                .await
                .map_err(|_| ApiError::Network)?;
            receive(response.unchecked_into::<web_sys::Response>().into()).await
        }
        None => exchange(Request::get(path).build()).await,
    }
}

/// Reads an answer as text, or the server's refusal.
async fn receive(response: gloo_net::http::Response) -> Result<Answer, ApiError> {
    let status = response.status();
    let text = response.text().await.map_err(|_| ApiError::Network)?;
    if response.ok() {
        Ok(Answer { status, text })
    } else {
        Err(match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => ApiError::Refused { status, body },
            Err(_) => ApiError::Unexpected(status),
        })
    }
}

/// A successful answer's status and body.
struct Answer {
    status: u16,
    text: String,
}

impl Answer {
    /// The JSON body the call promises.
    fn decode<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        serde_json::from_str(&self.text).map_err(|_| ApiError::Unexpected(self.status))
    }
}

/// Sends `request` and reads the JSON body of its answer.
async fn read<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiError> {
    exchange(request).await?.decode()
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    fetch(path).await?.decode()
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    read(Request::post(path).json(body)).await
}

async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    read(Request::put(path).json(body)).await
}

/// Sends `DELETE path` and reads the JSON answer.
async fn delete<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(Request::delete(path).build()).await
}

/// Sends a request whose success has no body (202, 204).
async fn without_answer(request: Result<Request, gloo_net::Error>) -> Result<(), ApiError> {
    exchange(request).await.map(drop)
}

/// The GTCS version in force, to be shown and accepted.
pub async fn gtcs() -> Result<Gtcs, ApiError> {
    get("/api/gtcs").await
}

pub async fn signup(form: &SignupForm) -> Result<Me, ApiError> {
    post("/api/signup", form).await
}

/// Logs in: signed in, or a second factor is needed.
pub async fn login(form: &LoginForm) -> Result<LoginReply, ApiError> {
    post("/api/session", form).await
}

/// Finishes a log-in with a code from the authenticator app or a recovery code.
pub async fn second_factor(answer: &protocol::SecondFactorAnswer) -> Result<Me, ApiError> {
    post("/api/session/second-factor", answer).await
}

/// "Forgot your password?": a link to the account's address, if one uses it.
pub async fn request_password_reset(form: &protocol::PasswordResetRequest) -> Result<(), ApiError> {
    without_answer(Request::post("/api/password-reset").json(form)).await
}

/// Whether a reset link can still be used.
pub async fn check_password_reset(token: &str) -> Result<(), ApiError> {
    without_answer(Request::get(&format!("/api/password-reset/{token}")).build()).await
}

/// Sets the new password through a reset link; signs in (through the second factor for an
/// account that has one).
pub async fn reset_password(token: &str, password: String) -> Result<LoginReply, ApiError> {
    post(
        &format!("/api/password-reset/{token}"),
        &protocol::PasswordReset { password },
    )
    .await
}

/// The signed-in person's new password, with the current one.
pub async fn change_password(form: &protocol::PasswordChange) -> Result<(), ApiError> {
    without_answer(Request::put("/api/me/password").json(form)).await
}

/// Ends every session of the signed-in person, this one included.
pub async fn log_out_everywhere() -> Result<(), ApiError> {
    without_answer(Request::delete("/api/me/sessions").build()).await
}

pub async fn logout() -> Result<(), ApiError> {
    without_answer(Request::delete("/api/session").build()).await
}

/// Who is signed in: `None` when nobody is.
pub async fn me() -> Result<Option<Me>, ApiError> {
    match get("/api/me").await {
        Ok(me) => Ok(Some(me)),
        Err(error) if error.status() == Some(401) => Ok(None),
        Err(error) => Err(error),
    }
}

mod backoffice;
mod calls;
mod catalogue_admin;
mod communications;
mod company;
mod credits;
mod disputes;
mod invoices;
mod late_payment;
mod licences;
mod orders;
mod price_changes;
mod privacy;
mod terminations;
mod terms;
mod two_factor;
mod users;
mod webapp;

pub use backoffice::*;
pub use calls::*;
pub use catalogue_admin::*;
pub use communications::*;
pub use company::*;
pub use credits::*;
pub use disputes::*;
pub use invoices::*;
pub use late_payment::*;
pub use licences::*;
pub use orders::*;
pub use price_changes::*;
pub use privacy::*;
pub use terminations::*;
pub use terms::*;
pub use two_factor::*;
pub use users::*;
pub use webapp::*;
