//! Licences (RENEW-1, NOTICE-1): `GET /api/console/licences`, `GET /api/console/licences/{id}`
//! and `POST /api/console/licences/{id}/notice`.

use chrono::NaiveDate;
use domain::licence::LicenceStatus;
use domain::term::Term;
use serde::{Deserialize, Serialize};

/// One Licence of the Company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LicenceView {
    pub id: i64,
    pub order_id: i64,
    pub term: Term,
    /// The first day of the first period; every period boundary is computed from it.
    pub anchor: NaiveDate,
    /// `active`, or `ended` once the last day of service has passed.
    pub status: String,
    /// How many Numbers the Licence holds.
    pub numbers: i64,
    /// The Company's notice of non-renewal, once given.
    pub notice: Option<NoticeView>,
    /// The schedule on the server's "today" (the browser computes the same with
    /// `domain::licence::status_on`).
    pub schedule: LicenceStatus,
    /// TRIAL-1: the Licence's trial, when the provider granted one.
    #[serde(default)]
    pub trial: Option<crate::trials::TrialView>,
}

/// A notice of non-renewal as recorded (NOTICE-1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeView {
    /// When the server received it (UTC, RFC 3339).
    pub received_at: String,
    /// The day of receipt in Europe/Paris: the day the rule is applied to.
    pub received_on: NaiveDate,
    pub on_time: bool,
    pub service_last_day: NaiveDate,
    /// NOTICE-2: the provider's termination without reason, not the Company's notice.
    #[serde(default)]
    pub by_provider: bool,
}

/// The answer to `POST /api/console/licences/{id}/notice`: what the server recorded, recomputed
/// with NOTICE-1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeReceipt {
    pub licence_id: i64,
    pub received_at: String,
    pub received_on: NaiveDate,
    /// The last day of the period containing the day of receipt.
    pub period_last_day: NaiveDate,
    /// The last day a notice was on time for that period to be the last.
    pub notice_last_day: NaiveDate,
    pub on_time: bool,
    /// The last day of service: that period's last day if on time, else the next period's.
    pub service_last_day: NaiveDate,
}
