//! The Company's Numbers and who holds them (NUM-1, NUM-2, NUM-4). The rules are applied by the
//! caller (`domain`); this module only reads and writes, each change with its proof log entry.

use chrono::{DateTime, Utc};
use domain::country::CountryCode;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit;
use super::codec::Columns;
use crate::db::Database;

/// A Number the Company holds, with its Call Plan and its User.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberRecord {
    pub id: i64,
    pub e164: String,
    pub country: CountryCode,
    pub plan: Option<String>,
    pub licence_id: Option<i64>,
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
}

/// The Numbers of the Company bound to `$1`.
macro_rules! select_numbers {
    () => {
        "SELECT n.id, n.e164, n.country, n.licence_id, n.user_id, p.name AS plan,
                u.first_name, u.last_name
         FROM numbers n
         LEFT JOIN call_plans p ON p.id = n.plan_id
         LEFT JOIN users u ON u.id = n.user_id
         WHERE n.company_id = $1"
    };
}

fn from_row(row: &AnyRow) -> Result<NumberRecord, sqlx::Error> {
    let first: Option<String> = row.try_get("first_name")?;
    let last: Option<String> = row.try_get("last_name")?;
    Ok(NumberRecord {
        id: row.try_get("id")?,
        e164: row.try_get("e164")?,
        country: row.parsed("country")?,
        plan: row.try_get("plan")?,
        licence_id: row.try_get("licence_id")?,
        user_id: row.try_get("user_id")?,
        user_name: first
            .zip(last)
            .map(|(first, last)| format!("{first} {last}")),
    })
}

/// Every Number of the Company, in E.164 order.
pub async fn list(db: &Database, company_id: i64) -> Result<Vec<NumberRecord>, sqlx::Error> {
    let rows = sqlx::query(concat!(select_numbers!(), " ORDER BY n.e164"))
        .bind(company_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// One Number of the Company; `None` when it does not exist or is not the Company's.
pub async fn find(
    db: &Database,
    company_id: i64,
    number_id: i64,
) -> Result<Option<NumberRecord>, sqlx::Error> {
    let row = sqlx::query(concat!(select_numbers!(), " AND n.id = $2"))
        .bind(company_id)
        .bind(number_id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A User of the Company, with what NUM-2 needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub active: bool,
    pub residence: Option<CountryCode>,
    pub stable_links: Vec<CountryCode>,
}

/// The User `user_id` of the Company; `None` when not the Company's.
pub async fn candidate(
    db: &Database,
    company_id: i64,
    user_id: i64,
) -> Result<Option<Candidate>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, first_name, last_name, status, residence_country FROM users
         WHERE id = $1 AND company_id = $2",
    )
    .bind(user_id)
    .bind(company_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let stable_links =
        sqlx::query("SELECT country FROM user_stable_links WHERE user_id = $1 ORDER BY country")
            .bind(user_id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|link| link.parsed("country"))
            .collect::<Result<_, _>>()?;
    Ok(Some(candidate_from_row(&row, stable_links)?))
}

fn candidate_from_row(
    row: &AnyRow,
    stable_links: Vec<CountryCode>,
) -> Result<Candidate, sqlx::Error> {
    let first: String = row.try_get("first_name")?;
    let last: String = row.try_get("last_name")?;
    Ok(Candidate {
        id: row.try_get("id")?,
        name: format!("{first} {last}"),
        active: row.try_get::<String, _>("status")? == "active",
        residence: row.parsed_opt("residence_country")?,
        stable_links,
    })
}

/// Every active User of the Company, by name, with their stable links.
pub async fn active_candidates(
    db: &Database,
    company_id: i64,
) -> Result<Vec<Candidate>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, first_name, last_name, status, residence_country FROM users
         WHERE company_id = $1 AND status = 'active' ORDER BY last_name, first_name, id",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    let links = sqlx::query(
        "SELECT l.user_id, l.country FROM user_stable_links l JOIN users u ON u.id = l.user_id
         WHERE u.company_id = $1 ORDER BY l.country",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    let mut by_user = std::collections::HashMap::<i64, Vec<CountryCode>>::new();
    for link in &links {
        by_user
            .entry(link.try_get("user_id")?)
            .or_default()
            .push(link.parsed("country")?);
    }
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            candidate_from_row(row, by_user.remove(&id).unwrap_or_default())
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such number")]
    NotFound,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Gives the Number to `user_id` (or takes it back with `None`), replacing any previous holder
/// (NUM-1: one User at a time), with its proof log entry. The caller has checked NUM-2.
pub async fn set_user(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    number_id: i64,
    user_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<(), ChangeError> {
    let mut tx = db.write().await?;
    let before: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT e164, user_id FROM numbers WHERE id = $1 AND company_id = $2")
            .bind(number_id)
            .bind(company_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (e164, previous) = before.ok_or(ChangeError::NotFound)?;
    sqlx::query("UPDATE numbers SET user_id = $1 WHERE id = $2 AND company_id = $3")
        .bind(user_id)
        .bind(number_id)
        .bind(company_id)
        .execute(&mut *tx)
        .await?;
    let action = match user_id {
        Some(_) => "number.assign",
        None => "number.unassign",
    };
    let change = audit::Change::new(
        company_id,
        Some(actor_user_id),
        action,
        format!("number:{number_id}"),
    )
    .before(&serde_json::json!({"e164": e164, "user_id": previous}))
    .after(&serde_json::json!({"e164": e164, "user_id": user_id}));
    audit::record(&mut tx, change, at).await?;
    tx.commit().await?;
    Ok(())
}

/// Returns the Number to the provider's pool (the caller has checked NUM-4), with its proof log
/// entry.
pub async fn release(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    number: &NumberRecord,
    at: DateTime<Utc>,
) -> Result<(), ChangeError> {
    let mut tx = db.write().await?;
    let released = sqlx::query(
        "UPDATE numbers SET company_id = NULL, licence_id = NULL, plan_id = NULL, user_id = NULL,
                reserved_until = NULL
         WHERE id = $1 AND company_id = $2",
    )
    .bind(number.id)
    .bind(company_id)
    .execute(&mut *tx)
    .await?;
    if released.rows_affected() != 1 {
        return Err(ChangeError::NotFound);
    }
    let change = audit::Change::new(
        company_id,
        Some(actor_user_id),
        "number.release",
        format!("number:{}", number.id),
    )
    .before(number)
    .after(&serde_json::json!({"e164": number.e164, "company_id": null}));
    audit::record(&mut tx, change, at).await?;
    tx.commit().await?;
    Ok(())
}
