//! The Company's Credits: a ledger in cents that can never go below zero, even under concurrent
//! requests. A debit is reserved first ([`reserve`]: fails when the available balance, the
//! balance less open reservations, is short), then committed for at most the amount reserved
//! ([`commit`]) or released ([`release`]). Each step is one write transaction whose conditional
//! `UPDATE` only succeeds while the condition holds, so two requests can never both spend the
//! same euro, on SQLite (one writer at a time) as on PostgreSQL (the row is locked and the
//! condition re-checked). The table's CHECK constraints refuse a negative balance as a backstop.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

use super::{audit, idempotency, stamp};
use crate::db::Database;

/// The balance, what open reservations hold, and what can still be reserved, in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Balance {
    pub balance_cents: i64,
    pub reserved_cents: i64,
}

impl Balance {
    pub fn available_cents(&self) -> i64 {
        self.balance_cents - self.reserved_cents
    }
}

/// One change of the balance: a top-up (positive) or a debit (negative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    pub id: i64,
    pub kind: String,
    pub amount_cents: i64,
    pub balance_after_cents: i64,
    pub description: String,
    pub at: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CreditsError {
    /// The available balance (balance less open reservations) is short.
    #[error("{available_cents} cents available, {asked_cents} asked")]
    Insufficient {
        available_cents: i64,
        asked_cents: i64,
    },
    #[error("the amount must be positive")]
    NotPositive,
    #[error("no such reservation")]
    UnknownReservation,
    /// The reservation was already committed or released.
    #[error("the reservation is closed")]
    ReservationClosed,
    /// A commit for more than was reserved.
    #[error("{asked_cents} cents is more than the {reserved_cents} reserved")]
    MoreThanReserved {
        reserved_cents: i64,
        asked_cents: i64,
    },
    /// Issue 13: the top-up's idempotency key was used for another request.
    #[error(transparent)]
    KeyReused(#[from] idempotency::KeyReused),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

async fn ensure_account(
    connection: &mut AnyConnection,
    company_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO credit_accounts (company_id) VALUES ($1) ON CONFLICT (company_id) DO NOTHING",
    )
    .bind(company_id)
    .execute(connection)
    .await
    .map(drop)
}

async fn balance_in(
    connection: &mut AnyConnection,
    company_id: i64,
) -> Result<Balance, sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT balance_cents, reserved_cents FROM credit_accounts WHERE company_id = $1",
    )
    .bind(company_id)
    .fetch_optional(connection)
    .await?;
    let (balance_cents, reserved_cents) = row.unwrap_or((0, 0));
    Ok(Balance {
        balance_cents,
        reserved_cents,
    })
}

/// The Company's Credits (zero before its first top-up).
pub async fn balance(db: &Database, company_id: i64) -> Result<Balance, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    balance_in(&mut connection, company_id).await
}

/// The Company's latest movements, newest first.
pub async fn movements(
    db: &Database,
    company_id: i64,
    limit: i64,
) -> Result<Vec<Movement>, sqlx::Error> {
    let rows: Vec<(i64, String, i64, i64, String, String)> = sqlx::query_as(
        "SELECT id, kind, amount_cents, balance_after_cents, description, at
         FROM credit_movements WHERE company_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(company_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, kind, amount_cents, balance_after_cents, description, at)| Movement {
                id,
                kind,
                amount_cents,
                balance_after_cents,
                description,
                at,
            },
        )
        .collect())
}

/// A movement to append to the ledger.
struct NewMovement<'a> {
    company_id: i64,
    kind: &'a str,
    amount_cents: i64,
    balance_after_cents: i64,
    reservation_id: Option<i64>,
    description: &'a str,
}

async fn record_movement(
    connection: &mut AnyConnection,
    movement: NewMovement<'_>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let NewMovement {
        company_id,
        kind,
        amount_cents,
        balance_after_cents,
        reservation_id,
        description,
    } = movement;
    sqlx::query(
        "INSERT INTO credit_movements (company_id, kind, amount_cents, balance_after_cents,
             reservation_id, description, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(company_id)
    .bind(kind)
    .bind(amount_cents)
    .bind(balance_after_cents)
    .bind(reservation_id)
    .bind(description)
    .bind(stamp(at))
    .execute(connection)
    .await
    .map(drop)
}

/// Adds `amount_cents` to the Company's Credits inside the caller's transaction, with its
/// movement and proof-log entry (PROOF-1): the payment of a top-up's invoice (PAY-1) credits
/// it in its own transaction.
pub async fn top_up_in(
    connection: &mut AnyConnection,
    company_id: i64,
    actor_user_id: Option<i64>,
    amount_cents: i64,
    at: DateTime<Utc>,
) -> Result<Balance, CreditsError> {
    if amount_cents <= 0 {
        return Err(CreditsError::NotPositive);
    }
    ensure_account(connection, company_id).await?;
    let before = balance_in(connection, company_id).await?;
    let balance_cents: i64 = sqlx::query_scalar(
        "UPDATE credit_accounts SET balance_cents = balance_cents + $1 WHERE company_id = $2
         RETURNING balance_cents",
    )
    .bind(amount_cents)
    .bind(company_id)
    .fetch_one(&mut *connection)
    .await?;
    let movement = NewMovement {
        company_id,
        kind: "top_up",
        amount_cents,
        balance_after_cents: balance_cents,
        reservation_id: None,
        description: "Credits top-up",
    };
    record_movement(connection, movement, at).await?;
    let change = audit::Change::new(
        company_id,
        actor_user_id,
        "credits.top_up",
        format!("credits:{company_id}"),
    )
    .before(&serde_json::json!({"balance_cents": before.balance_cents}))
    .after(&serde_json::json!({"balance_cents": balance_cents, "top_up_cents": amount_cents}));
    audit::record(connection, change, at).await?;
    Ok(Balance {
        balance_cents,
        reserved_cents: before.reserved_cents,
    })
}

/// A top-up with its invoice: the invoice, and whether this request wrote it (false: the same
/// idempotency key had already topped up, and nothing more was credited or invoiced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToppedUp {
    pub invoice: super::invoices::Issued,
    pub created: bool,
}

/// PAY-1: a top-up's invoice (VAT at the Company's rate on top of the Credits bought), written
/// in one transaction with the top-up's idempotency key (issue 13): all or nothing. The Credits
/// are credited once the invoice is paid (house reading "Due date and collection":
/// `store::invoices::record_attempt`), not here. The
/// same key again answers the invoice the first request wrote and credits nothing more; the same
/// key with another amount is refused ([`CreditsError::KeyReused`]).
pub async fn top_up_with_invoice(
    db: &Database,
    company_id: i64,
    actor_user_id: Option<i64>,
    amount_cents: i64,
    key: &str,
    issue_date: chrono::NaiveDate,
    at: DateTime<Utc>,
) -> Result<ToppedUp, CreditsError> {
    let mut tx = db.write().await?;
    // Before the Company's row is locked: see `invoices::lock_numbering`.
    super::invoices::lock_numbering(&mut tx, chrono::Datelike::year(&issue_date)).await?;
    // One top-up of a Company at a time (PostgreSQL; SQLite's write transactions are one at a
    // time already): a concurrent request with the same key waits here, then finds this one's.
    super::lock_company(&mut tx, company_id).await?;
    let request = idempotency::Request::TopUp { amount_cents };
    if let Some(used) = idempotency::find_in(&mut tx, company_id, key, request).await?? {
        let invoice = super::invoices::issued_in(&mut tx, used.invoice_id).await?;
        return Ok(ToppedUp {
            invoice,
            created: false,
        });
    }
    let vat = super::catalogue::vat_basis_in(&mut tx, company_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    if amount_cents <= 0 {
        return Err(CreditsError::NotPositive);
    }
    let invoice = super::invoices::issue_for_credits_topup(
        &mut tx,
        company_id,
        actor_user_id,
        domain::money::Money::from_cents(amount_cents),
        vat,
        issue_date,
        at,
    )
    .await?;
    let new_key = idempotency::NewKey {
        company_id,
        key,
        request,
        created_invoice_id: Some(invoice.id),
        charge: None,
    };
    idempotency::insert_in(&mut tx, new_key, at).await?;
    tx.commit().await?;
    Ok(ToppedUp {
        invoice,
        created: true,
    })
}

/// A top-up in a transaction of its own, without an invoice (for tests and the WebApp's
/// refunds).
pub async fn top_up(
    db: &Database,
    company_id: i64,
    actor_user_id: Option<i64>,
    amount_cents: i64,
    at: DateTime<Utc>,
) -> Result<Balance, CreditsError> {
    let mut tx = db.write().await?;
    let balance = top_up_in(&mut tx, company_id, actor_user_id, amount_cents, at).await?;
    tx.commit().await?;
    Ok(balance)
}

/// Sets aside `amount_cents` of the Company's available Credits for a debit in flight; the
/// reservation's id, or [`CreditsError::Insufficient`] with nothing changed.
pub async fn reserve(
    db: &Database,
    company_id: i64,
    amount_cents: i64,
    purpose: &str,
    at: DateTime<Utc>,
) -> Result<i64, CreditsError> {
    if amount_cents <= 0 {
        return Err(CreditsError::NotPositive);
    }
    let mut tx = db.write().await?;
    ensure_account(&mut tx, company_id).await?;
    let reserved = sqlx::query(
        "UPDATE credit_accounts SET reserved_cents = reserved_cents + $1
         WHERE company_id = $2 AND balance_cents - reserved_cents >= $1",
    )
    .bind(amount_cents)
    .bind(company_id)
    .execute(&mut *tx)
    .await?;
    if reserved.rows_affected() != 1 {
        let available_cents = balance_in(&mut tx, company_id).await?.available_cents();
        return Err(CreditsError::Insufficient {
            available_cents,
            asked_cents: amount_cents,
        });
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO credit_reservations (company_id, amount_cents, purpose, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(company_id)
    .bind(amount_cents)
    .bind(purpose)
    .bind(stamp(at))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Closes an open reservation of the Company as `status`; the amount it held. A commit may not
/// exceed what was reserved.
async fn close(
    connection: &mut AnyConnection,
    company_id: i64,
    reservation_id: i64,
    status: &str,
    committed_cents: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64, CreditsError> {
    let held: Option<i64> = sqlx::query_scalar(
        "UPDATE credit_reservations SET status = $1, committed_cents = $2, closed_at = $3
         WHERE id = $4 AND company_id = $5 AND status = 'open' AND amount_cents >= $6
         RETURNING amount_cents",
    )
    .bind(status)
    .bind(committed_cents)
    .bind(stamp(at))
    .bind(reservation_id)
    .bind(company_id)
    .bind(committed_cents.unwrap_or(0))
    .fetch_optional(&mut *connection)
    .await?;
    if let Some(held) = held {
        return Ok(held);
    }
    let found: Option<(String, i64)> = sqlx::query_as(
        "SELECT status, amount_cents FROM credit_reservations WHERE id = $1 AND company_id = $2",
    )
    .bind(reservation_id)
    .bind(company_id)
    .fetch_optional(&mut *connection)
    .await?;
    Err(match found {
        None => CreditsError::UnknownReservation,
        Some((status, _)) if status != "open" => CreditsError::ReservationClosed,
        Some((_, reserved_cents)) => CreditsError::MoreThanReserved {
            reserved_cents,
            asked_cents: committed_cents.unwrap_or(0),
        },
    })
}

/// Debits `actual_cents` (at most what was reserved; 0 is allowed) and frees the rest.
pub async fn commit(
    db: &Database,
    company_id: i64,
    reservation_id: i64,
    actual_cents: i64,
    description: &str,
    at: DateTime<Utc>,
) -> Result<Balance, CreditsError> {
    if actual_cents < 0 {
        return Err(CreditsError::NotPositive);
    }
    let mut tx = db.write().await?;
    let held = close(
        &mut tx,
        company_id,
        reservation_id,
        "committed",
        Some(actual_cents),
        at,
    )
    .await?;
    let (balance_cents, reserved_cents): (i64, i64) = sqlx::query_as(
        "UPDATE credit_accounts SET balance_cents = balance_cents - $1,
             reserved_cents = reserved_cents - $2
         WHERE company_id = $3 RETURNING balance_cents, reserved_cents",
    )
    .bind(actual_cents)
    .bind(held)
    .bind(company_id)
    .fetch_one(&mut *tx)
    .await?;
    if actual_cents > 0 {
        let movement = NewMovement {
            company_id,
            kind: "debit",
            amount_cents: -actual_cents,
            balance_after_cents: balance_cents,
            reservation_id: Some(reservation_id),
            description,
        };
        record_movement(&mut tx, movement, at).await?;
    }
    tx.commit().await?;
    Ok(Balance {
        balance_cents,
        reserved_cents,
    })
}

/// Gives the reserved amount back to the available balance.
pub async fn release(
    db: &Database,
    company_id: i64,
    reservation_id: i64,
    at: DateTime<Utc>,
) -> Result<Balance, CreditsError> {
    let mut tx = db.write().await?;
    let held = close(&mut tx, company_id, reservation_id, "released", None, at).await?;
    let (balance_cents, reserved_cents): (i64, i64) = sqlx::query_as(
        "UPDATE credit_accounts SET reserved_cents = reserved_cents - $1
         WHERE company_id = $2 RETURNING balance_cents, reserved_cents",
    )
    .bind(held)
    .bind(company_id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Balance {
        balance_cents,
        reserved_cents,
    })
}
