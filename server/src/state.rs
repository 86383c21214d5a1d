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
}
