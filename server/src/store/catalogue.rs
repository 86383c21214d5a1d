//! The price list and the pool of Numbers (PRICE-1, PRICE-2, NUM-1): seeded by migration 0005,
//! read here. Prices are never updated: a new price is a new row with its own `valid_from`.

use domain::Money;
use domain::catalogue::{Billing, BillingDiscount, CallPlan, PlanPrice, PriceList};
use domain::country::CountryCode;
use domain::order::VatBasis;
use domain::pricing::Discount;
use domain::vat::VatNumber;
use protocol::catalogue::AvailableNumber;
use sqlx::{AnyConnection, Row};

use super::codec::{Columns, corrupt};
use crate::db::Database;

/// The most Numbers one search answers.
pub const MAX_SEARCH: i64 = 1000;

fn country(raw: &str) -> Result<CountryCode, sqlx::Error> {
    raw.parse().map_err(|_| corrupt("country", raw))
}

fn billing(raw: &str) -> Result<Billing, sqlx::Error> {
    raw.parse().map_err(|_| corrupt("billing", raw))
}

fn count(value: Option<i64>) -> Result<Option<u32>, sqlx::Error> {
    value
        .map(|value| u32::try_from(value).map_err(|_| corrupt("quantity", value)))
        .transpose()
}

/// Every plan, price and discount of every version, on the caller's connection (so a
/// transaction prices with what it sees).
pub async fn price_list_in(connection: &mut AnyConnection) -> Result<PriceList, sqlx::Error> {
    let countries =
        sqlx::query("SELECT plan_id, country FROM call_plan_countries ORDER BY plan_id, country")
            .fetch_all(&mut *connection)
            .await?;
    let mut plans = Vec::new();
    let plan_rows = sqlx::query(
        "SELECT id, code, name, included_minutes, included_sms, international_with_credits
         FROM call_plans ORDER BY id",
    )
    .fetch_all(&mut *connection)
    .await?;
    for row in &plan_rows {
        let id: i64 = row.try_get("id")?;
        let mut sold_in = Vec::new();
        for sold in countries
            .iter()
            .filter(|sold| sold.try_get::<i64, _>("plan_id").ok() == Some(id))
        {
            sold_in.push(country(&sold.try_get::<String, _>("country")?)?);
        }
        plans.push(CallPlan {
            id,
            code: row.try_get("code")?,
            name: row.try_get("name")?,
            included_minutes: count(row.try_get("included_minutes")?)?,
            included_sms: count(row.try_get("included_sms")?)?,
            international_with_credits: row.try_get::<i64, _>("international_with_credits")? != 0,
            countries: sold_in,
        });
    }
    let price_rows = sqlx::query(
        "SELECT plan_id, billing, valid_from, min_quantity, unit_price_cents FROM call_plan_prices
         ORDER BY plan_id, billing, min_quantity, valid_from",
    )
    .fetch_all(&mut *connection)
    .await?;
    let mut prices = Vec::with_capacity(price_rows.len());
    for row in &price_rows {
        prices.push(PlanPrice {
            plan_id: row.try_get("plan_id")?,
            billing: billing(&row.try_get::<String, _>("billing")?)?,
            valid_from: row.date("valid_from")?,
            min_quantity: count(Some(row.try_get("min_quantity")?))?.unwrap_or(1),
            unit_price: Money::from_cents(row.try_get("unit_price_cents")?),
        });
    }
    let discount_rows =
        sqlx::query("SELECT billing, valid_from, discount_pct, label FROM billing_discounts ORDER BY billing, valid_from")
            .fetch_all(&mut *connection)
            .await?;
    let mut discounts = Vec::with_capacity(discount_rows.len());
    for row in &discount_rows {
        let raw: String = row.try_get("discount_pct")?;
        let percent = raw
            .parse::<domain::Percent>()
            .map_err(|_| corrupt("discount", &raw))?;
        discounts.push(BillingDiscount {
            billing: billing(&row.try_get::<String, _>("billing")?)?,
            valid_from: row.date("valid_from")?,
            discount: Discount::new(percent.value()).map_err(|_| corrupt("discount", &raw))?,
            label: row.try_get("label")?,
        });
    }
    Ok(PriceList {
        plans,
        prices,
        discounts,
    })
}

/// LATE-3 (GTCS 8): whether the Company's billing discounts are cancelled for new Orders, since
/// one of its invoices became overdue and until none is any more.
pub async fn discounts_cancelled_in(
    connection: &mut AnyConnection,
    company_id: i64,
) -> Result<bool, sqlx::Error> {
    let cancelled: Option<Option<String>> =
        sqlx::query_scalar("SELECT discounts_cancelled_at FROM companies WHERE id = $1")
            .bind(company_id)
            .fetch_optional(&mut *connection)
            .await?;
    Ok(matches!(cancelled, Some(Some(_))))
}

pub async fn discounts_cancelled(db: &Database, company_id: i64) -> Result<bool, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    discounts_cancelled_in(&mut connection, company_id).await
}

pub async fn price_list(db: &Database) -> Result<PriceList, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    price_list_in(&mut connection).await
}

/// What decides the Company's VAT rate: its billing country and whether its VAT number on file
/// is a valid EU VAT number for that country (for another member state than France: confirmed
/// by VIES's latest answer, issue 19). `None` for an unknown Company.
pub async fn vat_basis_in(
    connection: &mut AnyConnection,
    company_id: i64,
) -> Result<Option<VatBasis>, sqlx::Error> {
    let row = sqlx::query("SELECT billing_country, vat_number FROM companies WHERE id = $1")
        .bind(company_id)
        .fetch_optional(&mut *connection)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let billing_country = country(&row.try_get::<String, _>("billing_country")?)?;
    let vat_number: Option<String> = row.try_get("vat_number")?;
    let well_formed = vat_number
        .filter(|number| !number.trim().is_empty())
        .is_some_and(|number| VatNumber::parse(&number, billing_country).is_ok());
    // Issue 19: a number of another member state counts once VIES confirmed it.
    let foreign = billing_country.is_eu() && billing_country != CountryCode::FRANCE;
    let has_valid_vat_number = if well_formed && foreign {
        super::vies::confirmation_in(connection, company_id)
            .await?
            .is_some()
    } else {
        well_formed
    };
    Ok(Some(VatBasis {
        billing_country,
        has_valid_vat_number,
        unconfirmed_vat_number: well_formed && foreign && !has_valid_vat_number,
    }))
}

pub async fn vat_basis(db: &Database, company_id: i64) -> Result<Option<VatBasis>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    vat_basis_in(&mut connection, company_id).await
}

/// NUM-1: Numbers of `country` that no Company holds, whose digits contain `digits` (when
/// given), in E.164 order, at most `limit`.
pub async fn available_numbers(
    db: &Database,
    country: CountryCode,
    digits: Option<&str>,
    limit: i64,
) -> Result<Vec<AvailableNumber>, sqlx::Error> {
    let pattern = format!("%{}%", digits.unwrap_or_default());
    let rows = sqlx::query(
        "SELECT id, e164 FROM numbers
         WHERE company_id IS NULL AND country = $1 AND e164 LIKE $2
         ORDER BY e164 LIMIT $3",
    )
    .bind(country.as_str())
    .bind(pattern)
    .bind(limit.clamp(1, MAX_SEARCH))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AvailableNumber {
                id: row.try_get("id")?,
                e164: row.try_get("e164")?,
                country,
            })
        })
        .collect()
}
