//! The catalogue as data (issue 14, point 3): what the back office reads and writes of the price
//! list's versions and general reductions (PRICE-3), the consumer price index series (PRICE-4),
//! the Credits rates (PRICE-6) and the pool of Numbers (NUM-1). The rules are applied by the
//! caller (`domain`); each write is recorded in the provider's chain of the proof log
//! (`audit::record_provider`) in its own transaction.

use chrono::{DateTime, NaiveDate, Utc};
use domain::catalogue::Billing;
use domain::country::CountryCode;
use domain::credits::RateChange;
use domain::indexation::{IndexEntry, IndexEntryProblem, IndexForm, Month, validate_index_entry};
use domain::money::Money;
use domain::price_change::{ChangedTier, PriceIndex};
use protocol::catalogue_admin::{PoolCountry, VersionKind};
use serde_json::json;
use sqlx::Row;

use super::codec::{Columns, corrupt};
use super::{audit, stamp};
use crate::db::{Database, is_unique_violation};

/// One row of the price list with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    pub plan_code: String,
    pub valid_from: NaiveDate,
    pub billing: Billing,
    pub min_quantity: u32,
    pub unit_price: Money,
    pub kind: VersionKind,
}

/// Every row of the price list, the latest day first, each with its kind: a general reduction's
/// (PRICE-3), a notice's (PRICE-4, PRICE-5: a notice of the plan starting that day), or the list's.
pub async fn price_rows(db: &Database) -> Result<Vec<VersionRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.code, p.valid_from, p.billing, p.min_quantity, p.unit_price_cents,
             CAST(CASE WHEN p.reduction_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS reduction,
             (SELECT MAX(n.kind) FROM price_change_notices n
              WHERE n.plan_id = p.plan_id AND n.effective_on = p.valid_from) AS notice_kind
         FROM call_plan_prices p JOIN call_plans c ON c.id = p.plan_id
         ORDER BY p.valid_from DESC, c.id, p.billing DESC, p.min_quantity",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let notice: Option<String> = row.try_get("notice_kind")?;
            let kind = match (row.flag("reduction")?, notice.as_deref()) {
                (true, _) => VersionKind::Reduction,
                (false, Some("indexed")) => VersionKind::Indexation,
                (false, Some(_)) => VersionKind::Increase,
                (false, None) => VersionKind::List,
            };
            Ok(VersionRow {
                plan_code: row.text("code")?,
                valid_from: row.date("valid_from")?,
                billing: row.parsed("billing")?,
                min_quantity: row.count("min_quantity")?,
                unit_price: row.money("unit_price_cents")?,
                kind,
            })
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum ReductionError {
    /// PRICE-2: a price of one of the tiers already starts that day.
    #[error("a price already starts on {0}")]
    AlreadyToday(NaiveDate),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// PRICE-3: records a general reduction of the plan `plan_id` (`plan_code`), validated by the
/// caller, and its prices in the price list from `effective_on`, each row carrying the
/// reduction's id (so a Licence subscribed before keeps its prices); all or nothing, with its
/// entry in the provider's chain. Its id.
pub async fn create_reduction(
    db: &Database,
    (plan_id, plan_code): (i64, &str),
    operator_id: i64,
    effective_on: NaiveDate,
    prices: &[ChangedTier],
    at: DateTime<Utc>,
) -> Result<i64, ReductionError> {
    let mut tx = db.write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO price_reductions (plan_id, effective_on, operator_id, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(plan_id)
    .bind(effective_on.to_string())
    .bind(operator_id)
    .bind(stamp(at))
    .fetch_one(&mut *tx)
    .await?;
    for price in prices {
        sqlx::query(
            "INSERT INTO call_plan_prices (plan_id, valid_from, billing, min_quantity,
                 unit_price_cents, reduction_id) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(plan_id)
        .bind(effective_on.to_string())
        .bind(price.billing.as_str())
        .bind(i64::from(price.min_quantity))
        .bind(cents(price.unit_price)?)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|error| match is_unique_violation(&error) {
            true => ReductionError::AlreadyToday(effective_on),
            false => error.into(),
        })?;
    }
    let after = json!({
        "reduction_id": id,
        "plan_code": plan_code,
        "effective_on": effective_on,
        "prices": prices,
    });
    audit::record_provider(
        &mut tx,
        operator_id,
        "catalogue.price_reduction",
        format!("plan:{plan_code}"),
        &after,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn cents(amount: Money) -> Result<i64, sqlx::Error> {
    domain::order::cents(amount)
        .ok_or_else(|| sqlx::Error::Encode(format!("{amount} is not whole cents").into()))
}

/// PRICE-4: the consumer price index series, oldest first.
pub async fn price_index_series(db: &Database) -> Result<Vec<IndexEntry>, sqlx::Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT month, value FROM consumer_price_indices ORDER BY month")
            .fetch_all(&db.pool)
            .await?;
    rows.into_iter()
        .map(|(month, value)| {
            Ok(IndexEntry {
                month: month.parse().map_err(|_| corrupt("month", &month))?,
                value: value
                    .parse()
                    .ok()
                    .and_then(|value| PriceIndex::new(value).ok())
                    .ok_or_else(|| corrupt("index value", &value))?,
            })
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum EnterIndexError {
    #[error(transparent)]
    Refused(#[from] IndexEntryProblem),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// PRICE-4: enters a month's index on `today`, checked by `domain::indexation` against the
/// series as this transaction sees it (so two entries at once cannot leave a gap or a
/// duplicate), with its entry in the provider's chain.
pub async fn enter_price_index(
    db: &Database,
    form: &IndexForm,
    operator_id: i64,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Result<IndexEntry, EnterIndexError> {
    let mut tx = db.write().await?;
    // PostgreSQL: the head of the provider's chain, locked first, serialises the entries.
    sqlx::query("UPDATE provider_log_head SET seq = seq WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    let (first, last): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT MIN(month), MAX(month) FROM consumer_price_indices")
            .fetch_one(&mut *tx)
            .await?;
    let month = |raw: String| raw.parse::<Month>().map_err(|_| corrupt("month", &raw));
    let series = match (first, last) {
        (Some(first), Some(last)) => Some((month(first)?, month(last)?)),
        _ => None,
    };
    let entry = validate_index_entry(form, series, today)?;
    sqlx::query(
        "INSERT INTO consumer_price_indices (month, value, operator_id, entered_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(entry.month.to_string())
    .bind(entry.value.to_string())
    .bind(operator_id)
    .bind(stamp(at))
    .execute(&mut *tx)
    .await
    .map_err(|error| match is_unique_violation(&error) {
        true => EnterIndexError::Refused(IndexEntryProblem::AlreadyEntered(entry.month)),
        false => error.into(),
    })?;
    audit::record_provider(
        &mut tx,
        operator_id,
        "catalogue.price_index",
        format!("cpi:{}", entry.month),
        &entry,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(entry)
}

/// A Credits rate as stored (PRICE-6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateRow {
    pub kind: String,
    pub class: String,
    pub prefix: String,
    pub cents: i64,
    pub valid_from: NaiveDate,
}

/// PRICE-6: every Credits rate, by kind, class and prefix, the latest first.
pub async fn credits_rates(db: &Database) -> Result<Vec<RateRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT kind, class, prefix, cents, valid_from FROM communication_rates
         ORDER BY kind, class, prefix, valid_from DESC",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RateRow {
                kind: row.text("kind")?,
                class: row.text("class")?,
                prefix: row.text("prefix")?,
                cents: row.integer("cents")?,
                valid_from: row.date("valid_from")?,
            })
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum PublishRateError {
    /// This rate already has a version starting that day.
    #[error("a rate already starts on {0}")]
    AlreadyPublished(NaiveDate),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// PRICE-6: publishes a Credits rate from `valid_from` on (up or down: current Licences pay it
/// from that day), with its entry in the provider's chain naming the rate it replaces.
pub async fn publish_credits_rate(
    db: &Database,
    rate: &RateChange,
    operator_id: i64,
    valid_from: NaiveDate,
    at: DateTime<Utc>,
) -> Result<(), PublishRateError> {
    let mut tx = db.write().await?;
    let previous: Option<i64> = sqlx::query_scalar(
        "SELECT cents FROM communication_rates
         WHERE kind = $1 AND class = $2 AND prefix = $3 AND valid_from <= $4
         ORDER BY valid_from DESC LIMIT 1",
    )
    .bind(rate.kind)
    .bind(rate.class)
    .bind(&rate.prefix)
    .bind(valid_from.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO communication_rates (kind, class, prefix, cents, valid_from, operator_id,
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(rate.kind)
    .bind(rate.class)
    .bind(&rate.prefix)
    .bind(rate.cents)
    .bind(valid_from.to_string())
    .bind(operator_id)
    .bind(stamp(at))
    .execute(&mut *tx)
    .await
    .map_err(|error| match is_unique_violation(&error) {
        true => PublishRateError::AlreadyPublished(valid_from),
        false => error.into(),
    })?;
    let after = json!({
        "kind": rate.kind,
        "class": rate.class,
        "prefix": rate.prefix,
        "cents": rate.cents,
        "previous_cents": previous,
        "valid_from": valid_from,
    });
    let subject = format!("credits_rate:{}:{}:{}", rate.kind, rate.class, rate.prefix);
    audit::record_provider(
        &mut tx,
        operator_id,
        "catalogue.credits_rate",
        subject,
        &after,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// NUM-1: the pool per country, free and held by a Company.
pub async fn pool(db: &Database) -> Result<Vec<PoolCountry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT country,
             CAST(SUM(CASE WHEN company_id IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS free,
             CAST(SUM(CASE WHEN company_id IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS assigned
         FROM numbers GROUP BY country ORDER BY country",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let country = row.text("country")?;
            Ok(PoolCountry {
                country: country
                    .parse::<CountryCode>()
                    .map_err(|_| corrupt("country", &country))?,
                free: row.integer("free")?,
                assigned: row.integer("assigned")?,
            })
        })
        .collect()
}

/// Rows per statement when a range is added (two parameters each).
const RANGE_CHUNK: usize = 500;

/// NUM-1: adds `numbers` (E.164, of `country`, checked by the caller) to the pool; those it
/// holds already are skipped. `(added, skipped)`, all or nothing, with an entry in the
/// provider's chain.
pub async fn add_numbers(
    db: &Database,
    country: CountryCode,
    numbers: &[String],
    operator_id: i64,
    at: DateTime<Utc>,
) -> Result<(i64, i64), sqlx::Error> {
    let mut tx = db.write().await?;
    let mut added: u64 = 0;
    for chunk in numbers.chunks(RANGE_CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|k| {
                format!(
                    "(${}, ${}, ${}, ${})",
                    4 * k + 1,
                    4 * k + 2,
                    4 * k + 3,
                    4 * k + 4
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO numbers (e164, country, added_by, added_at) VALUES {}
             ON CONFLICT (e164) DO NOTHING",
            values.join(", ")
        );
        // Only placeholders are built here; the values are bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let added_at = stamp(at);
        for e164 in chunk {
            query = query
                .bind(e164.as_str())
                .bind(country.as_str())
                .bind(operator_id)
                .bind(added_at.clone());
        }
        added += query.execute(&mut *tx).await?.rows_affected();
    }
    let added = i64::try_from(added).unwrap_or(i64::MAX);
    let skipped = numbers.len() as i64 - added;
    let after = json!({
        "country": country.as_str(),
        "first": numbers.first(),
        "last": numbers.last(),
        "added": added,
        "skipped": skipped,
    });
    audit::record_provider(
        &mut tx,
        operator_id,
        "catalogue.numbers_added",
        format!("pool:{}", country.as_str()),
        &after,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok((added, skipped))
}
