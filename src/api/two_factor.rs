//! The signed-in person's two-factor authentication, and the Company's requirement of it.

use protocol::{CurrentPassword, RecoveryCodes, TwoFactorConfirm, TwoFactorSetup};

use super::*;

fn password(current_password: String) -> CurrentPassword {
    CurrentPassword { current_password }
}

/// A new secret for an authenticator app, pending until [`confirm_two_factor`].
pub async fn start_two_factor(current_password: String) -> Result<TwoFactorSetup, ApiError> {
    post("/api/me/two-factor", &password(current_password)).await
}

/// Turns it on with a code from the app: the recovery codes, shown once.
pub async fn confirm_two_factor(code: String) -> Result<RecoveryCodes, ApiError> {
    put("/api/me/two-factor", &TwoFactorConfirm { code }).await
}

pub async fn turn_off_two_factor(current_password: String) -> Result<(), ApiError> {
    without_answer(Request::delete("/api/me/two-factor").json(&password(current_password))).await
}

/// New recovery codes; the old ones stop working.
pub async fn new_recovery_codes(current_password: String) -> Result<RecoveryCodes, ApiError> {
    post(
        "/api/me/two-factor/recovery-codes",
        &password(current_password),
    )
    .await
}

/// Whether the Company's Managers must use two-factor authentication.
pub async fn set_two_factor_policy(
    required: bool,
) -> Result<protocol::company::CompanyAccount, ApiError> {
    put(
        "/api/console/company/two-factor",
        &protocol::company::TwoFactorPolicyForm { required },
    )
    .await
}
