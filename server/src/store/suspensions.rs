//! Suspensions (SUSP-1, GTCS 6): the provider suspends the Company or one of its Users for a
//! reason of SUSP-1's list, informing by email, and lifts it. Billing is not touched: fees stay
//! due and the scheduler renews and invoices a suspended Company as any other.

use chrono::{DateTime, NaiveDate, Utc};
use domain::suspension::SuspensionReason;
use protocol::late_payment::{SuspensionView, Suspensions};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit;
use super::codec::corrupt;
use super::late_payment::{manager_emails, send_to};
use super::stamp;
use crate::db::Database;

/// What is suspended: the Company itself or one of its Users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Company(i64),
    User(i64),
}

impl Subject {
    fn key(self) -> String {
        match self {
            Subject::Company(id) => format!("company:{id}"),
            Subject::User(id) => format!("user:{id}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SuspensionError {
    #[error("no such Company or User")]
    NotFound,
    #[error("already suspended")]
    AlreadySuspended,
    #[error("not suspended")]
    NotSuspended,
    /// NUM-3: "territory no longer met" needs a Number the User holds that no longer meets
    /// NUM-2.
    #[error("every Number the User holds still meets NUM-2")]
    TerritoryStillMet,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn view_from_row(row: &AnyRow) -> Result<SuspensionView, sqlx::Error> {
    let reason: String = row.try_get("reason")?;
    let reason = SuspensionReason::parse(&reason).ok_or_else(|| corrupt("reason", &reason))?;
    let suspended_on: String = row.try_get("suspended_on")?;
    let first: Option<String> = row.try_get("first_name")?;
    let last: Option<String> = row.try_get("last_name")?;
    Ok(SuspensionView {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        user_name: first
            .zip(last)
            .map(|(first, last)| format!("{first} {last}")),
        reason,
        reason_label: reason.label().to_owned(),
        details: row.try_get("details")?,
        suspended_on: suspended_on
            .parse()
            .map_err(|_| corrupt("date", &suspended_on))?,
    })
}

/// The suspensions in force in the Company: its own and its Users'.
pub async fn in_force(db: &Database, company_id: i64) -> Result<Suspensions, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.user_id, s.reason, s.details, s.suspended_on, u.first_name, u.last_name
         FROM suspensions s LEFT JOIN users u ON u.id = s.user_id
         WHERE s.company_id = $1 AND s.lifted_on IS NULL ORDER BY s.id",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    let mut found = Suspensions::default();
    for row in &rows {
        let view = view_from_row(row)?;
        match view.user_id {
            None => found.company = Some(view),
            Some(_) => found.users.push(view),
        }
    }
    Ok(found)
}

/// SUSP-1: suspends `subject` from `today` for `reason`, informs the Company's Managers (and the
/// User) by email and records it in the proof log, in one transaction. Returns the Company.
pub async fn suspend(
    db: &Database,
    operator_id: i64,
    subject: Subject,
    reason: SuspensionReason,
    details: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64, SuspensionError> {
    let mut tx = db.write().await?;
    let (company_id, user): (i64, Option<(i64, String, String)>) = match subject {
        Subject::Company(id) => {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM companies WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            (found.ok_or(SuspensionError::NotFound)?, None)
        }
        Subject::User(id) => {
            let row: Option<(i64, String, String, String)> = sqlx::query_as(
                "SELECT company_id, email, first_name, last_name FROM users WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let (company_id, email, first, last) = row.ok_or(SuspensionError::NotFound)?;
            if reason == SuspensionReason::TerritoryNoLongerMet {
                territory_no_longer_met(&mut tx, company_id, id).await?;
            }
            (company_id, Some((id, email, format!("{first} {last}"))))
        }
    };
    let in_force: Option<i64> =
        sqlx::query_scalar("SELECT id FROM suspensions WHERE subject = $1 AND lifted_on IS NULL")
            .bind(subject.key())
            .fetch_optional(&mut *tx)
            .await?;
    if in_force.is_some() {
        return Err(SuspensionError::AlreadySuspended);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO suspensions (company_id, user_id, subject, reason, details, suspended_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(company_id)
    .bind(user.as_ref().map(|(id, _, _)| *id))
    .bind(subject.key())
    .bind(reason.as_str())
    .bind(details)
    .bind(today.to_string())
    .bind(stamp(now))
    .fetch_one(&mut *tx)
    .await?;
    let mut recipients = manager_emails(&mut tx, company_id).await?;
    let (whom, action) = match &user {
        None => ("The Company Account".to_owned(), "company.suspend"),
        Some((_, email, name)) => {
            if !recipients.contains(email) {
                recipients.push(email.clone());
            }
            (format!("The User {name}"), "user.suspend")
        }
    };
    let subject_line = format!("Suspension: {whom}");
    let body = format!(
        "{whom} is suspended from {today} for this reason: {}.{} Fees stay due during the suspension (GTCS 6).",
        reason.label(),
        if details.is_empty() {
            String::new()
        } else {
            format!(" {details}")
        }
    );
    send_to(&mut tx, company_id, &recipients, &subject_line, &body, now).await?;
    let change =
        audit::Change::new(company_id, None, action, subject.key()).after(&serde_json::json!({
            "suspension_id": id,
            "reason": reason,
            "details": details,
            "suspended_on": today,
        }));
    audit::record(&mut tx, change.by_operator(Some(operator_id)), now).await?;
    tx.commit().await?;
    Ok(company_id)
}

/// Lifts the suspension in force of `subject` on `today`, informs by email and records it.
/// Returns the Company.
pub async fn lift(
    db: &Database,
    operator_id: i64,
    subject: Subject,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64, SuspensionError> {
    let mut tx = db.write().await?;
    let row: Option<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, company_id, reason FROM suspensions WHERE subject = $1 AND lifted_on IS NULL",
    )
    .bind(subject.key())
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id, company_id, reason)) = row else {
        let exists: Option<i64> = match subject {
            Subject::Company(id) => {
                sqlx::query_scalar("SELECT id FROM companies WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            Subject::User(id) => {
                sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
            }
        };
        return Err(match exists {
            Some(_) => SuspensionError::NotSuspended,
            None => SuspensionError::NotFound,
        });
    };
    sqlx::query("UPDATE suspensions SET lifted_on = $1 WHERE id = $2")
        .bind(today.to_string())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let recipients = manager_emails(&mut tx, company_id).await?;
    let (whom, action) = match subject {
        Subject::Company(_) => ("The Company Account", "company.lift_suspension"),
        Subject::User(_) => ("A User", "user.lift_suspension"),
    };
    let body = format!("{whom} is no longer suspended from {today}.");
    send_to(
        &mut tx,
        company_id,
        &recipients,
        "Suspension lifted",
        &body,
        now,
    )
    .await?;
    let change = audit::Change::new(company_id, None, action, subject.key())
        .before(&serde_json::json!({"suspension_id": id, "reason": reason}))
        .after(&serde_json::json!({"lifted_on": today}));
    audit::record(&mut tx, change.by_operator(Some(operator_id)), now).await?;
    tx.commit().await?;
    Ok(company_id)
}

/// NUM-3 (house reading "Territory"): the provider may suspend a User for "territory no longer
/// met" only while a Number they hold no longer meets NUM-2.
async fn territory_no_longer_met(
    connection: &mut sqlx::AnyConnection,
    company_id: i64,
    user_id: i64,
) -> Result<(), SuspensionError> {
    let user = super::users::fetch(connection, company_id, user_id)
        .await?
        .ok_or(SuspensionError::NotFound)?;
    if super::users::out_of_territory_in(connection, &user)
        .await?
        .is_empty()
    {
        return Err(SuspensionError::TerritoryStillMet);
    }
    Ok(())
}
