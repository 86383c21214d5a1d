//! `/api/console/licences`: the Company's Licences, their schedule (RENEW-1) and the notice of
//! non-renewal (NOTICE-1).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::notice::non_renewal_notice;
use protocol::licences::{LicenceView, NoticeReceipt};

use super::extract::PathId;
use crate::auth::Manager;
use crate::clock::paris_day;
use crate::error::ApiError;
use crate::services::licences::view;
use crate::state::AppState;
use crate::store::licences::{self, Notice, NoticeBy};
use crate::store::stamp;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/licences", get(list))
        .route("/console/licences/{id}", get(one))
        .route("/console/licences/{id}/notice", post(give_notice))
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
    PathId(id): PathId,
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
    PathId(id): PathId,
) -> Result<Json<NoticeReceipt>, ApiError> {
    let record = licences::find(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if let Some(notice) = &record.notice {
        return Err(ApiError::NoticeAlreadyGiven {
            received_on: paris_day(notice.received_at),
        });
    }
    if record.ended {
        return Err(ApiError::AlreadyTerminated);
    }
    let now = state.clock.now();
    let received_on = paris_day(now);
    let termination = non_renewal_notice(&record.licence, received_on)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    let notice = Notice {
        received_at: now,
        received_on,
        on_time: termination.on_time,
        service_last_day: termination.service_last_day,
    };
    licences::record_notice(
        &state.db,
        manager.company_id,
        NoticeBy::Manager(manager.user_id),
        id,
        &notice,
        now,
    )
    .await?;
    tracing::info!(
        licence_id = id,
        on_time = notice.on_time,
        "notice of non-renewal received"
    );
    Ok(Json(NoticeReceipt {
        licence_id: id,
        received_at: stamp(notice.received_at),
        received_on,
        period_last_day: termination.period_last_day,
        notice_last_day: termination.notice_last_day,
        on_time: termination.on_time,
        service_last_day: termination.service_last_day,
    }))
}
