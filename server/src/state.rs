//! What every handler can reach.

use std::sync::Arc;
use std::time::Duration;

use crate::assets::Assets;
use crate::carrier::sms::{Receipts, SmsCarrier};
use crate::carrier::voice::VoiceCarrier;
use crate::clock::Clock;
use crate::db::Database;
use crate::realtime::Hub;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub clock: Clock,
    pub assets: Arc<Assets>,
    /// Mark cookies `Secure` (the console is served over https).
    pub secure_cookies: bool,
    /// Charges invoices and checks the provider's webhook events (issue 13): the built-in
    /// `payments::TestProvider` until a real provider is connected.
    pub payments: crate::payments::Payments,
    /// A demo or test server: `POST /api/admin/clock/advance` moves the date forward.
    pub demo_clock: bool,
    /// What the WebApp's messages and calls go through.
    pub telephony: Telephony,
    /// VIES, asked about foreign EU VAT numbers (issue 19): the local stand-in by default.
    pub vies: crate::vies::Vies,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxies`).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// Signs the proof log's checkpoints (PROOF-1); its file is not in the database.
    pub proof_key: Arc<crate::proof_key::ProofKey>,
    /// The versions of the GCU and the privacy notice in force (ACCEPT-1), which the WebApp's
    /// users must have accepted: `crate::api::terms_in_force()`, others in tests.
    pub terms: Arc<protocol::terms::TermsInForce>,
    /// The sessions checked a moment ago, which reads take instead of asking again (SQLite).
    pub recent_sessions: Arc<crate::auth::recent::RecentSessions>,
}

/// The WebApp's live events and carriers.
#[derive(Clone)]
pub struct Telephony {
    pub hub: Arc<Hub>,
    pub sms: Arc<dyn SmsCarrier>,
    /// Where `sms` posts delivery receipts; read by `api::messages::apply_receipts`.
    pub receipts: Receipts,
    pub voice: Arc<dyn VoiceCarrier>,
    /// How long a hosted call rings before it is missed.
    pub ring_timeout: Duration,
    /// One lock per call in progress (`crate::services::calls`).
    pub calls: Arc<crate::services::calls::CallLocks>,
    /// This instance's name, under which it holds the leases of the calls whose timers it runs
    /// (issue 17): `--instance`, else random.
    pub instance: Arc<str>,
}

impl Telephony {
    /// The simulated carriers, ringing for `ring_timeout`, and the live events of `db`'s
    /// instances ([`Hub::for_database`]); starts the task that applies delivery receipts to the
    /// messages in `db`.
    pub async fn simulated(db: &Database, ring_timeout: Duration) -> Result<Self, sqlx::Error> {
        let hub = Hub::for_database(db).await?;
        let (receipts, incoming) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(crate::services::messages::apply_receipts(
            db.clone(),
            Arc::clone(&hub),
            incoming,
        ));
        Ok(Telephony {
            hub,
            sms: crate::carrier::sms::simulated(),
            receipts,
            voice: crate::carrier::voice::simulated(),
            ring_timeout,
            calls: Arc::default(),
            instance: random_instance_name().into(),
        })
    }
}

/// A name no other instance has: 16 random hex digits.
fn random_instance_name() -> String {
    let mut bytes = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    hex::encode(bytes)
}
