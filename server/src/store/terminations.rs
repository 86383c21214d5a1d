//! Licence terminations before tacit renewal: listing them for the Company, and the provider's
//! termination for fault (TERM-1, TERM-2), which ends the Licence at once, records what falls due
//! as `domain::fault` computes it from the inputs the house reading "Termination for fault
//! amount" defines, and invoices it that day, all in one transaction.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::catalogue::Billing;
use domain::fault::{
    FaultGround, FaultPrerequisite, FaultRefusal, fault_amount, fault_notice_deadline,
    fault_termination_allowed, monthly_instalment, remaining_monthly_instalments,
};
use domain::money::Money;
use domain::order::cents;
use protocol::invoices::{InvoiceKind, InvoiceStatus};
use protocol::terminations::FaultNoticeView;
use serde::Serialize;

use sqlx::Row as _;

use super::codec::{self, Columns, corrupt};
use super::invoices::{self, NewInvoice, Priced};
use super::late_payment::{manager_emails, send_to};
use super::{audit, catalogue, scheduler, stamp};
use crate::db::{Database, is_unique_violation};

/// TERM-1: the amounts recorded with a termination for fault, in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultAmounts {
    pub monthly_instalment_cents: i64,
    pub remaining_instalments: i64,
    pub accelerated_instalments_cents: i64,
    pub discounts_reimbursed_cents: i64,
    pub total_due_cents: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum FaultError {
    #[error("no such licence")]
    NotFound,
    #[error("the licence is already terminated or ended")]
    AlreadyTerminated,
    /// TERM-2, LATE-4: the ground needs a notice first, or its 8 days have not run.
    #[error(transparent)]
    Refused(#[from] FaultRefusal),
    /// The Licence's Call Plans have no price in force on the termination day (or a rule failed
    /// on them): nothing is terminated.
    #[error("the licence cannot be priced on {day}: {reason}")]
    NotPriced { day: NaiveDate, reason: String },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn whole_cents(amount: Money) -> Result<i64, sqlx::Error> {
    cents(amount)
        .ok_or_else(|| sqlx::Error::Protocol(format!("{amount} is not a whole number of cents")))
}

/// TERM-1, TERM-2 (GTCS 6.2.2): the provider ends the active Licence `licence_id` on `today`
/// on `ground`, for `reason`, when `domain::fault::fault_termination_allowed` says the ground's
/// notice has run (a formal notice to pay of an invoice still unpaid, the earliest; or the
/// latest notice naming a breach of 6.2.2 (ii) on that ground), and what falls due is computed
/// by `termination.fault_amount` from the house reading's inputs:
/// - `monthly_instalment`: the Licence's price per month in the period in force on the
///   termination day: its Call Plans and Numbers priced at the prices in force that day (after
///   increases), without discounts (as a renewal is, RENEW-2), an annual price counting 1/12;
/// - `remaining_instalments`: the months from the termination day to the end of that period;
/// - `discounts_granted`: every discount actually deducted on the Licence's invoices since the
///   Contract began (each line's gross less its net; credit notes' lines are not discounts).
///
/// The termination, its proof-log entry and its invoice (issued on the termination day, in the
/// yearly numbering, VAT at the Company's rate as on the Licence's invoices: the instalments and
/// the discounts given back are the price of the service) are written all or nothing. Returns
/// the Company. The Managers are told by email (TERM-11).
pub async fn terminate_for_fault(
    db: &Database,
    operator_id: i64,
    licence_id: i64,
    (ground, reason): (FaultGround, &str),
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Result<i64, FaultError> {
    let mut tx = db.write().await?;
    // The invoice takes a number: the numbering is locked before the Company's row.
    invoices::lock_numbering(&mut tx, today.year()).await?;
    let row = sqlx::query(
        "SELECT l.company_id, l.anchor, l.term_months, l.status, o.billing, o.placed_at
         FROM licences l JOIN orders o ON o.id = l.order_id WHERE l.id = $1",
    )
    .bind(licence_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(FaultError::NotFound)?;
    let company_id: i64 = row.try_get("company_id")?;
    super::lock_company(&mut tx, company_id).await?;
    if row.try_get::<String, _>("status")? != "active" {
        return Err(FaultError::AlreadyTerminated);
    }
    let notice_sent = notice_sent_in(&mut tx, company_id, ground).await?;
    fault_termination_allowed(ground, notice_sent, today)?;
    let licence = row.licence()?;
    let billing: String = row.try_get("billing")?;
    let billing: Billing = billing.parse().map_err(|_| corrupt("billing", &billing))?;
    let not_priced = |reason: String| FaultError::NotPriced { day: today, reason };

    let lines = scheduler::licence_lines_in(&mut tx, licence_id, company_id).await?;
    let vat = catalogue::vat_basis_in(&mut tx, company_id)
        .await?
        .ok_or(FaultError::NotFound)?;
    let period_price = if lines.is_empty() {
        Money::ZERO
    } else {
        // PRICE-3: the Licence's own prices, without a general reduction since its Order.
        let list = catalogue::price_list_in(&mut tx)
            .await?
            .as_subscribed_at(row.instant("placed_at")?);
        scheduler::renewal_quote(&list, billing, &lines, today, vat)
            .map_err(not_priced)?
            .subtotal
    };
    let instalment = monthly_instalment(period_price, licence.term)
        .ok_or_else(|| not_priced("the monthly instalment is out of range".into()))?;
    let remaining = remaining_monthly_instalments(&licence, today)
        .map_err(|error| not_priced(error.to_string()))?;
    // PostgreSQL sums BIGINTs as NUMERIC: cast back.
    let discounts: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(l.unit_price_cents * l.quantity - l.net_cents), 0) AS BIGINT)
         FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
         WHERE i.licence_id = $1 AND i.company_id = $2 AND l.plan_id IS NOT NULL
           AND l.vat_cents IS NULL",
    )
    .bind(licence_id)
    .bind(company_id)
    .fetch_one(&mut *tx)
    .await?;
    let due = fault_amount(instalment, remaining, Money::from_cents(discounts))
        .map_err(|error| not_priced(error.to_string()))?;
    let amounts = FaultAmounts {
        monthly_instalment_cents: whole_cents(instalment.round_to_cent())?,
        remaining_instalments: i64::from(remaining),
        accelerated_instalments_cents: whole_cents(due.accelerated_instalments)?,
        discounts_reimbursed_cents: whole_cents(due.discounts_reimbursed)?,
        total_due_cents: whole_cents(due.total)?,
    };

    sqlx::query("UPDATE licences SET status = 'ended' WHERE id = $1 AND status = 'active'")
        .bind(licence_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO licence_terminations (licence_id, company_id, cause, reason, received_at,
             service_last_day, monthly_instalment_cents, remaining_instalments,
             accelerated_instalments_cents, discounts_reimbursed_cents, total_due_cents, ground)
         VALUES ($1, $2, 'fault', $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(licence_id)
    .bind(company_id)
    .bind(reason)
    .bind(stamp(at))
    .bind(today.to_string())
    .bind(amounts.monthly_instalment_cents)
    .bind(amounts.remaining_instalments)
    .bind(amounts.accelerated_instalments_cents)
    .bind(amounts.discounts_reimbursed_cents)
    .bind(amounts.total_due_cents)
    .bind(ground.as_str())
    .execute(&mut *tx)
    .await
    .map_err(|error| match is_unique_violation(&error) {
        true => FaultError::AlreadyTerminated,
        false => error.into(),
    })?;

    // The house reading: the amount is invoiced on the termination day.
    let mut to_bill = Vec::new();
    if due.accelerated_instalments > Money::ZERO {
        to_bill.push((
            format!(
                "Licence {licence_id} terminated for fault on {today}: {remaining} remaining monthly instalments of {} (its price per month on that day, without discounts), increased by 20 % (GTCS 6.2.2)",
                instalment.round_to_cent()
            ),
            due.accelerated_instalments,
        ));
    }
    if due.discounts_reimbursed > Money::ZERO {
        to_bill.push((
            format!(
                "Licence {licence_id}: discounts granted on its invoices since the Contract began, reimbursed (GTCS 6.2.2)"
            ),
            due.discounts_reimbursed,
        ));
    }
    let issued = if to_bill.is_empty() {
        None
    } else {
        let priced = Priced::amounts(vat.rate(), vat.reason(), &to_bill)
            .map_err(|error| not_priced(error.to_string()))?;
        let issued = invoices::issue(
            &mut tx,
            NewInvoice {
                company_id,
                actor_user_id: None,
                kind: InvoiceKind::Termination,
                order_id: None,
                licence_id: Some(licence_id),
                period: None,
                issue_date: today,
                priced: &priced,
            },
            at,
        )
        .await?;
        sqlx::query("UPDATE licence_terminations SET invoice_id = $1 WHERE licence_id = $2")
            .bind(issued.id)
            .bind(licence_id)
            .execute(&mut *tx)
            .await?;
        Some(issued)
    };
    let change = audit::Change::new(
        company_id,
        None,
        "licence.terminate_for_fault",
        format!("licence:{licence_id}"),
    )
    .before(&serde_json::json!({"status": "active"}))
    .after(&serde_json::json!({
        "status": "ended",
        "ground": ground,
        "reason": reason,
        "service_last_day": today,
        "amounts": amounts,
        "invoice": issued.as_ref().map(|issued| &issued.number),
    }));
    audit::record(&mut tx, change.by_operator(Some(operator_id)), at).await?;
    let recipients = manager_emails(&mut tx, company_id).await?;
    let billed = match &issued {
        Some(issued) => format!(
            "{} falls due at once (GTCS 6.2.2), billed on invoice {}.",
            due.total, issued.number
        ),
        None => "Nothing more falls due for it.".to_owned(),
    };
    let body = format!(
        "The provider has terminated Licence {licence_id} for fault on {today}, which was its last day of service.\n\nGround: {} (GTCS 6.2.2).\nFacts: {reason}\n\n{billed}",
        ground.label()
    );
    let subject = format!("Licence {licence_id} terminated for fault");
    send_to(&mut tx, company_id, &recipients, &subject, &body, at).await?;
    tx.commit().await?;
    Ok(company_id)
}

/// TERM-2, LATE-4: the day the notice a termination on `ground` waits for was sent, if any (see
/// [`notice_sent_in`]).
pub async fn notice_sent(
    db: &Database,
    company_id: i64,
    ground: FaultGround,
) -> Result<Option<NaiveDate>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    notice_sent_in(&mut connection, company_id, ground).await
}

/// TERM-2, LATE-4: the day the notice a termination on `ground` waits for was sent, if any: the
/// earliest formal notice to pay of an invoice of the Company still unpaid, or the latest notice
/// naming a breach on that very ground (a newer notice starts its 8 days again).
async fn notice_sent_in(
    tx: &mut sqlx::AnyConnection,
    company_id: i64,
    ground: FaultGround,
) -> Result<Option<NaiveDate>, sqlx::Error> {
    let sent: Option<String> =
        match ground.prerequisite() {
            FaultPrerequisite::None => None,
            FaultPrerequisite::FormalNoticeToPay => sqlx::query_scalar(
                "SELECT MIN(n.sent_on) FROM formal_notices n JOIN invoices i ON i.id = n.invoice_id
                 WHERE n.company_id = $1 AND i.status = $2",
            )
            .bind(company_id)
            .bind(InvoiceStatus::Overdue.as_str())
            .fetch_one(&mut *tx)
            .await?,
            FaultPrerequisite::EightDaysNotice => {
                sqlx::query_scalar(
                    "SELECT MAX(sent_on) FROM fault_notices WHERE company_id = $1 AND ground = $2",
                )
                .bind(company_id)
                .bind(ground.as_str())
                .fetch_one(&mut *tx)
                .await?
            }
        };
    sent.map(|day| codec::parsed("sent_on", &day)).transpose()
}

#[derive(Debug, thiserror::Error)]
pub enum FaultNoticeError {
    #[error("no such company")]
    NotFound,
    /// The ground is not one of GTCS 6.2.2 (ii): it needs no such notice.
    #[error("this ground takes no notice of 8 days")]
    NotNoticed,
    #[error("{0}")]
    Calendar(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// GTCS 6.2.2 (ii): the provider's notice by email naming the breach on `ground`, sent to the
/// Company's Managers on `today`; the Company may remedy it for 8 days, after which the provider
/// may terminate on that ground. Written with its emails and proof-log entry at once.
pub async fn send_fault_notice(
    db: &Database,
    operator_id: i64,
    company_id: i64,
    (ground, reason): (FaultGround, &str),
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Result<FaultNoticeView, FaultNoticeError> {
    if ground.prerequisite() != FaultPrerequisite::EightDaysNotice {
        return Err(FaultNoticeError::NotNoticed);
    }
    let deadline = fault_notice_deadline(today)
        .ok_or_else(|| FaultNoticeError::Calendar(format!("{today} has no 8 days after it")))?;
    let mut tx = db.write().await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM companies WHERE id = $1")
        .bind(company_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(FaultNoticeError::NotFound);
    }
    super::lock_company(&mut tx, company_id).await?;
    sqlx::query(
        "INSERT INTO fault_notices (company_id, ground, reason, sent_on, deadline, sent_at,
             operator_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(company_id)
    .bind(ground.as_str())
    .bind(reason)
    .bind(today.to_string())
    .bind(deadline.to_string())
    .bind(stamp(at))
    .bind(operator_id)
    .execute(&mut *tx)
    .await?;
    let recipients = manager_emails(&mut tx, company_id).await?;
    let body = format!(
        "The provider notifies you of a breach of the Contract: {} (GTCS 6.2.2 (ii)).\nFacts: {reason}\n\nUnless it is remedied by {deadline}, the provider may terminate the Contract for fault from the day after; every monthly instalment still to be paid would then fall due at once, increased by 20 %.",
        ground.label()
    );
    send_to(
        &mut tx,
        company_id,
        &recipients,
        "Notice of a breach of the Contract",
        &body,
        at,
    )
    .await?;
    let change = audit::Change::new(
        company_id,
        None,
        "company.fault_notice",
        format!("company:{company_id}"),
    )
    .after(&serde_json::json!({
        "ground": ground,
        "reason": reason,
        "sent_on": today,
        "deadline": deadline,
        "recipients": recipients,
    }));
    audit::record(&mut tx, change.by_operator(Some(operator_id)), at).await?;
    tx.commit().await?;
    Ok(FaultNoticeView {
        ground,
        reason: reason.to_owned(),
        sent_on: today,
        deadline,
    })
}

/// The Company's notices naming a breach, latest first.
pub async fn fault_notices(
    db: &Database,
    company_id: i64,
) -> Result<Vec<FaultNoticeView>, sqlx::Error> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT ground, reason, sent_on, deadline FROM fault_notices
         WHERE company_id = $1 ORDER BY sent_at DESC, id DESC",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(ground, reason, sent_on, deadline)| {
            Ok(FaultNoticeView {
                ground: FaultGround::parse(&ground).ok_or_else(|| corrupt("ground", &ground))?,
                reason,
                sent_on: codec::parsed("sent_on", &sent_on)?,
                deadline: codec::parsed("deadline", &deadline)?,
            })
        })
        .collect()
}

/// A termination as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerminationRecord {
    pub licence_id: i64,
    pub cause: String,
    pub ground: Option<FaultGround>,
    pub reason: Option<String>,
    pub notice_id: Option<i64>,
    pub received_at: DateTime<Utc>,
    pub service_last_day: NaiveDate,
    pub amounts: Option<FaultAmounts>,
    /// TERM-1: the invoice of a termination for fault (its id and number).
    pub invoice: Option<(i64, String)>,
}

type Row = (
    i64,
    String,
    Option<String>,
    Option<i64>,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// The Company's terminated Licences, latest first.
pub async fn list(db: &Database, company_id: i64) -> Result<Vec<TerminationRecord>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT t.licence_id, t.cause, t.reason, t.notice_id, t.received_at, t.service_last_day,
             t.monthly_instalment_cents, t.remaining_instalments, t.accelerated_instalments_cents,
             t.discounts_reimbursed_cents, t.total_due_cents, t.invoice_id, i.number, t.ground
         FROM licence_terminations t LEFT JOIN invoices i ON i.id = t.invoice_id
         WHERE t.company_id = $1 ORDER BY t.received_at DESC, t.licence_id",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(
            |(
                licence_id,
                cause,
                reason,
                notice_id,
                received_at,
                service_last_day,
                monthly,
                remaining,
                accelerated,
                discounts,
                total,
                invoice_id,
                invoice_number,
                ground,
            )| {
                let amounts = match (monthly, remaining, accelerated, discounts, total) {
                    (
                        Some(monthly),
                        Some(remaining),
                        Some(accelerated),
                        Some(discounts),
                        Some(total),
                    ) => Some(FaultAmounts {
                        monthly_instalment_cents: monthly,
                        remaining_instalments: remaining,
                        accelerated_instalments_cents: accelerated,
                        discounts_reimbursed_cents: discounts,
                        total_due_cents: total,
                    }),
                    _ => None,
                };
                let ground = ground
                    .map(|ground| {
                        FaultGround::parse(&ground).ok_or_else(|| corrupt("ground", &ground))
                    })
                    .transpose()?;
                Ok(TerminationRecord {
                    licence_id,
                    cause,
                    ground,
                    reason,
                    notice_id,
                    received_at: codec::instant("received_at", &received_at)?,
                    service_last_day: codec::parsed("service_last_day", &service_last_day)?,
                    amounts,
                    invoice: invoice_id.zip(invoice_number),
                })
            },
        )
        .collect()
}

/// The last day of service a termination of the Company's Licence `licence_id` set, if any
/// (after a price increase, PRICE-5, or for fault, TERM-1).
pub async fn service_last_day(
    db: &Database,
    company_id: i64,
    licence_id: i64,
) -> Result<Option<NaiveDate>, sqlx::Error> {
    let day: Option<String> = sqlx::query_scalar(
        "SELECT service_last_day FROM licence_terminations WHERE licence_id = $1 AND company_id = $2",
    )
    .bind(licence_id)
    .bind(company_id)
    .fetch_optional(&db.pool)
    .await?;
    day.map(|day| codec::parsed("service_last_day", &day))
        .transpose()
}
