//! Complaints to the provider's support (DISPUTE-4, GTCS 11): opened by a Manager about one of
//! the Company's invoices or Numbers, or anything else, with the day the answer is due; answered
//! once by an operator, who emails the answer to the Manager who wrote. Each step is in the
//! Company's proof log, written with it.

use chrono::{DateTime, NaiveDate, Utc};
use domain::working_days::complaint_answer_due;
use protocol::complaints::{ComplaintItem, ComplaintView};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::codec::{self, Columns};
use super::{audit, stamp};
use crate::db::Database;

#[derive(Debug, thiserror::Error)]
pub enum ComplaintError {
    /// No such complaint, or the invoice or Number is not the Company's.
    #[error("not found")]
    NotFound,
    #[error("a complaint is about an invoice or a Number, not both")]
    TwoSubjects,
    #[error("already answered on {0}")]
    AlreadyAnswered(NaiveDate),
    #[error("{0}")]
    Calendar(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What a complaint is about, as written for people.
const VIEW: &str = "SELECT c.id, c.company_id, co.legal_name, c.text, c.received_on,
        c.answer_due, c.answer, c.answered_on, i.number AS invoice_number, n.e164
    FROM complaints c JOIN companies co ON co.id = c.company_id
    LEFT JOIN invoices i ON i.id = c.invoice_id
    LEFT JOIN numbers n ON n.id = c.number_id";

fn view(row: &AnyRow) -> Result<ComplaintView, sqlx::Error> {
    let invoice: Option<String> = row.try_get("invoice_number")?;
    let number: Option<String> = row.try_get("e164")?;
    let about = match (invoice, number) {
        (Some(invoice), _) => format!("Invoice {invoice}"),
        (None, Some(number)) => format!("Number {number}"),
        (None, None) => "Anything else".to_owned(),
    };
    let answered_on: Option<String> = row.try_get("answered_on")?;
    Ok(ComplaintView {
        id: row.try_get("id")?,
        about,
        text: row.try_get("text")?,
        received_on: row.date("received_on")?,
        answer_due: row.date("answer_due")?,
        answer: row.try_get("answer")?,
        answered_on: answered_on
            .map(|day| codec::parsed("answered_on", &day))
            .transpose()?,
    })
}

/// The Company's complaints, newest first.
pub async fn list(db: &Database, company_id: i64) -> Result<Vec<ComplaintView>, sqlx::Error> {
    let sql = format!("{VIEW} WHERE c.company_id = $1 ORDER BY c.id DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(company_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(view).collect()
}

/// Complaints waiting for their answer, across Companies, the earliest due first.
pub async fn waiting(db: &Database) -> Result<Vec<ComplaintItem>, sqlx::Error> {
    let sql = format!("{VIEW} WHERE c.answer IS NULL ORDER BY c.answer_due, c.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(ComplaintItem {
                company_id: row.try_get("company_id")?,
                company_name: row.try_get("legal_name")?,
                complaint: view(row)?,
            })
        })
        .collect()
}

/// A complaint's subject: at most one of the Company's invoices or Numbers.
pub struct Subject {
    pub invoice_id: Option<i64>,
    pub number_id: Option<i64>,
}

/// DISPUTE-4: records the complaint of the Manager `user_id` received on `today`, due to be
/// answered 30 working days later. An invoice or a Number of another Company is not found.
pub async fn open(
    db: &Database,
    (company_id, user_id): (i64, i64),
    subject: Subject,
    text: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<ComplaintView, ComplaintError> {
    if subject.invoice_id.is_some() && subject.number_id.is_some() {
        return Err(ComplaintError::TwoSubjects);
    }
    let answer_due =
        complaint_answer_due(today).map_err(|error| ComplaintError::Calendar(error.to_string()))?;
    let mut tx = db.write().await?;
    for (table, id) in [
        ("invoices", subject.invoice_id),
        ("numbers", subject.number_id),
    ] {
        let Some(id) = id else { continue };
        let sql = format!("SELECT id FROM {table} WHERE id = $1 AND company_id = $2");
        let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(company_id)
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(ComplaintError::NotFound);
        }
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO complaints (company_id, opened_by, invoice_id, number_id, text, received_on,
             answer_due, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(company_id)
    .bind(user_id)
    .bind(subject.invoice_id)
    .bind(subject.number_id)
    .bind(text)
    .bind(today.to_string())
    .bind(answer_due.to_string())
    .bind(stamp(now))
    .fetch_one(&mut *tx)
    .await?;
    let change = audit::Change::new(
        company_id,
        Some(user_id),
        "complaint.open",
        format!("complaint:{id}"),
    )
    .after(&serde_json::json!({
        "invoice_id": subject.invoice_id,
        "number_id": subject.number_id,
        "text": text,
        "received_on": today,
        "answer_due": answer_due,
    }));
    audit::record(&mut tx, change, now).await?;
    let sql = format!("{VIEW} WHERE c.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let opened = view(&row)?;
    tx.commit().await?;
    Ok(opened)
}

/// DISPUTE-4: the operator's answer to the complaint `id`, on `today`, once; emailed to the
/// Manager who wrote it. Returns the Company and the complaint as answered.
pub async fn answer(
    db: &Database,
    operator_id: i64,
    id: i64,
    answer: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(i64, ComplaintView), ComplaintError> {
    let mut tx = db.write().await?;
    let row = sqlx::query(
        "SELECT c.company_id, c.answered_on, c.received_on, u.email
         FROM complaints c JOIN users u ON u.id = c.opened_by WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ComplaintError::NotFound)?;
    let company_id: i64 = row.try_get("company_id")?;
    super::lock_company(&mut tx, company_id).await?;
    if let Some(answered_on) = row.try_get::<Option<String>, _>("answered_on")? {
        return Err(ComplaintError::AlreadyAnswered(codec::parsed(
            "answered_on",
            &answered_on,
        )?));
    }
    let received_on = row.date("received_on")?;
    let email: String = row.try_get("email")?;
    // Only a complaint still waiting takes the answer: two operators answering at once cannot
    // both win.
    let updated = sqlx::query(
        "UPDATE complaints SET answer = $1, answered_on = $2, answered_by = $3
         WHERE id = $4 AND answer IS NULL",
    )
    .bind(answer)
    .bind(today.to_string())
    .bind(operator_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(ComplaintError::AlreadyAnswered(today));
    }
    super::outbox::queue(
        &mut tx,
        company_id,
        &email,
        "The answer to your complaint",
        &format!(
            "You wrote to the provider's support on {received_on}. Here is the answer:\n\n{answer}"
        ),
        now,
    )
    .await?;
    let change = audit::Change::new(
        company_id,
        None,
        "complaint.answer",
        format!("complaint:{id}"),
    )
    .after(&serde_json::json!({"answer": answer, "answered_on": today}));
    audit::record(&mut tx, change.by_operator(Some(operator_id)), now).await?;
    let sql = format!("{VIEW} WHERE c.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let answered = view(&row)?;
    tx.commit().await?;
    Ok((company_id, answered))
}
