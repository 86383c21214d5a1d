//! The outbox: every email the product sends is first a row here, written in the same
//! transaction as what it tells (an invitation, a formal notice…), so none is lost. The mail
//! dispatcher (`crate::mail`) claims the rows that are due, sends them, and records each outcome:
//! sent, retried later with a growing wait, or failed for good with the reason.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::{AnyConnection, Row};

use super::codec::stamp;
use crate::db::Database;

/// The product's personal links an email may carry (written relative, `/invitation/<token>`):
/// they are the recipient's alone, made absolute when sent and left out of what Managers see.
pub const PERSONAL_LINKS: [&str; 2] = ["/invitation/", "/password-reset/"];

/// How many times an email is tried before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 10;
/// How long a dispatcher may hold a claimed row before another may take it over.
const CLAIM: TimeDelta = TimeDelta::minutes(5);

/// An email to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedEmail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Attempts made before this one.
    pub attempts: i64,
}

/// Queues an email to `recipient` for the Company, inside the caller's transaction.
pub async fn queue(
    connection: &mut AnyConnection,
    company_id: i64,
    recipient: &str,
    subject: &str,
    body: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (company_id, recipient, subject, body, created_at, status, attempts)
         VALUES ($1, $2, $3, $4, $5, 'queued', 0)",
    )
    .bind(company_id)
    .bind(recipient)
    .bind(subject)
    .bind(body)
    .bind(stamp(at))
    .execute(connection)
    .await
    .map(drop)
}

/// Claims up to `limit` emails due at `now`, oldest first: each is this caller's to send for the
/// next few minutes (another dispatcher, on another server, skips it).
pub async fn claim_due(
    db: &Database,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<QueuedEmail>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, recipient, subject, body, attempts, next_attempt_at FROM outbox
         WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
         ORDER BY id LIMIT $2",
    )
    .bind(stamp(now))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let seen: Option<String> = row.try_get("next_attempt_at")?;
        // Taken only if nobody changed it since it was read.
        let taken = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND status = 'queued'
             AND (next_attempt_at = $3 OR (next_attempt_at IS NULL AND $3 IS NULL))",
        )
        .bind(stamp(now + CLAIM))
        .bind(id)
        .bind(seen)
        .execute(&db.pool)
        .await?;
        if taken.rows_affected() == 1 {
            claimed.push(QueuedEmail {
                id,
                recipient: row.try_get("recipient")?,
                subject: row.try_get("subject")?,
                body: row.try_get("body")?,
                attempts: row.try_get("attempts")?,
            });
        }
    }
    Ok(claimed)
}

/// The email went out.
pub async fn sent(db: &Database, id: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1,
             next_attempt_at = NULL, last_error = NULL WHERE id = $2",
    )
    .bind(stamp(at))
    .bind(id)
    .execute(&db.pool)
    .await
    .map(drop)
}

/// The wait before attempt `attempts + 1`: 10 s, 20 s, 40 s… up to an hour.
pub fn retry_after(attempts: i64) -> TimeDelta {
    let doublings = u32::try_from(attempts.clamp(1, 30) - 1).unwrap_or(0);
    TimeDelta::seconds(10 * 2i64.pow(doublings)).min(TimeDelta::hours(1))
}

/// The attempt failed: tried again later, or failed for good after [`MAX_ATTEMPTS`] (or at once
/// when `permanent`, e.g. a recipient the server refuses).
pub async fn failed(
    db: &Database,
    email: &QueuedEmail,
    reason: &str,
    permanent: bool,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let attempts = email.attempts + 1;
    let give_up = permanent || attempts >= MAX_ATTEMPTS;
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4
         WHERE id = $5",
    )
    .bind(if give_up { "failed" } else { "queued" })
    .bind(attempts)
    .bind((!give_up).then(|| stamp(at + retry_after(attempts))))
    .bind(reason)
    .bind(email.id)
    .execute(&db.pool)
    .await
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        let waits: Vec<i64> = (1..=6).map(|n| retry_after(n).num_seconds()).collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320]);
        assert_eq!(retry_after(20), TimeDelta::hours(1));
    }
}
