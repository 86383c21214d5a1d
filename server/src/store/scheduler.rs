//! The scheduler's writes (RENEW-1, RENEW-2, NOTICE-1, PAY-1): one day of the contract's life,
//! processed in one transaction and recorded in `scheduler_runs`, so a day is processed once:
//! running it again changes nothing, and a crash half-way leaves it unprocessed.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::catalogue::{Billing, PriceList};
use domain::licence::Licence;
use domain::order::{LineRequest, OrderQuote, VatBasis, quote_order};
use domain::pricing::{Discount, QuoteLine, renewal_invoice};
use domain::term::Term;
use protocol::invoices::InvoiceKind;
use sqlx::{AnyConnection, Row};

use super::codec::Columns as _;
use super::{audit, catalogue, invoices, stamp};
use crate::db::{Database, is_unique_violation};

/// What processing one day did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayReport {
    pub day: NaiveDate,
    /// False when the day had already been processed: nothing was changed.
    pub processed: bool,
    pub renewed: usize,
    pub ended: usize,
    pub overdue: usize,
    /// PAY-1: usage invoices issued (on the first day of a month, for the month before).
    pub usage_invoiced: usize,
    /// DATA-1, TERM-3: what retention did that day.
    pub retention: super::privacy::Retention,
}

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// A Licence cannot be renewed as stored (no price in force, say): the day stays
    /// unprocessed and is tried again.
    #[error("licence {licence_id} cannot be renewed on {day}: {reason}")]
    Renewal {
        licence_id: i64,
        day: NaiveDate,
        reason: String,
    },
    /// Issue 13: collecting an invoice failed (the day itself is processed; the attempt is
    /// made again on the next run).
    #[error("collection failed: {0}")]
    Collection(String),
    /// Retention could not erase someone as stored.
    #[error("retention failed: {0}")]
    Retention(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<super::privacy::PrivacyError> for ScheduleError {
    fn from(error: super::privacy::PrivacyError) -> Self {
        match error {
            super::privacy::PrivacyError::Database(error) => ScheduleError::Database(error),
            other => ScheduleError::Retention(other.to_string()),
        }
    }
}

/// The last day processed, if any.
pub async fn last_processed(db: &Database) -> Result<Option<NaiveDate>, sqlx::Error> {
    let day: Option<String> = sqlx::query_scalar("SELECT MAX(day) FROM scheduler_runs")
        .fetch_one(&db.pool)
        .await?;
    day.map(|raw| {
        raw.parse()
            .map_err(|_| sqlx::Error::Decode(format!("invalid scheduler day {raw}").into()))
    })
    .transpose()
}

/// The day the contract's life starts: the earliest Licence's anchor, if any.
pub async fn first_contract_day(db: &Database) -> Result<Option<NaiveDate>, sqlx::Error> {
    let day: Option<String> = sqlx::query_scalar("SELECT MIN(anchor) FROM licences")
        .fetch_one(&db.pool)
        .await?;
    day.map(|raw| {
        raw.parse()
            .map_err(|_| sqlx::Error::Decode(format!("invalid anchor {raw}").into()))
    })
    .transpose()
}

/// Processes `day` unless it was already: ends Licences whose service ended the day before,
/// renews Licences whose new period starts that day, on the first of a month invoices the
/// usage beyond the plans of the month before (PAY-1), and marks invoices overdue from the day
/// after their due date. All in one transaction, with the day's record.
pub async fn process_day(
    db: &Database,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DayReport, ScheduleError> {
    let mut report = DayReport {
        day,
        ..DayReport::default()
    };
    let mut tx = db.write().await?;
    let done: Option<String> = sqlx::query_scalar("SELECT day FROM scheduler_runs WHERE day = $1")
        .bind(day.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    if done.is_some() {
        return Ok(report);
    }
    // Claimed first: a concurrent run of the same day waits here, then finds it taken.
    let claimed = sqlx::query(
        "INSERT INTO scheduler_runs (day, ran_at, renewed, ended, overdue) VALUES ($1, $2, 0, 0, 0)",
    )
    .bind(day.to_string())
    .bind(stamp(now))
    .execute(&mut *tx)
    .await;
    match claimed {
        Ok(_) => {}
        Err(error) if is_unique_violation(&error) => return Ok(report),
        Err(error) => return Err(error.into()),
    }
    // Before any Company's row: see `invoices::lock_numbering`.
    invoices::lock_numbering(&mut tx, day.year()).await?;
    report.ended = end_licences(&mut tx, day, now).await?;
    super::trials::decide(&mut tx, day, now).await?;
    report.renewed = renew_licences(&mut tx, day, now).await?;
    report.usage_invoiced = super::communications::invoice_month_in(&mut tx, day, now).await?;
    report.overdue = invoices::mark_overdue(&mut tx, day, now).await?;
    report.retention = super::privacy::retention(&mut tx, day, now).await?;
    sqlx::query(
        "UPDATE scheduler_runs SET renewed = $1, ended = $2, overdue = $3, traffic_deleted = $4,
             users_blocked = $5, users_erased = $6
         WHERE day = $7",
    )
    .bind(report.renewed as i64)
    .bind(report.ended as i64)
    .bind(report.overdue as i64)
    .bind(report.retention.traffic_deleted as i64)
    .bind(report.retention.users_blocked as i64)
    .bind(report.retention.users_erased as i64)
    .bind(day.to_string())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    report.processed = true;
    Ok(report)
}

/// NOTICE-1 (GTCS 6.1), PRICE-5, TERM-1: a Licence whose last day of service is before `day`
/// ends.
async fn end_licences(
    connection: &mut AnyConnection,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let ending: Vec<(i64, i64, String)> = sqlx::query_as(concat!(
        "SELECT id, company_id, service_last_day FROM (SELECT l.id, l.company_id, l.status, ",
        last_day_of_service!(),
        " AS service_last_day FROM licences l",
        " LEFT JOIN licence_terminations t ON t.licence_id = l.id) ending",
        " WHERE status = 'active' AND service_last_day IS NOT NULL AND service_last_day < $1",
        " ORDER BY id"
    ))
    .bind(day.to_string())
    .fetch_all(&mut *connection)
    .await?;
    for (id, company_id, last_day) in &ending {
        sqlx::query("UPDATE licences SET status = 'ended' WHERE id = $1 AND status = 'active'")
            .bind(id)
            .execute(&mut *connection)
            .await?;
        let change = audit::Change::new(*company_id, None, "licence.end", format!("licence:{id}"))
            .before(&serde_json::json!({"status": "active", "service_last_day": last_day}))
            .after(&serde_json::json!({"status": "ended", "on": day}));
        audit::record(connection, change, now).await?;
    }
    Ok(ending.len())
}

/// RENEW-2 (GTCS 5.1), calculator `renewal.invoice`: the Licence's lines priced at the prices in
/// force on the first day of the new period, without the discounts of the initial term.
pub fn renewal_quote(
    list: &PriceList,
    billing: Billing,
    lines: &[LineRequest],
    day: NaiveDate,
    vat: VatBasis,
) -> Result<OrderQuote, String> {
    let mut quote =
        quote_order(list, billing, lines, day, vat).map_err(|error| error.to_string())?;
    let to_price: Vec<QuoteLine> = quote
        .lines
        .iter()
        .map(|line| QuoteLine {
            unit_price: line.unit_price,
            quantity: line.quantity,
            discount: line.discount,
        })
        .collect();
    let priced = renewal_invoice(quote.vat_rate, &to_price).map_err(|error| error.to_string())?;
    for (line, priced) in quote.lines.iter_mut().zip(&priced.lines) {
        line.discount = Discount::NONE;
        line.discount_label = None;
        line.gross = priced.gross;
        line.discount_amount = priced.discount;
        line.net = priced.net;
    }
    quote.subtotal = priced.subtotal;
    quote.vat = priced.vat;
    quote.total = priced.total;
    Ok(quote)
}

/// What the Licence `licence_id` holds, as lines to price: each Call Plan and how many of its
/// Numbers (RENEW-1: a renewal bills every Number the Licence holds; TERM-1 prices the same).
pub async fn licence_lines_in(
    connection: &mut AnyConnection,
    licence_id: i64,
    company_id: i64,
) -> Result<Vec<LineRequest>, sqlx::Error> {
    let plan_rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT plan_id, CAST(COUNT(*) AS BIGINT) FROM numbers
         WHERE licence_id = $1 AND company_id = $2 AND plan_id IS NOT NULL
         GROUP BY plan_id ORDER BY plan_id",
    )
    .bind(licence_id)
    .bind(company_id)
    .fetch_all(&mut *connection)
    .await?;
    Ok(plan_rows
        .iter()
        .map(|(plan_id, count)| LineRequest {
            plan_id: *plan_id,
            quantity: u32::try_from(*count).unwrap_or(u32::MAX),
        })
        .collect())
}

/// RENEW-1 (GTCS 5.1, 6.1): every active Licence whose new period starts on `day` renews with
/// all its Numbers and Call Plans, and gets its renewal invoice (RENEW-2, PAY-1) — once: a
/// period already invoiced is skipped.
async fn renew_licences(
    connection: &mut AnyConnection,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, ScheduleError> {
    let rows = sqlx::query(concat!(
        "SELECT l.id, l.company_id, l.term_months, l.anchor, o.billing, o.placed_at, ",
        last_day_of_service!(),
        " AS service_last_day FROM licences l JOIN orders o ON o.id = l.order_id",
        " LEFT JOIN licence_terminations t ON t.licence_id = l.id",
        " WHERE l.status = 'active' AND l.anchor < $1 ORDER BY l.id"
    ))
    .bind(day.to_string())
    .fetch_all(&mut *connection)
    .await?;
    let mut list: Option<PriceList> = None;
    let mut renewed = 0;
    for row in &rows {
        let licence_id: i64 = row.try_get("id")?;
        let company_id: i64 = row.try_get("company_id")?;
        let failure = |reason: String| ScheduleError::Renewal {
            licence_id,
            day,
            reason,
        };
        let anchor: String = row.try_get("anchor")?;
        let anchor: NaiveDate = anchor
            .parse()
            .map_err(|_| failure(format!("invalid anchor {anchor}")))?;
        let term_months: i64 = row.try_get("term_months")?;
        let term = u32::try_from(term_months)
            .ok()
            .and_then(|months| Term::months(months).ok())
            .ok_or_else(|| failure(format!("invalid term {term_months}")))?;
        let licence = Licence::new(anchor, term);
        let index = licence
            .period_index(day)
            .map_err(|error| failure(error.to_string()))?;
        if licence
            .boundary(index)
            .map_err(|error| failure(error.to_string()))?
            != day
        {
            continue;
        }
        let service_last_day: Option<String> = row.try_get("service_last_day")?;
        if service_last_day.is_some_and(|last| last.as_str() < day.to_string().as_str()) {
            continue;
        }
        let invoiced: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM invoices WHERE licence_id = $1 AND period_first_day = $2",
        )
        .bind(licence_id)
        .bind(day.to_string())
        .fetch_optional(&mut *connection)
        .await?;
        if invoiced.is_some() {
            continue;
        }
        let lines = licence_lines_in(connection, licence_id, company_id).await?;
        if lines.is_empty() {
            continue;
        }
        let billing: String = row.try_get("billing")?;
        let billing: Billing = billing
            .parse()
            .map_err(|_| failure(format!("invalid billing {billing}")))?;
        if list.is_none() {
            list = Some(catalogue::price_list_in(connection).await?);
        }
        let vat = catalogue::vat_basis_in(connection, company_id)
            .await?
            .ok_or_else(|| failure("the Company no longer exists".into()))?;
        // PRICE-3: a general reduction since the Order leaves its Call Plans alone.
        let subscribed_at = row.instant("placed_at")?;
        let quote = renewal_quote(
            &list
                .as_ref()
                .expect("loaded above")
                .as_subscribed_at(subscribed_at),
            billing,
            &lines,
            day,
            vat,
        )
        .map_err(failure)?;
        let period = licence
            .period(index)
            .map_err(|error| failure(error.to_string()))?;
        invoices::issue(
            connection,
            invoices::NewInvoice {
                company_id,
                actor_user_id: None,
                kind: InvoiceKind::Renewal,
                order_id: None,
                licence_id: Some(licence_id),
                period: Some(period),
                issue_date: day,
                priced: &invoices::Priced::from(&quote),
            },
            now,
        )
        .await?;
        renewed += 1;
    }
    Ok(renewed)
}
