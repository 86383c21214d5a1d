//! Payment providers (issue 13, house reading "Due date and collection"): the interface the
//! console charges invoices through, shaped as a real payment service provider's, and the
//! built-in provider used by default, in demos and in tests.
//!
//! - A payment method is the provider's token ([`PaymentProvider::tokenise`]): a card or a SEPA
//!   direct-debit mandate, never a card number; the label and last four digits are for people.
//! - A charge carries an idempotency key: the provider charges once per key, whatever the
//!   retries, and answers the same charge again. It is *accepted* (pending); its outcome arrives
//!   later as an event on the webhook (`POST /api/payments/webhook`), signed with HMAC-SHA256
//!   over `"{timestamp}.{body}"` (`Payment-Signature: t=<unix seconds>,v1=<hex>`), checked by
//!   [`verify`] within [`TOLERANCE`]. Events are applied once by their id
//!   (`services::collection::receive_webhook`).
//! - The built-in [`TestProvider`] keeps its ledger in `provider_charges`
//!   (`store::provider_charges`: what a real provider keeps on its side) and, instead of posting its events over HTTP to itself, hands the signed
//!   delivery back ([`Accepted::delivery`]) for the caller to pass to the webhook's own handler
//!   function, signature check included. It fails a method whose label said "decline" when it
//!   was tokenised (any case), and accepts every other one.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, NaiveDate, Utc};
use domain::Money;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::Database;

/// The HTTP header carrying a webhook event's signature.
pub const SIGNATURE_HEADER: &str = "payment-signature";

/// How far a webhook's timestamp may be from the server's real time (either way).
pub const TOLERANCE: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// The secret shared with the provider, signing its webhook events (`--payment-webhook-secret`).
#[derive(Clone)]
pub struct WebhookSecret(Vec<u8>);

impl WebhookSecret {
    pub fn new(secret: &str) -> Self {
        WebhookSecret(secret.as_bytes().to_vec())
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

/// The HMAC-SHA256 (RFC 2104) of a delivery under the secret, ready for its message.
fn mac(secret: &WebhookSecret) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    Hmac::new_from_slice(&secret.0).expect("HMAC accepts keys of any length")
}

fn signed_payload(timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut payload = format!("{timestamp}.").into_bytes();
    payload.extend_from_slice(body);
    payload
}

/// The `Payment-Signature` header of `body` sent at `timestamp` (unix seconds).
pub fn sign(secret: &WebhookSecret, timestamp: i64, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(&signed_payload(timestamp, body));
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// Why a webhook delivery is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No header, or not `t=…,v1=…`.
    #[error("the signature header is missing or malformed")]
    Malformed,
    /// No `v1` signature matches the body and timestamp under the secret.
    #[error("the signature does not match")]
    Mismatch,
    /// The timestamp is further than [`TOLERANCE`] from now: an old delivery replayed.
    #[error("the signature's timestamp is outside the tolerance window")]
    Stale,
}

/// Checks `header` (as [`sign`] writes it) against `body` under `secret`, at `now`.
pub fn verify(
    secret: &WebhookSecret,
    header: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let payload = signed_payload(timestamp, body);
    let matches = signatures.iter().any(|signature| {
        hex::decode(signature).is_ok_and(|given| {
            let mut mac = mac(secret);
            mac.update(&payload);
            // Compared in constant time.
            mac.verify_slice(&given).is_ok()
        })
    });
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    let age = now.timestamp() - timestamp;
    if age.abs() > TOLERANCE.num_seconds() {
        return Err(SignatureError::Stale);
    }
    Ok(())
}

/// What the provider's webhook tells: one charge's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// The event's id: an event is applied once, whatever the deliveries.
    pub id: String,
    /// `charge.succeeded` or `charge.failed`.
    #[serde(rename = "type")]
    pub kind: String,
    pub charge: ChargeEvent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeEvent {
    /// The provider's id of the charge.
    pub id: String,
    /// The idempotency key the charge was asked with.
    pub idempotency_key: String,
    pub amount_cents: i64,
    /// Why it failed, in a sentence for the Manager.
    pub failure_reason: Option<String>,
    /// The metadata the charge was asked with: the day of the attempt.
    pub attempted_on: NaiveDate,
}

impl WebhookEvent {
    pub const SUCCEEDED: &'static str = "charge.succeeded";
    pub const FAILED: &'static str = "charge.failed";
}

/// What to charge: an amount, on a payment method's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub company_id: i64,
    /// Issue 13: the same for every retry of one payment, so that the provider charges it once.
    pub idempotency_key: String,
    pub invoice_number: String,
    pub amount: Money,
    /// The provider's token of the payment method.
    pub method_token: String,
    /// For the provider's messages: the method as the Manager names it.
    pub method_label: String,
    pub method_last4: String,
    /// Metadata echoed by the event: the day of the attempt.
    pub attempted_on: NaiveDate,
}

/// A signed webhook delivery, as the provider would post it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The `Payment-Signature` header.
    pub signature: String,
    pub body: Vec<u8>,
}

/// The provider accepted the charge; its outcome comes on the webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub charge_id: String,
    /// The built-in provider's event, to hand to the webhook's handler at once; `None` for a
    /// provider that posts it to the webhook itself.
    pub delivery: Option<Delivery>,
}

/// The provider could not be asked (down, timeout): the charge stays pending and is asked
/// again with the same key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the payment provider could not be reached: {0}")]
pub struct Unreachable(pub String);

/// What to refund (DISPUTE-2, house reading "Credit notes"): an amount, to a payment method's
/// token. Refunds are answered at once: the provider's id of the refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// The same for every retry of one refund, so that the provider refunds it once.
    pub idempotency_key: String,
    pub amount: Money,
    pub method_token: String,
    /// What the refund is for, on the Company's statement: the credit note's number.
    pub description: String,
}

/// A payment provider. Implementations must not panic.
pub trait PaymentProvider: Send + Sync + 'static {
    /// Its name, recorded with each payment.
    fn name(&self) -> &'static str;

    /// The token standing for a payment method the Company registers.
    fn tokenise(&self, kind: &str, label: &str, last4: &str) -> String;

    fn charge<'a>(
        &'a self,
        charge: &'a Charge,
    ) -> Pin<Box<dyn Future<Output = Result<Accepted, Unreachable>> + Send + 'a>>;

    /// Refunds once per key; the provider's id of the refund.
    fn refund<'a>(
        &'a self,
        refund: &'a Refund,
    ) -> Pin<Box<dyn Future<Output = Result<String, Unreachable>> + Send + 'a>>;
}

/// The provider and the secret its webhook events are signed with, as the server holds them.
#[derive(Clone)]
pub struct Payments {
    pub provider: std::sync::Arc<dyn PaymentProvider>,
    pub webhook_secret: WebhookSecret,
}

impl Payments {
    /// The built-in provider on `db`, signing with `secret`.
    pub fn built_in(db: &Database, secret: &str) -> Self {
        let webhook_secret = WebhookSecret::new(secret);
        Payments {
            provider: std::sync::Arc::new(TestProvider {
                db: db.clone(),
                secret: webhook_secret.clone(),
            }),
            webhook_secret,
        }
    }
}

/// The built-in provider: deterministic, for development, demos and tests.
#[derive(Clone)]
pub struct TestProvider {
    db: Database,
    secret: WebhookSecret,
}

impl TestProvider {
    /// The word in a payment method's label that makes this provider refuse it.
    pub const DECLINE_MARK: &'static str = "decline";

    async fn charge_once(&self, charge: &Charge) -> Result<Accepted, sqlx::Error> {
        let declined = charge.method_token.contains("_decline_");
        let charge_id = format!(
            "ch_{}",
            &hex::encode(Sha256::digest(charge.idempotency_key.as_bytes()))[..24]
        );
        let reason = declined.then(|| {
            format!(
                "The bank refused the payment on {} ending {}: use another payment method or contact the bank.",
                charge.method_label, charge.method_last4
            )
        });
        let amount_cents = domain::order::cents(charge.amount).unwrap_or_default();
        let recorded = crate::store::provider_charges::charge_once(
            &self.db,
            crate::store::provider_charges::NewCharge {
                idempotency_key: &charge.idempotency_key,
                charge_id: &charge_id,
                invoice_number: &charge.invoice_number,
                token: &charge.method_token,
                amount_cents,
                succeeded: !declined,
                reason: reason.as_deref(),
            },
            Utc::now(),
        )
        .await?;
        let event = WebhookEvent {
            id: format!("evt_{}", recorded.charge_id),
            kind: if recorded.succeeded {
                WebhookEvent::SUCCEEDED
            } else {
                WebhookEvent::FAILED
            }
            .into(),
            charge: ChargeEvent {
                id: recorded.charge_id.clone(),
                idempotency_key: charge.idempotency_key.clone(),
                amount_cents: recorded.amount_cents,
                failure_reason: recorded.reason,
                attempted_on: charge.attempted_on,
            },
        };
        let body =
            serde_json::to_vec(&event).map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
        Ok(Accepted {
            charge_id: recorded.charge_id,
            delivery: Some(Delivery {
                signature: sign(&self.secret, Utc::now().timestamp(), &body),
                body,
            }),
        })
    }
}

impl PaymentProvider for TestProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    fn tokenise(&self, kind: &str, label: &str, _last4: &str) -> String {
        let mut random = [0u8; 8];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut random);
        let decline = if label.to_lowercase().contains(Self::DECLINE_MARK) {
            "decline_"
        } else {
            ""
        };
        format!("pm_test_{kind}_{decline}{}", hex::encode(random))
    }

    fn charge<'a>(
        &'a self,
        charge: &'a Charge,
    ) -> Pin<Box<dyn Future<Output = Result<Accepted, Unreachable>> + Send + 'a>> {
        Box::pin(async move {
            self.charge_once(charge)
                .await
                .map_err(|error| Unreachable(error.to_string()))
        })
    }

    fn refund<'a>(
        &'a self,
        refund: &'a Refund,
    ) -> Pin<Box<dyn Future<Output = Result<String, Unreachable>> + Send + 'a>> {
        Box::pin(async move {
            let refund_id = format!(
                "re_{}",
                &hex::encode(Sha256::digest(refund.idempotency_key.as_bytes()))[..24]
            );
            crate::store::provider_charges::refund_once(
                &self.db,
                &refund.idempotency_key,
                &refund_id,
                &refund.method_token,
                domain::order::cents(refund.amount).unwrap_or_default(),
                Utc::now(),
            )
            .await
            .map_err(|error| Unreachable(error.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_sha256_of_the_timestamp_dot_body() {
        // As Python's `hmac.new(b"whsec_test", b'1700000000.{"id":1}', sha256)` computes it.
        assert_eq!(
            sign(
                &WebhookSecret::new("whsec_test"),
                1_700_000_000,
                b"{\"id\":1}"
            ),
            "t=1700000000,v1=2f441ba4b3b2d50d28a9ab9d9fd8880376ecd1eb5d0435401553f5d8d0a5dcf8"
        );
    }

    #[test]
    fn a_signature_holds_for_its_body_and_secret_within_the_window() {
        let secret = WebhookSecret::new("whsec_test");
        let now = Utc::now();
        let header = sign(&secret, now.timestamp(), b"{\"id\":1}");
        assert_eq!(verify(&secret, &header, b"{\"id\":1}", now), Ok(()));
        assert_eq!(
            verify(&secret, &header, b"{\"id\":2}", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&WebhookSecret::new("other"), &header, b"{\"id\":1}", now),
            Err(SignatureError::Mismatch)
        );
        let later = now + TOLERANCE + chrono::TimeDelta::seconds(1);
        assert_eq!(
            verify(&secret, &header, b"{\"id\":1}", later),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(&secret, "v1=00", b"{}", now),
            Err(SignatureError::Malformed)
        );
    }
}
