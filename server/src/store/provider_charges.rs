//! The built-in payment provider's own ledger (`provider_charges`, `provider_refunds`, issue
//! 13): what a real provider keeps on its side, one charge or refund per idempotency key
//! whatever the retries, a charge's outcome decided once. Only `payments::TestProvider` writes
//! it; the crash test reads it to check that no invoice is charged twice.

use chrono::{DateTime, Utc};

use super::stamp;
use crate::db::Database;

/// A charge to record, unless its key was charged already.
#[derive(Debug, Clone, Copy)]
pub struct NewCharge<'a> {
    pub idempotency_key: &'a str,
    pub charge_id: &'a str,
    pub invoice_number: &'a str,
    pub token: &'a str,
    pub amount_cents: i64,
    pub succeeded: bool,
    pub reason: Option<&'a str>,
}

/// The charge of a key, as first recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub charge_id: String,
    pub succeeded: bool,
    pub reason: Option<String>,
    pub amount_cents: i64,
}

/// Records `charge` unless its key was charged already; the key's charge either way.
pub async fn charge_once(
    db: &Database,
    charge: NewCharge<'_>,
    now: DateTime<Utc>,
) -> Result<Recorded, sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO provider_charges (idempotency_key, charge_id, invoice_number, token,
                                       amount_cents, outcome, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(charge.idempotency_key)
    .bind(charge.charge_id)
    .bind(charge.invoice_number)
    .bind(charge.token)
    .bind(charge.amount_cents)
    .bind(if charge.succeeded {
        "succeeded"
    } else {
        "failed"
    })
    .bind(charge.reason)
    .bind(stamp(now))
    .execute(&mut *tx)
    .await?;
    let (charge_id, outcome, reason, amount_cents): (String, String, Option<String>, i64) =
        sqlx::query_as(
            "SELECT charge_id, outcome, reason, amount_cents FROM provider_charges
             WHERE idempotency_key = $1",
        )
        .bind(charge.idempotency_key)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Recorded {
        charge_id,
        succeeded: outcome == "succeeded",
        reason,
        amount_cents,
    })
}

/// Records a refund of `amount_cents` to `token` under `idempotency_key` unless that key was
/// refunded already; the key's refund id either way.
pub async fn refund_once(
    db: &Database,
    idempotency_key: &str,
    refund_id: &str,
    token: &str,
    amount_cents: i64,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO provider_refunds (idempotency_key, refund_id, token, amount_cents, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(idempotency_key)
    .bind(refund_id)
    .bind(token)
    .bind(amount_cents)
    .bind(stamp(now))
    .execute(&mut *tx)
    .await?;
    let refund_id: String =
        sqlx::query_scalar("SELECT refund_id FROM provider_refunds WHERE idempotency_key = $1")
            .bind(idempotency_key)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(refund_id)
}
