//! The WebApp's terms (ACCEPT-1): the GCU and the privacy notice, accepted once per version.

use protocol::terms::TermsAcceptance;

use super::*;

/// Accepts the GCU and privacy notice versions shown: who is signed in, now accepted (409
/// `terms_not_in_force` when other versions came into force meanwhile).
pub async fn accept_terms(acceptance: &TermsAcceptance) -> Result<Me, ApiError> {
    post("/api/me/acceptance", acceptance).await
}
