//! LATE-1: the provider records each semester's late-payment rates as data, under
//! `/api/admin/late-payment-rates` (billing operators). A recorded semester is a fact:
//! recording it again answers 409.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::late::{RateEntry, validate_rate_form};
use protocol::late_rates::{RateForm, SemesterRatesView};

use super::extract::Body;
use crate::auth::operator::Operator;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::late_payment;
use crate::store::late_rates;
use protocol::backoffice::BackOfficeAction;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/admin/late-payment-rates",
        get(list_rates).post(record_rates),
    )
}

fn view(entry: RateEntry) -> SemesterRatesView {
    SemesterRatesView {
        semester: entry.semester.code(),
        ecb_rate: entry.rates.ecb_rate,
        legal_rate: entry.rates.legal_rate,
        annual_rate: entry.rates.annual_rate(),
    }
}

async fn all_rates(state: &AppState) -> Result<Vec<SemesterRatesView>, ApiError> {
    let table = late_payment::rate_table(&state.db).await?;
    Ok(table.entries().map(view).collect())
}

/// `GET /api/admin/late-payment-rates`: every recorded semester, oldest first.
async fn list_rates(
    State(state): State<AppState>,
    _operator: Operator,
) -> Result<Json<Vec<SemesterRatesView>>, ApiError> {
    Ok(Json(all_rates(&state).await?))
}

/// `POST /api/admin/late-payment-rates`: records a semester's ECB and legal rates, validated by
/// `domain::late::validate_rate_form`; answers the recorded semester.
async fn record_rates(
    State(state): State<AppState>,
    operator: Operator,
    Body(form): Body<RateForm>,
) -> Result<(StatusCode, Json<SemesterRatesView>), ApiError> {
    operator.may(BackOfficeAction::SetLatePaymentRate)?;
    let entry = validate_rate_form(&form)?;
    late_rates::record(&state.db, &entry, operator.id(), state.clock.now()).await?;
    tracing::info!(semester = %entry.semester, "late-payment rates recorded");
    Ok((StatusCode::CREATED, Json(view(entry))))
}
