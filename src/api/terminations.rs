//! Terminations of Licences (after a price increase, or for fault).

use super::*;

/// The Company's terminated Licences, with the amount due for a fault (TERM-1).
pub async fn terminations() -> Result<Vec<protocol::terminations::TerminationView>, ApiError> {
    get("/api/console/terminations").await
}
