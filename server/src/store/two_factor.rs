//! Two-factor authentication as stored: each person's TOTP secret (pending until a code
//! confirms it), the last time step accepted (a code works once), their recovery codes (only
//! their SHA-256), and the log-ins waiting for their second factor. Turning it on or off and
//! new recovery codes are in the proof log.

use chrono::{DateTime, TimeDelta, Utc};
use protocol::TwoFactorStatus;
use rand::RngCore;
use sqlx::{AnyConnection, Row};

use super::audit;
use super::codec::{Columns, stamp};
use super::sessions::token_hash;
use crate::db::Database;

/// How long a log-in may wait for its code once the password was right.
pub const CHALLENGE_LIFETIME: TimeDelta = TimeDelta::minutes(5);
/// Wrong codes a waiting log-in takes before the password must be given again.
pub const CHALLENGE_TRIES: i64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    #[error("two-factor authentication is already on")]
    AlreadyOn,
    #[error("two-factor authentication is off")]
    NotOn,
    #[error("no two-factor setup under way")]
    NoSetup,
    /// A Manager of a Company that requires it cannot turn it off.
    #[error("required by the company")]
    RequiredByCompany,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A person's secret and whether it is in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Factor {
    /// Base32.
    pub secret: String,
    pub enabled: bool,
    /// The last time step whose code was accepted.
    pub last_step: u64,
}

pub async fn factor(db: &Database, user_id: i64) -> Result<Option<Factor>, sqlx::Error> {
    let row =
        sqlx::query("SELECT secret, enabled_at, last_step FROM two_factor WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?;
    row.map(|row| {
        Ok(Factor {
            secret: row.try_get("secret")?,
            enabled: row.try_get::<Option<String>, _>("enabled_at")?.is_some(),
            last_step: u64::try_from(row.try_get::<i64, _>("last_step")?).unwrap_or(0),
        })
    })
    .transpose()
}

/// Whether the person has it on, whether their Company requires it of them, and how many
/// recovery codes they have left.
pub async fn status(db: &Database, user_id: i64) -> Result<TwoFactorStatus, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.role, c.managers_need_two_factor,
                (SELECT COUNT(*) FROM two_factor f
                 WHERE f.user_id = u.id AND f.enabled_at IS NOT NULL) AS enabled,
                (SELECT COUNT(*) FROM recovery_codes r
                 WHERE r.user_id = u.id AND r.used_at IS NULL) AS codes_left
         FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(TwoFactorStatus::default());
    };
    let enabled = row.count::<i64>("enabled")? > 0;
    Ok(TwoFactorStatus {
        enabled,
        required: row.try_get::<String, _>("role")? == "manager"
            && row.flag("managers_need_two_factor")?,
        recovery_codes_left: if enabled {
            row.count::<u32>("codes_left")?
        } else {
            0
        },
    })
}

/// Keeps a new secret for the person, pending until a code from their app confirms it (any
/// earlier pending one is replaced).
pub async fn begin(
    db: &Database,
    user_id: i64,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), TwoFactorError> {
    let mut tx = db.write().await?;
    let enabled: Option<Option<String>> =
        sqlx::query_scalar("SELECT enabled_at FROM two_factor WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    if matches!(enabled, Some(Some(_))) {
        return Err(TwoFactorError::AlreadyOn);
    }
    sqlx::query("DELETE FROM two_factor WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO two_factor (user_id, secret, created_at) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(secret)
        .bind(stamp(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Puts the pending secret in force, `step` being the step of the code that confirmed it, with
/// these recovery codes (their hashes).
pub async fn enable(
    db: &Database,
    company_id: i64,
    user_id: i64,
    step: u64,
    recovery_hashes: &[String],
    now: DateTime<Utc>,
) -> Result<(), TwoFactorError> {
    let mut tx = db.write().await?;
    let updated = sqlx::query(
        "UPDATE two_factor SET enabled_at = $1, last_step = $2
         WHERE user_id = $3 AND enabled_at IS NULL",
    )
    .bind(stamp(now))
    .bind(step_value(step))
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(TwoFactorError::NoSetup);
    }
    store_recovery_codes(&mut tx, user_id, recovery_hashes).await?;
    record(&mut tx, company_id, user_id, "user.two_factor_on", now).await?;
    tx.commit().await?;
    Ok(())
}

/// Turns it off: the secret, the recovery codes and any waiting log-in are deleted. Refused to
/// a Manager of a Company that requires it.
pub async fn disable(
    db: &Database,
    company_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), TwoFactorError> {
    let mut tx = db.write().await?;
    let required = sqlx::query(
        "SELECT u.role, c.managers_need_two_factor FROM users u
         JOIN companies c ON c.id = u.company_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    if required.try_get::<String, _>("role")? == "manager"
        && required.flag("managers_need_two_factor")?
    {
        return Err(TwoFactorError::RequiredByCompany);
    }
    let deleted =
        sqlx::query("DELETE FROM two_factor WHERE user_id = $1 AND enabled_at IS NOT NULL")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    if deleted.rows_affected() == 0 {
        return Err(TwoFactorError::NotOn);
    }
    forget(&mut tx, user_id).await?;
    record(&mut tx, company_id, user_id, "user.two_factor_off", now).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the person's recovery codes and waiting log-ins.
async fn forget(connection: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    for statement in [
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "DELETE FROM login_challenges WHERE user_id = $1",
    ] {
        sqlx::query(statement)
            .bind(user_id)
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
}

/// Replaces the person's recovery codes (the old ones stop working).
pub async fn replace_recovery_codes(
    db: &Database,
    company_id: i64,
    user_id: i64,
    recovery_hashes: &[String],
    now: DateTime<Utc>,
) -> Result<(), TwoFactorError> {
    let mut tx = db.write().await?;
    let enabled: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM two_factor WHERE user_id = $1 AND enabled_at IS NOT NULL",
    )
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    if enabled.is_none() {
        return Err(TwoFactorError::NotOn);
    }
    store_recovery_codes(&mut tx, user_id, recovery_hashes).await?;
    record(&mut tx, company_id, user_id, "user.recovery_codes_new", now).await?;
    tx.commit().await?;
    Ok(())
}

async fn store_recovery_codes(
    connection: &mut AnyConnection,
    user_id: i64,
    hashes: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *connection)
        .await?;
    for hash in hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(hash)
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
}

/// Records that the code of `step` was used, if no later or equal step was: false when the
/// code was already used (two log-ins racing with one code get one success).
pub async fn accept_step(db: &Database, user_id: i64, step: u64) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE two_factor SET last_step = $1
         WHERE user_id = $2 AND enabled_at IS NOT NULL AND last_step < $1",
    )
    .bind(step_value(step))
    .bind(user_id)
    .execute(&db.pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Uses up the recovery code with this hash: false when it is not one of the person's unused
/// codes.
pub async fn use_recovery_code(
    db: &Database,
    company_id: i64,
    user_id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let updated = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(stamp(now))
    .bind(user_id)
    .bind(hash)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    record(&mut tx, company_id, user_id, "user.recovery_code_used", now).await?;
    tx.commit().await?;
    Ok(true)
}

/// A log-in waiting for its second factor: its token (only its SHA-256 is kept).
pub async fn open_challenge(
    db: &Database,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let mut tx = db.write().await?;
    // Expired challenges of anyone go with each new one.
    sqlx::query("DELETE FROM login_challenges WHERE expires_at <= $1")
        .bind(stamp(now))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO login_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(stamp(now + CHALLENGE_LIFETIME))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The person a live challenge is for: `None` when it is unknown, expired or out of tries.
pub async fn challenged(
    db: &Database,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT l.user_id, u.company_id FROM login_challenges l JOIN users u ON u.id = l.user_id
         WHERE l.token_hash = $1 AND l.expires_at > $2 AND l.failures < $3
           AND u.status = 'active' AND u.deleted_at IS NULL",
    )
    .bind(token_hash(token))
    .bind(stamp(now))
    .bind(CHALLENGE_TRIES)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| Ok((row.try_get("user_id")?, row.try_get("company_id")?)))
        .transpose()
}

/// Counts a wrong code against the challenge.
pub async fn challenge_failed(db: &Database, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE login_challenges SET failures = failures + 1 WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await
        .map(drop)
}

/// Ends the challenge; false when it was already ended (by a concurrent answer).
pub async fn close_challenge(db: &Database, token: &str) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM login_challenges WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(deleted.rows_affected() == 1)
}

fn step_value(step: u64) -> i64 {
    i64::try_from(step).unwrap_or(i64::MAX)
}

async fn record(
    connection: &mut AnyConnection,
    company_id: i64,
    user_id: i64,
    action: &'static str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let change = audit::Change::new(company_id, Some(user_id), action, format!("user:{user_id}"));
    audit::record(connection, change, now).await
}
