//! VIES consultations (issue 19): every answer about a Company's foreign EU VAT number, kept as
//! proof, and what they decide: a number gives the reverse charge only while VIES's latest
//! answer about it is valid. Each consultation is written to the proof log too (PROOF-1).

use chrono::{DateTime, NaiveDate, Utc};
use domain::country::CountryCode;
use domain::vat::{VatNumber, ViesStatus};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::codec::{Columns, corrupt};
use super::{audit, stamp};
use crate::db::Database;

/// Why VIES was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    /// The Company saved the number.
    Saved,
    /// An invoice that would carry a reverse charge was about to be issued.
    BeforeInvoice,
}

impl Occasion {
    fn as_str(self) -> &'static str {
        match self {
            Occasion::Saved => "saved",
            Occasion::BeforeInvoice => "before_invoice",
        }
    }
}

/// What VIES said, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsultation {
    pub status: ViesStatus,
    pub request_identifier: Option<String>,
    pub request_date: Option<String>,
    pub trader_name: Option<String>,
    pub trader_address: Option<String>,
    /// Why there was no answer (pending).
    pub problem: Option<String>,
    /// Which registry answered (`vies`).
    pub registry: &'static str,
}

/// A recorded consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consultation {
    pub id: i64,
    pub vat_number: String,
    pub status: ViesStatus,
    pub request_identifier: Option<String>,
    pub request_date: Option<String>,
    pub trader_name: Option<String>,
    pub trader_address: Option<String>,
    pub problem: Option<String>,
    pub consulted_at: DateTime<Utc>,
}

fn outcome(status: ViesStatus) -> &'static str {
    match status {
        ViesStatus::Confirmed => "valid",
        ViesStatus::NotRegistered => "invalid",
        ViesStatus::Pending => "unavailable",
    }
}

fn status(raw: &str) -> Option<ViesStatus> {
    match raw {
        "valid" => Some(ViesStatus::Confirmed),
        "invalid" => Some(ViesStatus::NotRegistered),
        "unavailable" => Some(ViesStatus::Pending),
        _ => None,
    }
}

fn consultation(row: &AnyRow) -> Result<Consultation, sqlx::Error> {
    Ok(Consultation {
        id: row.try_get("id")?,
        vat_number: row.try_get("vat_number")?,
        status: row.decoded("outcome", status)?,
        request_identifier: row.try_get("request_identifier")?,
        request_date: row.try_get("request_date")?,
        trader_name: row.try_get("trader_name")?,
        trader_address: row.try_get("trader_address")?,
        problem: row.try_get("problem")?,
        consulted_at: row.instant("consulted_at")?,
    })
}

/// The Company's VAT number when it is one of another member state than France (the numbers
/// VIES must confirm before a reverse charge); `None` otherwise.
pub async fn foreign_number_in(
    connection: &mut AnyConnection,
    company_id: i64,
) -> Result<Option<VatNumber>, sqlx::Error> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT billing_country, vat_number FROM companies WHERE id = $1")
            .bind(company_id)
            .fetch_optional(&mut *connection)
            .await?;
    let Some((country, Some(number))) = row else {
        return Ok(None);
    };
    let country: CountryCode = country
        .parse()
        .map_err(|_| corrupt("billing_country", &country))?;
    if !country.is_eu() || country == CountryCode::FRANCE {
        return Ok(None);
    }
    Ok(VatNumber::parse(&number, country).ok())
}

pub async fn foreign_number(
    db: &Database,
    company_id: i64,
) -> Result<Option<VatNumber>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    foreign_number_in(&mut connection, company_id).await
}

/// VIES's latest answer about `vat_number` for the Company, if it was ever asked.
pub async fn latest_in(
    connection: &mut AnyConnection,
    company_id: i64,
    vat_number: &str,
) -> Result<Option<Consultation>, sqlx::Error> {
    sqlx::query(
        "SELECT id, vat_number, outcome, request_identifier, request_date, trader_name,
                trader_address, problem, consulted_at
         FROM vies_consultations WHERE company_id = $1 AND vat_number = $2
         ORDER BY id DESC LIMIT 1",
    )
    .bind(company_id)
    .bind(vat_number)
    .fetch_optional(&mut *connection)
    .await?
    .as_ref()
    .map(consultation)
    .transpose()
}

pub async fn latest(
    db: &Database,
    company_id: i64,
    vat_number: &str,
) -> Result<Option<Consultation>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    latest_in(&mut connection, company_id, vat_number).await
}

/// Issue 19: the consultation that lets the Company's invoices carry a reverse charge: its VAT
/// number is of another member state and VIES's latest answer about it is valid. `None` means
/// French VAT (pending, refused, or not a foreign number).
pub async fn confirmation_in(
    connection: &mut AnyConnection,
    company_id: i64,
) -> Result<Option<Consultation>, sqlx::Error> {
    let Some(number) = foreign_number_in(connection, company_id).await? else {
        return Ok(None);
    };
    Ok(latest_in(connection, company_id, number.as_str())
        .await?
        .filter(|latest| latest.status.confirmed()))
}

/// Records VIES's answer about `vat_number` and writes it to the proof log, by `actor` (the
/// Manager who saved the number) or the system.
pub async fn record(
    db: &Database,
    company_id: i64,
    actor_user_id: Option<i64>,
    vat_number: &VatNumber,
    occasion: Occasion,
    answer: &NewConsultation,
    now: DateTime<Utc>,
) -> Result<Consultation, sqlx::Error> {
    let mut tx = db.write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO vies_consultations (company_id, vat_number, occasion, outcome,
                    request_identifier, request_date, trader_name, trader_address, problem,
                    registry, consulted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         RETURNING id",
    )
    .bind(company_id)
    .bind(vat_number.as_str())
    .bind(occasion.as_str())
    .bind(outcome(answer.status))
    .bind(&answer.request_identifier)
    .bind(&answer.request_date)
    .bind(&answer.trader_name)
    .bind(&answer.trader_address)
    .bind(&answer.problem)
    .bind(answer.registry)
    .bind(stamp(now))
    .fetch_one(&mut *tx)
    .await?;
    let change = audit::Change::new(
        company_id,
        actor_user_id,
        "vies.consultation",
        format!("vies_consultation:{id}"),
    )
    .after(&serde_json::json!({
        "vat_number": vat_number.as_str(),
        "occasion": occasion.as_str(),
        "outcome": outcome(answer.status),
        "request_identifier": answer.request_identifier,
        "request_date": answer.request_date,
        "trader_name": answer.trader_name,
        "trader_address": answer.trader_address,
        "problem": answer.problem,
        "registry": answer.registry,
    }));
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(Consultation {
        id,
        vat_number: vat_number.as_str().to_owned(),
        status: answer.status,
        request_identifier: answer.request_identifier.clone(),
        request_date: answer.request_date.clone(),
        trader_name: answer.trader_name.clone(),
        trader_address: answer.trader_address.clone(),
        problem: answer.problem.clone(),
        consulted_at: now,
    })
}

/// The Companies with a foreign EU VAT number that have a Licence whose period starts on `day`
/// and is not invoiced yet (a renewal, or a first period after a trial): the scheduler asks
/// VIES about their numbers before it invoices that day.
pub async fn companies_invoiced_on(db: &Database, day: NaiveDate) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT l.company_id, l.anchor, l.term_months FROM licences l
         JOIN companies c ON c.id = l.company_id
         WHERE l.status = 'active' AND l.anchor <= $1 AND c.vat_number IS NOT NULL
               AND c.billing_country <> 'FR'
               AND NOT EXISTS (SELECT 1 FROM invoices i
                               WHERE i.licence_id = l.id AND i.period_first_day = $1)
         ORDER BY l.company_id",
    )
    .bind(day.to_string())
    .fetch_all(&db.pool)
    .await?;
    let mut companies = Vec::new();
    for row in &rows {
        let company_id: i64 = row.try_get("company_id")?;
        let licence = row.licence()?;
        let starts_that_day = licence
            .period_index(day)
            .and_then(|index| licence.boundary(index))
            .is_ok_and(|first_day| first_day == day);
        if starts_that_day && companies.last() != Some(&company_id) {
            companies.push(company_id);
        }
    }
    Ok(companies)
}
