//! The Company's Credits.

use super::*;

pub async fn credits() -> Result<protocol::credits::CreditsView, ApiError> {
    get("/api/console/credits").await
}

pub async fn top_up_credits(
    form: &protocol::credits::TopUpForm,
) -> Result<protocol::credits::TopUpDone, ApiError> {
    post("/api/console/credits/top-ups", form).await
}
