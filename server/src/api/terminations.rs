//! Terminations of Licences before their tacit renewal: `GET /api/console/terminations` for
//! Managers, and the provider's termination for fault (TERM-1, TERM-2) and its notices of 8 days
//! naming a breach (GTCS 6.2.2 (ii)) under `/api/admin`.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::field::{FieldError, required_text};
use domain::money::Money;
use protocol::terminations::{
    FaultAmountView, FaultNoticeForm, FaultNoticeView, FaultTerminationForm, TerminationView,
};

use super::extract::{Body, PathId};
use crate::auth::Manager;
use crate::auth::operator::Operator;
use crate::clock::paris_day;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::licences::{self, Notice, NoticeBy};
use crate::store::stamp;
use crate::store::terminations::{self, FaultAmounts, TerminationRecord};
use domain::notice::provider_termination;
use protocol::backoffice::BackOfficeAction;
use protocol::licences::NoticeReceipt;

/// The longest reason the provider may give.
const REASON_MAX: usize = 1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/terminations", get(list))
        .route(
            "/admin/licences/{id}/fault-termination",
            post(terminate_for_fault),
        )
        .route(
            "/admin/licences/{id}/provider-termination",
            post(terminate_without_reason),
        )
        .route(
            "/admin/companies/{id}/fault-notices",
            post(send_fault_notice),
        )
}

fn amount_view(amounts: &FaultAmounts) -> Result<FaultAmountView, ApiError> {
    Ok(FaultAmountView {
        monthly_instalment: Money::from_cents(amounts.monthly_instalment_cents),
        remaining_instalments: u32::try_from(amounts.remaining_instalments)
            .map_err(|_| ApiError::Internal("stored instalments".into()))?,
        accelerated_instalments: Money::from_cents(amounts.accelerated_instalments_cents),
        discounts_reimbursed: Money::from_cents(amounts.discounts_reimbursed_cents),
        total: Money::from_cents(amounts.total_due_cents),
    })
}

pub(super) fn view(record: &TerminationRecord) -> Result<TerminationView, ApiError> {
    Ok(TerminationView {
        licence_id: record.licence_id,
        cause: record.cause.clone(),
        ground: record.ground,
        reason: record.reason.clone(),
        notice_id: record.notice_id,
        received_at: stamp(record.received_at),
        service_last_day: record.service_last_day,
        amount_due: record.amounts.as_ref().map(amount_view).transpose()?,
        invoice_id: record.invoice.as_ref().map(|(id, _)| *id),
        invoice_number: record.invoice.as_ref().map(|(_, number)| number.clone()),
    })
}

/// `GET /api/console/terminations`: the Company's terminated Licences, with the amount due for
/// a termination for fault (TERM-1).
async fn list(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<TerminationView>>, ApiError> {
    let records = terminations::list(&state.db, manager.company_id).await?;
    records.iter().map(view).collect::<Result<_, _>>().map(Json)
}

/// The facts the Company is told, required and bounded.
fn facts(reason: &str) -> Result<String, ApiError> {
    required_text(reason, REASON_MAX).map_err(|problem| {
        ApiError::Invalid(FieldError {
            field: "reason",
            problem,
        })
    })
}

/// `POST /api/admin/licences/{id}/fault-termination`: TERM-1, TERM-2. The provider ends the
/// Licence today on the ground chosen, once its notice has run
/// (`domain::fault::fault_termination_allowed`), for the facts given; what falls due is computed
/// by `termination.fault_amount` from the house reading's inputs and invoiced today
/// (`store::terminations::terminate_for_fault`).
async fn terminate_for_fault(
    State(state): State<AppState>,
    operator: Operator,
    PathId(id): PathId,
    Body(form): Body<FaultTerminationForm>,
) -> Result<Json<TerminationView>, ApiError> {
    let operator_id = operator.may(BackOfficeAction::TerminateForFault)?.id;
    let reason = facts(&form.reason)?;
    let now = state.clock.now();
    let company_id = terminations::terminate_for_fault(
        &state.db,
        operator_id,
        id,
        (form.ground, &reason),
        paris_day(now),
        now,
    )
    .await?;
    tracing::info!(licence_id = id, company_id, "licence terminated for fault");
    let record = terminations::list(&state.db, company_id)
        .await?
        .into_iter()
        .find(|record| record.licence_id == id)
        .ok_or_else(|| ApiError::Internal(format!("termination of licence {id} vanished")))?;
    view(&record).map(Json)
}

/// `POST /api/admin/companies/{id}/fault-notices`: GTCS 6.2.2 (ii). The provider names the
/// breach to the Company's Managers by email; it may terminate on that ground once 8 days have
/// passed without a remedy.
async fn send_fault_notice(
    State(state): State<AppState>,
    operator: Operator,
    PathId(company_id): PathId,
    Body(form): Body<FaultNoticeForm>,
) -> Result<Json<FaultNoticeView>, ApiError> {
    let operator_id = operator.may(BackOfficeAction::TerminateForFault)?.id;
    let reason = facts(&form.reason)?;
    let now = state.clock.now();
    let sent = terminations::send_fault_notice(
        &state.db,
        operator_id,
        company_id,
        (form.ground, &reason),
        paris_day(now),
        now,
    )
    .await?;
    tracing::info!(
        company_id,
        ground = form.ground.as_str(),
        "fault notice sent"
    );
    Ok(Json(sent))
}

/// `POST /api/admin/licences/{id}/provider-termination`: NOTICE-2 (GTCS 6.2.1). The provider ends
/// the Licence without reason at the end of the period `termination.provider` gives for today
/// (1 month's notice for a yearly term, 48 hours for a monthly one; a late notice ends the next
/// period); the Licence runs and stays due until then, then does not renew. The Managers are
/// emailed. Once, and not on a Licence already ending.
async fn terminate_without_reason(
    State(state): State<AppState>,
    operator: Operator,
    PathId(id): PathId,
) -> Result<Json<NoticeReceipt>, ApiError> {
    let operator_id = operator.may(BackOfficeAction::TerminateWithoutReason)?.id;
    let company_id = licences::company_of(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let record = licences::find(&state.db, company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if record.notice.is_some() || record.ended {
        return Err(ApiError::AlreadyTerminated);
    }
    let now = state.clock.now();
    let notified = paris_day(now);
    let termination = provider_termination(&record.licence, notified)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    let notice = Notice {
        received_at: now,
        received_on: notified,
        on_time: termination.on_time,
        service_last_day: termination.service_last_day,
    };
    licences::record_notice(
        &state.db,
        company_id,
        NoticeBy::Provider(operator_id),
        id,
        &notice,
        now,
    )
    .await?;
    tracing::info!(licence_id = id, company_id, last_day = %notice.service_last_day, "licence terminated by the provider");
    Ok(Json(NoticeReceipt {
        licence_id: id,
        received_at: stamp(now),
        received_on: notified,
        period_last_day: termination.period_last_day,
        notice_last_day: termination.notice_last_day,
        on_time: termination.on_time,
        service_last_day: termination.service_last_day,
    }))
}
