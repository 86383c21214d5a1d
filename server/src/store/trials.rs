//! Trials (TRIAL-1, GTCS 10): the provider grants a trial on a Licence, the Company cancels it,
//! and the scheduler converts or ends it the day after its last day. The rule is applied by
//! `domain::trial`; this module reads and writes.

use chrono::{DateTime, NaiveDate, Utc};
use domain::trial::trial_converts;
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

/// The provider puts an active Licence on trial until `trial_end` (its last day).
pub async fn start(
    db: &Database,
    licence_id: i64,
    trial_end: NaiveDate,
    auto_commit: bool,
    now: DateTime<Utc>,
) -> Result<(), TrialError> {
    let mut tx = db.write().await?;
    let company_id: Option<i64> =
        sqlx::query_scalar("SELECT company_id FROM licences WHERE id = $1 AND status = 'active'")
            .bind(licence_id)
            .fetch_optional(&mut *tx)
            .await?;
    let company_id = company_id.ok_or(TrialError::NotFound)?;
    sqlx::query(
        "UPDATE licences SET trial_end = $1, trial_auto_commit = $2, trial_cancelled_at = NULL
         WHERE id = $3",
    )
    .bind(trial_end.to_string())
    .bind(i64::from(auto_commit))
    .bind(licence_id)
    .execute(&mut *tx)
    .await?;
    let change = audit::Change::new(
        company_id,
        None,
        "licence.trial_start",
        format!("licence:{licence_id}"),
    )
    .before(&serde_json::json!({"trial": null}))
    .after(&serde_json::json!({"trial_end": trial_end, "auto_commit": auto_commit}));
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
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
/// converts (the Licence stays active) or ends. Days are processed once each and in order, so
/// each trial is decided once.
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
