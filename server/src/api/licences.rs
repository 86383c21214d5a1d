//! `/api/console/licences`: the Company's Licences, their schedule (RENEW-1) and the notice of
//! non-renewal (NOTICE-1).

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use chrono_tz::Europe::Paris;
use domain::licence::{Licence, status_on};
use domain::notice::non_renewal_notice;
use domain::term::Term;
use protocol::licences::{LicenceView, NoticeReceipt, NoticeView};
use protocol::trials::TrialView;

use crate::auth::Manager;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::licences::{self, LicenceRecord, Notice, NoticeError};
use crate::store::stamp;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/licences", get(list))
        .route("/console/licences/{id}", get(one))
        .route("/console/licences/{id}/notice", post(give_notice))
}

/// The stored Licence as the rules see it.
pub(crate) fn licence_of(record: &LicenceRecord) -> Result<Licence, ApiError> {
    let term = u32::try_from(record.term_months)
        .ok()
        .and_then(|months| Term::months(months).ok())
        .ok_or_else(|| ApiError::Internal(format!("licence {} has a bad term", record.id)))?;
    Ok(Licence::new(parse_date(&record.anchor)?, term))
}

pub(crate) fn parse_date(raw: &str) -> Result<NaiveDate, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::Internal(format!("stored date “{raw}” is not a date")))
}

fn rule_failed(error: domain::RuleError) -> ApiError {
    ApiError::Internal(error.to_string())
}

/// The day of receipt of an instant stored as RFC 3339: its date in Europe/Paris.
pub(crate) fn paris_date(stamped: &str) -> Result<NaiveDate, ApiError> {
    chrono::DateTime::parse_from_rfc3339(stamped)
        .map(|at| at.with_timezone(&Paris).date_naive())
        .map_err(|_| ApiError::Internal(format!("stored instant “{stamped}” is not RFC 3339")))
}

/// A Licence as the console shows it on `today`. A Licence whose last day of service has passed
/// reads `ended`.
pub(crate) fn view(record: &LicenceRecord, today: NaiveDate) -> Result<LicenceView, ApiError> {
    let licence = licence_of(record)?;
    let notice = match (
        &record.notice_received_at,
        record.notice_on_time,
        &record.service_last_day,
    ) {
        (Some(received_at), Some(on_time), Some(last_day)) => Some(NoticeView {
            received_at: received_at.clone(),
            received_on: paris_date(received_at)?,
            on_time,
            service_last_day: parse_date(last_day)?,
        }),
        _ => None,
    };
    let trial = match &record.trial_end {
        Some(trial_end) => Some(TrialView {
            trial_end: parse_date(trial_end)?,
            auto_commit: record.trial_auto_commit,
            cancelled_on: record
                .trial_cancelled_at
                .as_deref()
                .map(paris_date)
                .transpose()?,
        }),
        None => None,
    };
    let ended = notice
        .as_ref()
        .is_some_and(|notice| today > notice.service_last_day);
    Ok(LicenceView {
        id: record.id,
        order_id: record.order_id,
        term: licence.term,
        anchor: licence.anchor,
        status: if ended {
            "ended".into()
        } else {
            record.status.clone()
        },
        numbers: record.numbers,
        notice,
        schedule: status_on(licence.anchor, licence.term, today).map_err(rule_failed)?,
        trial,
    })
}

/// `GET /api/console/licences`.
async fn list(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<LicenceView>>, ApiError> {
    let today = state.clock.today();
    let records = licences::list(&state.db, manager.company_id).await?;
    records
        .iter()
        .map(|record| view(record, today))
        .collect::<Result<_, _>>()
        .map(Json)
}

/// `GET /api/console/licences/{id}`.
async fn one(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Path(id): Path<i64>,
) -> Result<Json<LicenceView>, ApiError> {
    let record = licences::find(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    view(&record, state.clock.today()).map(Json)
}

/// `POST /api/console/licences/{id}/notice`: records the Company's notice of non-renewal with its
/// time of receipt, judged by NOTICE-1 on the day of receipt in Europe/Paris. Once only.
async fn give_notice(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Path(id): Path<i64>,
) -> Result<Json<NoticeReceipt>, ApiError> {
    let record = licences::find(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if let Some(received_at) = &record.notice_received_at {
        return Err(ApiError::NoticeAlreadyGiven {
            received_on: paris_date(received_at)?,
        });
    }
    let now = state.clock.now();
    let received_on = now.with_timezone(&Paris).date_naive();
    let termination =
        non_renewal_notice(&licence_of(&record)?, received_on).map_err(rule_failed)?;
    let notice = Notice {
        received_at: stamp(now),
        received_on,
        on_time: termination.on_time,
        service_last_day: termination.service_last_day,
    };
    licences::record_notice(
        &state.db,
        manager.company_id,
        manager.user_id,
        id,
        &notice,
        now,
    )
    .await
    .map_err(|error| match error {
        NoticeError::NotFound => ApiError::NotFound,
        NoticeError::AlreadyGiven { received_at } => match paris_date(&received_at) {
            Ok(received_on) => ApiError::NoticeAlreadyGiven { received_on },
            Err(error) => error,
        },
        NoticeError::Database(error) => error.into(),
    })?;
    tracing::info!(
        licence_id = id,
        on_time = notice.on_time,
        "notice of non-renewal received"
    );
    Ok(Json(NoticeReceipt {
        licence_id: id,
        received_at: notice.received_at,
        received_on,
        period_last_day: termination.period_last_day,
        notice_last_day: termination.notice_last_day,
        on_time: termination.on_time,
        service_last_day: termination.service_last_day,
    }))
}
