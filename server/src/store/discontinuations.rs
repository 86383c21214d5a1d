//! The provider's discontinuation of a Service (NOTICE-3, GTCS 6.2.1): one per Service, announced
//! by email to the Managers of every Company with a Licence in force and written in each such
//! Company's proof log with the operator as author, all in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use domain::service::{Announced, Service, discontinuation};
use protocol::discontinuations::DiscontinuationView;
use sqlx::any::AnyRow;

use super::codec::Columns;
use super::late_payment::{manager_emails, send_to};
use super::{audit, stamp};
use crate::db::{Database, is_unique_violation};

#[derive(Debug, thiserror::Error)]
pub enum DiscontinuationError {
    #[error("too soon: {earliest} at the earliest")]
    TooSoon { earliest: NaiveDate },
    /// With its day, unless another administrator's announcement just won the race.
    #[error("already announced")]
    AlreadyAnnounced { effective: Option<NaiveDate> },
    #[error("{0}")]
    Calendar(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn view(row: &AnyRow) -> Result<DiscontinuationView, sqlx::Error> {
    let service = row.decoded("service", Service::parse)?;
    Ok(DiscontinuationView {
        service,
        label: service.label().to_owned(),
        reason: row.text("reason")?,
        notified_on: row.date("notified_on")?,
        effective: row.date("effective_on")?,
    })
}

/// Every discontinuation announced, the soonest first.
pub async fn list(db: &Database) -> Result<Vec<DiscontinuationView>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT service, reason, notified_on, effective_on FROM service_discontinuations
         ORDER BY effective_on, id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(view).collect()
}

/// What the server checks a use of a Service against (`domain::service::withdrawn`).
pub async fn announced(db: &Database) -> Result<Vec<Announced>, sqlx::Error> {
    Ok(list(db)
        .await?
        .into_iter()
        .map(|view| Announced {
            service: view.service,
            effective: view.effective,
        })
        .collect())
}

/// NOTICE-3: announces on `today` that `service` stops at the start of `effective` (two weeks'
/// notice at least, rule T), for `reason`; the Managers of every Company with a Licence in
/// force are emailed and each such Company's proof log records it. Returns the discontinuation
/// and how many Companies were told.
pub async fn announce(
    db: &Database,
    operator_id: i64,
    (service, effective, reason): (Service, NaiveDate, &str),
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Result<(DiscontinuationView, usize), DiscontinuationError> {
    let check = discontinuation(today, effective)
        .map_err(|error| DiscontinuationError::Calendar(error.to_string()))?;
    if !check.valid {
        return Err(DiscontinuationError::TooSoon {
            earliest: check.earliest_effective,
        });
    }
    let mut tx = db.write().await?;
    let existing: Option<String> =
        sqlx::query_scalar("SELECT effective_on FROM service_discontinuations WHERE service = $1")
            .bind(service.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(effective) = existing {
        return Err(DiscontinuationError::AlreadyAnnounced {
            effective: Some(super::codec::parsed("effective_on", &effective)?),
        });
    }
    sqlx::query(
        "INSERT INTO service_discontinuations (service, reason, notified_on, effective_on,
             notified_at, operator_id)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(service.as_str())
    .bind(reason)
    .bind(today.to_string())
    .bind(effective.to_string())
    .bind(stamp(at))
    .bind(operator_id)
    .execute(&mut *tx)
    .await
    .map_err(|error| {
        // Another administrator's announcement of the same Service won the race.
        if is_unique_violation(&error) {
            DiscontinuationError::AlreadyAnnounced { effective: None }
        } else {
            error.into()
        }
    })?;
    let companies: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT company_id FROM licences WHERE status = 'active' ORDER BY company_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let label = service.label();
    let subject = format!("{label}: discontinued from {effective}");
    let body = format!(
        "The provider will no longer offer this Service of the WebApp: {label}.\n\
         Reason: {reason}\n\n\
         From {effective} it can no longer be used; everything else your Licences include \
         continues unchanged (GTCS 6.2.1: a Service may be discontinued with two weeks' notice, \
         without penalty).\n"
    );
    for &company_id in &companies {
        super::lock_company(&mut tx, company_id).await?;
        let recipients = manager_emails(&mut tx, company_id).await?;
        send_to(&mut tx, company_id, &recipients, &subject, &body, at).await?;
        let change = audit::Change::new(
            company_id,
            None,
            "service.discontinuation",
            format!("service:{}", service.as_str()),
        )
        .after(&serde_json::json!({
            "service": service,
            "reason": reason,
            "notified_on": today,
            "effective": effective,
            "recipients": recipients,
        }));
        audit::record(&mut tx, change.by_operator(Some(operator_id)), at).await?;
    }
    tx.commit().await?;
    Ok((
        DiscontinuationView {
            service,
            label: label.to_owned(),
            reason: reason.to_owned(),
            notified_on: today,
            effective,
        },
        companies.len(),
    ))
}
