//! Terminations of Licences before their tacit renewal: `GET /api/console/terminations` for
//! Managers, and the provider's termination for fault (TERM-1, TERM-2) under `/api/admin`.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::fault::{fault_amount, monthly_instalment, remaining_monthly_instalments};
use domain::field::{FieldError, required_text};
use domain::money::Money;
use domain::order::cents;
use protocol::terminations::{FaultAmountView, FaultTerminationForm, TerminationView};

use super::extract::{Admin, Body, PathId};
use crate::auth::Manager;
use crate::clock::paris_day;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::stamp;
use crate::store::terminations::{self, FaultAmounts, FaultTermination, TerminationRecord};

/// The longest reason the provider may give.
const REASON_MAX: usize = 1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/terminations", get(list))
        .route(
            "/admin/licences/{id}/fault-termination",
            post(terminate_for_fault),
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

fn view(record: &TerminationRecord) -> Result<TerminationView, ApiError> {
    Ok(TerminationView {
        licence_id: record.licence_id,
        cause: record.cause.clone(),
        reason: record.reason.clone(),
        notice_id: record.notice_id,
        received_at: stamp(record.received_at),
        service_last_day: record.service_last_day,
        amount_due: record.amounts.as_ref().map(amount_view).transpose()?,
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

fn whole_cents(amount: Money) -> Result<i64, ApiError> {
    cents(amount).ok_or_else(|| ApiError::Internal(format!("{amount} is not whole cents")))
}

/// `POST /api/admin/licences/{id}/fault-termination`: TERM-1, TERM-2. The provider ends the
/// Licence today, for the reason given; what falls due is computed by
/// `termination.fault_amount`: the monthly instalments of the current period not yet begun
/// (the period's net price spread over its months), increased by 20 %, plus the discounts the
/// Order granted.
async fn terminate_for_fault(
    State(state): State<AppState>,
    _admin: Admin,
    PathId(id): PathId,
    Body(form): Body<FaultTerminationForm>,
) -> Result<Json<TerminationView>, ApiError> {
    let reason = required_text(&form.reason, REASON_MAX).map_err(|problem| {
        ApiError::Invalid(FieldError {
            field: "reason",
            problem,
        })
    })?;
    let basis = terminations::fault_basis(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !basis.active {
        return Err(ApiError::AlreadyTerminated);
    }
    let licence = basis.licence;
    let now = state.clock.now();
    let today = paris_day(now);
    let rule_failed = |error: domain::RuleError| ApiError::Internal(error.to_string());
    let remaining = remaining_monthly_instalments(&licence, today).map_err(rule_failed)?;
    let instalment = monthly_instalment(Money::from_cents(basis.period_net_cents), licence.term)
        .ok_or_else(|| ApiError::Internal("monthly instalment out of range".into()))?;
    let discounts = Money::from_cents(basis.period_gross_cents - basis.period_net_cents);
    let due = fault_amount(instalment, remaining, discounts).map_err(rule_failed)?;
    let termination = FaultTermination {
        licence_id: id,
        company_id: basis.company_id,
        reason,
        service_last_day: today,
        amounts: FaultAmounts {
            monthly_instalment_cents: whole_cents(instalment.round_to_cent())?,
            remaining_instalments: i64::from(remaining),
            accelerated_instalments_cents: whole_cents(due.accelerated_instalments)?,
            discounts_reimbursed_cents: whole_cents(due.discounts_reimbursed)?,
            total_due_cents: whole_cents(due.total)?,
        },
    };
    terminations::terminate_for_fault(&state.db, &termination, now).await?;
    tracing::info!(licence_id = id, total = %due.total, "licence terminated for fault");
    let record = terminations::list(&state.db, basis.company_id)
        .await?
        .into_iter()
        .find(|record| record.licence_id == id)
        .ok_or_else(|| ApiError::Internal(format!("termination of licence {id} vanished")))?;
    view(&record).map(Json)
}
