//! Disputes of invoices (DISPUTE-1, DISPUTE-2), the provider's decision, credit notes and their
//! deduction from the Company's next invoice, and restitution claims (DISPUTE-3). A dispute does
//! not suspend payment: nothing here changes an invoice's status or amount due.
//!
//! A credit note is a document of its own (DISPUTE-2, house reading), numbered in its own
//! yearly series, with net lines, VAT at the disputed invoice's rate and a total
//! (`domain::dispute::credit_note_amounts`). It is deducted from the Company's next invoice as a
//! line carrying its net and its VAT, both negative, so that the invoice's subtotal, VAT and
//! total still add up; never below a total of zero: what is left carries over to the invoice
//! after, net and VAT in proportion (`domain::dispute::deduction`).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::Money;
use domain::dispute::{CreditAmounts, credit_note_amounts, deduction};
use domain::money::Percent;
use domain::order::cents;
use protocol::disputes::{
    CreditNoteDocument, CreditNoteRefund, CreditNoteUse, CreditNoteView, DisputeStatus,
    DisputeView, InvoiceDisputes, RestitutionClaimView,
};
use protocol::invoices::InvoiceLineView;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::codec::{self, Columns, corrupt};
use super::{audit, stamp};
use crate::db::{Database, is_unique_violation};

/// What the windows of an invoice depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceFacts {
    pub number: String,
    pub issue_date: NaiveDate,
    pub paid_on: Option<NaiveDate>,
    pub vat_rate: Percent,
    pub subtotal_cents: i64,
    pub total_cents: i64,
}

async fn invoice_facts(
    connection: &mut AnyConnection,
    company_id: i64,
    invoice_id: i64,
) -> Result<Option<InvoiceFacts>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT number, issue_date, paid_on, vat_rate, subtotal_cents, total_cents FROM invoices
         WHERE id = $1 AND company_id = $2",
    )
    .bind(invoice_id)
    .bind(company_id)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let paid_on: Option<String> = row.try_get("paid_on")?;
    let vat_rate: String = row.try_get("vat_rate")?;
    Ok(Some(InvoiceFacts {
        number: row.try_get("number")?,
        vat_rate: codec::parsed("vat_rate", &vat_rate)?,
        subtotal_cents: row.try_get("subtotal_cents")?,
        issue_date: row.date("issue_date")?,
        paid_on: paid_on
            .as_deref()
            .map(|raw| codec::parsed::<NaiveDate>("date", raw))
            .transpose()?,
        total_cents: row.try_get("total_cents")?,
    }))
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no such invoice")]
    NotFound,
    /// DISPUTE-1: the invoice's date and the last day it could be disputed.
    #[error("dispute window closed on {last_day}")]
    WindowClosed {
        invoice_date: NaiveDate,
        last_day: NaiveDate,
    },
    #[error("a dispute of this invoice is already open")]
    AlreadyOpen,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// DISPUTE-1: opens a dispute of the Company's invoice on `today`, with its proof-log entry. One
/// open dispute per invoice (a unique index settles two requests at once).
pub async fn open(
    db: &Database,
    company_id: i64,
    user_id: i64,
    invoice_id: i64,
    justification: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64, OpenError> {
    let mut tx = db.write().await?;
    let facts = invoice_facts(&mut tx, company_id, invoice_id)
        .await?
        .ok_or(OpenError::NotFound)?;
    domain::dispute::dispute_open_on(facts.issue_date, today).map_err(|last_day| {
        OpenError::WindowClosed {
            invoice_date: facts.issue_date,
            last_day,
        }
    })?;
    let inserted = sqlx::query_scalar(
        "INSERT INTO invoice_disputes (invoice_id, company_id, opened_by, justification,
                                       opened_on, opened_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'open') RETURNING id",
    )
    .bind(invoice_id)
    .bind(company_id)
    .bind(user_id)
    .bind(justification)
    .bind(today.to_string())
    .bind(stamp(now))
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(id) => id,
        Err(error) if is_unique_violation(&error) => return Err(OpenError::AlreadyOpen),
        Err(error) => return Err(error.into()),
    };
    let change = audit::Change::new(
        company_id,
        Some(user_id),
        "invoice.dispute",
        format!("invoice:{invoice_id}"),
    )
    .after(&serde_json::json!({
        "dispute_id": id,
        "invoice": facts.number,
        "justification": justification,
        "opened_on": today,
    }));
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The provider's decision on a dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A credit note of this many cents (more than 0, at most the invoice's total).
    Accept {
        amount_cents: Option<i64>,
        note: Option<String>,
    },
    Refuse {
        reason: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such dispute")]
    NotFound,
    #[error("the dispute was already decided")]
    AlreadyDecided,
    /// The credit note would exceed the invoice's total (in cents).
    #[error("credit note above the invoice total")]
    AmountOutOfRange { total_cents: i64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// `CN-2026-000001`.
pub fn format_credit_note_number(year: i32, seq: i64) -> String {
    format!("CN-{year}-{seq:06}")
}

async fn next_credit_note_number(
    connection: &mut AnyConnection,
    year: i32,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO credit_note_counters (year, last_number) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING",
    )
    .bind(i64::from(year))
    .execute(&mut *connection)
    .await?;
    sqlx::query_scalar(
        "UPDATE credit_note_counters SET last_number = last_number + 1 WHERE year = $1 RETURNING last_number",
    )
    .bind(i64::from(year))
    .fetch_one(&mut *connection)
    .await
}

/// What the provider decides on, and what an accepted one's credit note answers: a dispute
/// (DISPUTE-2) or a claim for restitution (DISPUTE-3), by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decided {
    Dispute(i64),
    Restitution(i64),
}

impl Decided {
    /// Its Company, invoice and status.
    fn facts_sql(self) -> &'static str {
        match self {
            Decided::Dispute(_) => {
                "SELECT company_id, invoice_id, status FROM invoice_disputes WHERE id = $1"
            }
            Decided::Restitution(_) => {
                "SELECT company_id, invoice_id, status FROM restitution_claims WHERE id = $1"
            }
        }
    }

    fn id(self) -> i64 {
        match self {
            Decided::Dispute(id) | Decided::Restitution(id) => id,
        }
    }

    /// The proof log's action and the name of the id in its values.
    fn logged_as(self) -> (&'static str, &'static str) {
        match self {
            Decided::Dispute(_) => ("invoice.dispute_decision", "dispute_id"),
            Decided::Restitution(_) => ("invoice.restitution_decision", "claim_id"),
        }
    }
}

/// DISPUTE-2, DISPUTE-3: records the provider's decision on `today` on a dispute or a claim for
/// restitution. Accepting writes a numbered credit note (a per-year sequence, like invoices),
/// deducted from the Company's next invoices and refunded when none follows; refusing keeps the
/// reason for the Manager. Returns the Company and the invoice.
pub async fn decide(
    db: &Database,
    operator_id: i64,
    decided: Decided,
    decision: &Decision,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(i64, i64), DecideError> {
    let mut tx = db.write().await?;
    let row: Option<(i64, i64, String)> = sqlx::query_as(decided.facts_sql())
        .bind(decided.id())
        .fetch_optional(&mut *tx)
        .await?;
    let (company_id, invoice_id, status) = row.ok_or(DecideError::NotFound)?;
    super::lock_company(&mut tx, company_id).await?;
    if status != "open" {
        return Err(DecideError::AlreadyDecided);
    }
    let facts = invoice_facts(&mut tx, company_id, invoice_id)
        .await?
        .ok_or(DecideError::NotFound)?;
    let (new_status, reason, credit_note) = match decision {
        Decision::Refuse { reason } => ("refused", Some(reason.clone()), None),
        Decision::Accept { amount_cents, note } => {
            let written = issue_credit_note(
                &mut tx,
                (company_id, invoice_id, &facts),
                decided,
                *amount_cents,
                today,
                now,
            )
            .await?;
            ("accepted", note.clone(), Some(written))
        }
    };
    let update = match decided {
        Decided::Dispute(id) => sqlx::query(
            "UPDATE invoice_disputes SET status = $1, decided_on = $2, decision_reason = $3,
                    decided_at = $4
             WHERE id = $5 AND status = 'open'",
        )
        .bind(new_status)
        .bind(today.to_string())
        .bind(&reason)
        .bind(stamp(now))
        .bind(id),
        Decided::Restitution(id) => sqlx::query(
            "UPDATE restitution_claims SET status = $1, decided_on = $2, decision_reason = $3,
                    decided_by_operator = $4
             WHERE id = $5 AND status = 'open'",
        )
        .bind(new_status)
        .bind(today.to_string())
        .bind(&reason)
        .bind(operator_id)
        .bind(id),
    };
    if update.execute(&mut *tx).await?.rows_affected() != 1 {
        return Err(DecideError::AlreadyDecided);
    }
    let (action, key) = decided.logged_as();
    let change = audit::Change::new(company_id, None, action, format!("invoice:{invoice_id}"))
        .before(&serde_json::json!({key: decided.id(), "status": "open"}))
        .after(&serde_json::json!({
            key: decided.id(),
            "status": new_status,
            "reason": reason,
            "credit_note": credit_note.as_ref().map(|(number, amounts)| serde_json::json!({
                "number": number,
                "vat_rate": facts.vat_rate,
                "net": amounts.net,
                "vat": amounts.vat,
                "amount": amounts.total,
            })),
            "decided_on": today,
        }));
    audit::record(&mut tx, change.by_operator(Some(operator_id)), now).await?;
    tx.commit().await?;
    Ok((company_id, invoice_id))
}

/// DISPUTE-2 (house reading "Credit notes"): writes a numbered credit note of `amount_cents`
/// (VAT included; by default all the invoice has not been credited yet) on the Company's invoice,
/// with its net lines and VAT at the invoice's rate. The credit notes of one invoice never add up
/// to more than its total.
async fn issue_credit_note(
    tx: &mut crate::db::WriteTransaction,
    (company_id, invoice_id, facts): (i64, i64, &InvoiceFacts),
    source: Decided,
    amount_cents: Option<i64>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(String, CreditAmounts), DecideError> {
    let credited: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM credit_notes
         WHERE invoice_id = $1",
    )
    .bind(invoice_id)
    .fetch_one(&mut **tx)
    .await?;
    let creditable = facts.total_cents - credited;
    let amount = amount_cents.unwrap_or(creditable);
    let out_of_range = DecideError::AmountOutOfRange {
        total_cents: creditable,
    };
    if amount <= 0 || amount > creditable {
        return Err(out_of_range);
    }
    let amounts =
        credit_note_amounts(Money::from_cents(amount), facts.vat_rate).ok_or(out_of_range)?;
    let lines = credit_note_lines(tx, invoice_id, facts, amounts).await?;
    let year = today.year();
    let seq = next_credit_note_number(tx, year).await?;
    let number = format_credit_note_number(year, seq);
    let (net, vat, total) = (
        whole_cents(amounts.net)?,
        whole_cents(amounts.vat)?,
        whole_cents(amounts.total)?,
    );
    let (dispute_id, claim_id) = match source {
        Decided::Dispute(id) => (Some(id), None),
        Decided::Restitution(id) => (None, Some(id)),
    };
    let note_id: i64 = sqlx::query_scalar(
        "INSERT INTO credit_notes (company_id, dispute_id, restitution_claim_id, invoice_id, year,
                                   seq, number, amount_cents, remaining_cents, issued_on,
                                   created_at, vat_rate, net_cents, vat_cents, remaining_net_cents)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13, $12)
         RETURNING id",
    )
    .bind(company_id)
    .bind(dispute_id)
    .bind(claim_id)
    .bind(invoice_id)
    .bind(i64::from(year))
    .bind(seq)
    .bind(&number)
    .bind(total)
    .bind(today.to_string())
    .bind(stamp(now))
    .bind(facts.vat_rate.to_string())
    .bind(net)
    .bind(vat)
    .fetch_one(&mut **tx)
    .await?;
    for (line_no, line) in lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO credit_note_lines (credit_note_id, line_no, description, quantity,
                                            unit_price_cents, discount_pct, net_cents)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(note_id)
        .bind(line_no as i64 + 1)
        .bind(&line.description)
        .bind(i64::from(line.quantity))
        .bind(whole_cents(line.unit_price)?)
        .bind(line.discount_pct.to_string())
        .bind(whole_cents(line.net)?)
        .execute(&mut **tx)
        .await?;
    }
    Ok((number, amounts))
}

fn whole_cents(amount: Money) -> Result<i64, sqlx::Error> {
    cents(amount)
        .ok_or_else(|| sqlx::Error::Protocol(format!("{amount} is not a whole number of cents")))
}

/// DISPUTE-2 (house reading): the net lines of a credit note of `amounts` on the invoice
/// `invoice_id`. A credit note of the whole invoice repeats its lines (they add up to its net:
/// the invoice's subtotal); any other gives back one line, a reduction of the invoice.
async fn credit_note_lines(
    connection: &mut AnyConnection,
    invoice_id: i64,
    facts: &InvoiceFacts,
    amounts: CreditAmounts,
) -> Result<Vec<InvoiceLineView>, sqlx::Error> {
    let lines = super::invoices::lines_in(connection, invoice_id).await?;
    let whole = whole_cents(amounts.total)? == facts.total_cents
        && whole_cents(amounts.net)? == facts.subtotal_cents
        && lines.iter().all(|line| line.vat.is_none());
    if whole {
        return Ok(lines);
    }
    Ok(vec![InvoiceLineView {
        description: format!("Reduction of invoice {}", facts.number),
        quantity: 1,
        unit_price: amounts.net,
        discount_pct: Percent::ZERO,
        net: amounts.net,
        vat: None,
    }])
}

/// Deducts the Company's credit notes with something left, oldest first, from the invoice just
/// written (`invoice_id`, inside the transaction that writes it): one line each ("Credit note
/// CN-… for invoice …") carrying the part's net and VAT, both negative, taken off the invoice's
/// subtotal, VAT and total, so that they still add up (DISPUTE-2, house reading). Never takes the
/// total below zero; the rest carries over. An invoice brought to zero has nothing left to pay:
/// it is paid on its date. Returns the cents deducted, VAT included.
pub async fn deduct_credit_notes(
    connection: &mut AnyConnection,
    company_id: i64,
    invoice_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let notes: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT c.id, c.number, i.number, c.remaining_cents, c.remaining_net_cents
         FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id
         WHERE c.company_id = $1 AND c.remaining_cents > 0 AND c.invoice_id <> $2
         ORDER BY c.id",
    )
    .bind(company_id)
    .bind(invoice_id)
    .fetch_all(&mut *connection)
    .await?;
    if notes.is_empty() {
        return Ok(0);
    }
    let (subtotal, vat, total, issue_date, mut line_no): (i64, i64, i64, String, i64) =
        sqlx::query_as(
            "SELECT subtotal_cents, vat_cents, total_cents, issue_date,
                    (SELECT COALESCE(MAX(line_no), 0) FROM invoice_lines WHERE invoice_id = $1)
             FROM invoices WHERE id = $1",
        )
        .bind(invoice_id)
        .fetch_one(&mut *connection)
        .await?;
    let mut left = total;
    let (mut net_deducted, mut vat_deducted) = (0, 0);
    let mut used = Vec::new();
    for (note_id, number, disputed, remaining, remaining_net) in notes {
        let amount = remaining.min(left);
        if amount <= 0 {
            break;
        }
        let what_remains = CreditAmounts {
            net: Money::from_cents(remaining_net),
            vat: Money::from_cents(remaining - remaining_net),
            total: Money::from_cents(remaining),
        };
        let part = deduction(what_remains, Money::from_cents(amount)).ok_or_else(|| {
            sqlx::Error::Protocol(format!("credit note {number}: {amount} of {remaining}"))
        })?;
        let (net, part_vat) = (whole_cents(part.net)?, whole_cents(part.vat)?);
        line_no += 1;
        sqlx::query(
            "INSERT INTO invoice_lines (invoice_id, line_no, description, plan_id, quantity,
                                        unit_price_cents, discount_pct, net_cents, vat_cents)
             VALUES ($1, $2, $3, NULL, 1, $4, '0', $4, $5)",
        )
        .bind(invoice_id)
        .bind(line_no)
        .bind(format!("Credit note {number} for invoice {disputed}"))
        .bind(-net)
        .bind(-part_vat)
        .execute(&mut *connection)
        .await?;
        sqlx::query(
            "UPDATE credit_notes SET remaining_cents = remaining_cents - $1,
                    remaining_net_cents = remaining_net_cents - $2
             WHERE id = $3 AND remaining_cents >= $1",
        )
        .bind(amount)
        .bind(net)
        .bind(note_id)
        .execute(&mut *connection)
        .await?;
        sqlx::query(
            "INSERT INTO credit_note_uses (credit_note_id, invoice_id, amount_cents)
             VALUES ($1, $2, $3)",
        )
        .bind(note_id)
        .bind(invoice_id)
        .bind(amount)
        .execute(&mut *connection)
        .await?;
        used.push(serde_json::json!({
            "credit_note": number,
            "net": part.net,
            "vat": part.vat,
            "amount": part.total,
        }));
        left -= amount;
        net_deducted += net;
        vat_deducted += part_vat;
    }
    if left == total {
        return Ok(0);
    }
    sqlx::query(
        "UPDATE invoices SET subtotal_cents = $1, vat_cents = $2, total_cents = $3,
                status = CASE WHEN $3 = 0 THEN 'paid' ELSE status END,
                paid_on = CASE WHEN $3 = 0 THEN issue_date ELSE paid_on END
         WHERE id = $4",
    )
    .bind(subtotal - net_deducted)
    .bind(vat - vat_deducted)
    .bind(left)
    .bind(invoice_id)
    .execute(&mut *connection)
    .await?;
    let change = audit::Change::new(
        company_id,
        None,
        "invoice.credit_notes_deducted",
        format!("invoice:{invoice_id}"),
    )
    .before(&serde_json::json!({
        "subtotal": Money::from_cents(subtotal),
        "vat": Money::from_cents(vat),
        "total": Money::from_cents(total),
    }))
    .after(&serde_json::json!({
        "subtotal": Money::from_cents(subtotal - net_deducted),
        "vat": Money::from_cents(vat - vat_deducted),
        "total": Money::from_cents(left),
        "credit_notes": used,
        "issue_date": issue_date,
    }));
    audit::record(connection, change, now).await?;
    Ok(total - left)
}

/// The columns [`note_from_row`] reads, from `credit_notes c` joined with its invoice `i` and
/// [`NOTE_REFUND`].
const NOTE_COLUMNS: &str =
    "c.id AS note_id, c.number AS note_number, c.invoice_id AS note_invoice_id,
     i.number AS invoice_number, c.net_cents AS note_net_cents, c.vat_cents AS note_vat_cents,
     c.amount_cents, c.remaining_cents, c.issued_on, r.amount_cents AS refund_cents,
     r.claimed_on AS refund_on, r.state AS refund_state, m.label AS refund_method_label,
     m.last4 AS refund_method_last4";

/// The joins giving [`NOTE_COLUMNS`] a credit note's refund, if any.
const NOTE_REFUND: &str = "LEFT JOIN credit_note_refunds r ON r.credit_note_id = c.id
     LEFT JOIN payment_methods m ON m.id = r.payment_method_id";

fn note_from_row(row: &AnyRow, number: String) -> Result<CreditNoteView, sqlx::Error> {
    Ok(CreditNoteView {
        id: row.try_get("note_id")?,
        number,
        invoice_id: row.try_get("note_invoice_id")?,
        invoice_number: row.try_get("invoice_number")?,
        net: Money::from_cents(row.try_get("note_net_cents")?),
        vat: Money::from_cents(row.try_get("note_vat_cents")?),
        amount: Money::from_cents(row.try_get("amount_cents")?),
        remaining: Money::from_cents(row.try_get("remaining_cents")?),
        issued_on: row.date("issued_on")?,
        refund: refund_from_row(row)?,
    })
}

fn refund_from_row(row: &AnyRow) -> Result<Option<CreditNoteRefund>, sqlx::Error> {
    let Some(cents) = row.try_get::<Option<i64>, _>("refund_cents")? else {
        return Ok(None);
    };
    let label: String = row.try_get("refund_method_label")?;
    let last4: String = row.try_get("refund_method_last4")?;
    let state: String = row.try_get("refund_state")?;
    Ok(Some(CreditNoteRefund {
        amount: Money::from_cents(cents),
        on: row.date("refund_on")?,
        method: format!("{label} ending {last4}"),
        refunded: state == "refunded",
    }))
}

/// DISPUTE-2: the Company's credit notes, newest first.
pub async fn credit_notes(
    db: &Database,
    company_id: i64,
) -> Result<Vec<CreditNoteView>, sqlx::Error> {
    let sql = format!(
        "SELECT {NOTE_COLUMNS} FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id
         {NOTE_REFUND}
         WHERE c.company_id = $1 ORDER BY c.year DESC, c.seq DESC"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(company_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| note_from_row(row, row.try_get("note_number")?))
        .collect()
}

/// DISPUTE-2 (house reading): one of the Company's credit notes as a document, with its lines;
/// `None` when it does not exist or belongs to another Company.
pub async fn credit_note(
    db: &Database,
    company_id: i64,
    credit_note_id: i64,
) -> Result<Option<CreditNoteDocument>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    let sql = format!(
        "SELECT {NOTE_COLUMNS}, c.vat_rate,
                COALESCE(d.decision_reason, rc.decision_reason) AS decision_reason
         FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id
         LEFT JOIN invoice_disputes d ON d.id = c.dispute_id
         LEFT JOIN restitution_claims rc ON rc.id = c.restitution_claim_id
         {NOTE_REFUND}
         WHERE c.id = $1 AND c.company_id = $2"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(credit_note_id)
        .bind(company_id)
        .fetch_optional(&mut *connection)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let note = note_from_row(&row, row.try_get("note_number")?)?;
    let vat_rate: String = row.try_get("vat_rate")?;
    let lines = sqlx::query(
        "SELECT description, quantity, unit_price_cents, discount_pct, net_cents,
                CAST(NULL AS BIGINT) AS vat_cents
         FROM credit_note_lines WHERE credit_note_id = $1 ORDER BY line_no",
    )
    .bind(credit_note_id)
    .fetch_all(&mut *connection)
    .await?
    .iter()
    .map(super::invoices::line_from_row)
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Some(CreditNoteDocument {
        note,
        lines,
        vat_rate: codec::parsed("vat_rate", &vat_rate)?,
        reason: row.try_get("decision_reason")?,
    }))
}

fn dispute_from_row(row: &AnyRow) -> Result<DisputeView, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let decided_on: Option<String> = row.try_get("decided_on")?;
    let note_number: Option<String> = row.try_get("note_number")?;
    let credit_note = match note_number {
        None => None,
        Some(number) => Some(note_from_row(row, number)?),
    };
    Ok(DisputeView {
        id: row.try_get("id")?,
        invoice_id: row.try_get("invoice_id")?,
        justification: row.try_get("justification")?,
        opened_on: row.date("opened_on")?,
        status: DisputeStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        decided_on: decided_on
            .as_deref()
            .map(|raw| codec::parsed::<NaiveDate>("date", raw))
            .transpose()?,
        decision_reason: row.try_get("decision_reason")?,
        credit_note,
    })
}

/// Everything about disputing the Company's invoice; `None` when it is not the Company's.
pub async fn for_invoice(
    db: &Database,
    company_id: i64,
    invoice_id: i64,
) -> Result<Option<InvoiceDisputes>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    let Some(facts) = invoice_facts(&mut connection, company_id, invoice_id).await? else {
        return Ok(None);
    };
    let sql = format!(
        "SELECT d.id, d.invoice_id, d.justification, d.opened_on, d.status, d.decided_on,
                d.decision_reason, {NOTE_COLUMNS}
         FROM invoice_disputes d
         JOIN invoices i ON i.id = d.invoice_id
         LEFT JOIN credit_notes c ON c.dispute_id = d.id
         {NOTE_REFUND}
         WHERE d.invoice_id = $1 AND d.company_id = $2
         ORDER BY d.id DESC"
    );
    let disputes = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(invoice_id)
        .bind(company_id)
        .fetch_all(&mut *connection)
        .await?
        .iter()
        .map(dispute_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let credit_notes_used = sqlx::query(
        "SELECT c.number, i.number AS invoice_number, u.amount_cents
         FROM credit_note_uses u
         JOIN credit_notes c ON c.id = u.credit_note_id
         JOIN invoices i ON i.id = c.invoice_id
         WHERE u.invoice_id = $1 AND c.company_id = $2
         ORDER BY c.id",
    )
    .bind(invoice_id)
    .bind(company_id)
    .fetch_all(&mut *connection)
    .await?
    .iter()
    .map(|row| {
        Ok(CreditNoteUse {
            number: row.try_get("number")?,
            invoice_number: row.try_get("invoice_number")?,
            amount: Money::from_cents(row.try_get("amount_cents")?),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let restitution_claims = sqlx::query(
        "SELECT rc.id, rc.reason, rc.claimed_on, rc.status, rc.decided_on, rc.decision_reason,
                c.number AS note_number
         FROM restitution_claims rc LEFT JOIN credit_notes c ON c.restitution_claim_id = rc.id
         WHERE rc.invoice_id = $1 AND rc.company_id = $2 ORDER BY rc.id DESC",
    )
    .bind(invoice_id)
    .bind(company_id)
    .fetch_all(&mut *connection)
    .await?
    .iter()
    .map(|row| {
        Ok(RestitutionClaimView {
            id: row.try_get("id")?,
            reason: row.try_get("reason")?,
            claimed_on: row.date("claimed_on")?,
            status: row.decoded("status", DisputeStatus::parse)?,
            decided_on: row.date_opt("decided_on")?,
            decision_reason: row.try_get("decision_reason")?,
            credit_note_number: row.try_get("note_number")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let windows = domain::invoice::invoice_windows(facts.issue_date, facts.paid_on)
        .map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
    Ok(Some(InvoiceDisputes {
        dispute_last_day: windows.dispute_last_day,
        disputes,
        credit_notes_used,
        restitution_last_day: windows.restitution_last_day,
        restitution_claims,
    }))
}

#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("no such invoice")]
    NotFound,
    #[error("the invoice is not paid")]
    NotPaid,
    /// DISPUTE-3: paid on `paid_on`, claimable until `last_day`.
    #[error("restitution time-barred since {last_day}")]
    TimeBarred {
        paid_on: NaiveDate,
        last_day: NaiveDate,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// DISPUTE-3: records a claim for restitution of the Company's paid invoice, made on `today`,
/// when it is not more than a year after the payment.
pub async fn claim_restitution(
    db: &Database,
    company_id: i64,
    user_id: i64,
    invoice_id: i64,
    reason: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64, ClaimError> {
    let mut tx = db.write().await?;
    let facts = invoice_facts(&mut tx, company_id, invoice_id)
        .await?
        .ok_or(ClaimError::NotFound)?;
    domain::dispute::restitution_open_on(facts.issue_date, facts.paid_on, today).map_err(
        |bar| match bar {
            domain::dispute::RestitutionBar::NotPaid => ClaimError::NotPaid,
            domain::dispute::RestitutionBar::TimeBarred { paid_on, last_day } => {
                ClaimError::TimeBarred { paid_on, last_day }
            }
        },
    )?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO restitution_claims (invoice_id, company_id, claimed_by, reason, claimed_on,
                                         claimed_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(invoice_id)
    .bind(company_id)
    .bind(user_id)
    .bind(reason)
    .bind(today.to_string())
    .bind(stamp(now))
    .fetch_one(&mut *tx)
    .await?;
    let change = audit::Change::new(
        company_id,
        Some(user_id),
        "invoice.restitution_claim",
        format!("invoice:{invoice_id}"),
    )
    .after(&serde_json::json!({
        "claim_id": id,
        "invoice": facts.number,
        "reason": reason,
        "paid_on": facts.paid_on,
        "claimed_on": today,
    }));
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(id)
}
