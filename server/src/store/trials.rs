//! Trials (TRIAL-1, GTCS 10; house reading "Trials"): the provider offers a Company a trial, the
//! Company's next Order placed as a trial takes it (Numbers and Call Plans without an invoice,
//! `store::orders`), the Company may cancel it until its last day, and the scheduler converts it
//! (first invoice the day after its end, the Licence's anchor) or ends it the day after its last
//! day. The rule is applied by `domain::trial`; this module reads and writes.

use chrono::{DateTime, NaiveDate, Utc};
use domain::catalogue::Billing;
use domain::order::quote_order;
use domain::payment_default::price_list_for;
use domain::trial::trial_converts;
use protocol::invoices::InvoiceKind;
use sqlx::{AnyConnection, Row};

use super::audit;
use super::codec::{Columns, stamp};
use crate::clock::paris_day;
use crate::db::Database;

#[derive(Debug, thiserror::Error)]
pub enum TrialError {
    #[error("no such licence")]
    NotFound,
    #[error("the licence is not on trial")]
    NotOnTrial,
    #[error("the trial was already cancelled at {received_at}")]
    AlreadyCancelled { received_at: DateTime<Utc> },
    #[error("the trial ended on {trial_end}")]
    Over { trial_end: NaiveDate },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// TRIAL-1: the provider offers the Company a trial ending on `trial_end` (its last day),
/// converting or not; it replaces an offer not taken yet. The Company's next Order placed as a
/// trial takes it ([`take_offer_in`]).
pub async fn offer(
    db: &Database,
    operator_id: i64,
    company_id: i64,
    trial_end: NaiveDate,
    auto_commit: bool,
    now: DateTime<Utc>,
) -> Result<(), TrialError> {
    let mut tx = db.write().await?;
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM companies WHERE id = $1")
        .bind(company_id)
        .fetch_optional(&mut *tx)
        .await?;
    found.ok_or(TrialError::NotFound)?;
    sqlx::query(
        "UPDATE trial_offers SET withdrawn_at = $1
         WHERE company_id = $2 AND order_id IS NULL AND withdrawn_at IS NULL",
    )
    .bind(stamp(now))
    .bind(company_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO trial_offers (company_id, trial_end, auto_commit, offered_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(company_id)
    .bind(trial_end.to_string())
    .bind(i64::from(auto_commit))
    .bind(stamp(now))
    .execute(&mut *tx)
    .await?;
    let change = audit::Change::new(
        company_id,
        None,
        "company.trial_offer",
        format!("company:{company_id}"),
    )
    .after(&serde_json::json!({"trial_end": trial_end, "auto_commit": auto_commit}));
    audit::record(&mut tx, change.by_operator(Some(operator_id)), now).await?;
    tx.commit().await?;
    Ok(())
}

/// A trial offered to a Company and not taken yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrialOffer {
    pub id: i64,
    pub trial_end: NaiveDate,
    pub auto_commit: bool,
}

/// The Company's open trial offer still valid on `today` (its last day not passed), if any.
pub async fn open_offer_in(
    connection: &mut AnyConnection,
    company_id: i64,
    today: NaiveDate,
) -> Result<Option<TrialOffer>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, trial_end, auto_commit FROM trial_offers
         WHERE company_id = $1 AND order_id IS NULL AND withdrawn_at IS NULL AND trial_end >= $2",
    )
    .bind(company_id)
    .bind(today.to_string())
    .fetch_optional(&mut *connection)
    .await?;
    row.map(|row| {
        Ok(TrialOffer {
            id: row.integer("id")?,
            trial_end: row.date("trial_end")?,
            auto_commit: row.flag("auto_commit")?,
        })
    })
    .transpose()
}

pub async fn open_offer(
    db: &Database,
    company_id: i64,
    today: NaiveDate,
) -> Result<Option<TrialOffer>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    open_offer_in(&mut connection, company_id, today).await
}

/// TRIAL-1: the offer `offer_id` is taken by Order `order_id` (in the Order's transaction).
pub async fn take_offer_in(
    connection: &mut AnyConnection,
    offer_id: i64,
    order_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE trial_offers SET order_id = $1 WHERE id = $2 AND order_id IS NULL")
        .bind(order_id)
        .bind(offer_id)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// The Company cancels its trial, received at `now`: accepted until the trial's last day
/// included (its Europe/Paris date), once.
pub async fn cancel(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    licence_id: i64,
    now: DateTime<Utc>,
) -> Result<NaiveDate, TrialError> {
    let mut tx = db.write().await?;
    let row = sqlx::query(
        "SELECT trial_end, trial_cancelled_at FROM licences WHERE id = $1 AND company_id = $2",
    )
    .bind(licence_id)
    .bind(company_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(TrialError::NotFound)?;
    let trial_end = row.date_opt("trial_end")?.ok_or(TrialError::NotOnTrial)?;
    if let Some(received_at) = row.instant_opt("trial_cancelled_at")? {
        return Err(TrialError::AlreadyCancelled { received_at });
    }
    let received_at = stamp(now);
    let day = paris_day(now);
    if day > trial_end {
        return Err(TrialError::Over { trial_end });
    }
    sqlx::query("UPDATE licences SET trial_cancelled_at = $1 WHERE id = $2 AND company_id = $3")
        .bind(&received_at)
        .bind(licence_id)
        .bind(company_id)
        .execute(&mut *tx)
        .await?;
    let change = audit::Change::new(
        company_id,
        Some(actor_user_id),
        "licence.trial_cancel",
        format!("licence:{licence_id}"),
    )
    .before(&serde_json::json!({"trial_end": trial_end, "cancelled": null}))
    .after(&serde_json::json!({"received_at": received_at, "received_on": day}));
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(day)
}

/// TRIAL-1, run by the scheduler on `day`: every active trial whose last day was the day before
/// converts (the Licence stays active, anchored on `day`, and gets its first invoice that day)
/// or ends (its Numbers can then be released, NUM-4). Days are processed once each and in
/// order, so each trial is decided once.
pub async fn decide(
    connection: &mut AnyConnection,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let Some(last_day) = day.pred_opt() else {
        return Ok(0);
    };
    let ending = sqlx::query(
        "SELECT id, company_id, trial_auto_commit, trial_cancelled_at FROM licences
         WHERE status = 'active' AND trial_end = $1 ORDER BY id",
    )
    .bind(last_day.to_string())
    .fetch_all(&mut *connection)
    .await?;
    for row in &ending {
        let id: i64 = row.try_get("id")?;
        let company_id: i64 = row.try_get("company_id")?;
        let auto_commit = row.flag("trial_auto_commit")?;
        let cancel_received = row.instant_opt("trial_cancelled_at")?.map(paris_day);
        let converts = trial_converts(last_day, cancel_received, auto_commit);
        let action = if converts {
            first_invoice(connection, id, company_id, day, now).await?;
            "licence.trial_convert"
        } else {
            sqlx::query("UPDATE licences SET status = 'ended' WHERE id = $1")
                .bind(id)
                .execute(&mut *connection)
                .await?;
            "licence.trial_end"
        };
        let change = audit::Change::new(company_id, None, action, format!("licence:{id}"))
            .before(&serde_json::json!({
                "trial_end": last_day,
                "auto_commit": auto_commit,
                "cancel_received": cancel_received,
            }))
            .after(&serde_json::json!({
                "status": if converts { "active" } else { "ended" },
                "on": day,
            }));
        audit::record(connection, change, now).await?;
    }
    Ok(ending.len())
}

/// TRIAL-1 (house reading "Trials"): the first invoice of a trial Order's Licence that
/// converts, issued on `day`, the Licence's anchor: its first period, every Number it holds at
/// the prices in force the day the Order was placed (PRICE-2), with the discounts in force that
/// day unless a payment default withholds them (LATE-3). A Licence already invoiced (a trial
/// granted on an invoiced Licence before trials were placed by Order) gets none.
async fn first_invoice(
    connection: &mut AnyConnection,
    licence_id: i64,
    company_id: i64,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let invoiced: Option<i64> =
        sqlx::query_scalar("SELECT MIN(id) FROM invoices WHERE licence_id = $1")
            .bind(licence_id)
            .fetch_one(&mut *connection)
            .await?;
    if invoiced.is_some() {
        return Ok(());
    }
    let row = sqlx::query(
        "SELECT o.id AS order_id, o.billing, o.placed_at, l.anchor, l.term_months
         FROM licences l JOIN orders o ON o.id = l.order_id WHERE l.id = $1",
    )
    .bind(licence_id)
    .fetch_one(&mut *connection)
    .await?;
    let protocol_error = |error: String| sqlx::Error::Protocol(error);
    let billing: Billing = row.parsed("billing")?;
    let placed_on = paris_day(row.instant("placed_at")?);
    let period = row
        .licence()?
        .period(0)
        .map_err(|error| protocol_error(error.to_string()))?;
    let lines = super::scheduler::licence_lines_in(connection, licence_id, company_id).await?;
    let (vat, standing) = super::catalogue::order_terms_in(connection, company_id)
        .await?
        .ok_or_else(|| protocol_error(format!("company {company_id} no longer exists")))?;
    let list = price_list_for(
        &super::catalogue::price_list_in(connection).await?,
        &standing,
    );
    let quote = quote_order(&list, billing, &lines, placed_on, vat)
        .map_err(|error| protocol_error(error.to_string()))?;
    super::invoices::issue(
        connection,
        super::invoices::NewInvoice {
            company_id,
            actor_user_id: None,
            kind: InvoiceKind::Order,
            order_id: Some(row.integer("order_id")?),
            licence_id: Some(licence_id),
            period: Some(period),
            issue_date: day,
            priced: &super::invoices::Priced::from(&quote),
        },
        now,
    )
    .await?;
    Ok(())
}
