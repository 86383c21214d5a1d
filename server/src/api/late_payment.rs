//! Late payment and suspension (LATE-1, LATE-2, LATE-4, SUSP-1): the penalty of each overdue
//! invoice added to the invoice answers, the provider's formal notice to pay and suspensions
//! under `/api/admin/...` (operators: billing and support), and `GET /api/console/suspensions`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use protocol::invoices::{InvoiceSummary, InvoiceView};
use protocol::late_payment::{FormalNoticeView, SuspendForm, Suspensions};

use super::extract::{Body, PathId};
use crate::auth::Manager;
use crate::auth::operator::Operator;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::late_payment;
use crate::store::suspensions::{self, Subject};
use protocol::backoffice::BackOfficeAction;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/suspensions", get(in_force))
        .route(
            "/admin/invoices/{id}/formal-notice",
            post(send_formal_notice),
        )
        .route(
            "/admin/companies/{id}/suspension",
            post(suspend_company).delete(lift_company),
        )
        .route(
            "/admin/users/{id}/suspension",
            post(suspend_user).delete(lift_user),
        )
}

/// LATE-1, LATE-2: each overdue invoice of the list with its penalty for the server's today (a
/// penalty invoice bears none).
pub async fn annotate_summaries(
    state: &AppState,
    listed: &mut [InvoiceSummary],
) -> Result<(), ApiError> {
    let today = state.clock.today();
    let table = late_payment::rate_table(&state.db).await?;
    for invoice in listed
        .iter_mut()
        .filter(|invoice| !invoice.kind.bills_damages())
    {
        invoice.late = late_payment::late_view(
            &table,
            invoice.status,
            invoice.total,
            invoice.due_date,
            today,
        );
    }
    Ok(())
}

/// LATE-1, LATE-2, LATE-4: the invoice's penalty for today and its formal notice, if sent.
pub async fn annotate_view(
    state: &AppState,
    company_id: i64,
    invoice: &mut InvoiceView,
) -> Result<(), ApiError> {
    let table = late_payment::rate_table(&state.db).await?;
    if invoice.kind.bills_damages() {
        // A penalty invoice bears no penalty of its own.
        invoice.formal_notice =
            late_payment::formal_notice(&state.db, company_id, invoice.id).await?;
        return Ok(());
    }
    invoice.late = late_payment::late_view(
        &table,
        invoice.status,
        invoice.total,
        invoice.due_date,
        state.clock.today(),
    );
    invoice.formal_notice = late_payment::formal_notice(&state.db, company_id, invoice.id).await?;
    Ok(())
}

/// `POST /api/admin/invoices/{id}/formal-notice`: the provider's formal notice to pay an overdue
/// invoice, sent today with its 8-day deadline (LATE-4), emailed to the Company's Managers.
async fn send_formal_notice(
    State(state): State<AppState>,
    operator: Operator,
    PathId(id): PathId,
) -> Result<(StatusCode, Json<FormalNoticeView>), ApiError> {
    let (company_id, notice) = late_payment::send_formal_notice(
        &state.db,
        operator.may(BackOfficeAction::SendFormalNotice)?.id,
        id,
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    tracing::info!(invoice_id = id, company_id, deadline = %notice.deadline, "formal notice sent");
    Ok((StatusCode::CREATED, Json(notice)))
}

async fn suspend(
    state: &AppState,
    operator: &Operator,
    subject: Subject,
    form: SuspendForm,
) -> Result<(StatusCode, Json<Suspensions>), ApiError> {
    let operator_id = operator.may(BackOfficeAction::Suspend)?.id;
    let company_id = suspensions::suspend(
        &state.db,
        operator_id,
        subject,
        form.reason,
        form.details.trim(),
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    tracing::info!(
        ?subject,
        company_id,
        reason = form.reason.as_str(),
        "suspended"
    );
    let now_in_force = suspensions::in_force(&state.db, company_id).await?;
    Ok((StatusCode::CREATED, Json(now_in_force)))
}

async fn lift(
    state: &AppState,
    operator: &Operator,
    subject: Subject,
) -> Result<Json<Suspensions>, ApiError> {
    let operator_id = operator.may(BackOfficeAction::Suspend)?.id;
    let company_id = suspensions::lift(
        &state.db,
        operator_id,
        subject,
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    tracing::info!(?subject, company_id, "suspension lifted");
    Ok(Json(suspensions::in_force(&state.db, company_id).await?))
}

/// `POST /api/admin/companies/{id}/suspension`: suspends the Company for a SUSP-1 reason.
async fn suspend_company(
    State(state): State<AppState>,
    operator: Operator,
    PathId(id): PathId,
    Body(form): Body<SuspendForm>,
) -> Result<(StatusCode, Json<Suspensions>), ApiError> {
    suspend(&state, &operator, Subject::Company(id), form).await
}

/// `DELETE /api/admin/companies/{id}/suspension`: lifts the Company's suspension.
async fn lift_company(
    State(state): State<AppState>,
    operator: Operator,
    PathId(id): PathId,
) -> Result<Json<Suspensions>, ApiError> {
    lift(&state, &operator, Subject::Company(id)).await
}

/// `POST /api/admin/users/{id}/suspension`: suspends one User for a SUSP-1 reason.
async fn suspend_user(
    State(state): State<AppState>,
    operator: Operator,
    PathId(id): PathId,
    Body(form): Body<SuspendForm>,
) -> Result<(StatusCode, Json<Suspensions>), ApiError> {
    suspend(&state, &operator, Subject::User(id), form).await
}

/// `DELETE /api/admin/users/{id}/suspension`: lifts a User's suspension.
async fn lift_user(
    State(state): State<AppState>,
    operator: Operator,
    PathId(id): PathId,
) -> Result<Json<Suspensions>, ApiError> {
    lift(&state, &operator, Subject::User(id)).await
}

/// `GET /api/console/suspensions`: what the provider has suspended in the Manager's Company and
/// why (SUSP-1); the console stays open so the Manager can pay.
async fn in_force(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Suspensions>, ApiError> {
    Ok(Json(
        suspensions::in_force(&state.db, manager.company_id).await?,
    ))
}
