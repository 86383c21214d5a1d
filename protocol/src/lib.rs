//! The JSON bodies the app and the server exchange. Forms that the domain validates travel as the
//! domain's own form types, so the browser and the server check exactly the same thing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use domain::signup::{LoginForm, SignupForm};

pub mod catalogue;
pub mod company;
pub mod credits;
pub mod dashboard;
pub mod disputes;
pub mod error;
pub mod invoices;
pub mod late_payment;
pub mod late_rates;
pub mod licences;
pub mod numbers;
pub mod orders;
pub mod price_changes;
pub mod terminations;
pub mod trials;
pub mod users;
pub mod webapp;

pub use error::{ErrorBody, ErrorCode, ErrorDetail};

/// The signed-in person and their Company: the answer to sign-up, log-in and `GET /api/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub user: UserSummary,
    pub company: CompanySummary,
    /// The server's "today" (Europe/Paris): the date the contract's rules are computed for.
    pub today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub is_manager: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanySummary {
    pub id: i64,
    pub legal_name: String,
    pub registration_number: String,
    pub billing_country: String,
}

/// The version of the General Terms and Conditions of Sale in force, and where to read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gtcs {
    pub version: String,
    pub url: String,
}

/// `POST /api/password-reset`: the address to send a reset link to (the answer never says
/// whether an account uses it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordResetRequest {
    pub email: String,
}

/// `POST /api/password-reset/{token}`: the new password chosen through a reset link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    pub password: String,
}

/// `PUT /api/me/password`: a signed-in person's new password, with the current one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub database: String,
    /// The server's "today" (Europe/Paris), which may be shifted for demos and tests.
    pub today: String,
}
