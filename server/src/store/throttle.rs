//! Failed attempts (log-in, password reset, invitation acceptance) counted per subject: an account
//! (its email) and a client address. Past a few failures each new one blocks the subject for
//! longer (doubling, up to a cap); an attempt while blocked is refused without even checking the
//! password. Counts live in the database, so they hold across restarts and server instances,
//! and fade an hour after the last failure.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::Row;

use super::codec::{Columns, stamp};
use crate::db::Database;

/// What is being attempted, with its own counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Log-in, per account (the email given).
    LoginAccount,
    /// Log-in, per client address.
    LoginAddress,
    /// Password-reset requests, per client address.
    ResetAddress,
    /// Password-reset requests, per account (the email given).
    ResetAccount,
    /// Invitation and reset links tried, per client address.
    LinkAddress,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::LoginAccount => "login_account",
            Scope::LoginAddress => "login_address",
            Scope::ResetAddress => "reset_address",
            Scope::ResetAccount => "reset_account",
            Scope::LinkAddress => "link_address",
        }
    }

    /// Failures allowed before any wait.
    fn free_failures(self) -> i64 {
        match self {
            Scope::LoginAccount => 5,
            // An office behind one address has many people mistyping.
            Scope::LoginAddress | Scope::LinkAddress => 20,
            Scope::ResetAddress => 10,
            Scope::ResetAccount => 3,
        }
    }
}

/// The longest wait after repeated failures.
pub const MAX_BLOCK: TimeDelta = TimeDelta::minutes(15);
/// Failures are forgotten this long after the last one.
const FORGET_AFTER: TimeDelta = TimeDelta::hours(1);

/// How long a subject with `failures` failures in `scope` waits before the next attempt: nothing
/// up to the scope's free failures, then 1 s, 2 s, 4 s… up to [`MAX_BLOCK`].
pub fn block_after(scope: Scope, failures: i64) -> TimeDelta {
    let over = failures - scope.free_failures();
    if over <= 0 {
        return TimeDelta::zero();
    }
    // 2^20 s is far past the cap already.
    let doublings = u32::try_from(over - 1).unwrap_or(u32::MAX).min(20);
    TimeDelta::seconds(1 << doublings).min(MAX_BLOCK)
}

/// How long the most blocked of `subjects` must still wait, if any is blocked at `now`.
pub async fn blocked(
    db: &Database,
    subjects: &[(Scope, &str)],
    now: DateTime<Utc>,
) -> Result<Option<TimeDelta>, sqlx::Error> {
    let mut longest: Option<TimeDelta> = None;
    for (scope, subject) in subjects {
        let row = sqlx::query(
            "SELECT blocked_until FROM throttles WHERE scope = $1 AND subject = $2 AND blocked_until > $3",
        )
        .bind(scope.as_str())
        .bind(*subject)
        .bind(stamp(now))
        .fetch_optional(&db.pool)
        .await?;
        if let Some(row) = row {
            let wait = row.instant("blocked_until")? - now;
            longest = Some(longest.map_or(wait, |longest| longest.max(wait)));
        }
    }
    Ok(longest)
}

/// Counts a failure for each of `subjects` and blocks them as [`block_after`] says.
pub async fn failed(
    db: &Database,
    subjects: &[(Scope, &str)],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    for (scope, subject) in subjects {
        let failures: i64 = sqlx::query(
            "INSERT INTO throttles (scope, subject, failures, last_failure_at, blocked_until)
             VALUES ($1, $2, 1, $3, $3)
             ON CONFLICT (scope, subject) DO UPDATE SET
                 failures = CASE WHEN throttles.last_failure_at < $4 THEN 1
                                 ELSE throttles.failures + 1 END,
                 last_failure_at = $3
             RETURNING failures",
        )
        .bind(scope.as_str())
        .bind(*subject)
        .bind(stamp(now))
        .bind(stamp(now - FORGET_AFTER))
        .fetch_one(&mut *tx)
        .await?
        .try_get("failures")?;
        sqlx::query("UPDATE throttles SET blocked_until = $1 WHERE scope = $2 AND subject = $3")
            .bind(stamp(now + block_after(*scope, failures)))
            .bind(scope.as_str())
            .bind(*subject)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// Forgets the failures of `subject` (a successful log-in for that account).
pub async fn succeeded(db: &Database, scope: Scope, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM throttles WHERE scope = $1 AND subject = $2")
        .bind(scope.as_str())
        .bind(subject)
        .execute(&db.pool)
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_the_free_failures_up_to_the_cap() {
        let waits: Vec<i64> = (0..=8)
            .map(|failures| block_after(Scope::LoginAccount, failures).num_seconds())
            .collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 0, 1, 2, 4]);
        assert_eq!(block_after(Scope::LoginAccount, 40), MAX_BLOCK);
        assert_eq!(block_after(Scope::LoginAccount, i64::MAX), MAX_BLOCK);
        assert_eq!(block_after(Scope::LoginAddress, 20), TimeDelta::zero());
        assert_eq!(block_after(Scope::LoginAddress, 21), TimeDelta::seconds(1));
    }
}
