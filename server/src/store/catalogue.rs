//! The price list and the pool of Numbers (PRICE-1, PRICE-2, NUM-1): seeded by migration 0005,
//! read here; the back office adds versions, reductions and Numbers (`catalogue_admin`). Prices
//! are never updated: a new price is a new row with its own `valid_from` (a general reduction's
//! rows carry its `reduction_id`, PRICE-3).

use domain::catalogue::{Billing, BillingDiscount, CallPlan, PlanPrice, PriceList};
use domain::country::CountryCode;
use domain::order::VatBasis;
use domain::payment_default::Standing;
use domain::pricing::Discount;
use domain::usage::UsagePrice;
use domain::vat::VatNumber;
use protocol::catalogue::AvailableNumber;
use sqlx::{AnyConnection, Row};

use super::codec::{Columns, Packed, corrupt, packed};
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

const COUNTRIES: [&str; 2] = ["plan_id", "country"];
const PLANS: [&str; 6] = [
    "id",
    "code",
    "name",
    "included_minutes",
    "included_sms",
    "international_with_credits",
];
const PRICES: [&str; 6] = [
    "plan_id",
    "billing",
    "valid_from",
    "min_quantity",
    "unit_price_cents",
    "general_reduction",
];
const DISCOUNTS: [&str; 4] = ["billing", "valid_from", "discount_pct", "label"];
const USAGE_PRICES: [&str; 4] = ["plan_id", "valid_from", "minute_cents", "sms_cents"];

/// The price list's five tables, each packed into one text (NULL: empty).
type PackedList = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Every plan, price and discount of every version, on the caller's connection (so a
/// transaction prices with what it sees). One query, its four tables packed into one value each
/// (see `codec`): every Order reads the whole list inside its transaction.
pub async fn price_list_in(connection: &mut AnyConnection) -> Result<PriceList, sqlx::Error> {
    let (countries, plans, prices, discounts, usage_prices): PackedList = sqlx::query_as(concat!(
        "SELECT (SELECT string_agg(",
        packed!("CAST(plan_id AS TEXT)", "country"),
        ", '' ORDER BY plan_id, country) FROM call_plan_countries),
                (SELECT string_agg(",
        packed!(
            "CAST(id AS TEXT)",
            "code",
            "name",
            "CAST(included_minutes AS TEXT)",
            "CAST(included_sms AS TEXT)",
            "CAST(international_with_credits AS TEXT)"
        ),
        ", '' ORDER BY id) FROM call_plans),
                (SELECT string_agg(",
        packed!(
            "CAST(plan_id AS TEXT)",
            "billing",
            "valid_from",
            "CAST(min_quantity AS TEXT)",
            "CAST(unit_price_cents AS TEXT)",
            "(SELECT r.created_at FROM price_reductions r WHERE r.id = reduction_id)"
        ),
        ", '' ORDER BY plan_id, billing, min_quantity, valid_from) FROM call_plan_prices),
                (SELECT string_agg(",
        packed!("billing", "valid_from", "discount_pct", "label"),
        ", '' ORDER BY billing, valid_from) FROM billing_discounts),
                (SELECT string_agg(",
        packed!(
            "CAST(plan_id AS TEXT)",
            "valid_from",
            "CAST(minute_cents AS TEXT)",
            "CAST(sms_cents AS TEXT)"
        ),
        ", '' ORDER BY plan_id, valid_from) FROM call_plan_usage_prices)"
    ))
    .fetch_one(&mut *connection)
    .await?;
    let countries = Packed::new(countries.as_deref(), &COUNTRIES)
        .map(|record| {
            let record = record?;
            Ok((
                record.integer("plan_id")?,
                country(&record.text("country")?)?,
            ))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let plans = Packed::new(plans.as_deref(), &PLANS)
        .map(|row| {
            let row = row?;
            let id = row.integer("id")?;
            Ok(CallPlan {
                id,
                code: row.text("code")?,
                name: row.text("name")?,
                included_minutes: count(row.parsed_opt("included_minutes")?)?,
                included_sms: count(row.parsed_opt("included_sms")?)?,
                international_with_credits: row.flag("international_with_credits")?,
                countries: countries
                    .iter()
                    .filter(|(plan_id, _)| *plan_id == id)
                    .map(|(_, country)| *country)
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let prices = Packed::new(prices.as_deref(), &PRICES)
        .map(|row| {
            let row = row?;
            Ok(PlanPrice {
                plan_id: row.integer("plan_id")?,
                billing: billing(&row.text("billing")?)?,
                valid_from: row.date("valid_from")?,
                min_quantity: count(Some(row.integer("min_quantity")?))?.unwrap_or(1),
                unit_price: row.money("unit_price_cents")?,
                general_reduction: row.instant_opt("general_reduction")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let discounts = Packed::new(discounts.as_deref(), &DISCOUNTS)
        .map(|row| {
            let row = row?;
            let raw = row.text("discount_pct")?;
            let percent = raw
                .parse::<domain::Percent>()
                .map_err(|_| corrupt("discount", &raw))?;
            Ok(BillingDiscount {
                billing: billing(&row.text("billing")?)?,
                valid_from: row.date("valid_from")?,
                discount: Discount::new(percent.value()).map_err(|_| corrupt("discount", &raw))?,
                label: row.text("label")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let usage_prices = Packed::new(usage_prices.as_deref(), &USAGE_PRICES)
        .map(|row| {
            let row = row?;
            let cents = |column| {
                row.parsed_opt::<i64>(column)
                    .map(|cents| cents.map(domain::Money::from_cents))
            };
            Ok(UsagePrice {
                plan_id: row.integer("plan_id")?,
                valid_from: row.date("valid_from")?,
                per_minute: cents("minute_cents")?,
                per_sms: cents("sms_cents")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(PriceList {
        plans,
        prices,
        discounts,
        usage_prices,
    })
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
    match row {
        Some(row) => vat_basis_of(connection, company_id, &row).await.map(Some),
        None => Ok(None),
    }
}

/// What an Order of the Company is priced with besides the price list: its [`VatBasis`], and
/// whether a payment default withholds its discounts (LATE-3). `None` for an unknown Company.
pub async fn order_terms_in(
    connection: &mut AnyConnection,
    company_id: i64,
) -> Result<Option<(VatBasis, Standing)>, sqlx::Error> {
    let Some(vat) = vat_basis_in(connection, company_id).await? else {
        return Ok(None);
    };
    let standing = super::payment_defaults::standing_in(connection, company_id).await?;
    Ok(Some((vat, standing)))
}

/// The [`VatBasis`] of a Company's row read with its `billing_country` and `vat_number`.
async fn vat_basis_of(
    connection: &mut AnyConnection,
    company_id: i64,
    row: &sqlx::any::AnyRow,
) -> Result<VatBasis, sqlx::Error> {
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
    Ok(VatBasis {
        billing_country,
        has_valid_vat_number,
        unconfirmed_vat_number: well_formed && foreign && !has_valid_vat_number,
    })
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
