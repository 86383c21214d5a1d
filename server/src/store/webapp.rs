//! What the WebApp needs about the signed-in User: their Numbers (with Call Plan and active
//! Licence). Their usage is counted in `communications`; messages and calls have their own modules.

use domain::country::CountryCode;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::codec::Columns;
use crate::db::Database;

/// One of the User's Numbers, on an active Licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnNumber {
    pub id: i64,
    pub company_id: i64,
    pub e164: String,
    pub country: CountryCode,
    pub plan_name: String,
    pub included_minutes: Option<u32>,
    pub included_sms: Option<u32>,
    /// NUM-5: special and international calls may be paid with Credits.
    pub calls_with_credits: bool,
}

macro_rules! select_own_numbers {
    () => {
        "SELECT n.id, n.company_id, n.e164, n.country, p.name, p.included_minutes,
                p.included_sms, p.international_with_credits
         FROM numbers n
         JOIN licences l ON l.id = n.licence_id AND l.status = 'active'
         JOIN call_plans p ON p.id = n.plan_id
         WHERE n.user_id = $1"
    };
}

fn count(row: &AnyRow, column: &str) -> Result<Option<u32>, sqlx::Error> {
    let value: Option<i64> = row.try_get(column)?;
    Ok(value.map(|n| u32::try_from(n).unwrap_or(u32::MAX)))
}

fn from_row(row: &AnyRow) -> Result<OwnNumber, sqlx::Error> {
    let with_credits: i64 = row.try_get("international_with_credits")?;
    Ok(OwnNumber {
        id: row.try_get("id")?,
        company_id: row.try_get("company_id")?,
        e164: row.try_get("e164")?,
        country: row.parsed("country")?,
        plan_name: row.try_get("name")?,
        included_minutes: count(row, "included_minutes")?,
        included_sms: count(row, "included_sms")?,
        calls_with_credits: with_credits != 0,
    })
}

/// The Numbers `user_id` holds on an active Licence, in the order they were bought.
pub async fn numbers_of(db: &Database, user_id: i64) -> Result<Vec<OwnNumber>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        select_own_numbers!(),
        " ORDER BY n.licence_id, n.id"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

/// One Number of `user_id`'s; `None` when it is not theirs (or not in service).
pub async fn number_of(
    db: &Database,
    user_id: i64,
    number_id: i64,
) -> Result<Option<OwnNumber>, sqlx::Error> {
    let row = sqlx::query(concat!(select_own_numbers!(), " AND n.id = $2"))
        .bind(user_id)
        .bind(number_id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The hosted Number with this E.164, its Company and the User holding it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedNumber {
    pub id: i64,
    pub company_id: i64,
    pub user_id: Option<i64>,
}

/// The Number `e164` when it is hosted here and in service (on an active Licence).
pub async fn hosted(db: &Database, e164: &str) -> Result<Option<HostedNumber>, sqlx::Error> {
    let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT n.id, n.company_id, n.user_id FROM numbers n
         JOIN licences l ON l.id = n.licence_id AND l.status = 'active'
         WHERE n.e164 = $1",
    )
    .bind(e164)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id, company_id, user_id)| HostedNumber {
        id,
        company_id,
        user_id,
    }))
}

/// The active Users of a Company, who may have the WebApp open.
pub async fn active_user_ids(db: &Database, company_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM users WHERE company_id = $1 AND status = 'active'")
        .bind(company_id)
        .fetch_all(&db.pool)
        .await
}
