//! Server-side sessions: the cookie holds a random token, the database only its SHA-256, so a
//! leaked database cannot be replayed as cookies, and logging out really ends the session.

use chrono::{DateTime, TimeDelta, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::codec::{Columns, stamp};
use crate::db::Database;

/// How long a session lasts without logging in again, however much it is used.
pub const LIFETIME: TimeDelta = TimeDelta::days(14);
/// How long a session lasts unused.
pub const IDLE: TimeDelta = TimeDelta::days(7);
/// How stale `last_seen_at` may get before a request refreshes it (a write per request would
/// queue every reader behind SQLite's single writer).
const SEEN_EVERY: TimeDelta = TimeDelta::minutes(5);

/// The user a live session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    pub user_id: i64,
    pub company_id: i64,
    pub is_manager: bool,
    /// A Manager whose Company requires two-factor authentication and who has not turned it
    /// on: until they do, only their own account's routes answer them.
    pub two_factor_setup_needed: bool,
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Opens a session for `user_id` and returns its token (to be put in the cookie).
pub async fn open(db: &Database, user_id: i64, now: DateTime<Utc>) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $3)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(stamp(now))
    .bind(stamp(now + LIFETIME))
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// The user of the session with this token, if it exists, has not expired and was used within
/// [`IDLE`]; marks it used.
pub async fn find(
    db: &Database,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let hash = token_hash(token);
    let row = sqlx::query(
        "SELECT u.id, u.company_id, u.role, COALESCE(s.last_seen_at, s.created_at) AS seen,
                c.managers_need_two_factor,
                (SELECT COUNT(*) FROM two_factor f
                 WHERE f.user_id = u.id AND f.enabled_at IS NOT NULL) AS factors
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN companies c ON c.id = u.company_id
         WHERE s.token_hash = $1 AND s.expires_at > $2
           AND COALESCE(s.last_seen_at, s.created_at) > $3",
    )
    .bind(&hash)
    .bind(stamp(now))
    .bind(stamp(now - IDLE))
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if row.instant("seen")? < now - SEEN_EVERY {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(stamp(now))
            .bind(&hash)
            .execute(&db.pool)
            .await?;
    }
    let is_manager = row.try_get::<String, _>("role")? == "manager";
    Ok(Some(SessionUser {
        user_id: row.try_get("id")?,
        company_id: row.try_get("company_id")?,
        is_manager,
        two_factor_setup_needed: is_manager
            && row.flag("managers_need_two_factor")?
            && row.count::<i64>("factors")? == 0,
    }))
}

/// Ends every session of `user_id` but the one with token `keep` (all of them without one).
pub async fn close_all(
    connection: &mut sqlx::AnyConnection,
    user_id: i64,
    keep: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep.map(token_hash).unwrap_or_default())
        .execute(connection)
        .await
        .map(drop)
}

pub async fn close(db: &Database, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await
        .map(drop)
}
