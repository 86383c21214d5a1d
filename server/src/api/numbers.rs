//! `/api/console/numbers`: the Company's Numbers, who holds them (NUM-1, NUM-2) and releasing
//! them once their Licence has ended (NUM-4).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, put};
use axum::{Json, Router};
use domain::number::{Release, check_assignable_to, refusal_reason, release_on};
use protocol::numbers::{AssignForm, AssignableUser, NumberHolder, NumberView};

use super::extract::{Body, PathId};
use crate::auth::Manager;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::numbers::{self, Candidate, NumberRecord};
use crate::store::{licences, terminations};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/numbers", get(list))
        .route("/console/numbers/assignable-users", get(assignable_users))
        .route("/console/numbers/{id}", delete(release))
        .route("/console/numbers/{id}/user", put(assign).delete(unassign))
}

fn view(record: &NumberRecord) -> Result<NumberView, ApiError> {
    Ok(NumberView {
        id: record.id,
        e164: record.e164.clone(),
        country: record.country,
        plan: record.plan.clone(),
        licence_id: record.licence_id,
        user: record
            .user_id
            .zip(record.user_name.clone())
            .map(|(id, name)| NumberHolder { id, name }),
    })
}

async fn number_of(state: &AppState, company_id: i64, id: i64) -> Result<NumberRecord, ApiError> {
    numbers::find(&state.db, company_id, id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// `GET /api/console/numbers`.
async fn list(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<NumberView>>, ApiError> {
    let records = numbers::list(&state.db, manager.company_id).await?;
    records.iter().map(view).collect::<Result<_, _>>().map(Json)
}

fn assignable(candidate: Candidate) -> AssignableUser {
    AssignableUser {
        id: candidate.id,
        name: candidate.name,
        residence: candidate.residence,
        stable_links: candidate.stable_links,
    }
}

/// `GET /api/console/numbers/assignable-users`: the active Users and what NUM-2 needs to know
/// about them, so the browser can tell before sending who may take which Number.
async fn assignable_users(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<AssignableUser>>, ApiError> {
    let candidates = numbers::active_candidates(&state.db, manager.company_id).await?;
    Ok(Json(candidates.into_iter().map(assignable).collect()))
}

/// `PUT /api/console/numbers/{id}/user`: gives the Number to a User of the Company, replacing
/// any previous holder (NUM-1), if the User may hold it (NUM-2).
async fn assign(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
    Body(form): Body<AssignForm>,
) -> Result<Json<NumberView>, ApiError> {
    let number = number_of(&state, manager.company_id, id).await?;
    let candidate = numbers::candidate(&state.db, manager.company_id, form.user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !candidate.active {
        return Err(ApiError::UserDeactivated(candidate.name));
    }
    let number_country = number.country;
    let user = assignable(candidate);
    check_assignable_to(number_country, user.residence, &user.stable_links)
        .map_err(|_| ApiError::NotInTerritory(refusal_reason(number_country, &user.name)))?;
    numbers::set_user(
        &state.db,
        manager.company_id,
        manager.user_id,
        id,
        Some(user.id),
        state.clock.now(),
    )
    .await?;
    view(&number_of(&state, manager.company_id, number.id).await?).map(Json)
}

/// `DELETE /api/console/numbers/{id}/user`: the Number no longer has a User.
async fn unassign(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<Json<NumberView>, ApiError> {
    number_of(&state, manager.company_id, id).await?;
    numbers::set_user(
        &state.db,
        manager.company_id,
        manager.user_id,
        id,
        None,
        state.clock.now(),
    )
    .await?;
    view(&number_of(&state, manager.company_id, id).await?).map(Json)
}

/// `DELETE /api/console/numbers/{id}`: gives the Number back to the pool once its Licence has
/// ended, however it ended (NUM-4); refused while it runs, with the day it becomes possible.
async fn release(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    let number = number_of(&state, manager.company_id, id).await?;
    if let Some(licence_id) = number.licence_id {
        let record = licences::find(&state.db, manager.company_id, licence_id)
            .await?
            .ok_or_else(|| {
                ApiError::Internal(format!("number {id} has no licence {licence_id}"))
            })?;
        // The earliest last day of service set so far: a notice's or a termination's.
        let terminated =
            terminations::service_last_day(&state.db, manager.company_id, licence_id).await?;
        let service_last_day = record
            .notice
            .map(|notice| notice.service_last_day)
            .into_iter()
            .chain(terminated)
            .min();
        let today = state.clock.today();
        match release_on(&record.licence, record.ended, service_last_day, today)
            .map_err(|error| ApiError::Internal(error.to_string()))?
        {
            Release::Allowed => {}
            Release::NotBefore {
                from,
                notice_needed,
            } => {
                return Err(ApiError::ReleaseTooEarly {
                    from,
                    notice_needed,
                });
            }
        }
    }
    numbers::release(
        &state.db,
        manager.company_id,
        manager.user_id,
        &number,
        state.clock.now(),
    )
    .await?;
    tracing::info!(number_id = id, "number released to the pool");
    Ok(StatusCode::NO_CONTENT)
}
