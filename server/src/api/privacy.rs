//! Data rights (DATA-1, GTCS 9): every person sends requests about their data (erase, limit,
//! object, withdraw consent) and corrects their profile where they may; the Company's Managers
//! answer the requests within the month, or, from the back office's queue, the provider's
//! support does. Granting an erasure erases at once. The person's own routes take
//! [`OwnAccount`], so they work before anything else is set up.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::privacy::{answer_text, request_details};
use domain::user::{ProfileForm, validate_profile};
use protocol::backoffice::{BackOfficeAction, DataRequestItem};
use protocol::privacy::{DataRequest, DataRequestAnswer, DataRequestForm, Profile};

use super::extract::{Body, PathId};
use crate::auth::operator::Operator;
use crate::auth::{Manager, OwnAccount};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::privacy::{self, Answerer};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/data-requests", get(own_requests).post(open))
        .route("/me/profile", get(profile).put(correct))
        .route("/console/data-requests", get(company_requests))
        .route("/console/data-requests/{id}/answer", post(answer))
        .route("/admin/queues/data-requests", get(waiting))
        .route(
            "/admin/data-requests/{id}/answer",
            post(answer_for_the_provider),
        )
}

/// `GET /api/me/data-requests`: the person's requests, newest first.
async fn own_requests(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
) -> Result<Json<Vec<DataRequest>>, ApiError> {
    Ok(Json(
        privacy::requests_of_user(&state.db, user.user_id).await?,
    ))
}

/// `POST /api/me/data-requests`: recorded with its due date; the Managers are told by email.
async fn open(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
    Body(form): Body<DataRequestForm>,
) -> Result<(StatusCode, Json<DataRequest>), ApiError> {
    let details = request_details(form.kind, &form.details).map_err(ApiError::Invalid)?;
    let request = privacy::open_request(
        &state.db,
        user.company_id,
        user.user_id,
        form.kind,
        &details,
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(request)))
}

/// `GET /api/me/profile`.
async fn profile(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(privacy::profile(&state.db, user.user_id).await?))
}

/// `PUT /api/me/profile`: checked by the same rules as the Manager's user form (ACCESS-3).
async fn correct(
    State(state): State<AppState>,
    OwnAccount(user): OwnAccount,
    Body(form): Body<ProfileForm>,
) -> Result<Json<Profile>, ApiError> {
    let corrected = validate_profile(&form)?;
    Ok(Json(
        privacy::correct_profile(
            &state.db,
            user.company_id,
            user.user_id,
            &corrected,
            state.clock.now(),
        )
        .await?,
    ))
}

/// `GET /api/console/data-requests`: the Company's requests, those waiting first by due date.
async fn company_requests(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<DataRequest>>, ApiError> {
    Ok(Json(
        privacy::requests_of_company(&state.db, manager.company_id).await?,
    ))
}

/// `POST /api/console/data-requests/{id}/answer`: grant or refuse (with a reason); granting an
/// erasure erases the person's data in the same transaction.
async fn answer(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
    Body(form): Body<DataRequestAnswer>,
) -> Result<Json<DataRequest>, ApiError> {
    let answerer = Answerer::Manager {
        company_id: manager.company_id,
        user_id: manager.user_id,
    };
    Ok(Json(answer_as(&state, answerer, id, &form).await?))
}

async fn answer_as(
    state: &AppState,
    answerer: Answerer,
    id: i64,
    form: &DataRequestAnswer,
) -> Result<DataRequest, ApiError> {
    let text = answer_text(form.decision, &form.answer).map_err(ApiError::Invalid)?;
    Ok(privacy::answer(
        &state.db,
        answerer,
        id,
        form.decision,
        &text,
        state.clock.now(),
    )
    .await?)
}

/// `GET /api/admin/queues/data-requests`: every request waiting for its answer, the earliest
/// due first, with who at the Company could answer it (operators).
async fn waiting(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<Vec<DataRequestItem>>, ApiError> {
    Ok(Json(
        privacy::waiting(&state.db, state.clock.today()).await?,
    ))
}

/// `POST /api/admin/data-requests/{id}/answer`: the provider's support answers a request no
/// Manager answered, as a Manager would (granting an erasure erases).
async fn answer_for_the_provider(
    State(state): State<AppState>,
    operator: Operator,
    PathId(id): PathId,
    Body(form): Body<DataRequestAnswer>,
) -> Result<Json<DataRequest>, ApiError> {
    let operator_id = operator.may(BackOfficeAction::AnswerDataRequest)?.id;
    Ok(Json(
        answer_as(&state, Answerer::Operator(operator_id), id, &form).await?,
    ))
}
