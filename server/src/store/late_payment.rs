//! Late payment (LATE-1, LATE-2, LATE-4): the semester rates as data, the penalty of an overdue
//! invoice computed on each read for the server's today, and the provider's formal notice to
//! pay, written to the Company's outbox and the proof log in one transaction. When a late invoice
//! is paid or formally noticed, its penalties are invoiced (house reading "Late penalties are
//! invoiced"): [`invoice_penalties_in`].

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::formal_notice::formal_notice_deadline;
use domain::late::{
    ECB_MARGIN_POINTS, Half, LEGAL_RATE_MULTIPLE, PenaltyRates, RateTable, Semester, late_penalty,
};
use domain::money::{Money, Percent};
use protocol::invoices::{InvoiceKind, InvoiceStatus};
use protocol::late_payment::{FormalNoticeView, LatePaymentView, PenaltyRateView, RateBasis};
use sqlx::{AnyConnection, Row};

use super::codec::corrupt;
use super::invoices::{self, Issued, NewInvoice, Priced};
use super::{audit, stamp};
use crate::db::Database;

fn percent(raw: &str) -> Result<Percent, sqlx::Error> {
    raw.parse().map_err(|_| corrupt("rate", raw))
}

/// LATE-1: the rates of every semester, from `late_payment_rates`.
pub async fn rate_table(db: &Database) -> Result<RateTable, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    rate_table_in(&mut connection).await
}

/// [`rate_table`], inside the caller's transaction.
pub async fn rate_table_in(connection: &mut AnyConnection) -> Result<RateTable, sqlx::Error> {
    let rows = sqlx::query("SELECT year, half, ecb_rate, legal_rate FROM late_payment_rates")
        .fetch_all(&mut *connection)
        .await?;
    let mut table = RateTable::default();
    for row in rows {
        let year: i64 = row.try_get("year")?;
        let half: String = row.try_get("half")?;
        let half = match half.as_str() {
            "s1" => Half::S1,
            "s2" => Half::S2,
            _ => return Err(corrupt("half", half)),
        };
        let ecb: String = row.try_get("ecb_rate")?;
        let legal: String = row.try_get("legal_rate")?;
        table.insert(
            Semester {
                year: i32::try_from(year).map_err(|_| corrupt("year", year))?,
                half,
            },
            PenaltyRates {
                ecb_rate: percent(&ecb)?,
                legal_rate: percent(&legal)?,
            },
        );
    }
    Ok(table)
}

/// LATE-1: which side of `max(ECB + 10, 3 × legal)` gave the rate, said for a person.
fn rate_view(semester: Semester, rates: &PenaltyRates) -> PenaltyRateView {
    let rate = rates.annual_rate();
    let ecb_side = rates.ecb_rate.value() + ECB_MARGIN_POINTS;
    let floor = rates.legal_rate.value() * LEGAL_RATE_MULTIPLE;
    let basis = if ecb_side >= floor {
        RateBasis::EcbPlusTen
    } else {
        RateBasis::LegalFloor
    };
    let explanation = match basis {
        RateBasis::EcbPlusTen => format!(
            "{rate} % a year: the ECB rate of {semester} ({} %) plus 10 points, above the floor of 3 × the legal rate ({} %).",
            rates.ecb_rate,
            floor.normalize()
        ),
        RateBasis::LegalFloor => format!(
            "{rate} % a year: the floor of 3 × the legal rate of {semester} ({} %), above the ECB rate plus 10 points ({} %).",
            rates.legal_rate,
            ecb_side.normalize()
        ),
    };
    PenaltyRateView {
        semester: semester.to_string(),
        ecb_rate: rates.ecb_rate,
        legal_rate: rates.legal_rate,
        rate,
        basis,
        explanation,
    }
}

/// LATE-1, LATE-2: what an overdue invoice of `total` due on `due_date` costs on `today`;
/// `None` unless it is overdue.
pub fn late_view(
    table: &RateTable,
    status: InvoiceStatus,
    total: Money,
    due_date: NaiveDate,
    today: NaiveDate,
) -> Option<LatePaymentView> {
    if status != InvoiceStatus::Overdue {
        return None;
    }
    let first_day_late = due_date.succ_opt()?;
    let semester = Semester::containing(first_day_late);
    let days_late = u32::try_from((today - due_date).num_days().max(0)).ok()?;
    let indemnity = if days_late > 0 {
        domain::late::RECOVERY_INDEMNITY
    } else {
        Money::ZERO
    };
    match table.for_due_date(due_date) {
        Ok(rates) => match late_penalty(total, due_date, today, &rates) {
            Ok(computed) => Some(LatePaymentView {
                as_of: today,
                days_late: computed.days_late,
                rate: Some(rate_view(semester, &rates)),
                penalty: Some(computed.penalty),
                indemnity: computed.indemnity,
                rates_missing: None,
            }),
            Err(error) => Some(LatePaymentView {
                as_of: today,
                days_late,
                rate: None,
                penalty: None,
                indemnity,
                rates_missing: Some(error.to_string()),
            }),
        },
        Err(_) => Some(LatePaymentView {
            as_of: today,
            days_late,
            rate: None,
            penalty: None,
            indemnity,
            rates_missing: Some(rates_missing_note(semester)),
        }),
    }
}

/// The formal notice sent for an invoice of the Company, if any.
pub async fn formal_notice(
    db: &Database,
    company_id: i64,
    invoice_id: i64,
) -> Result<Option<FormalNoticeView>, sqlx::Error> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT sent_on, deadline FROM formal_notices WHERE invoice_id = $1 AND company_id = $2",
    )
    .bind(invoice_id)
    .bind(company_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(sent_on, deadline)| notice_view(&sent_on, &deadline))
        .transpose()
}

fn notice_view(sent_on: &str, deadline: &str) -> Result<FormalNoticeView, sqlx::Error> {
    Ok(FormalNoticeView {
        sent_on: sent_on.parse().map_err(|_| corrupt("date", sent_on))?,
        deadline: deadline.parse().map_err(|_| corrupt("date", deadline))?,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum FormalNoticeError {
    #[error("no such invoice")]
    NotFound,
    #[error("the invoice is not overdue")]
    NotOverdue,
    #[error("a formal notice was already sent")]
    AlreadySent(FormalNoticeView),
    #[error("{0}")]
    Calendar(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The Company's Managers' emails, where the provider's letters go.
pub async fn manager_emails(
    connection: &mut AnyConnection,
    company_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT email FROM users WHERE company_id = $1 AND role = 'manager' AND status = 'active' ORDER BY id",
    )
    .bind(company_id)
    .fetch_all(&mut *connection)
    .await
}

/// Writes one email per recipient to the Company's outbox.
pub async fn send_to(
    connection: &mut AnyConnection,
    company_id: i64,
    recipients: &[String],
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for recipient in recipients {
        super::outbox::queue(&mut *connection, company_id, recipient, subject, body, now).await?;
    }
    Ok(())
}

/// LATE-4 (GTCS 5.3): the provider's formal notice to pay the overdue invoice `invoice_id`, sent
/// on `today` with its deadline `today + 8 days`; written with its emails to the Company's
/// Managers and its proof-log entry in one transaction. Returns the Company and the notice.
pub async fn send_formal_notice(
    db: &Database,
    operator_id: i64,
    invoice_id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(i64, FormalNoticeView), FormalNoticeError> {
    let deadline = formal_notice_deadline(today)
        .map_err(|error| FormalNoticeError::Calendar(error.to_string()))?;
    let mut tx = db.write().await?;
    // The penalty invoice takes a number: see `invoices::lock_numbering`.
    invoices::lock_numbering(&mut tx, today.year()).await?;
    let row = sqlx::query(
        "SELECT company_id, number, status, due_date, total_cents FROM invoices WHERE id = $1",
    )
    .bind(invoice_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(FormalNoticeError::NotFound)?;
    let company_id: i64 = row.try_get("company_id")?;
    let number: String = row.try_get("number")?;
    let status: String = row.try_get("status")?;
    let due_date: String = row.try_get("due_date")?;
    let total = Money::from_cents(row.try_get("total_cents")?);
    if status != InvoiceStatus::Overdue.as_str() {
        return Err(FormalNoticeError::NotOverdue);
    }
    let sent: Option<(String, String)> =
        sqlx::query_as("SELECT sent_on, deadline FROM formal_notices WHERE invoice_id = $1")
            .bind(invoice_id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((sent_on, deadline)) = sent {
        return Err(FormalNoticeError::AlreadySent(notice_view(
            &sent_on, &deadline,
        )?));
    }
    sqlx::query(
        "INSERT INTO formal_notices (invoice_id, company_id, sent_on, deadline, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(invoice_id)
    .bind(company_id)
    .bind(today.to_string())
    .bind(deadline.to_string())
    .bind(stamp(now))
    .execute(&mut *tx)
    .await?;
    // House reading "Late penalties are invoiced": the penalties so far, on their own invoice.
    let penalties = invoice_penalties_in(&mut tx, invoice_id, None, today, now).await?;
    let recipients = manager_emails(&mut tx, company_id).await?;
    let subject = format!("Formal notice to pay invoice {number}");
    let penalties = match &penalties {
        Some(issued) => format!(
            "Late-payment penalties and the EUR 40 recovery indemnity are due in addition: they are billed on invoice {}, and the days late from today on will be billed when invoice {number} is paid.",
            issued.number
        ),
        None => {
            "Late-payment penalties and the EUR 40 recovery indemnity are due in addition.".into()
        }
    };
    let body = format!(
        "Invoice {number} of {total}, due on {due_date}, is unpaid. This is a formal notice to pay it by {deadline} at the latest (8 days, GTCS 5.3). {penalties}"
    );
    send_to(&mut tx, company_id, &recipients, &subject, &body, now).await?;
    let view = FormalNoticeView {
        sent_on: today,
        deadline,
    };
    let change = audit::Change::new(
        company_id,
        None,
        "invoice.formal_notice",
        format!("invoice:{invoice_id}"),
    )
    .after(&serde_json::json!({
        "number": number,
        "sent_on": today,
        "deadline": deadline,
        "recipients": recipients,
    }));
    audit::record(&mut tx, change.by_operator(Some(operator_id)), now).await?;
    tx.commit().await?;
    Ok((company_id, view))
}

/// Why no penalty is billed for the days late (the indemnity still is).
fn rates_missing_note(semester: Semester) -> String {
    format!(
        "The penalty rates of {semester} are not published yet: the penalty will show once they are."
    )
}

/// LATE-1, LATE-2 (GTCS 5.3; house reading "Late penalties are invoiced"): when the late invoice
/// `late_invoice_id` is paid, or formally noticed, on `as_of`, the penalty for its days late so
/// far and the EUR 40 recovery indemnity are invoiced on a separate penalty invoice, without VAT,
/// in the same yearly numbering; inside the caller's transaction, which has locked the
/// numbering of `as_of`'s year first ([`invoices::lock_numbering`]).
///
/// `late.penalty` computes the penalty of every day late up to `as_of`; what earlier penalty
/// invoices of the same late invoice billed is deducted, so a later one (a payment after a formal
/// notice) bills only the days not billed yet, and the indemnity is billed once per late invoice,
/// ever (a unique index backs this). When the semester's rates are not recorded, only the
/// indemnity is billed and the days stay unbilled. Nothing is written when nothing is owed (the
/// invoice was not late, or everything was billed already); a penalty invoice bears no penalty
/// itself. Returns the penalty invoice written, if any.
pub async fn invoice_penalties_in(
    connection: &mut AnyConnection,
    late_invoice_id: i64,
    actor_user_id: Option<i64>,
    as_of: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Issued>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT company_id, number, kind, due_date, total_cents FROM invoices WHERE id = $1",
    )
    .bind(late_invoice_id)
    .fetch_one(&mut *connection)
    .await?;
    let company_id: i64 = row.try_get("company_id")?;
    let number: String = row.try_get("number")?;
    let kind: String = row.try_get("kind")?;
    let kind = InvoiceKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?;
    let due_date: String = row.try_get("due_date")?;
    let due_date: NaiveDate = super::codec::parsed("date", &due_date)?;
    let total = Money::from_cents(row.try_get("total_cents")?);
    if kind.bills_damages() || as_of <= due_date {
        return Ok(None);
    }
    // PostgreSQL sums BIGINTs as NUMERIC: cast back.
    let (days_billed, penalty_billed, indemnity_billed): (i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(MAX(days_late), 0) AS BIGINT),
                CAST(COALESCE(SUM(penalty_cents), 0) AS BIGINT),
                CAST(COALESCE(SUM(indemnity_cents), 0) AS BIGINT)
         FROM late_penalties WHERE late_invoice_id = $1",
    )
    .bind(late_invoice_id)
    .fetch_one(&mut *connection)
    .await?;
    let table = rate_table_in(connection).await?;
    let rule_failed = |error: domain::RuleError| sqlx::Error::Protocol(error.to_string());
    let semester = Semester::containing(due_date.succ_opt().unwrap_or(due_date));
    // The penalty of every day late up to `as_of`, less what was billed; or none while the
    // semester's rates are missing.
    let (days_late, penalty, indemnity, rate) = match table.for_due_date(due_date) {
        Ok(rates) => {
            let owed = late_penalty(total, due_date, as_of, &rates).map_err(rule_failed)?;
            let penalty = owed
                .penalty
                .checked_sub(Money::from_cents(penalty_billed))
                .unwrap_or(Money::ZERO);
            (
                i64::from(owed.days_late),
                penalty,
                owed.indemnity,
                Some(owed.rate),
            )
        }
        Err(_) => {
            tracing::warn!(late_invoice_id, %semester, "{}", rates_missing_note(semester));
            (
                days_billed,
                Money::ZERO,
                domain::late::RECOVERY_INDEMNITY,
                None,
            )
        }
    };
    let indemnity = if indemnity_billed > 0 {
        Money::ZERO
    } else {
        indemnity
    };
    // The days late not billed yet, when they add a penalty.
    let billed = match rate {
        Some(rate) if days_late > days_billed && penalty > Money::ZERO => Some((rate, penalty)),
        _ => None,
    };
    let mut lines = Vec::new();
    if let Some((rate, penalty)) = billed {
        let first = due_date + chrono::Days::new(u64::try_from(days_billed + 1).unwrap_or(1));
        lines.push((
            format!(
                "Late-payment penalty on invoice {number} ({total} due on {due_date}): {} days late, {first} to {as_of}, at {rate} % a year (GTCS 5.3)",
                days_late - days_billed
            ),
            penalty,
        ));
    }
    if indemnity > Money::ZERO {
        lines.push((
            format!("Fixed recovery indemnity for invoice {number} (GTCS 5.3)"),
            indemnity,
        ));
    }
    if lines.is_empty() {
        return Ok(None);
    }
    let priced = Priced::amounts(
        Percent::ZERO,
        "No VAT: late-payment penalties and the recovery indemnity are damages, not a supply (GTCS 5.3).".into(),
        &lines,
    )
    .map_err(rule_failed)?;
    let issued = invoices::issue(
        connection,
        NewInvoice {
            company_id,
            actor_user_id,
            kind: InvoiceKind::Penalty,
            order_id: None,
            licence_id: None,
            period: None,
            issue_date: as_of,
            priced: &priced,
        },
        now,
    )
    .await?;
    sqlx::query(
        "INSERT INTO late_penalties (penalty_invoice_id, late_invoice_id, company_id, as_of,
                                     days_late, penalty_cents, indemnity_cents, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(issued.id)
    .bind(late_invoice_id)
    .bind(company_id)
    .bind(as_of.to_string())
    .bind(if billed.is_some() {
        days_late
    } else {
        days_billed
    })
    .bind(whole_cents(
        billed.map_or(Money::ZERO, |(_, penalty)| penalty),
    )?)
    .bind(whole_cents(indemnity)?)
    .bind(stamp(now))
    .execute(&mut *connection)
    .await?;
    Ok(Some(issued))
}

fn whole_cents(amount: Money) -> Result<i64, sqlx::Error> {
    domain::order::cents(amount)
        .ok_or_else(|| sqlx::Error::Protocol(format!("{amount} is not a whole number of cents")))
}
