//! The Company's Credits.

use super::*;

pub async fn credits() -> Result<protocol::credits::CreditsView, ApiError> {
    get("/api/console/credits").await
}

/// Tops up the Credits; the form carries the top-up's idempotency key (issue 13).
pub async fn top_up_credits(
    form: &protocol::credits::TopUpForm,
) -> Result<protocol::credits::TopUpDone, ApiError> {
    post("/api/console/credits/top-ups", form).await
}
