//! What every handler can reach.

use std::sync::Arc;

use crate::assets::Assets;
use crate::clock::Clock;
use crate::db::Database;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub clock: Clock,
    pub assets: Arc<Assets>,
    /// Mark cookies `Secure` (the console is served over https).
    pub secure_cookies: bool,
    /// The provider's admin token; `None` turns the admin routes off (they answer 404).
    pub admin_token: Option<String>,
    /// Charges invoices (`payments::TestProvider` until a real provider is connected).
    pub payments: Arc<dyn crate::payments::PaymentProvider>,
    /// A demo or test server: `POST /api/admin/clock/advance` moves the date forward.
    pub demo_clock: bool,
}
