//! The provider's operators (issue 14): their accounts, set up through a one-time link, and their
//! sessions, separate from Company Users' (`sessions`). Tokens are stored as their SHA-256 only,
//! as Users' are.

use chrono::{DateTime, TimeDelta, Utc};
use protocol::backoffice::{OperatorItem, OperatorMe, OperatorRole};
use rand::RngCore;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::codec::{corrupt, stamp};
use super::sessions::token_hash;
use crate::db::{Database, is_unique_violation};

/// How long a set-up link works.
pub const SETUP_LIFETIME: TimeDelta = TimeDelta::days(3);
/// How long an operator's session lasts: a working day, then they sign in again.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::hours(12);

/// A random token (64 hex digits), for a link or a cookie.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("an operator with this email exists already")]
    Taken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Adds an operator with their authenticator's secret (base32) and the token of their set-up
/// link (which this returns).
pub async fn add(
    db: &Database,
    email: &str,
    role: OperatorRole,
    totp_secret: &str,
    now: DateTime<Utc>,
) -> Result<(i64, String), AddError> {
    let token = new_token();
    let added = sqlx::query_scalar(
        "INSERT INTO operators (email, role, totp_secret, setup_token_hash, setup_expires_at,
                                created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(email)
    .bind(role.as_str())
    .bind(totp_secret)
    .bind(token_hash(&token))
    .bind(stamp(now + SETUP_LIFETIME))
    .bind(stamp(now))
    .fetch_one(&db.pool)
    .await;
    match added {
        Ok(id) => Ok((id, token)),
        Err(error) if is_unique_violation(&error) => Err(AddError::Taken),
        Err(error) => Err(error.into()),
    }
}

/// An operator as their credentials are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub me: OperatorMe,
    /// `None` until the set-up is completed.
    pub password_hash: Option<String>,
    pub totp_secret: String,
    pub totp_last_step: u64,
}

fn me_from_row(row: &AnyRow) -> Result<OperatorMe, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(OperatorMe {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        role: OperatorRole::parse(&role).ok_or_else(|| corrupt("role", &role))?,
    })
}

fn credentials_from_row(row: &AnyRow) -> Result<Credentials, sqlx::Error> {
    Ok(Credentials {
        me: me_from_row(row)?,
        password_hash: row.try_get("password_hash")?,
        totp_secret: row.try_get("totp_secret")?,
        totp_last_step: u64::try_from(row.try_get::<i64, _>("totp_last_step")?).unwrap_or(0),
    })
}

const CREDENTIALS: &str = "id, email, role, password_hash, totp_secret, totp_last_step";

/// The operator whose set-up link has this token, while it works.
pub async fn by_setup_token(
    db: &Database,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Credentials>, sqlx::Error> {
    let sql = format!(
        "SELECT {CREDENTIALS} FROM operators
         WHERE setup_token_hash = $1 AND setup_expires_at > $2"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token_hash(token))
        .bind(stamp(now))
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(credentials_from_row)
        .transpose()
}

/// Completes the set-up through the link with this token: the password, and the authenticator
/// step its first code used. False when the link no longer works (used meanwhile).
pub async fn complete_setup(
    db: &Database,
    token: &str,
    password_hash: &str,
    step: u64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE operators SET password_hash = $1, totp_last_step = $2, set_up_at = $3,
                setup_token_hash = NULL, setup_expires_at = NULL
         WHERE setup_token_hash = $4 AND setup_expires_at > $3",
    )
    .bind(password_hash)
    .bind(i64::try_from(step).unwrap_or(i64::MAX))
    .bind(stamp(now))
    .bind(token_hash(token))
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The operator signing in with this email (any case).
pub async fn by_email(db: &Database, email: &str) -> Result<Option<Credentials>, sqlx::Error> {
    let sql = format!("SELECT {CREDENTIALS} FROM operators WHERE lower(email) = lower($1)");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(email)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(credentials_from_row)
        .transpose()
}

/// Records that the operator used the authenticator's `step`; false when that step (or a
/// later one) was used already: a code works once.
pub async fn accept_step(db: &Database, operator_id: i64, step: u64) -> Result<bool, sqlx::Error> {
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let done = sqlx::query(
        "UPDATE operators SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
    )
    .bind(step)
    .bind(operator_id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Opens a session for the operator; its token, for the cookie.
pub async fn open_session(
    db: &Database,
    operator_id: i64,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let token = new_token();
    sqlx::query(
        "INSERT INTO operator_sessions (token_hash, operator_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(operator_id)
    .bind(stamp(now))
    .bind(stamp(now + SESSION_LIFETIME))
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// The operator of the live session with this token.
pub async fn session(
    db: &Database,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<OperatorMe>, sqlx::Error> {
    sqlx::query(
        "SELECT o.id, o.email, o.role FROM operator_sessions s
         JOIN operators o ON o.id = s.operator_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.set_up_at IS NOT NULL",
    )
    .bind(token_hash(token))
    .bind(stamp(now))
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(me_from_row)
    .transpose()
}

pub async fn close_session(db: &Database, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM operator_sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await
        .map(drop)
}

/// Every operator, by email.
pub async fn list(db: &Database) -> Result<Vec<OperatorItem>, sqlx::Error> {
    sqlx::query("SELECT id, email, role, set_up_at FROM operators ORDER BY email")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| {
            let me = me_from_row(row)?;
            Ok(OperatorItem {
                id: me.id,
                email: me.email,
                role: me.role,
                set_up: row.try_get::<Option<String>, _>("set_up_at")?.is_some(),
            })
        })
        .collect()
}
