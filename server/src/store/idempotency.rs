//! Idempotency keys of the requests that create money (issue 13): Credits top-ups and manual
//! payments of invoices (Orders keep theirs in `orders.idempotency_key`). A key is used once per
//! Company (`UNIQUE (company_id, idempotency_key)`): the row is written in the transaction that
//! creates the money, so of two identical requests racing each other only one creates it, and a
//! retry after a lost answer finds what the first one did. The same key for another request
//! (another amount, another invoice) is refused: [`KeyReused`].
//!
//! A top-up's key is written done, with the invoice it created. A payment's key is claimed
//! (pending) before the provider is asked, with the amount and payment method to charge, then
//! completed with the recorded attempt (`store::invoices::record_attempt`); a retry of a pending
//! key asks the provider again with the same provider key, so the provider charges once.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::codec::corrupt;
use super::stamp;

/// What a key was used for: the request it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// A Credits top-up of this many cents (excluding VAT).
    TopUp { amount_cents: i64 },
    /// A payment of this invoice.
    Payment { invoice_id: i64 },
}

impl Request {
    fn purpose(self) -> &'static str {
        match self {
            Request::TopUp { .. } => "credits_top_up",
            Request::Payment { .. } => "invoice_payment",
        }
    }
}

/// The key was already used by the Company for another request: nothing was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("idempotency key already used for {first:?}")]
pub struct KeyReused {
    /// What the key was first used for.
    pub first: Request,
}

/// A key already used for the same request, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Used {
    pub id: i64,
    /// The invoice the top-up created, or the invoice paid.
    pub invoice_id: i64,
    pub amount_cents: i64,
    /// The payment method charged (payments only).
    pub payment_method_id: Option<i64>,
    /// The recorded attempt, once the payment's outcome is known (payments only).
    pub payment_id: Option<i64>,
    /// False while a payment waits for its outcome.
    pub done: bool,
}

fn used_from_row(row: &AnyRow) -> Result<(Request, Used), sqlx::Error> {
    let purpose: String = row.try_get("purpose")?;
    let state: String = row.try_get("state")?;
    let used = Used {
        id: row.try_get("id")?,
        invoice_id: row.try_get("invoice_id")?,
        amount_cents: row.try_get("amount_cents")?,
        payment_method_id: row.try_get("payment_method_id")?,
        payment_id: row.try_get("payment_id")?,
        done: match state.as_str() {
            "done" => true,
            "pending" => false,
            _ => return Err(corrupt("state", &state)),
        },
    };
    let request = match purpose.as_str() {
        "credits_top_up" => Request::TopUp {
            amount_cents: used.amount_cents,
        },
        "invoice_payment" => Request::Payment {
            invoice_id: used.invoice_id,
        },
        _ => return Err(corrupt("purpose", &purpose)),
    };
    Ok((request, used))
}

/// What the Company's `key` was used for, if it was: `Ok(None)` for a new key, `Ok(Some)` for
/// the same `request` again (a retry), [`KeyReused`] for another one. Inside the caller's write
/// transaction, after it locked the Company's row (`store::lock_company`), so that a concurrent
/// request with the same key waits for this one's commit and then finds its row.
pub async fn find_in(
    connection: &mut AnyConnection,
    company_id: i64,
    key: &str,
    request: Request,
) -> Result<Result<Option<Used>, KeyReused>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, purpose, invoice_id, amount_cents, payment_method_id, payment_id, state
         FROM idempotency_keys WHERE company_id = $1 AND idempotency_key = $2",
    )
    .bind(company_id)
    .bind(key)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else { return Ok(Ok(None)) };
    let (first, used) = used_from_row(&row)?;
    Ok(if first == request {
        Ok(Some(used))
    } else {
        Err(KeyReused { first })
    })
}

/// A key's row to write.
#[derive(Debug, Clone, Copy)]
pub struct NewKey<'a> {
    pub company_id: i64,
    pub key: &'a str,
    pub request: Request,
    /// The invoice the top-up created (top-ups only; a payment's is in its request).
    pub created_invoice_id: Option<i64>,
    /// What a payment charges (payments only; a top-up's amount is in its request).
    pub charge: Option<(i64, i64)>,
}

/// Writes the key inside the caller's transaction: a top-up done, a payment pending. Returns its
/// id. The unique constraint refuses a second row for the key (a race the Company's row lock
/// should already have prevented).
pub async fn insert_in(
    connection: &mut AnyConnection,
    new: NewKey<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (invoice_id, amount_cents, method_id, state) = match (new.request, new.charge) {
        (Request::TopUp { amount_cents }, _) => (
            new.created_invoice_id
                .ok_or_else(|| sqlx::Error::Protocol("a top-up's key needs its invoice".into()))?,
            amount_cents,
            None,
            "done",
        ),
        (Request::Payment { invoice_id }, Some((method_id, amount_cents))) => {
            (invoice_id, amount_cents, Some(method_id), "pending")
        }
        (Request::Payment { .. }, None) => {
            return Err(sqlx::Error::Protocol(
                "a payment's key needs what it charges".into(),
            ));
        }
    };
    let done_at = (state == "done").then(|| stamp(now));
    sqlx::query_scalar(
        "INSERT INTO idempotency_keys (company_id, idempotency_key, purpose, invoice_id,
                                       amount_cents, payment_method_id, state, created_at,
                                       completed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(new.company_id)
    .bind(new.key)
    .bind(new.request.purpose())
    .bind(invoice_id)
    .bind(amount_cents)
    .bind(method_id)
    .bind(state)
    .bind(stamp(now))
    .bind(done_at)
    .fetch_one(&mut *connection)
    .await
}

/// Completes the pending payment key `id` with its recorded attempt. False when it was no
/// longer pending: another request with the same key recorded the outcome first.
pub async fn complete_in(
    connection: &mut AnyConnection,
    id: i64,
    payment_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE idempotency_keys SET state = 'done', payment_id = $1, completed_at = $2
         WHERE id = $3 AND state = 'pending'",
    )
    .bind(payment_id)
    .bind(stamp(now))
    .bind(id)
    .execute(&mut *connection)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// The key `id` as stored now (a payment's outcome, recorded by whichever request got there
/// first).
pub async fn get_in(connection: &mut AnyConnection, id: i64) -> Result<Used, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, purpose, invoice_id, amount_cents, payment_method_id, payment_id, state
         FROM idempotency_keys WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *connection)
    .await?;
    used_from_row(&row).map(|(_, used)| used)
}

/// When another key's payment of the invoice was claimed and still waits for its outcome: the
/// instant of that claim (RFC 3339), if any.
pub async fn payment_pending_since_in(
    connection: &mut AnyConnection,
    invoice_id: i64,
    other_than: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MAX(created_at) FROM idempotency_keys
         WHERE invoice_id = $1 AND state = 'pending' AND purpose = 'invoice_payment'
           AND idempotency_key <> $2",
    )
    .bind(invoice_id)
    .bind(other_than)
    .fetch_one(&mut *connection)
    .await
}
