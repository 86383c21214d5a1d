//! Licence terminations before tacit renewal: listing them for the Company, and the provider's
//! termination for fault (TERM-1, TERM-2), which ends the Licence at once and records what falls
//! due as the caller computed it with `domain::fault`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use domain::licence::Licence;
use sqlx::Row as _;

use super::codec::{self, Columns};
use super::{audit, stamp};
use crate::db::{Database, is_unique_violation};

/// What the amount due for fault is computed from: the Licence and the Order that created it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultBasis {
    pub company_id: i64,
    pub licence: Licence,
    /// The Licence is still in service (not ended or terminated already).
    pub active: bool,
    /// The price of one period, net of discounts, excluding VAT.
    pub period_net_cents: i64,
    /// The price of one period before discounts.
    pub period_gross_cents: i64,
}

/// The Licence `licence_id` of any Company (the provider's view), with its Order's amounts.
pub async fn fault_basis(
    db: &Database,
    licence_id: i64,
) -> Result<Option<FaultBasis>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT l.company_id, l.anchor, l.term_months, l.status,
             -- PostgreSQL sums BIGINTs as NUMERIC: cast back.
             CAST((SELECT COALESCE(SUM(ol.net_cents), 0) FROM order_lines ol
                   WHERE ol.order_id = l.order_id) AS BIGINT) AS period_net_cents,
             CAST((SELECT COALESCE(SUM(ol.unit_price_cents * ol.quantity), 0) FROM order_lines ol
                   WHERE ol.order_id = l.order_id) AS BIGINT) AS period_gross_cents
         FROM licences l WHERE l.id = $1",
    )
    .bind(licence_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(FaultBasis {
            company_id: row.try_get("company_id")?,
            licence: row.licence()?,
            active: row.try_get::<String, _>("status")? == "active",
            period_net_cents: row.try_get("period_net_cents")?,
            period_gross_cents: row.try_get("period_gross_cents")?,
        })
    })
    .transpose()
}

/// TERM-1: the amounts recorded with a termination for fault, in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultAmounts {
    pub monthly_instalment_cents: i64,
    pub remaining_instalments: i64,
    pub accelerated_instalments_cents: i64,
    pub discounts_reimbursed_cents: i64,
    pub total_due_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultTermination {
    pub licence_id: i64,
    pub company_id: i64,
    pub reason: String,
    pub service_last_day: NaiveDate,
    pub amounts: FaultAmounts,
}

#[derive(Debug, thiserror::Error)]
pub enum FaultError {
    #[error("the licence is already terminated or ended")]
    AlreadyTerminated,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// TERM-1, TERM-2: ends the active Licence now and records the termination with what falls due
/// and its proof-log entry (PROOF-1, by the provider), all or nothing.
pub async fn terminate_for_fault(
    db: &Database,
    termination: &FaultTermination,
    at: DateTime<Utc>,
) -> Result<(), FaultError> {
    let mut tx = db.write().await?;
    let ended = sqlx::query(
        "UPDATE licences SET status = 'ended' WHERE id = $1 AND company_id = $2 AND status = 'active'",
    )
    .bind(termination.licence_id)
    .bind(termination.company_id)
    .execute(&mut *tx)
    .await?;
    if ended.rows_affected() != 1 {
        return Err(FaultError::AlreadyTerminated);
    }
    let amounts = &termination.amounts;
    sqlx::query(
        "INSERT INTO licence_terminations (licence_id, company_id, cause, reason, received_at,
             service_last_day, monthly_instalment_cents, remaining_instalments,
             accelerated_instalments_cents, discounts_reimbursed_cents, total_due_cents)
         VALUES ($1, $2, 'fault', $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(termination.licence_id)
    .bind(termination.company_id)
    .bind(&termination.reason)
    .bind(stamp(at))
    .bind(termination.service_last_day.to_string())
    .bind(amounts.monthly_instalment_cents)
    .bind(amounts.remaining_instalments)
    .bind(amounts.accelerated_instalments_cents)
    .bind(amounts.discounts_reimbursed_cents)
    .bind(amounts.total_due_cents)
    .execute(&mut *tx)
    .await
    .map_err(|error| match is_unique_violation(&error) {
        true => FaultError::AlreadyTerminated,
        false => error.into(),
    })?;
    let change = audit::Change::new(
        termination.company_id,
        None,
        "licence.terminate_for_fault",
        format!("licence:{}", termination.licence_id),
    )
    .before(&serde_json::json!({"status": "active"}))
    .after(&serde_json::json!({"status": "ended", "termination": termination}));
    audit::record(&mut tx, change, at).await?;
    tx.commit().await?;
    Ok(())
}

/// A termination as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerminationRecord {
    pub licence_id: i64,
    pub cause: String,
    pub reason: Option<String>,
    pub notice_id: Option<i64>,
    pub received_at: DateTime<Utc>,
    pub service_last_day: NaiveDate,
    pub amounts: Option<FaultAmounts>,
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
);

/// The Company's terminated Licences, latest first.
pub async fn list(db: &Database, company_id: i64) -> Result<Vec<TerminationRecord>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT licence_id, cause, reason, notice_id, received_at, service_last_day,
             monthly_instalment_cents, remaining_instalments, accelerated_instalments_cents,
             discounts_reimbursed_cents, total_due_cents
         FROM licence_terminations WHERE company_id = $1 ORDER BY received_at DESC, licence_id",
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
                Ok(TerminationRecord {
                    licence_id,
                    cause,
                    reason,
                    notice_id,
                    received_at: codec::instant("received_at", &received_at)?,
                    service_last_day: codec::parsed("service_last_day", &service_last_day)?,
                    amounts,
                })
            },
        )
        .collect()
}
