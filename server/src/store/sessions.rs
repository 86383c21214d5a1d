//! Server-side sessions: the cookie holds a random token, the database only its SHA-256, so a
//! leaked database cannot be replayed as cookies, and logging out really ends the session.

use chrono::{DateTime, TimeDelta, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::stamp;
use crate::db::Database;

/// How long a session lasts without logging in again.
pub const LIFETIME: TimeDelta = TimeDelta::days(14);

/// The user a live session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    pub user_id: i64,
    pub company_id: i64,
    pub is_manager: bool,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Opens a session for `user_id` and returns its token (to be put in the cookie).
pub async fn open(db: &Database, user_id: i64, now: DateTime<Utc>) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(stamp(now))
        .bind(stamp(now + LIFETIME))
        .execute(&db.pool)
        .await?;
    Ok(token)
}

/// The user of the session with this token, if it exists and has not expired.
pub async fn find(
    db: &Database,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.id, u.company_id, u.role FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(stamp(now))
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(SessionUser {
            user_id: row.try_get("id")?,
            company_id: row.try_get("company_id")?,
            is_manager: row.try_get::<String, _>("role")? == "manager",
        })
    })
    .transpose()
}

pub async fn close(db: &Database, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await
        .map(drop)
}
