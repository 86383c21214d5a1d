//! The typed client of the server's `/api`. Every call answers the body it promises or an
//! [`ApiError`] whose message can be shown as is.

use gloo_net::http::{Request, Response};
use protocol::{ErrorBody, Gtcs, LoginForm, Me, SignupForm};
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

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Refused { status, .. } | ApiError::Unexpected(status) => Some(*status),
            ApiError::Network => None,
        }
    }
}

async fn answer(response: Response) -> Result<Response, ApiError> {
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(ApiError::Refused { status, body }),
        Err(_) => Err(ApiError::Unexpected(status)),
    }
}

/// Reads the JSON body of a sent request, or the reason it failed.
async fn read<T: DeserializeOwned>(sent: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    let response = answer(sent.map_err(|_| ApiError::Network)?).await?;
    let status = response.status();
    response
        .json()
        .await
        .map_err(|_| ApiError::Unexpected(status))
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(Request::get(path).send().await).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let request = Request::post(path)
        .json(body)
        .map_err(|_| ApiError::Unexpected(0))?;
    read(request.send().await).await
}

async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let request = Request::put(path)
        .json(body)
        .map_err(|_| ApiError::Unexpected(0))?;
    read(request.send().await).await
}

/// Sends `DELETE path` and reads the JSON answer.
async fn delete<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(Request::delete(path).send().await).await
}

/// The GTCS version in force, to be shown and accepted.
pub async fn gtcs() -> Result<Gtcs, ApiError> {
    get("/api/gtcs").await
}

pub async fn signup(form: &SignupForm) -> Result<Me, ApiError> {
    post("/api/signup", form).await
}

pub async fn login(form: &LoginForm) -> Result<Me, ApiError> {
    post("/api/session", form).await
}

pub async fn logout() -> Result<(), ApiError> {
    let response = Request::delete("/api/session")
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    answer(response).await.map(drop)
}

/// Who is signed in: `None` when nobody is.
pub async fn me() -> Result<Option<Me>, ApiError> {
    match get("/api/me").await {
        Ok(me) => Ok(Some(me)),
        Err(error) if error.status() == Some(401) => Ok(None),
        Err(error) => Err(error),
    }
}

// ---- Company Account and Activity ----

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

// ---- Licences, Numbers and Dashboard ----

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
    let response = Request::delete(&format!("/api/console/numbers/{number_id}"))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    answer(response).await.map(drop)
}

pub async fn dashboard() -> Result<protocol::dashboard::Dashboard, ApiError> {
    get("/api/console/dashboard").await
}

// ---- Users ----

/// Sends a request whose successful answer has no body (204).
async fn no_content(request: Result<Request, gloo_net::Error>) -> Result<(), ApiError> {
    let request = request.map_err(|_| ApiError::Unexpected(0))?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    answer(response).await.map(drop)
}

pub async fn users() -> Result<Vec<protocol::users::UserRow>, ApiError> {
    get("/api/console/users").await
}

pub async fn user(id: i64) -> Result<protocol::users::UserDetail, ApiError> {
    get(&format!("/api/console/users/{id}")).await
}

pub async fn create_user(
    form: &protocol::users::UserForm,
) -> Result<protocol::users::UserRow, ApiError> {
    post("/api/console/users", form).await
}

pub async fn update_user(
    id: i64,
    form: &protocol::users::UserForm,
) -> Result<protocol::users::UserRow, ApiError> {
    put(&format!("/api/console/users/{id}"), form).await
}

pub async fn set_user_role(
    id: i64,
    is_manager: bool,
) -> Result<protocol::users::UserRow, ApiError> {
    put(
        &format!("/api/console/users/{id}/role"),
        &protocol::users::RoleChange { is_manager },
    )
    .await
}

pub async fn set_user_status(id: i64, active: bool) -> Result<protocol::users::UserRow, ApiError> {
    put(
        &format!("/api/console/users/{id}/status"),
        &protocol::users::StatusChange { active },
    )
    .await
}

pub async fn delete_user(id: i64) -> Result<(), ApiError> {
    no_content(Request::delete(&format!("/api/console/users/{id}")).build()).await
}

pub async fn reinvite_user(id: i64) -> Result<(), ApiError> {
    no_content(
        Request::post(&format!("/api/console/users/{id}/invitation")).json(&serde_json::json!({})),
    )
    .await
}

pub async fn import_users(
    request: &protocol::users::ImportRequest,
) -> Result<protocol::users::ImportReport, ApiError> {
    post("/api/console/users/import", request).await
}

pub async fn outbox() -> Result<Vec<protocol::users::OutboxEmail>, ApiError> {
    get("/api/console/outbox").await
}

pub async fn invitation(token: &str) -> Result<protocol::users::Invitation, ApiError> {
    get(&format!("/api/invitations/{token}")).await
}

pub async fn accept_invitation(token: &str, password: String) -> Result<Me, ApiError> {
    post(
        &format!("/api/invitations/{token}"),
        &protocol::users::AcceptInvitation { password },
    )
    .await
}

// ---- Price list, Numbers search and Orders ----

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

// ---- Price changes ----

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

// ---- Invoices and payments ----

/// The Company's invoices, newest first (PAY-1).
pub async fn invoices() -> Result<Vec<protocol::invoices::InvoiceSummary>, ApiError> {
    get("/api/console/invoices").await
}

pub async fn invoice(id: i64) -> Result<protocol::invoices::InvoiceView, ApiError> {
    get(&format!("/api/console/invoices/{id}")).await
}

/// Pays the invoice with the Company's payment method; a refusal says why.
pub async fn pay_invoice(id: i64) -> Result<protocol::invoices::InvoiceView, ApiError> {
    post(
        &format!("/api/console/invoices/{id}/payments"),
        &serde_json::json!({}),
    )
    .await
}

// ---- Credits ----

pub async fn credits() -> Result<protocol::credits::CreditsView, ApiError> {
    get("/api/console/credits").await
}

pub async fn top_up_credits(
    form: &protocol::credits::TopUpForm,
) -> Result<protocol::credits::TopUpDone, ApiError> {
    post("/api/console/credits/top-ups", form).await
}

// ---- Terminations ----

/// The Company's terminated Licences, with the amount due for a fault (TERM-1).
pub async fn terminations() -> Result<Vec<protocol::terminations::TerminationView>, ApiError> {
    get("/api/console/terminations").await
}
