//! The JSON bodies the app and the server exchange. Forms that the domain validates travel as the
//! domain's own form types, so the browser and the server check exactly the same thing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use domain::signup::{LoginForm, SignupForm};

pub mod backoffice;
pub mod bundle;
pub mod catalogue;
pub mod catalogue_admin;
pub mod company;
pub mod complaints;
pub mod credits;
pub mod dashboard;
pub mod discontinuations;
pub mod disputes;
pub mod error;
pub mod invoices;
pub mod late_payment;
pub mod late_rates;
pub mod licences;
pub mod numbers;
pub mod orders;
pub mod price_changes;
pub mod privacy;
pub mod terminations;
pub mod terms;
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
    #[serde(deserialize_with = "domain::day::deserialize")]
    pub today: NaiveDate,
    /// The person's two-factor authentication.
    pub two_factor: TwoFactorStatus,
    /// The GCU and privacy notice in force and whether the person accepted them (ACCEPT-1):
    /// the WebApp opens only once they did.
    pub terms: terms::TermsStatus,
}

/// A person's two-factor authentication, as `GET /api/me` tells it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    /// Codes from an authenticator app are asked at each log-in.
    pub enabled: bool,
    /// The Company requires it of its Managers and this person is one.
    pub required: bool,
    /// Recovery codes not used yet (0 while it is off).
    pub recovery_codes_left: u32,
}

impl TwoFactorStatus {
    /// Required but not turned on yet: until it is, only the account page works.
    pub fn setup_needed(&self) -> bool {
        self.required && !self.enabled
    }
}

/// What `POST /api/session` answers (and a password reset): signed in (200, with the session
/// cookie), or, for an account with two-factor authentication, a challenge to answer with a
/// code (202, no cookie yet) at `POST /api/session/second-factor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LoginReply {
    SignedIn(Me),
    SecondFactor(SecondFactorChallenge),
}

/// The password was right; a code is needed to finish logging in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorChallenge {
    /// Opaque; valid for a few minutes and a few tries.
    pub challenge: String,
}

/// `POST /api/session/second-factor`: the challenge and a code from the authenticator app
/// (six digits) or one of the recovery codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorAnswer {
    pub challenge: String,
    pub code: String,
}

/// `POST /api/me/two-factor`, `DELETE …` and `POST /api/me/two-factor/recovery-codes`: the
/// person's current password, asked again before their second factor changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentPassword {
    pub current_password: String,
}

/// The answer to `POST /api/me/two-factor`: a new secret to put in an authenticator app, not in
/// force until a code from it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// The secret in base32, in groups of four, for typing by hand.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub otpauth_uri: String,
    /// The QR code of the URI, an SVG image as a `data:` URI (for an `<img>`).
    pub qr_code: String,
}

/// `PUT /api/me/two-factor`: a code from the app, which turns two-factor authentication on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorConfirm {
    pub code: String,
}

/// Recovery codes, shown once: each replaces a code from the app, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
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
