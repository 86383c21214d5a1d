//! Collecting invoices (issue 13, house reading "Due date and collection", PAY-1 5.2): every
//! invoice is charged on its issue date from the Company's default payment method, then 3 and 7
//! days later while it stays unpaid; a charge's outcome comes on the provider's signed webhook,
//! whose events are applied here ([`receive_webhook`]), whether they come over HTTP
//! (`POST /api/payments/webhook`) or from the built-in provider at once. A payment claimed but
//! never answered (a crash between the claim and the event) is asked again with the same
//! provider key ([`resume_pending`]), which the provider charges once.

use chrono::{NaiveDate, Utc};

use crate::clock::Clock;
use crate::db::Database;
use crate::payments::{Charge, Payments, Refund, SignatureError, WebhookEvent};
use crate::store::invoices::{self, Attempt, PayError, PaymentClaim};
use crate::store::refunds::{self, RefundClaim};

/// Why a webhook delivery was refused.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// Signed, but not an event this server sent a charge for, or not one it understands.
    #[error("webhook event refused: {0}")]
    Event(String),
    #[error(transparent)]
    Pay(#[from] PayError),
}

/// PAY-1, issue 13: applies the provider's webhook delivery: its signature (HMAC-SHA256 over
/// the timestamp and the body, within the tolerance window) first, then its event, once by its
/// id. True when this delivery recorded the charge's outcome; false for an event already
/// applied (a replay, or a second delivery), which changes nothing.
pub async fn receive_webhook(
    db: &Database,
    clock: &Clock,
    payments: &Payments,
    signature: Option<&str>,
    body: &[u8],
) -> Result<bool, WebhookError> {
    crate::payments::verify(
        &payments.webhook_secret,
        signature.ok_or(SignatureError::Malformed)?,
        body,
        Utc::now(),
    )?;
    let event: WebhookEvent =
        serde_json::from_slice(body).map_err(|error| WebhookError::Event(error.to_string()))?;
    let succeeded = match event.kind.as_str() {
        WebhookEvent::SUCCEEDED => true,
        WebhookEvent::FAILED => false,
        other => return Err(WebhookError::Event(format!("unknown event type {other}"))),
    };
    let key_id = event
        .charge
        .idempotency_key
        .strip_prefix("payment-")
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or_else(|| WebhookError::Event("no charge of this server".into()))?;
    let (company_id, claim) = invoices::claim_of_key(db, key_id)
        .await
        .map_err(PayError::from)?
        .ok_or_else(|| WebhookError::Event("no charge of this server".into()))?;
    if domain::order::cents(claim.amount) != Some(event.charge.amount_cents) {
        return Err(WebhookError::Event(
            "the amount is not the one charged".into(),
        ));
    }
    let attempt = Attempt {
        method_id: claim.method.id,
        amount: claim.amount,
        provider: payments.provider.name(),
        succeeded,
        provider_reference: Some(event.charge.id.clone()),
        reason: (!succeeded).then(|| {
            event
                .charge
                .failure_reason
                .clone()
                .unwrap_or_else(|| "The provider gave no reason.".into())
        }),
    };
    let (_, recorded) = invoices::record_attempt(
        db,
        company_id,
        None,
        &claim,
        &attempt,
        Some(&event.id),
        event.charge.attempted_on,
        clock.now(),
    )
    .await?;
    Ok(recorded)
}

/// Asks the provider to charge the claimed payment (its provider key, its method's token); the
/// built-in provider's event is handed to [`receive_webhook`] at once. A provider that cannot
/// be reached leaves the claim pending, asked again later. True when this call recorded the
/// outcome (false: another request with the same key did first, or it has not come yet).
pub async fn charge_claim(
    db: &Database,
    clock: &Clock,
    payments: &Payments,
    company_id: i64,
    claim: &PaymentClaim,
    attempted_on: NaiveDate,
) -> Result<bool, WebhookError> {
    let charge = Charge {
        company_id,
        idempotency_key: claim.provider_key(),
        invoice_number: claim.invoice_number.clone(),
        amount: claim.amount,
        method_token: claim.method.token.clone(),
        method_label: claim.method.label.clone(),
        method_last4: claim.method.last4.clone(),
        attempted_on,
    };
    match payments.provider.charge(&charge).await {
        Ok(accepted) => match accepted.delivery {
            Some(delivery) => {
                receive_webhook(
                    db,
                    clock,
                    payments,
                    Some(&delivery.signature),
                    &delivery.body,
                )
                .await
            }
            None => Ok(false),
        },
        Err(error) => {
            tracing::warn!(%error, key = %charge.idempotency_key, "charge left pending");
            Ok(false)
        }
    }
}

/// Collects the Company's invoice `invoice_id` on `day` when an attempt is due (a top-up's
/// invoice at once, on its issue date). True when a charge was asked.
pub async fn collect_invoice(
    db: &Database,
    clock: &Clock,
    payments: &Payments,
    company_id: i64,
    invoice_id: i64,
    day: NaiveDate,
) -> Result<bool, WebhookError> {
    let Some(claim) =
        invoices::claim_collection(db, company_id, invoice_id, day, clock.now()).await?
    else {
        return Ok(false);
    };
    charge_claim(db, clock, payments, company_id, &claim, day).await?;
    Ok(true)
}

/// PAY-1 (house reading "Due date and collection"): every collection attempt due on or before
/// `day`; how many charges were asked.
pub async fn collect_day(
    db: &Database,
    clock: &Clock,
    payments: &Payments,
    day: NaiveDate,
) -> Result<usize, WebhookError> {
    let mut asked = 0;
    for (company_id, invoice_id) in invoices::collection_due(db, day)
        .await
        .map_err(PayError::from)?
    {
        if collect_invoice(db, clock, payments, company_id, invoice_id, day).await? {
            asked += 1;
        }
    }
    Ok(asked)
}

/// DISPUTE-2 (house reading "Credit notes"): refunds on `day` what the credit notes of
/// Companies whose Contract ended still hold (see `store::refunds`); how many refunds were
/// asked.
pub async fn refund_day(
    db: &Database,
    clock: &Clock,
    payments: &Payments,
    day: NaiveDate,
) -> Result<usize, sqlx::Error> {
    let claims = refunds::claim_due(db, day, clock.now()).await?;
    for claim in &claims {
        refund_claim(db, clock, payments, claim).await?;
    }
    Ok(claims.len())
}

/// Asks the provider for the claimed refund under its key and records its answer; a provider
/// that cannot be reached leaves it pending, asked again later.
async fn refund_claim(
    db: &Database,
    clock: &Clock,
    payments: &Payments,
    claim: &RefundClaim,
) -> Result<(), sqlx::Error> {
    let refund = Refund {
        idempotency_key: claim.provider_key(),
        amount: claim.amount,
        method_token: claim.method.token.clone(),
        description: format!("Credit note {}", claim.credit_note_number),
    };
    match payments.provider.refund(&refund).await {
        Ok(reference) => {
            refunds::complete(db, claim, payments.provider.name(), &reference, clock.now()).await?;
        }
        Err(error) => {
            tracing::warn!(%error, key = %refund.idempotency_key, "refund left pending");
        }
    }
    Ok(())
}

/// Asks the provider again, with the same provider key, for every payment claimed whose outcome
/// never came (the server stopped in between): the provider charges each key once and sends
/// its event again. The same for refunds.
pub async fn resume_pending(
    db: &Database,
    clock: &Clock,
    payments: &Payments,
) -> Result<usize, WebhookError> {
    let pending = invoices::pending_payment_keys(db)
        .await
        .map_err(PayError::from)?;
    let mut resumed = 0;
    for key_id in pending {
        if let Some((company_id, claim)) = invoices::claim_of_key(db, key_id)
            .await
            .map_err(PayError::from)?
        {
            charge_claim(db, clock, payments, company_id, &claim, clock.today()).await?;
            resumed += 1;
        }
    }
    for claim in refunds::pending(db).await.map_err(PayError::from)? {
        refund_claim(db, clock, payments, &claim)
            .await
            .map_err(PayError::from)?;
        resumed += 1;
    }
    Ok(resumed)
}
