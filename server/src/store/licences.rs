//! The Company's Licences (RENEW-1), its notices of non-renewal (NOTICE-1) and the provider's
//! terminations without reason (NOTICE-2), which end a Licence the same way. The rules are
//! applied by the caller (`domain`); this module only reads and writes.

use chrono::{DateTime, NaiveDate, Utc};
use domain::licence::Licence;
use serde::Serialize;

use super::audit;
use super::codec::{Columns, Packed, packed, stamp};
use crate::db::Database;

/// A Licence as stored, with how many Numbers it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceRecord {
    pub id: i64,
    pub order_id: i64,
    /// Its anchor and term (RENEW-1).
    pub licence: Licence,
    /// Its service is over (after a termination, a trial cancelled, a notice taking effect).
    pub ended: bool,
    pub numbers: i64,
    /// NOTICE-1: the Company's notice of non-renewal, if it gave one.
    pub notice: Option<StoredNotice>,
    /// TRIAL-1: the trial, if the Licence started with one.
    pub trial: Option<StoredTrial>,
}

/// A notice of non-renewal as recorded (NOTICE-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredNotice {
    pub received_at: DateTime<Utc>,
    pub on_time: bool,
    pub service_last_day: NaiveDate,
    /// NOTICE-2: the provider's termination without reason, not the Company's notice.
    pub by_provider: bool,
}

/// A Licence's trial (TRIAL-1): its last day, whether it converts unless cancelled, and when
/// the cancellation was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredTrial {
    pub trial_end: NaiveDate,
    pub auto_commit: bool,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// The licences of the Company bound to `$1`, with their Numbers counted.
macro_rules! select_licences {
    () => {
        "SELECT l.id, l.order_id, l.term_months, l.anchor, l.status,
        l.notice_received_at, l.notice_on_time, l.service_last_day,
        l.trial_end, l.trial_auto_commit, l.trial_cancelled_at, l.notice_by_provider,
        (SELECT COUNT(*) FROM numbers n WHERE n.licence_id = l.id AND n.company_id = l.company_id) AS numbers
     FROM licences l WHERE l.company_id = $1"
    };
}

/// The columns of [`select_licences!`], in order, as a packed list holds them (see [`list`]).
const COLUMNS: [&str; 13] = [
    "id",
    "order_id",
    "term_months",
    "anchor",
    "status",
    "notice_received_at",
    "notice_on_time",
    "service_last_day",
    "trial_end",
    "trial_auto_commit",
    "trial_cancelled_at",
    "notice_by_provider",
    "numbers",
];

fn from_row(row: &impl Columns) -> Result<LicenceRecord, sqlx::Error> {
    let notice = match (
        row.instant_opt("notice_received_at")?,
        row.flag_opt("notice_on_time")?,
        row.date_opt("service_last_day")?,
    ) {
        (Some(received_at), Some(on_time), Some(service_last_day)) => Some(StoredNotice {
            received_at,
            on_time,
            service_last_day,
            by_provider: row.flag("notice_by_provider")?,
        }),
        _ => None,
    };
    let trial = match row.date_opt("trial_end")? {
        Some(trial_end) => Some(StoredTrial {
            trial_end,
            auto_commit: row.flag("trial_auto_commit")?,
            cancelled_at: row.instant_opt("trial_cancelled_at")?,
        }),
        None => None,
    };
    Ok(LicenceRecord {
        id: row.integer("id")?,
        order_id: row.integer("order_id")?,
        licence: row.licence()?,
        ended: row.decoded("status", |status| match status {
            "active" => Some(false),
            "ended" => Some(true),
            _ => None,
        })?,
        numbers: row.integer("numbers")?,
        notice,
        trial,
    })
}

/// Every Licence of the Company, oldest first: one query answering one packed value (see
/// `codec`), whatever their number.
pub async fn list(db: &Database, company_id: i64) -> Result<Vec<LicenceRecord>, sqlx::Error> {
    let packed: Option<String> = sqlx::query_scalar(concat!(
        "SELECT string_agg(",
        packed!(
            "CAST(l.id AS TEXT)",
            "CAST(l.order_id AS TEXT)",
            "CAST(l.term_months AS TEXT)",
            "l.anchor",
            "l.status",
            "l.notice_received_at",
            "CAST(l.notice_on_time AS TEXT)",
            "l.service_last_day",
            "l.trial_end",
            "CAST(l.trial_auto_commit AS TEXT)",
            "l.trial_cancelled_at",
            "CAST(l.notice_by_provider AS TEXT)",
            "CAST((SELECT COUNT(*) FROM numbers n
                   WHERE n.licence_id = l.id AND n.company_id = l.company_id) AS TEXT)"
        ),
        ", '' ORDER BY l.anchor, l.id) FROM licences l WHERE l.company_id = $1"
    ))
    .bind(company_id)
    .fetch_one(&db.pool)
    .await?;
    Packed::new(packed.as_deref(), &COLUMNS)
        .map(|record| from_row(&record?))
        .collect()
}

/// The Company a Licence belongs to, if the Licence exists (for the provider's routes).
pub async fn company_of(db: &Database, licence_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT company_id FROM licences WHERE id = $1")
        .bind(licence_id)
        .fetch_optional(&db.pool)
        .await
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
    pub received_at: DateTime<Utc>,
    pub received_on: NaiveDate,
    pub on_time: bool,
    pub service_last_day: NaiveDate,
}

#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    #[error("no such licence")]
    NotFound,
    #[error("a notice of non-renewal was already received at {received_at}")]
    AlreadyGiven { received_at: DateTime<Utc> },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Who ends a Licence at the end of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeBy {
    /// NOTICE-1: a Manager of the Company (their User id).
    Manager(i64),
    /// NOTICE-2: an operator of the provider, without reason; the Managers are emailed.
    Provider(i64),
}

/// Records a notice ending a Licence active and without one yet (the Company's, or the
/// provider's), with the proof log entry (PROOF-1) and, for the provider's, the Managers'
/// emails, all or nothing. A second notice is refused, even when two arrive at once.
pub async fn record_notice(
    db: &Database,
    company_id: i64,
    by: NoticeBy,
    licence_id: i64,
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<(), NoticeError> {
    let mut tx = db.write().await?;
    let current =
        sqlx::query("SELECT notice_received_at FROM licences WHERE id = $1 AND company_id = $2")
            .bind(licence_id)
            .bind(company_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(current) = current else {
        return Err(NoticeError::NotFound);
    };
    if let Some(received_at) = current.instant_opt("notice_received_at")? {
        return Err(NoticeError::AlreadyGiven { received_at });
    }
    let by_provider = matches!(by, NoticeBy::Provider(_));
    let updated = sqlx::query(
        "UPDATE licences SET notice_received_at = $1, notice_on_time = $2, service_last_day = $3,
             notice_by_provider = $4
         WHERE id = $5 AND company_id = $6 AND notice_received_at IS NULL AND status = 'active'",
    )
    .bind(stamp(notice.received_at))
    .bind(i64::from(notice.on_time))
    .bind(notice.service_last_day.to_string())
    .bind(i64::from(by_provider))
    .bind(licence_id)
    .bind(company_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(NoticeError::AlreadyGiven {
            received_at: notice.received_at,
        });
    }
    let subject = format!("licence:{licence_id}");
    let change = match by {
        NoticeBy::Manager(user_id) => {
            audit::Change::new(company_id, Some(user_id), "licence.notice", subject)
        }
        NoticeBy::Provider(operator_id) => {
            audit::Change::new(company_id, None, "licence.provider_termination", subject)
                .by_operator(Some(operator_id))
        }
    }
    .before(&serde_json::json!({"notice": null}))
    .after(&serde_json::json!({"notice": notice}));
    audit::record(&mut tx, change, at).await?;
    if by_provider {
        let recipients = super::late_payment::manager_emails(&mut tx, company_id).await?;
        let body = format!(
            "The provider terminates Licence {licence_id} without reason (GTCS 6.2.1). Its last day of service is {}: until then its Numbers and Call Plans work as before and stay due; it does not renew.",
            notice.service_last_day
        );
        let subject = format!("Licence {licence_id} terminated by the provider");
        super::late_payment::send_to(&mut tx, company_id, &recipients, &subject, &body, at).await?;
    }
    tx.commit().await?;
    Ok(())
}
