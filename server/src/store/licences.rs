//! The Company's Licences (RENEW-1) and its notices of non-renewal (NOTICE-1). The rules are
//! applied by the caller (`domain`); this module only reads and writes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit;
use crate::db::Database;

/// A Licence as stored, with how many Numbers it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceRecord {
    pub id: i64,
    pub order_id: i64,
    pub term_months: i64,
    pub anchor: String,
    pub status: String,
    pub numbers: i64,
    pub notice_received_at: Option<String>,
    pub notice_on_time: Option<bool>,
    pub service_last_day: Option<String>,
    /// TRIAL-1: the trial's last day, whether it converts unless cancelled, and when the
    /// cancellation was received.
    pub trial_end: Option<String>,
    pub trial_auto_commit: bool,
    pub trial_cancelled_at: Option<String>,
}

/// The licences of the Company bound to `$1`, with their Numbers counted.
macro_rules! select_licences {
    () => {
        "SELECT l.id, l.order_id, l.term_months, l.anchor, l.status,
        l.notice_received_at, l.notice_on_time, l.service_last_day,
        l.trial_end, l.trial_auto_commit, l.trial_cancelled_at,
        (SELECT COUNT(*) FROM numbers n WHERE n.licence_id = l.id AND n.company_id = l.company_id) AS numbers
     FROM licences l WHERE l.company_id = $1"
    };
}

fn from_row(row: &AnyRow) -> Result<LicenceRecord, sqlx::Error> {
    Ok(LicenceRecord {
        id: row.try_get("id")?,
        order_id: row.try_get("order_id")?,
        term_months: row.try_get("term_months")?,
        anchor: row.try_get("anchor")?,
        status: row.try_get("status")?,
        numbers: row.try_get("numbers")?,
        notice_received_at: row.try_get("notice_received_at")?,
        notice_on_time: row
            .try_get::<Option<i64>, _>("notice_on_time")?
            .map(|flag| flag != 0),
        service_last_day: row.try_get("service_last_day")?,
        trial_end: row.try_get("trial_end")?,
        trial_auto_commit: row.try_get::<i64, _>("trial_auto_commit")? != 0,
        trial_cancelled_at: row.try_get("trial_cancelled_at")?,
    })
}

/// Every Licence of the Company, oldest first.
pub async fn list(db: &Database, company_id: i64) -> Result<Vec<LicenceRecord>, sqlx::Error> {
    let rows = sqlx::query(concat!(select_licences!(), " ORDER BY l.anchor, l.id"))
        .bind(company_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// One Licence of the Company; `None` when it does not exist or belongs to another Company.
pub async fn find(
    db: &Database,
    company_id: i64,
    licence_id: i64,
) -> Result<Option<LicenceRecord>, sqlx::Error> {
    let row = sqlx::query(concat!(select_licences!(), " AND l.id = $2"))
        .bind(company_id)
        .bind(licence_id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A notice of non-renewal, as the rules judged it (NOTICE-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub received_at: String,
    pub received_on: NaiveDate,
    pub on_time: bool,
    pub service_last_day: NaiveDate,
}

#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    #[error("no such licence")]
    NotFound,
    #[error("a notice of non-renewal was already received at {received_at}")]
    AlreadyGiven { received_at: String },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Records the Company's notice of non-renewal on a Licence that has none yet, with the proof
/// log entry (PROOF-1), all or nothing. A second notice is refused, even when two arrive at once.
pub async fn record_notice(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    licence_id: i64,
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<(), NoticeError> {
    let mut tx = db.write().await?;
    let current: Option<(Option<String>,)> =
        sqlx::query_as("SELECT notice_received_at FROM licences WHERE id = $1 AND company_id = $2")
            .bind(licence_id)
            .bind(company_id)
            .fetch_optional(&mut *tx)
            .await?;
    match current {
        None => return Err(NoticeError::NotFound),
        Some((Some(received_at),)) => return Err(NoticeError::AlreadyGiven { received_at }),
        Some((None,)) => {}
    }
    let updated = sqlx::query(
        "UPDATE licences SET notice_received_at = $1, notice_on_time = $2, service_last_day = $3
         WHERE id = $4 AND company_id = $5 AND notice_received_at IS NULL",
    )
    .bind(&notice.received_at)
    .bind(i64::from(notice.on_time))
    .bind(notice.service_last_day.to_string())
    .bind(licence_id)
    .bind(company_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(NoticeError::AlreadyGiven {
            received_at: notice.received_at.clone(),
        });
    }
    let change = audit::Change::new(
        company_id,
        Some(actor_user_id),
        "licence.notice",
        format!("licence:{licence_id}"),
    )
    .before(&serde_json::json!({"notice": null}))
    .after(&serde_json::json!({"notice": notice}));
    audit::record(&mut tx, change, at).await?;
    tx.commit().await?;
    Ok(())
}
