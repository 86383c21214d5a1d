//! Price-change notices (PRICE-4, PRICE-5) and the Company's termination after an increase.
//! The rules are applied by the caller (`domain::price_change`); this module reads and writes.
//! A notice's new prices go into `call_plan_prices` from its effective day, in the same
//! transaction (PRICE-2: prices are versioned, never updated).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use domain::money::Money;
use domain::price_change::{ChangedTier, PriceIndex, TierPrice};
use protocol::price_changes::NoticeKind;

use super::codec::{self, Columns};
use super::{audit, stamp};
use crate::db::{Database, is_unique_violation};

/// A Call Plan named by its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

pub async fn plan_by_code(db: &Database, code: &str) -> Result<Option<PlanRef>, sqlx::Error> {
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, code, name FROM call_plans WHERE code = $1")
            .bind(code)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(id, code, name)| PlanRef { id, code, name }))
}

/// The plan's prices in force on `on`: per tier, the row with the latest `valid_from ≤ on`.
pub async fn prices_in_force(
    db: &Database,
    plan_id: i64,
    on: NaiveDate,
) -> Result<Vec<TierPrice>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.billing, p.min_quantity, p.unit_price_cents FROM call_plan_prices p
         WHERE p.plan_id = $1 AND p.valid_from = (
             SELECT MAX(q.valid_from) FROM call_plan_prices q
             WHERE q.plan_id = p.plan_id AND q.billing = p.billing
               AND q.min_quantity = p.min_quantity AND q.valid_from <= $2)
         ORDER BY p.billing DESC, p.min_quantity",
    )
    .bind(plan_id)
    .bind(on.to_string())
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(tier_price).collect()
}

fn tier_price(row: &AnyRow) -> Result<TierPrice, sqlx::Error> {
    Ok(TierPrice {
        billing: row.parsed("billing")?,
        min_quantity: row.count("min_quantity")?,
        unit_price: row.money("unit_price_cents")?,
    })
}

/// PRICE-4: the effective day of the plan's latest indexation, if any.
pub async fn previous_indexation(
    db: &Database,
    plan_id: i64,
) -> Result<Option<NaiveDate>, sqlx::Error> {
    sqlx::query(
        "SELECT MAX(effective_on) AS previous FROM price_change_notices
         WHERE plan_id = $1 AND kind = 'indexed'",
    )
    .bind(plan_id)
    .fetch_one(&db.pool)
    .await?
    .date_opt("previous")
}

/// A notice to store, already validated by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewNotice {
    pub plan_id: i64,
    pub kind: NoticeKind,
    pub informed_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub index_base: Option<PriceIndex>,
    pub index_new: Option<PriceIndex>,
    pub previous_indexation: Option<NaiveDate>,
    pub prices: Vec<ChangedTier>,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateNoticeError {
    /// A price of the plan already starts on the effective day (another change).
    #[error("a price already starts on that day")]
    PriceAlreadyScheduled(NaiveDate),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Stores the notice, its prices, and the new rows of the price list, all or nothing.
pub async fn create(
    db: &Database,
    notice: &NewNotice,
    at: DateTime<Utc>,
) -> Result<i64, CreateNoticeError> {
    let mut tx = db.write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO price_change_notices (plan_id, kind, informed_on, effective_on, index_base,
             index_new, previous_indexation, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(notice.plan_id)
    .bind(notice.kind.as_str())
    .bind(notice.informed_on.to_string())
    .bind(notice.effective_on.to_string())
    .bind(notice.index_base.map(|index| index.to_string()))
    .bind(notice.index_new.map(|index| index.to_string()))
    .bind(notice.previous_indexation.map(|day| day.to_string()))
    .bind(stamp(at))
    .fetch_one(&mut *tx)
    .await?;
    for price in &notice.prices {
        sqlx::query(
            "INSERT INTO price_change_prices (notice_id, billing, min_quantity,
                 old_unit_price_cents, unit_price_cents) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(price.billing.as_str())
        .bind(i64::from(price.min_quantity))
        .bind(cents(price.old_unit_price)?)
        .bind(cents(price.unit_price)?)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO call_plan_prices (plan_id, valid_from, billing, min_quantity,
                 unit_price_cents) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(notice.plan_id)
        .bind(notice.effective_on.to_string())
        .bind(price.billing.as_str())
        .bind(i64::from(price.min_quantity))
        .bind(cents(price.unit_price)?)
        .execute(&mut *tx)
        .await
        .map_err(|error| match is_unique_violation(&error) {
            true => CreateNoticeError::PriceAlreadyScheduled(notice.effective_on),
            false => error.into(),
        })?;
    }
    tx.commit().await?;
    Ok(id)
}

/// A stored notice, with what concerns the Company asking (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRecord {
    pub id: i64,
    pub plan_code: String,
    pub plan_name: String,
    pub kind: NoticeKind,
    pub informed_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub index_base: Option<PriceIndex>,
    pub index_new: Option<PriceIndex>,
    pub previous_indexation: Option<NaiveDate>,
    pub prices: Vec<ChangedTier>,
    /// The Company's active Licences holding Numbers of the plan.
    pub licence_ids: Vec<i64>,
    /// The Company's termination after this notice, if it terminated.
    pub termination: Option<IncreaseTerminationRecord>,
}

/// PRICE-5: the Company's termination after an increase: when it was received, the last day
/// of service, and the Licences it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncreaseTerminationRecord {
    pub received_at: DateTime<Utc>,
    pub service_last_day: NaiveDate,
    pub licence_ids: Vec<i64>,
}

/// An amount as stored: whole cents (the rules hand over whole cents; anything else is a bug).
fn cents(amount: Money) -> Result<i64, sqlx::Error> {
    domain::order::cents(amount)
        .ok_or_else(|| sqlx::Error::Encode(format!("{amount} is not whole cents").into()))
}

fn index(raw: &str) -> Option<PriceIndex> {
    PriceIndex::new(raw.parse().ok()?).ok()
}

macro_rules! select_notices {
    () => {
        "SELECT n.id, c.code, c.name, n.kind, n.informed_on, n.effective_on, n.index_base,
             n.index_new, n.previous_indexation, n.plan_id
         FROM price_change_notices n JOIN call_plans c ON c.id = n.plan_id"
    };
}

async fn complete(
    connection: &mut AnyConnection,
    row: &AnyRow,
    company_id: Option<i64>,
) -> Result<NoticeRecord, sqlx::Error> {
    let id: i64 = row.try_get("id")?;
    let plan_id: i64 = row.try_get("plan_id")?;
    let prices = sqlx::query(
        "SELECT billing, min_quantity, old_unit_price_cents, unit_price_cents
         FROM price_change_prices WHERE notice_id = $1 ORDER BY billing DESC, min_quantity",
    )
    .bind(id)
    .fetch_all(&mut *connection)
    .await?;
    let (licence_ids, termination) = match company_id {
        Some(company_id) => (
            affected_licences(connection, company_id, plan_id).await?,
            termination_of(connection, company_id, id).await?,
        ),
        None => (Vec::new(), None),
    };
    let index_of = |column: &str| {
        row.try_get::<Option<String>, _>(column)?
            .map(|raw| index(&raw).ok_or_else(|| codec::corrupt(column, raw)))
            .transpose()
    };
    Ok(NoticeRecord {
        id,
        plan_code: row.try_get(1)?,
        plan_name: row.try_get(2)?,
        kind: row.decoded("kind", NoticeKind::parse)?,
        informed_on: row.date("informed_on")?,
        effective_on: row.date("effective_on")?,
        index_base: index_of("index_base")?,
        index_new: index_of("index_new")?,
        previous_indexation: row.date_opt("previous_indexation")?,
        prices: prices
            .iter()
            .map(|price| {
                Ok(ChangedTier {
                    billing: price.parsed("billing")?,
                    min_quantity: price.count("min_quantity")?,
                    old_unit_price: price.money("old_unit_price_cents")?,
                    unit_price: price.money("unit_price_cents")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?,
        licence_ids,
        termination,
    })
}

/// The notice `id` as the provider sees it.
pub async fn find(db: &Database, id: i64) -> Result<Option<NoticeRecord>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    let row = sqlx::query(concat!(select_notices!(), " WHERE n.id = $1"))
        .bind(id)
        .fetch_optional(&mut *connection)
        .await?;
    match row {
        Some(row) => Ok(Some(complete(&mut connection, &row, None).await?)),
        None => Ok(None),
    }
}

/// The plans on which the Company holds Numbers in its active Licences, as a condition on `n`.
macro_rules! concerns_company {
    () => {
        " EXISTS (SELECT 1 FROM numbers x JOIN licences l ON l.id = x.licence_id
             WHERE x.plan_id = n.plan_id AND x.company_id = $1 AND l.company_id = $1
               AND l.status = 'active')"
    };
}

/// The notices concerning the Company's Licences, latest effective day first.
pub async fn list_for_company(
    db: &Database,
    company_id: i64,
) -> Result<Vec<NoticeRecord>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    let rows = sqlx::query(concat!(
        select_notices!(),
        " WHERE",
        concerns_company!(),
        " OR EXISTS (SELECT 1 FROM licence_terminations t WHERE t.notice_id = n.id AND t.company_id = $1)",
        " ORDER BY n.effective_on DESC, n.id DESC"
    ))
    .bind(company_id)
    .fetch_all(&mut *connection)
    .await?;
    let mut notices = Vec::with_capacity(rows.len());
    for row in &rows {
        notices.push(complete(&mut connection, row, Some(company_id)).await?);
    }
    Ok(notices)
}

/// One notice concerning the Company; `None` when it does not exist or does not concern it.
pub async fn find_for_company(
    db: &Database,
    company_id: i64,
    id: i64,
) -> Result<Option<NoticeRecord>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    let row = sqlx::query(concat!(
        select_notices!(),
        " WHERE n.id = $2 AND (",
        concerns_company!(),
        " OR EXISTS (SELECT 1 FROM licence_terminations t WHERE t.notice_id = n.id AND t.company_id = $1))"
    ))
    .bind(company_id)
    .bind(id)
    .fetch_optional(&mut *connection)
    .await?;
    match row {
        Some(row) => Ok(Some(
            complete(&mut connection, &row, Some(company_id)).await?,
        )),
        None => Ok(None),
    }
}

/// The Company's active Licences holding Numbers of the plan and not terminated yet.
async fn affected_licences(
    connection: &mut AnyConnection,
    company_id: i64,
    plan_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT l.id FROM licences l JOIN numbers x ON x.licence_id = l.id
         WHERE l.company_id = $1 AND x.company_id = $1 AND x.plan_id = $2 AND l.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM licence_terminations t WHERE t.licence_id = l.id)
         ORDER BY l.id",
    )
    .bind(company_id)
    .bind(plan_id)
    .fetch_all(connection)
    .await
}

async fn termination_of(
    connection: &mut AnyConnection,
    company_id: i64,
    notice_id: i64,
) -> Result<Option<IncreaseTerminationRecord>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT licence_id, received_at, service_last_day FROM licence_terminations
         WHERE company_id = $1 AND notice_id = $2 ORDER BY licence_id",
    )
    .bind(company_id)
    .bind(notice_id)
    .fetch_all(connection)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    Ok(Some(IncreaseTerminationRecord {
        received_at: first.instant("received_at")?,
        service_last_day: first.date("service_last_day")?,
        licence_ids: rows
            .iter()
            .map(|row| row.try_get("licence_id"))
            .collect::<Result<_, _>>()?,
    }))
}

#[derive(Debug, thiserror::Error)]
pub enum TerminateError {
    #[error("no such notice")]
    NotFound,
    /// The Company already terminated after this notice, or holds no Licence it concerns.
    #[error("nothing left to terminate")]
    NothingToTerminate,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// PRICE-5: records the Company's termination of every active Licence concerned by the notice,
/// ending on `service_last_day`, with one proof log entry per Licence (PROOF-1). Two requests
/// at once record it once.
pub async fn terminate(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    notice_id: i64,
    service_last_day: NaiveDate,
    at: DateTime<Utc>,
) -> Result<Vec<i64>, TerminateError> {
    let mut tx = db.write().await?;
    let plan_id: Option<i64> =
        sqlx::query_scalar("SELECT plan_id FROM price_change_notices WHERE id = $1")
            .bind(notice_id)
            .fetch_optional(&mut *tx)
            .await?;
    let plan_id = plan_id.ok_or(TerminateError::NotFound)?;
    let licences = affected_licences(&mut tx, company_id, plan_id).await?;
    if licences.is_empty() {
        return Err(TerminateError::NothingToTerminate);
    }
    let received_at = stamp(at);
    for licence_id in &licences {
        sqlx::query(
            "INSERT INTO licence_terminations (licence_id, company_id, cause, notice_id,
                 received_at, service_last_day) VALUES ($1, $2, 'price_increase', $3, $4, $5)",
        )
        .bind(licence_id)
        .bind(company_id)
        .bind(notice_id)
        .bind(&received_at)
        .bind(service_last_day.to_string())
        .execute(&mut *tx)
        .await
        .map_err(|error| match is_unique_violation(&error) {
            true => TerminateError::NothingToTerminate,
            false => error.into(),
        })?;
        let change = audit::Change::new(
            company_id,
            Some(actor_user_id),
            "licence.terminate_after_increase",
            format!("licence:{licence_id}"),
        )
        .before(&serde_json::json!({"termination": null}))
        .after(&serde_json::json!({
            "termination": {"notice_id": notice_id, "service_last_day": service_last_day}
        }));
        audit::record(&mut tx, change, at).await?;
    }
    tx.commit().await?;
    Ok(licences)
}
