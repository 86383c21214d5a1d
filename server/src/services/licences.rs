//! A Licence as the console shows it on a day (RENEW-1, NOTICE-1, TRIAL-1): the Licences page,
//! the dashboard and the Numbers page all answer with it.

use chrono::NaiveDate;
use domain::licence::status_on;
use protocol::licences::{LicenceView, NoticeView};
use protocol::trials::TrialView;

use crate::clock::paris_day;
use crate::error::ApiError;
use crate::store::licences::LicenceRecord;
use crate::store::stamp;

/// A Licence as the console shows it on `today`. A Licence whose last day of service has passed
/// reads `ended`.
pub fn view(record: &LicenceRecord, today: NaiveDate) -> Result<LicenceView, ApiError> {
    let licence = record.licence;
    let notice = record.notice.map(|notice| NoticeView {
        received_at: stamp(notice.received_at),
        received_on: paris_day(notice.received_at),
        on_time: notice.on_time,
        service_last_day: notice.service_last_day,
        by_provider: notice.by_provider,
    });
    let trial = record.trial.map(|trial| TrialView {
        trial_end: trial.trial_end,
        auto_commit: trial.auto_commit,
        cancelled_on: trial.cancelled_at.map(paris_day),
    });
    let ended = record.ended
        || notice
            .as_ref()
            .is_some_and(|notice| today > notice.service_last_day);
    Ok(LicenceView {
        id: record.id,
        order_id: record.order_id,
        term: licence.term,
        anchor: licence.anchor,
        status: if ended { "ended" } else { "active" }.into(),
        numbers: record.numbers,
        notice,
        schedule: status_on(licence.anchor, licence.term, today)
            .map_err(|error| ApiError::Internal(error.to_string()))?,
        trial,
    })
}
