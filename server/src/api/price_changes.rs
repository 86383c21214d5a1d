//! Price changes (PRICE-4, PRICE-5): the provider announces an increase
//! (`POST /api/admin/price-changes`, administrators); Managers see the notices concerning
//! their Licences (`/api/console/price-changes`), with the termination right and its last day,
//! and terminate.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Days;
use domain::price_change::{
    Increase, IncreaseTermination, TierPrice, new_prices, terminate_after_increase,
    validate_price_change,
};
use protocol::price_changes::{
    IncreaseTerminationView, NewPrice, NoticeKind, PriceChangeForm, PriceChangeView, PriceLine,
};

use super::extract::{Body, PathId};
use crate::auth::Manager;
use crate::auth::operator::Operator;
use crate::clock::paris_day;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::price_changes::{self, NewNotice, NoticeRecord};
use crate::store::stamp;
use protocol::backoffice::BackOfficeAction;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/price-changes", post(create))
        .route("/console/price-changes", get(list))
        .route("/console/price-changes/{id}/termination", post(terminate))
}

/// A stored notice as people see it, with `price_change.validate` recomputed.
fn notice_view(record: &NoticeRecord) -> Result<PriceChangeView, ApiError> {
    let check = validate_price_change(
        record.kind.with_previous(record.previous_indexation),
        record.informed_on,
        record.effective_on,
    )
    .map_err(|error| ApiError::Internal(error.to_string()))?;
    Ok(PriceChangeView {
        id: record.id,
        plan_code: record.plan_code.clone(),
        plan_name: record.plan_name.clone(),
        kind: record.kind,
        informed_on: record.informed_on,
        effective_on: record.effective_on,
        previous_indexation: record.previous_indexation,
        index_base: record.index_base,
        index_new: record.index_new,
        prices: record
            .prices
            .iter()
            .map(|price| PriceLine {
                billing: price.billing,
                min_quantity: price.min_quantity,
                old_unit_price: price.old_unit_price,
                unit_price: price.unit_price,
            })
            .collect(),
        check,
        licence_ids: record.licence_ids.clone(),
        termination: record
            .termination
            .as_ref()
            .map(|termination| IncreaseTerminationView {
                received_at: stamp(termination.received_at),
                service_last_day: termination.service_last_day,
                licence_ids: termination.licence_ids.clone(),
            }),
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
    PathId(id): PathId,
) -> Result<Json<PriceChangeView>, ApiError> {
    let record = price_changes::find_for_company(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let outcome = terminate_after_increase(
        record.kind.with_previous(record.previous_indexation),
        record.informed_on,
        record.effective_on,
        paris_day(now),
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
    .await?;
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

fn invalid(field: &'static str, reason: impl Into<String>) -> ApiError {
    ApiError::PriceChangeInvalid {
        field,
        reason: reason.into(),
    }
}

/// `POST /api/admin/price-changes`: the provider announces an increase of one Call Plan, informed
/// on the server's today. `price_change.validate` decides whether it may apply on its effective
/// day (PRICE-4, PRICE-5); a refused notice changes nothing. When valid, its prices join the
/// price list from the effective day (PRICE-2).
async fn create(
    State(state): State<AppState>,
    operator: Operator,
    Body(form): Body<PriceChangeForm>,
) -> Result<(StatusCode, Json<PriceChangeView>), ApiError> {
    operator.may(BackOfficeAction::ChangePrices)?;
    let plan = price_changes::plan_by_code(&state.db, form.plan_code.trim())
        .await?
        .ok_or_else(|| {
            invalid(
                "plan_code",
                format!("There is no Call Plan “{}”.", form.plan_code),
            )
        })?;
    let informed_on = state.clock.today();
    let previous_indexation = match form.kind {
        NoticeKind::Indexed => price_changes::previous_indexation(&state.db, plan.id).await?,
        NoticeKind::NonIndexed => None,
    };
    let check = validate_price_change(
        form.kind.with_previous(previous_indexation),
        informed_on,
        form.effective_on,
    )
    .map_err(|error| invalid("effective_on", error.to_string()))?;
    if !check.valid {
        let reason = match (form.kind, previous_indexation) {
            (NoticeKind::Indexed, Some(previous)) => format!(
                "Informed on {informed_on}, this indexation may apply from {} at the earliest: the Company must be informed at least one month before, and the previous indexation applied on {previous} (at most once per 12 months, GTCS 5.1).",
                check.min_effective
            ),
            _ => format!(
                "Informed on {informed_on}, this increase may apply from {} at the earliest: the Company must be informed at least one month before (GTCS 5.1).",
                check.min_effective
            ),
        };
        return Err(invalid("effective_on", reason));
    }
    let day_before = form
        .effective_on
        .checked_sub_days(Days::new(1))
        .ok_or_else(|| invalid("effective_on", "This day is out of the calendar."))?;
    let current = price_changes::prices_in_force(&state.db, plan.id, day_before).await?;
    let given: Vec<TierPrice> = form.prices.iter().map(NewPrice::tier).collect();
    let increase = match form.kind {
        NoticeKind::Indexed => Increase::Indexed {
            index_base: form.index_base,
            index_new: form.index_new,
            prices: &given,
        },
        NoticeKind::NonIndexed => Increase::NonIndexed {
            index_given: form.index_base.is_some() || form.index_new.is_some(),
            prices: &given,
        },
    };
    let notice = NewNotice {
        plan_id: plan.id,
        kind: form.kind,
        informed_on,
        effective_on: form.effective_on,
        index_base: form.index_base,
        index_new: form.index_new,
        previous_indexation,
        prices: new_prices(increase, &current)?,
    };
    let id = price_changes::create(&state.db, &notice, state.clock.now()).await?;
    tracing::info!(notice_id = id, plan = %plan.code, effective_on = %form.effective_on, "price change announced");
    let record = price_changes::find(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("price change {id} vanished")))?;
    Ok((StatusCode::CREATED, Json(notice_view(&record)?)))
}
