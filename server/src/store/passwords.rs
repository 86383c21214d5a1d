//! A person's password, theirs alone: "Forgot your password?" sends a single-use link valid for
//! an hour to the account's address (only its SHA-256 is kept); the link, or the current
//! password, sets a new one, and either ends the person's other sessions. Each change is in the
//! proof log.

use chrono::{DateTime, TimeDelta, Utc};
use domain::email::Email;
use rand::RngCore;
use sqlx::{AnyConnection, Row};

use super::audit;
use super::codec::{Columns, stamp};
use super::sessions::{self, token_hash};
use crate::db::Database;

/// How long a reset link works.
pub const RESET_LIFETIME: TimeDelta = TimeDelta::hours(1);

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("no such reset link")]
    Unknown,
    #[error("the reset link has expired")]
    Expired,
    #[error("the reset link was already used")]
    Used,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Sends a reset link to the active account using `email`, if there is one (nothing happens
/// otherwise, and the caller answers the same either way).
pub async fn request_reset(
    db: &Database,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    let row = sqlx::query(
        "SELECT id, company_id, first_name FROM users
         WHERE email = $1 AND status = 'active' AND deleted_at IS NULL",
    )
    .bind(email.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(()) };
    let user_id: i64 = row.try_get("id")?;
    let company_id: i64 = row.try_get("company_id")?;
    let first_name: String = row.try_get("first_name")?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(stamp(now))
    .bind(stamp(now + RESET_LIFETIME))
    .execute(&mut *tx)
    .await?;
    let body = format!(
        "Hello {first_name},\n\nSomeone asked to reset the password of your Numbers Console \
         account. If it was you, choose a new password with this link: /password-reset/{token}\n\n\
         The link works once, for {minutes} minutes. If it was not you, ignore this email: your \
         password stays as it is.",
        minutes = RESET_LIFETIME.num_minutes(),
    );
    super::outbox::queue(
        &mut tx,
        company_id,
        email.as_str(),
        "Resetting your password",
        &body,
        now,
    )
    .await?;
    tx.commit().await
}

/// The account a live reset link is for.
async fn live_reset(
    connection: &mut AnyConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(i64, i64), ResetError> {
    let row = sqlx::query(
        "SELECT r.user_id, r.expires_at, r.used_at, u.company_id FROM password_resets r
         JOIN users u ON u.id = r.user_id
         WHERE r.token_hash = $1 AND u.status = 'active' AND u.deleted_at IS NULL",
    )
    .bind(token_hash(token))
    .fetch_optional(&mut *connection)
    .await?
    .ok_or(ResetError::Unknown)?;
    if row.instant_opt("used_at")?.is_some() {
        return Err(ResetError::Used);
    }
    if row.instant("expires_at")? <= now {
        return Err(ResetError::Expired);
    }
    Ok((row.try_get("user_id")?, row.try_get("company_id")?))
}

/// Whether `token` is a live reset link.
pub async fn check_reset(db: &Database, token: &str, now: DateTime<Utc>) -> Result<(), ResetError> {
    let mut connection = db.pool.acquire().await?;
    live_reset(&mut connection, token, now).await.map(drop)
}

/// Sets the password of the link's account, uses the link up (and any other reset link of the
/// account) and ends every session of the account; the account's id.
pub async fn reset(
    db: &Database,
    token: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64, ResetError> {
    let mut tx = db.write().await?;
    let (user_id, company_id) = live_reset(&mut tx, token, now).await?;
    set_password(&mut tx, user_id, password_hash).await?;
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(stamp(now))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sessions::close_all(&mut tx, user_id, None).await?;
    record(&mut tx, company_id, user_id, "user.password_reset", now).await?;
    tx.commit().await?;
    Ok(user_id)
}

/// The stored password hash of a signed-in person, to check their current password.
pub async fn current_hash(db: &Database, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await
        .map(Option::flatten)
}

/// Sets a signed-in person's new password and ends their other sessions (the one with token
/// `keep` stays).
pub async fn change(
    db: &Database,
    company_id: i64,
    user_id: i64,
    password_hash: &str,
    keep: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    set_password(&mut tx, user_id, password_hash).await?;
    sessions::close_all(&mut tx, user_id, Some(keep)).await?;
    record(&mut tx, company_id, user_id, "user.password_change", now).await?;
    tx.commit().await
}

/// "Log out everywhere": ends every session of the person.
pub async fn log_out_everywhere(db: &Database, user_id: i64) -> Result<(), sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    sessions::close_all(&mut connection, user_id, None).await
}

async fn set_password(
    connection: &mut AnyConnection,
    user_id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user_id)
        .execute(connection)
        .await
        .map(drop)
}

async fn record(
    connection: &mut AnyConnection,
    company_id: i64,
    user_id: i64,
    action: &'static str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let change = audit::Change::new(company_id, Some(user_id), action, format!("user:{user_id}"))
        .after(&serde_json::json!({"password_set": true, "other_sessions_ended": true}));
    audit::record(connection, change, now).await
}
