//! `/api/console/price-changes`: the price-change notices concerning the Company's Licences
//! (PRICE-4, PRICE-5), with the termination right and its last day, and the termination itself.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use chrono_tz::Europe::Paris;
use domain::catalogue::Billing;
use domain::money::Money;
use domain::price_change::PriceIndex;
use domain::price_change::{IncreaseTermination, terminate_after_increase, validate_price_change};
use protocol::price_changes::{IncreaseTerminationView, NoticeKind, PriceChangeView, PriceLine};

use crate::auth::Manager;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::price_changes::{self, NoticeRecord, TerminateError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/price-changes", get(list))
        .route("/console/price-changes/{id}/termination", post(terminate))
}

pub(crate) fn parse_day(raw: &str) -> Result<NaiveDate, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::Internal(format!("stored date “{raw}” is not a date")))
}

fn parse_kind(raw: &str) -> Result<NoticeKind, ApiError> {
    match raw {
        "indexed" => Ok(NoticeKind::Indexed),
        "non_indexed" => Ok(NoticeKind::NonIndexed),
        other => Err(ApiError::Internal(format!("stored kind “{other}”"))),
    }
}

fn parse_index(raw: Option<&String>) -> Result<Option<PriceIndex>, ApiError> {
    raw.map(|raw| {
        raw.parse()
            .ok()
            .and_then(|value| PriceIndex::new(value).ok())
            .ok_or_else(|| ApiError::Internal(format!("stored index “{raw}”")))
    })
    .transpose()
}

/// A stored notice as people see it, with `price_change.validate` recomputed.
pub(crate) fn notice_view(record: &NoticeRecord) -> Result<PriceChangeView, ApiError> {
    let kind = parse_kind(&record.kind)?;
    let informed_on = parse_day(&record.informed_on)?;
    let effective_on = parse_day(&record.effective_on)?;
    let previous_indexation = record
        .previous_indexation
        .as_deref()
        .map(parse_day)
        .transpose()?;
    let check = validate_price_change(
        kind.with_previous(previous_indexation),
        informed_on,
        effective_on,
    )
    .map_err(|error| ApiError::Internal(error.to_string()))?;
    let prices = record
        .prices
        .iter()
        .map(|price| {
            Ok(PriceLine {
                billing: price
                    .billing
                    .parse::<Billing>()
                    .map_err(ApiError::Internal)?,
                min_quantity: u32::try_from(price.min_quantity)
                    .map_err(|_| ApiError::Internal("stored quantity".into()))?,
                old_unit_price: Money::from_cents(price.old_unit_price_cents),
                unit_price: Money::from_cents(price.unit_price_cents),
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let termination = record
        .termination
        .as_ref()
        .map(|(received_at, last_day, licence_ids)| {
            Ok::<_, ApiError>(IncreaseTerminationView {
                received_at: received_at.clone(),
                service_last_day: parse_day(last_day)?,
                licence_ids: licence_ids.clone(),
            })
        })
        .transpose()?;
    Ok(PriceChangeView {
        id: record.id,
        plan_code: record.plan_code.clone(),
        plan_name: record.plan_name.clone(),
        kind,
        informed_on,
        effective_on,
        previous_indexation,
        index_base: parse_index(record.index_base.as_ref())?,
        index_new: parse_index(record.index_new.as_ref())?,
        prices,
        check,
        licence_ids: record.licence_ids.clone(),
        termination,
    })
}

/// `GET /api/console/price-changes`: the notices concerning the Company's Licences.
async fn list(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<PriceChangeView>>, ApiError> {
    let records = price_changes::list_for_company(&state.db, manager.company_id).await?;
    records
        .iter()
        .map(notice_view)
        .collect::<Result<_, _>>()
        .map(Json)
}

/// `POST /api/console/price-changes/{id}/termination`: PRICE-5, the Company terminates the
/// Licences a non-indexed increase concerns, judged on the day of receipt in Europe/Paris with
/// the same call the browser makes; refused with the last day when late, and for an indexation.
async fn terminate(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Path(id): Path<i64>,
) -> Result<Json<PriceChangeView>, ApiError> {
    let record = price_changes::find_for_company(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let view = notice_view(&record)?;
    let now = state.clock.now();
    let received_on = now.with_timezone(&Paris).date_naive();
    let outcome = terminate_after_increase(
        view.kind.with_previous(view.previous_indexation),
        view.informed_on,
        view.effective_on,
        received_on,
    )
    .map_err(|error| ApiError::Internal(error.to_string()))?;
    let service_last_day = match outcome {
        IncreaseTermination::NoRight => return Err(ApiError::NoTerminationRight),
        IncreaseTermination::TooLate { last_day } => {
            return Err(ApiError::TerminationTooLate { last_day });
        }
        IncreaseTermination::OnTime { service_last_day } => service_last_day,
    };
    let licences = price_changes::terminate(
        &state.db,
        manager.company_id,
        manager.user_id,
        id,
        service_last_day,
        now,
    )
    .await
    .map_err(|error| match error {
        TerminateError::NotFound => ApiError::NotFound,
        TerminateError::NothingToTerminate => ApiError::AlreadyTerminated,
        TerminateError::Database(error) => error.into(),
    })?;
    tracing::info!(
        notice_id = id,
        ?licences,
        "licences terminated after a price increase"
    );
    let record = price_changes::find_for_company(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    notice_view(&record).map(Json)
}
