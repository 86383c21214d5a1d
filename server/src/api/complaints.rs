//! Complaints (DISPUTE-4, GTCS 11): `GET`/`POST /api/console/complaints` for the Company's
//! Managers; the queue of complaints waiting for an answer and the answer, for operators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use protocol::backoffice::BackOfficeAction;
use protocol::complaints::{ComplaintAnswer, ComplaintForm, ComplaintItem, ComplaintView};

use super::extract::{Body, PathId};
use crate::auth::Manager;
use crate::auth::operator::Operator;
use crate::clock::paris_day;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::complaints::{self, Subject};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/complaints", get(list).post(open))
        .route("/admin/queues/complaints", get(waiting))
        .route("/admin/complaints/{id}/answer", post(answer))
}

/// `GET /api/console/complaints`: the Company's complaints, newest first.
async fn list(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<ComplaintView>>, ApiError> {
    Ok(Json(complaints::list(&state.db, manager.company_id).await?))
}

/// `POST /api/console/complaints`: a Manager's complaint, received today (Europe/Paris), due to
/// be answered within 30 working days.
async fn open(
    State(state): State<AppState>,
    Manager(manager): Manager,
    Body(form): Body<ComplaintForm>,
) -> Result<(StatusCode, Json<ComplaintView>), ApiError> {
    let text = domain::dispute::validate_complaint_text(&form.text)?;
    let now = state.clock.now();
    let opened = complaints::open(
        &state.db,
        (manager.company_id, manager.user_id),
        Subject {
            invoice_id: form.invoice_id,
            number_id: form.number_id,
        },
        &text,
        paris_day(now),
        now,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(opened)))
}

/// `GET /api/admin/queues/complaints`: complaints waiting for an answer, the earliest due first.
async fn waiting(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<Vec<ComplaintItem>>, ApiError> {
    Ok(Json(complaints::waiting(&state.db).await?))
}

/// `POST /api/admin/complaints/{id}/answer`: a support operator's answer, emailed to the Manager
/// who wrote; once.
async fn answer(
    State(state): State<AppState>,
    operator: Operator,
    PathId(id): PathId,
    Body(form): Body<ComplaintAnswer>,
) -> Result<Json<ComplaintView>, ApiError> {
    let operator_id = operator.may(BackOfficeAction::AnswerComplaint)?.id;
    let text = domain::dispute::validate_complaint_answer(&form.answer)?;
    let now = state.clock.now();
    let (company_id, answered) =
        complaints::answer(&state.db, operator_id, id, &text, paris_day(now), now).await?;
    tracing::info!(complaint_id = id, company_id, "complaint answered");
    Ok(Json(answered))
}
