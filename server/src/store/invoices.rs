//! Invoices (PAY-1) and their payments. An invoice is written inside the transaction of what it
//! bills (an Order, a renewal run), with a number taken from its year's counter row in that same
//! transaction: the counter row stays locked until the commit, so numbers follow one another
//! without a gap or a duplicate even when Orders are placed at the same moment, and a rolled
//! back transaction gives its number back.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::Money;
use domain::catalogue::Billing;
use domain::money::Percent;
use domain::order::{OrderQuote, VatBasis, cents};
use domain::period::Period;
use domain::pricing::{Discount, QuoteLine, quote};
use protocol::invoices::{
    InvoiceKind, InvoiceLineView, InvoiceStatus, InvoiceSummary, InvoiceView, PaymentView,
    ViesProofView,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::codec::{self, Columns, corrupt};
use super::{audit, idempotency, stamp};
use crate::db::{Backend, Database, WriteTransaction};

/// One priced line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub description: String,
    /// The Call Plan billed, if the line bills one.
    pub plan_id: Option<i64>,
    pub quantity: u32,
    pub unit_price: Money,
    pub discount: Discount,
    pub net: Money,
}

/// What an invoice bills, priced: its lines, VAT and totals (computed by `domain::pricing`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priced {
    pub billing: Option<Billing>,
    pub vat_rate: Percent,
    pub vat_reason: String,
    pub lines: Vec<PricedLine>,
    pub subtotal: Money,
    pub vat: Money,
    pub total: Money,
}

impl From<&OrderQuote> for Priced {
    fn from(quote: &OrderQuote) -> Self {
        Priced {
            billing: Some(quote.billing),
            vat_rate: quote.vat_rate,
            vat_reason: quote.vat_reason.clone(),
            lines: quote
                .lines
                .iter()
                .map(|line| PricedLine {
                    description: line.description(quote.billing),
                    plan_id: Some(line.plan_id),
                    quantity: line.quantity,
                    unit_price: line.unit_price,
                    discount: line.discount,
                    net: line.net,
                })
                .collect(),
            subtotal: quote.subtotal,
            vat: quote.vat,
            total: quote.total,
        }
    }
}

impl Priced {
    /// An invoice of one-off amounts (a top-up, penalties, what a termination makes due): one
    /// line of quantity 1 per `(description, amount)`, priced by `pricing.quote` at `vat_rate`,
    /// so its subtotal, VAT and total add up as every invoice's do.
    pub fn amounts(
        vat_rate: Percent,
        vat_reason: String,
        amounts: &[(String, Money)],
    ) -> Result<Priced, domain::RuleError> {
        let to_price: Vec<QuoteLine> = amounts
            .iter()
            .map(|(_, amount)| QuoteLine {
                unit_price: *amount,
                quantity: 1,
                discount: Discount::NONE,
            })
            .collect();
        let priced = quote(vat_rate, &to_price)?;
        Ok(Priced {
            billing: None,
            vat_rate,
            vat_reason,
            lines: amounts
                .iter()
                .zip(&priced.lines)
                .map(|((description, amount), line)| PricedLine {
                    description: description.clone(),
                    plan_id: None,
                    quantity: 1,
                    unit_price: *amount,
                    discount: Discount::NONE,
                    net: line.net,
                })
                .collect(),
            subtotal: priced.subtotal,
            vat: priced.vat,
            total: priced.total,
        })
    }
}

/// An invoice to write: what it bills, and how it was priced.
#[derive(Debug, Clone, Copy)]
pub struct NewInvoice<'a> {
    pub company_id: i64,
    /// Who caused it: the Manager placing an Order, or `None` for the scheduler.
    pub actor_user_id: Option<i64>,
    pub kind: InvoiceKind,
    pub order_id: Option<i64>,
    pub licence_id: Option<i64>,
    pub period: Option<Period>,
    pub issue_date: NaiveDate,
    pub priced: &'a Priced,
}

/// A written invoice: its id and number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub id: i64,
    pub number: String,
}

/// `2026-000042`.
pub fn format_number(year: i32, seq: i64) -> String {
    format!("{year}-{seq:06}")
}

pub(super) fn whole_cents(amount: Money) -> Result<i64, sqlx::Error> {
    cents(amount)
        .ok_or_else(|| sqlx::Error::Protocol(format!("{amount} is not a whole number of cents")))
}

/// The next number of `year`, taken inside the caller's transaction. The upsert locks the
/// year's row until the transaction ends (PostgreSQL; SQLite's write transaction excludes other
/// writers already), so two invoices never get the same number and a rollback leaves no gap.
async fn next_number(connection: &mut AnyConnection, year: i32) -> Result<i64, sqlx::Error> {
    // One statement (one round trip): the year's first number, or the next one.
    sqlx::query_scalar(
        "INSERT INTO invoice_counters (year, last_number) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last_number = invoice_counters.last_number + 1
         RETURNING last_number",
    )
    .bind(i64::from(year))
    .fetch_one(&mut *connection)
    .await
}

/// Locks the invoice numbering of `year` until the transaction ends, without taking a number.
/// Every transaction that may write an invoice calls it FIRST, before it locks any Company's row
/// (as the proof log does): the locks are then always taken in the same order, so an Order and a
/// renewal run never wait for each other in a circle (PostgreSQL; SQLite's write transactions
/// are one at a time already, so there it sends nothing: [`next_number`] creates the year's row).
pub async fn lock_numbering(tx: &mut WriteTransaction, year: i32) -> Result<(), sqlx::Error> {
    if tx.backend() == Backend::Sqlite {
        return Ok(());
    }
    // One statement: creates the year's row or, when it exists, locks it by a no-op update.
    sqlx::query(
        "INSERT INTO invoice_counters (year, last_number) VALUES ($1, 0)
         ON CONFLICT (year) DO UPDATE SET last_number = invoice_counters.last_number",
    )
    .bind(i64::from(year))
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// PAY-1 (GTCS 5.2): writes `invoice` with its lines and its proof-log entry, inside the
/// caller's transaction. Payment is due on the day of issue (payment in advance).
pub async fn issue(
    connection: &mut AnyConnection,
    invoice: NewInvoice<'_>,
    now: DateTime<Utc>,
) -> Result<Issued, sqlx::Error> {
    let year = invoice.issue_date.year();
    let seq = next_number(connection, year).await?;
    let number = format_number(year, seq);
    let quote = invoice.priced;
    // Issue 19: no VAT for a Company of another member state means a reverse charge, which its
    // VIES confirmation (read in this transaction, as the rate was) justifies.
    // A penalty invoice has no VAT because it bills damages, not a supply: no reverse charge.
    let confirmation = if quote.vat_rate == Percent::ZERO && !invoice.kind.bills_damages() {
        super::vies::confirmation_in(connection, invoice.company_id).await?
    } else {
        None
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO invoices (company_id, year, seq, number, kind, order_id, licence_id,
                               period_first_day, period_last_day, issue_date, due_date, status,
                               billing, vat_rate, vat_reason, subtotal_cents, vat_cents,
                               total_cents, created_at, vies_consultation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 'issued', $11, $12, $13, $14, $15,
                 $16, $17, $18)
         RETURNING id",
    )
    .bind(invoice.company_id)
    .bind(i64::from(year))
    .bind(seq)
    .bind(&number)
    .bind(invoice.kind.as_str())
    .bind(invoice.order_id)
    .bind(invoice.licence_id)
    .bind(invoice.period.map(|period| period.first_day().to_string()))
    .bind(invoice.period.map(|period| period.last_day().to_string()))
    .bind(invoice.issue_date.to_string())
    .bind(quote.billing.map(Billing::as_str))
    .bind(quote.vat_rate.to_string())
    .bind(&quote.vat_reason)
    .bind(whole_cents(quote.subtotal)?)
    .bind(whole_cents(quote.vat)?)
    .bind(whole_cents(quote.total)?)
    .bind(stamp(now))
    .bind(confirmation.as_ref().map(|consultation| consultation.id))
    .fetch_one(&mut *connection)
    .await?;
    // The lines in one statement (an invoice has a line per plan, a handful).
    if !quote.lines.is_empty() {
        let sql = format!(
            "INSERT INTO invoice_lines (invoice_id, line_no, description, plan_id, quantity,
                                        unit_price_cents, discount_pct, net_cents)
             VALUES {}",
            super::values_rows(quote.lines.len(), 8)
        );
        let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (line_no, line) in quote.lines.iter().enumerate() {
            insert = insert
                .bind(id)
                .bind(line_no as i64 + 1)
                .bind(&line.description)
                .bind(line.plan_id)
                .bind(i64::from(line.quantity))
                .bind(whole_cents(line.unit_price)?)
                .bind(line.discount.to_string())
                .bind(whole_cents(line.net)?);
        }
        insert.execute(&mut *connection).await?;
    }
    let record = serde_json::json!({
        "number": number,
        "kind": invoice.kind,
        "order_id": invoice.order_id,
        "licence_id": invoice.licence_id,
        "period": invoice.period.map(|period| [period.first_day(), period.last_day()]),
        "issue_date": invoice.issue_date,
        "due_date": invoice.issue_date,
        "lines": quote.lines.iter().map(|line| serde_json::json!({
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_pct": line.discount,
            "net": line.net,
        })).collect::<Vec<_>>(),
        "vat_rate": quote.vat_rate,
        "vies_consultation": confirmation.as_ref().map(|consultation| &consultation.request_identifier),
        "subtotal": quote.subtotal,
        "vat": quote.vat,
        "total": quote.total,
    });
    let change = audit::Change::new(
        invoice.company_id,
        invoice.actor_user_id,
        "invoice.issue",
        format!("invoice:{id}"),
    )
    .after(&record);
    audit::record(connection, change, now).await?;
    // DISPUTE-2: the Company's credit notes are deducted from its next invoice (one that bills
    // a supply: a credit note reduces a supply's price, not damages).
    if !invoice.kind.bills_damages() {
        super::disputes::deduct_credit_notes(connection, invoice.company_id, id, now).await?;
    }
    Ok(Issued { id, number })
}

fn summary_from_row(row: &AnyRow) -> Result<InvoiceSummary, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    Ok(InvoiceSummary {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        kind: InvoiceKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
        issue_date: row.date("issue_date")?,
        due_date: row.date("due_date")?,
        status: InvoiceStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        total: Money::from_cents(row.try_get("total_cents")?),
        late: None,
    })
}

/// The Company's invoices, newest first.
pub async fn list(db: &Database, company_id: i64) -> Result<Vec<InvoiceSummary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, number, kind, issue_date, due_date, status, total_cents
         FROM invoices WHERE company_id = $1 ORDER BY year DESC, seq DESC",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(summary_from_row).collect()
}

/// One of the Company's invoices; `None` when it does not exist or belongs to another Company.
pub async fn one(
    db: &Database,
    company_id: i64,
    invoice_id: i64,
) -> Result<Option<InvoiceView>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    one_in(&mut connection, company_id, invoice_id).await
}

async fn one_in(
    connection: &mut AnyConnection,
    company_id: i64,
    invoice_id: i64,
) -> Result<Option<InvoiceView>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, number, kind, order_id, licence_id, period_first_day, period_last_day,
                billing, issue_date, due_date, status, paid_on, vat_rate, vat_reason,
                subtotal_cents, vat_cents, total_cents, vies_consultation_id
         FROM invoices WHERE id = $1 AND company_id = $2",
    )
    .bind(invoice_id)
    .bind(company_id)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let summary = summary_from_row(&row)?;
    let lines = lines_in(connection, invoice_id).await?;
    let payments = sqlx::query(
        "SELECT p.id, p.attempted_at, p.amount_cents, p.outcome, p.reason, m.kind, m.label, m.last4
         FROM payments p JOIN payment_methods m ON m.id = p.payment_method_id
         WHERE p.invoice_id = $1 ORDER BY p.id",
    )
    .bind(invoice_id)
    .fetch_all(&mut *connection)
    .await?
    .iter()
    .map(|payment| {
        let kind: String = payment.try_get("kind")?;
        let label: String = payment.try_get("label")?;
        let last4: String = payment.try_get("last4")?;
        let outcome: String = payment.try_get("outcome")?;
        Ok(PaymentView {
            id: payment.try_get("id")?,
            attempted_at: payment.try_get("attempted_at")?,
            amount: Money::from_cents(payment.try_get("amount_cents")?),
            method: format!("{label} ({} …{last4})", kind.to_uppercase()),
            succeeded: outcome == "succeeded",
            reason: payment.try_get("reason")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let first: Option<String> = row.try_get("period_first_day")?;
    let last: Option<String> = row.try_get("period_last_day")?;
    let period = match (first, last) {
        (Some(first), Some(last)) => Some((
            codec::parsed("date", &first)?,
            codec::parsed("date", &last)?,
        )),
        _ => None,
    };
    let billing: Option<String> = row.try_get("billing")?;
    let billing: Option<Billing> = billing
        .map(|raw| raw.parse().map_err(|_| corrupt("billing", &raw)))
        .transpose()?;
    let paid_on: Option<String> = row.try_get("paid_on")?;
    let vat_rate: String = row.try_get("vat_rate")?;
    let vies_consultation_id: Option<i64> = row.try_get("vies_consultation_id")?;
    let vies = match vies_consultation_id {
        Some(consultation_id) => sqlx::query(
            "SELECT vat_number, request_identifier, request_date, trader_name, trader_address
             FROM vies_consultations WHERE id = $1",
        )
        .bind(consultation_id)
        .fetch_optional(&mut *connection)
        .await?
        .map(|proof| {
            Ok::<_, sqlx::Error>(ViesProofView {
                vat_number: proof.try_get("vat_number")?,
                request_identifier: proof.try_get("request_identifier")?,
                request_date: proof.try_get("request_date")?,
                trader_name: proof.try_get("trader_name")?,
                trader_address: proof.try_get("trader_address")?,
            })
        })
        .transpose()?,
        None => None,
    };
    Ok(Some(InvoiceView {
        id: summary.id,
        number: summary.number,
        kind: summary.kind,
        order_id: row.try_get("order_id")?,
        licence_id: row.try_get("licence_id")?,
        period,
        billing,
        issue_date: summary.issue_date,
        due_date: summary.due_date,
        status: summary.status,
        paid_on: paid_on
            .as_deref()
            .map(|raw| codec::parsed::<NaiveDate>("date", raw))
            .transpose()?,
        vat_rate: vat_rate
            .parse()
            .map_err(|_| corrupt("VAT rate", &vat_rate))?,
        vat_reason: row.try_get("vat_reason")?,
        lines,
        subtotal: Money::from_cents(row.try_get("subtotal_cents")?),
        vat: Money::from_cents(row.try_get("vat_cents")?),
        total: summary.total,
        payments,
        late: None,
        formal_notice: None,
        vies,
    }))
}

/// The lines of invoice `invoice_id`, in order.
pub async fn lines_in(
    connection: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<InvoiceLineView>, sqlx::Error> {
    sqlx::query(
        "SELECT description, quantity, unit_price_cents, discount_pct, net_cents, vat_cents
         FROM invoice_lines WHERE invoice_id = $1 ORDER BY line_no",
    )
    .bind(invoice_id)
    .fetch_all(&mut *connection)
    .await?
    .iter()
    .map(line_from_row)
    .collect()
}

/// A line of an invoice or a credit note: `description`, `quantity`, `unit_price_cents`,
/// `discount_pct`, `net_cents` and `vat_cents` (a credit note deducted; NULL otherwise).
pub(super) fn line_from_row(line: &AnyRow) -> Result<InvoiceLineView, sqlx::Error> {
    let quantity: i64 = line.try_get("quantity")?;
    let discount: String = line.try_get("discount_pct")?;
    let vat: Option<i64> = line.try_get("vat_cents")?;
    Ok(InvoiceLineView {
        description: line.try_get("description")?,
        quantity: u32::try_from(quantity).map_err(|_| corrupt("quantity", quantity))?,
        unit_price: Money::from_cents(line.try_get("unit_price_cents")?),
        discount_pct: codec::parsed("discount_pct", &discount)?,
        net: Money::from_cents(line.try_get("net_cents")?),
        vat: vat.map(Money::from_cents),
    })
}

/// A payment method the provider can charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeableMethod {
    pub id: i64,
    pub kind: String,
    pub label: String,
    pub last4: String,
    /// The provider's token for it (issue 13): what a charge names.
    pub token: String,
}

/// What the provider answered, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub method_id: i64,
    pub amount: Money,
    pub provider: &'static str,
    pub succeeded: bool,
    pub provider_reference: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PayError {
    #[error("no such invoice")]
    NotFound,
    #[error("the invoice is already paid")]
    AlreadyPaid,
    /// PAY-2: no payment method valid today to charge.
    #[error("no valid payment method to charge")]
    NoMethod,
    /// Another payment of the invoice (another idempotency key) is waiting for the provider.
    #[error("a payment of the invoice is under way")]
    InProgress,
    /// Issue 13: the payment's idempotency key was used for another request.
    #[error(transparent)]
    KeyReused(#[from] idempotency::KeyReused),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A payment to ask the provider for, claimed under its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentClaim {
    /// The key's row: [`record_attempt`] completes it.
    pub key_id: i64,
    pub invoice_id: i64,
    pub invoice_number: String,
    pub amount: Money,
    pub method: ChargeableMethod,
}

impl PaymentClaim {
    /// The key the provider dedupes charges by: the same for every retry of the claim.
    pub fn provider_key(&self) -> String {
        format!("payment-{}", self.key_id)
    }
}

/// A payment's recorded outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub succeeded: bool,
    /// The provider's reason for a refusal.
    pub reason: Option<String>,
}

/// What a payment request with its key is to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// Ask the provider: a new key, or one whose request ended before the outcome was recorded.
    Charge(PaymentClaim),
    /// The key's payment was already recorded (a retry): its outcome, nothing asked again.
    Recorded(Recorded),
}

async fn recorded_in(
    connection: &mut AnyConnection,
    payment_id: i64,
) -> Result<Recorded, sqlx::Error> {
    let (outcome, reason): (String, Option<String>) =
        sqlx::query_as("SELECT outcome, reason FROM payments WHERE id = $1")
            .bind(payment_id)
            .fetch_one(&mut *connection)
            .await?;
    Ok(Recorded {
        succeeded: outcome == "succeeded",
        reason,
    })
}

async fn method_in(
    connection: &mut AnyConnection,
    method_id: i64,
) -> Result<ChargeableMethod, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, kind, label, last4, provider_token FROM payment_methods WHERE id = $1",
    )
    .bind(method_id)
    .fetch_one(&mut *connection)
    .await?;
    chargeable_from_row(&row)
}

/// PAY-1, PAY-2, issue 13: claims the payment of the Company's invoice under the idempotency
/// `key`, before the provider is asked. A new key claims the invoice's total on the Company's
/// first payment method valid `today`, unless the invoice is paid or another key's payment of
/// it is under way; the same key again answers its recorded outcome, or, when its request ended
/// before the outcome was recorded, the same charge to ask again; the same key used for another
/// request is refused.
pub async fn claim_payment(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    invoice_id: i64,
    key: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Claimed, PayError> {
    let mut tx = db.write().await?;
    // A concurrent request of the Company waits here, then sees this one's claim.
    super::lock_company(&mut tx, company_id).await?;
    let request = idempotency::Request::Payment { invoice_id };
    let found = idempotency::find_in(&mut tx, company_id, key, request).await??;
    let invoice: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT number, status, total_cents FROM invoices WHERE id = $1 AND company_id = $2",
    )
    .bind(invoice_id)
    .bind(company_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (invoice_number, status, total_cents) = invoice.ok_or(PayError::NotFound)?;
    if let Some(used) = found {
        return Ok(match (used.done, used.payment_id, used.payment_method_id) {
            (true, Some(payment_id), _) => {
                Claimed::Recorded(recorded_in(&mut tx, payment_id).await?)
            }
            (false, _, Some(method_id)) => Claimed::Charge(PaymentClaim {
                key_id: used.id,
                invoice_id,
                invoice_number,
                amount: Money::from_cents(used.amount_cents),
                method: method_in(&mut tx, method_id).await?,
            }),
            _ => return Err(corrupt("idempotency key", used.id).into()),
        });
    }
    if status == "paid" {
        return Err(PayError::AlreadyPaid);
    }
    // Another key's payment (a collection attempt, another Manager's) waits for the provider's
    // event: its outcome first (a claim lost in a crash is asked again within a minute,
    // `services::collection::resume_pending`), so the invoice is never charged twice.
    if idempotency::payment_pending_since_in(&mut tx, invoice_id, key)
        .await?
        .is_some()
    {
        return Err(PayError::InProgress);
    }
    let method = default_method_in(&mut tx, company_id, today)
        .await?
        .ok_or(PayError::NoMethod)?;
    let new_key = idempotency::NewKey {
        company_id,
        key,
        request,
        created_invoice_id: None,
        charge: Some((method.id, total_cents)),
    };
    let key_id = idempotency::insert_in(&mut tx, new_key, now).await?;
    // PROOF-1: the Manager asked for it; the outcome comes from the provider's event.
    let change = audit::Change::new(
        company_id,
        Some(actor_user_id),
        "invoice.payment_request",
        format!("invoice:{invoice_id}"),
    )
    .after(&serde_json::json!({"amount": Money::from_cents(total_cents), "payment_method_id": method.id}));
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(Claimed::Charge(PaymentClaim {
        key_id,
        invoice_id,
        invoice_number,
        amount: Money::from_cents(total_cents),
        method,
    }))
}

/// Records the provider's answer to the claimed payment `claim` and, when it succeeded, marks
/// the invoice paid on `today`; with the proof-log entry and the key completed, all or nothing.
/// When another request with the same key recorded the outcome first, nothing is written and
/// that outcome is answered; the flag says whether this call recorded it. A second successful payment of the invoice under another key is
/// refused: the invoice is paid once.
///
/// Issue 13: the outcome comes from the provider's webhook event `event_id` (recorded with it,
/// so that the event is applied once); a paid Credits top-up credits its Credits in the same
/// transaction. `actor_user_id`: `None` for the system (the provider's event).
#[allow(clippy::too_many_arguments)]
pub async fn record_attempt(
    db: &Database,
    company_id: i64,
    actor_user_id: Option<i64>,
    claim: &PaymentClaim,
    attempt: &Attempt,
    event_id: Option<&str>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(Recorded, bool), PayError> {
    let invoice_id = claim.invoice_id;
    let mut tx = db.write().await?;
    // A late invoice paid gets its penalty invoice, which takes a number: the numbering is
    // locked before the Company's row (see `lock_numbering`).
    lock_numbering(&mut tx, today.year()).await?;
    super::lock_company(&mut tx, company_id).await?;
    let used = idempotency::get_in(&mut tx, claim.key_id).await?;
    if let (true, Some(payment_id)) = (used.done, used.payment_id) {
        return Ok((recorded_in(&mut tx, payment_id).await?, false));
    }
    let found: Option<(String, String)> =
        sqlx::query_as("SELECT status, kind FROM invoices WHERE id = $1 AND company_id = $2")
            .bind(invoice_id)
            .bind(company_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (status, kind) = match found {
        None => return Err(PayError::NotFound),
        Some((status, _)) if status == "paid" && attempt.succeeded => {
            return Err(PayError::AlreadyPaid);
        }
        Some((status, kind)) => (Some(status), kind),
    };
    if let Some(event_id) = event_id {
        sqlx::query(
            "INSERT INTO payment_events (event_id, idempotency_key_id, kind, received_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(event_id)
        .bind(claim.key_id)
        .bind(if attempt.succeeded {
            "charge.succeeded"
        } else {
            "charge.failed"
        })
        .bind(stamp(now))
        .execute(&mut *tx)
        .await?;
    }
    let payment_id: i64 = sqlx::query_scalar(
        "INSERT INTO payments (invoice_id, company_id, payment_method_id, amount_cents,
                               attempted_at, attempted_on, outcome, provider, provider_reference, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(invoice_id)
    .bind(company_id)
    .bind(attempt.method_id)
    .bind(whole_cents(attempt.amount)?)
    .bind(stamp(now))
    .bind(today.to_string())
    .bind(if attempt.succeeded {
        "succeeded"
    } else {
        "declined"
    })
    .bind(attempt.provider)
    .bind(&attempt.provider_reference)
    .bind(&attempt.reason)
    .fetch_one(&mut *tx)
    .await?;
    if !idempotency::complete_in(&mut tx, claim.key_id, payment_id, now).await? {
        return Err(sqlx::Error::Protocol("the payment's key was completed twice".into()).into());
    }
    if attempt.succeeded {
        let updated = sqlx::query(
            "UPDATE invoices SET status = 'paid', paid_on = $1
             WHERE id = $2 AND company_id = $3 AND status <> 'paid'",
        )
        .bind(today.to_string())
        .bind(invoice_id)
        .bind(company_id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(PayError::AlreadyPaid);
        }
        // LATE-1, LATE-2 (house reading): an invoice paid late still owes its penalties.
        if status.as_deref() == Some(InvoiceStatus::Overdue.as_str()) {
            super::late_payment::invoice_penalties_in(
                &mut tx,
                invoice_id,
                actor_user_id,
                today,
                now,
            )
            .await?;
        }
        // House reading: Credits bought by top-up are usable once their invoice is paid.
        if kind == InvoiceKind::CreditsTopup.as_str() {
            credit_top_up_in(&mut tx, company_id, actor_user_id, invoice_id, now).await?;
        }
    }
    let record = serde_json::json!({
        "payment_id": payment_id,
        "amount": attempt.amount,
        "payment_method_id": attempt.method_id,
        "provider": attempt.provider,
        "succeeded": attempt.succeeded,
        "provider_reference": attempt.provider_reference,
        "reason": attempt.reason,
    });
    let action = if attempt.succeeded {
        "invoice.pay"
    } else {
        "invoice.payment_declined"
    };
    let change = audit::Change::new(
        company_id,
        actor_user_id,
        action,
        format!("invoice:{invoice_id}"),
    )
    .before(&serde_json::json!({"status": status}))
    .after(&record);
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    let recorded = Recorded {
        succeeded: attempt.succeeded,
        reason: attempt.reason.clone(),
    };
    Ok((recorded, true))
}

/// The number of invoice `invoice_id`, as [`Issued`] (a retried top-up answers its invoice).
pub async fn issued_in(
    connection: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Issued, sqlx::Error> {
    let number: String = sqlx::query_scalar("SELECT number FROM invoices WHERE id = $1")
        .bind(invoice_id)
        .fetch_one(&mut *connection)
        .await?;
    Ok(Issued {
        id: invoice_id,
        number,
    })
}

pub(super) fn chargeable_from_row(row: &AnyRow) -> Result<ChargeableMethod, sqlx::Error> {
    let id: i64 = row.try_get("id")?;
    let token: Option<String> = row.try_get("provider_token")?;
    Ok(ChargeableMethod {
        id,
        kind: row.try_get("kind")?,
        label: row.try_get("label")?,
        last4: row.try_get("last4")?,
        token: token.ok_or_else(|| corrupt("provider_token", id))?,
    })
}

/// The method the Company is charged from on `today` (PAY-2, issue 13): its default one when
/// it is on file and valid that day, else its oldest method valid that day; `None` without one.
pub async fn default_method_in(
    connection: &mut AnyConnection,
    company_id: i64,
    today: NaiveDate,
) -> Result<Option<ChargeableMethod>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT m.id, m.kind, m.label, m.last4, m.valid_until, m.provider_token,
                CASE WHEN c.default_payment_method_id = m.id THEN 0 ELSE 1 END AS preference
         FROM payment_methods m JOIN companies c ON c.id = m.company_id
         WHERE m.company_id = $1 AND m.removed_at IS NULL ORDER BY preference, m.id",
    )
    .bind(company_id)
    .fetch_all(&mut *connection)
    .await?;
    for row in &rows {
        let valid_until: Option<String> = row.try_get("valid_until")?;
        let valid_until = valid_until
            .as_deref()
            .map(|raw| codec::parsed::<NaiveDate>("date", raw))
            .transpose()?;
        if domain::payment::is_valid_on(valid_until, today) {
            return chargeable_from_row(row).map(Some);
        }
    }
    Ok(None)
}

/// Marks every unpaid invoice whose due date is before `day` overdue, once its collection has
/// failed or was never possible (none ran: a server without a payment provider), with a proof-log entry
/// each; returns how many. Inside the scheduler's transaction for `day`.
pub async fn mark_overdue(
    connection: &mut AnyConnection,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    // Issue 13 (house reading "Due date and collection"): not while its collection still has
    // an attempt to come or waits for the provider's answer.
    let due: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, company_id, due_date FROM invoices i
         WHERE status = 'issued' AND due_date < $1 AND collection_next_on IS NULL
           AND NOT EXISTS (SELECT 1 FROM idempotency_keys k
                           WHERE k.invoice_id = i.id AND k.state = 'pending'
                             AND k.purpose = 'invoice_payment')
         ORDER BY id",
    )
    .bind(day.to_string())
    .fetch_all(&mut *connection)
    .await?;
    for (id, company_id, due_date) in &due {
        sqlx::query("UPDATE invoices SET status = 'overdue' WHERE id = $1 AND status = 'issued'")
            .bind(id)
            .execute(&mut *connection)
            .await?;
        let change = audit::Change::new(
            *company_id,
            None,
            "invoice.overdue",
            format!("invoice:{id}"),
        )
        .before(&serde_json::json!({"status": "issued", "due_date": due_date}))
        .after(&serde_json::json!({"status": "overdue", "on": day}));
        audit::record(connection, change, now).await?;
        // LATE-3: the day an invoice becomes overdue is the day of a payment default.
        super::payment_defaults::record_in(connection, *company_id, *id, day, now).await?;
    }
    Ok(due.len())
}

/// PAY-1: the invoice of a new Order, written in the Order's transaction from the quote the
/// Order was placed at; it bills the Licence's first period.
pub async fn issue_for_order(
    connection: &mut AnyConnection,
    placing: &super::orders::Placing<'_>,
    order_id: i64,
    licence_id: i64,
    quote: &OrderQuote,
) -> Result<Issued, sqlx::Error> {
    let term = domain::term::Term::months(quote.billing.term_months())
        .map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
    let period = domain::licence::Licence::new(placing.today, term)
        .period(0)
        .map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
    issue(
        connection,
        NewInvoice {
            company_id: placing.company_id,
            actor_user_id: Some(placing.user_id),
            kind: InvoiceKind::Order,
            order_id: Some(order_id),
            licence_id: Some(licence_id),
            period: Some(period),
            issue_date: placing.today,
            priced: &Priced::from(quote),
        },
        placing.now,
    )
    .await
}

/// PAY-1: the invoice of a Credits top-up of `amount` (excluding VAT), written inside the
/// caller's transaction (the one that credits the balance): one line, VAT at the Company's rate.
/// That transaction calls [`lock_numbering`] first, before anything locks the Company's row.
pub async fn issue_for_credits_topup(
    connection: &mut AnyConnection,
    company_id: i64,
    actor_user_id: Option<i64>,
    amount: Money,
    vat: VatBasis,
    issue_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Issued, sqlx::Error> {
    let priced = Priced::amounts(
        vat.rate(),
        vat.reason(),
        &[("Credits top-up".into(), amount)],
    )
    .map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
    issue(
        connection,
        NewInvoice {
            company_id,
            actor_user_id,
            kind: InvoiceKind::CreditsTopup,
            order_id: None,
            licence_id: None,
            period: None,
            issue_date,
            priced: &priced,
        },
        now,
    )
    .await
}

/// House reading "Due date and collection": the paid top-up invoice `invoice_id` credits the
/// Credits it bought (the amount its idempotency key names), once: inside the transaction that
/// marks it paid.
async fn credit_top_up_in(
    tx: &mut WriteTransaction,
    company_id: i64,
    actor_user_id: Option<i64>,
    invoice_id: i64,
    now: DateTime<Utc>,
) -> Result<(), PayError> {
    let amount: Option<i64> = sqlx::query_scalar(
        "SELECT amount_cents FROM idempotency_keys
         WHERE invoice_id = $1 AND company_id = $2 AND purpose = 'credits_top_up'",
    )
    .bind(invoice_id)
    .bind(company_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(amount_cents) = amount else {
        return Err(corrupt("top-up invoice without its key", invoice_id).into());
    };
    super::credits::top_up_in(tx, company_id, actor_user_id, amount_cents, now)
        .await
        .map_err(|error| match error {
            super::credits::CreditsError::Database(error) => PayError::Database(error),
            other => PayError::Database(sqlx::Error::Protocol(other.to_string())),
        })?;
    Ok(())
}

/// PAY-1 (house reading "Due date and collection"): the unpaid invoices whose automatic
/// collection attempt is due on or before `day` (the first one on the issue date, the retries
/// on the days `collection_next_on` says), as (Company, invoice), oldest first.
pub async fn collection_due(db: &Database, day: NaiveDate) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT company_id, id FROM invoices
         WHERE status <> 'paid' AND total_cents > 0 AND issue_date <= $1
           AND ((status = 'issued' AND collection_attempts = 0)
                OR collection_next_on <= $1)
         ORDER BY id",
    )
    .bind(day.to_string())
    .fetch_all(&db.pool)
    .await
}

/// The idempotency key of the automatic collection attempt `attempt` of an invoice: one no
/// request may carry (`domain::idempotency::check_key` refuses the prefix).
pub fn collection_key(invoice_id: i64, attempt: i64) -> String {
    format!(
        "{}{invoice_id}:{attempt}",
        domain::idempotency::SERVER_KEY_PREFIX
    )
}

/// PAY-1, PAY-2 (house reading "Due date and collection"): claims the next automatic
/// collection attempt of the Company's invoice on `day`, from its default payment method,
/// under the attempt's own key (as a manual payment is claimed), and schedules the one after
/// (3 and 7 days after the issue date). `None` when there is nothing to charge: the invoice is
/// paid, its attempt is not due, or another payment of it waits for the provider; or when the
/// Company has no valid method, and the collection ends (recorded in the proof log): the invoice
/// is overdue after its due date.
pub async fn claim_collection(
    db: &Database,
    company_id: i64,
    invoice_id: i64,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<PaymentClaim>, PayError> {
    let mut tx = db.write().await?;
    super::lock_company(&mut tx, company_id).await?;
    let found: Option<(String, String, i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT number, status, total_cents, issue_date, collection_attempts, collection_next_on
         FROM invoices WHERE id = $1 AND company_id = $2",
    )
    .bind(invoice_id)
    .bind(company_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (number, status, total_cents, issue_date, attempts, next_on) =
        found.ok_or(PayError::NotFound)?;
    let issue_date: NaiveDate = codec::parsed("date", &issue_date)?;
    let due = match next_on.as_deref() {
        Some(next) => codec::parsed::<NaiveDate>("date", next)? <= day,
        None => status == "issued" && attempts == 0,
    };
    if status == "paid" || total_cents <= 0 || issue_date > day || !due {
        return Ok(None);
    }
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM idempotency_keys
         WHERE invoice_id = $1 AND state = 'pending' AND purpose = 'invoice_payment'",
    )
    .bind(invoice_id)
    .fetch_one(&mut *tx)
    .await?;
    if pending > 0 {
        return Ok(None);
    }
    let attempt = attempts + 1;
    // The retries run while the invoice is not overdue yet; an overdue one is tried once more
    // when the Manager names another default method.
    let next = if status == "issued" {
        usize::try_from(attempt + 1)
            .ok()
            .and_then(|after| domain::payment::collection_attempt_day(issue_date, after))
    } else {
        None
    };
    let method = default_method_in(&mut tx, company_id, day).await?;
    sqlx::query(
        "UPDATE invoices SET collection_attempts = $1, collection_next_on = $2 WHERE id = $3",
    )
    .bind(attempt)
    .bind(method.as_ref().and(next).map(|next| next.to_string()))
    .bind(invoice_id)
    .execute(&mut *tx)
    .await?;
    let Some(method) = method else {
        let change = audit::Change::new(
            company_id,
            None,
            "invoice.collection_impossible",
            format!("invoice:{invoice_id}"),
        )
        .after(&serde_json::json!({"attempt": attempt, "on": day, "reason": "no valid payment method"}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        return Ok(None);
    };
    let key = collection_key(invoice_id, attempt);
    let request = idempotency::Request::Payment { invoice_id };
    let new_key = idempotency::NewKey {
        company_id,
        key: &key,
        request,
        created_invoice_id: None,
        charge: Some((method.id, total_cents)),
    };
    let key_id = idempotency::insert_in(&mut tx, new_key, now).await?;
    tx.commit().await?;
    Ok(Some(PaymentClaim {
        key_id,
        invoice_id,
        invoice_number: number,
        amount: Money::from_cents(total_cents),
        method,
    }))
}

/// The claimed payment whose provider key is `key_id` ([`PaymentClaim::provider_key`]) and its
/// Company; `None` for no such payment key.
pub async fn claim_of_key(
    db: &Database,
    key_id: i64,
) -> Result<Option<(i64, PaymentClaim)>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    let row: Option<(i64, i64, i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT k.company_id, k.invoice_id, k.amount_cents, k.payment_method_id, i.number
         FROM idempotency_keys k JOIN invoices i ON i.id = k.invoice_id
         WHERE k.id = $1 AND k.purpose = 'invoice_payment'",
    )
    .bind(key_id)
    .fetch_optional(&mut *connection)
    .await?;
    let Some((company_id, invoice_id, amount_cents, method_id, number)) = row else {
        return Ok(None);
    };
    let method_id = method_id.ok_or_else(|| corrupt("payment key without its method", key_id))?;
    let method = method_in(&mut connection, method_id).await?;
    Ok(Some((
        company_id,
        PaymentClaim {
            key_id,
            invoice_id,
            invoice_number: number,
            amount: Money::from_cents(amount_cents),
            method,
        },
    )))
}

/// The ids of the payment keys still waiting for the provider's outcome, oldest first: asked
/// again with the same provider key after a crash (the provider charges once per key).
pub async fn pending_payment_keys(db: &Database) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM idempotency_keys
         WHERE state = 'pending' AND purpose = 'invoice_payment' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
}

/// The recorded outcome of the payment key `key_id`, once its webhook event came.
pub async fn outcome_of_key(db: &Database, key_id: i64) -> Result<Option<Recorded>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    let used = idempotency::get_in(&mut connection, key_id).await?;
    match (used.done, used.payment_id) {
        (true, Some(payment_id)) => recorded_in(&mut connection, payment_id).await.map(Some),
        _ => Ok(None),
    }
}

/// Issue 13: the Manager named another default payment method: each unpaid invoice of the
/// Company that collection tried already is tried again from `day` with it (the next attempt
/// uses it), inside the caller's transaction.
pub async fn collect_again_in(
    connection: &mut AnyConnection,
    company_id: i64,
    day: NaiveDate,
) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE invoices SET collection_next_on = $1
         WHERE company_id = $2 AND status <> 'paid' AND collection_attempts > 0
           AND (collection_next_on IS NULL OR collection_next_on > $1)",
    )
    .bind(day.to_string())
    .bind(company_id)
    .execute(&mut *connection)
    .await
    .map(|done| done.rows_affected())
}
