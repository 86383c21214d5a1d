//! Late payment and suspension (LATE-1, LATE-4, SUSP-1).

use super::*;

/// What the provider has suspended in the Company, and why (SUSP-1).
pub async fn suspensions() -> Result<protocol::late_payment::Suspensions, ApiError> {
    get("/api/console/suspensions").await
}
