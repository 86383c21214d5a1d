//! What every WebApp handler checks first: the Number is the signed-in User's own (a foreign or
//! unknown Number answers 404 alike) and neither the User nor the Company is suspended
//! (SUSP-1), nor the Service used discontinued (NOTICE-3); and a Number's usage over the month.

use domain::service::{Service, withdrawn};
use domain::usage::Unit;
use protocol::webapp::Usage;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::sessions::SessionUser;
use crate::store::webapp::{self, OwnNumber};
use crate::store::{communications, discontinuations, suspensions};

/// `number_id` when it is `user`'s own Number in service; 404 otherwise.
pub async fn own_number(
    state: &AppState,
    user: &SessionUser,
    number_id: i64,
) -> Result<OwnNumber, ApiError> {
    webapp::number_of(&state.db, user.user_id, number_id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Why `user` may not message or call now (SUSP-1), as the sentence the WebApp shows.
pub async fn suspension(state: &AppState, user: &SessionUser) -> Result<Option<String>, ApiError> {
    let found = suspensions::in_force(&state.db, user.company_id).await?;
    if let Some(company) = found.company {
        return Ok(Some(format!(
            "Your Company's account has been suspended by the provider since {} ({}). Messages \
             and calls are unavailable until it is lifted; your Manager has been informed by email.",
            company.suspended_on, company.reason_label
        )));
    }
    Ok(found
        .users
        .into_iter()
        .find(|view| view.user_id == Some(user.user_id))
        .map(|view| {
            format!(
                "Your User Account has been suspended by the provider since {} ({}). Messages \
                 and calls are unavailable until it is lifted; your Manager has been informed.",
                view.suspended_on, view.reason_label
            )
        }))
}

/// Refuses with [`ApiError::Suspended`] when `user` may not message or call.
pub async fn ensure_not_suspended(state: &AppState, user: &SessionUser) -> Result<(), ApiError> {
    match suspension(state, user).await? {
        Some(reason) => Err(ApiError::Suspended(reason)),
        None => Ok(()),
    }
}

/// NOTICE-3: refuses with [`ApiError::ServiceDiscontinued`] when one of `services` is no longer
/// offered on the server's today.
pub async fn ensure_offered(state: &AppState, services: &[Service]) -> Result<(), ApiError> {
    if services.is_empty() {
        return Ok(());
    }
    let announced = discontinuations::announced(&state.db).await?;
    match withdrawn(&announced, services, state.clock.today()) {
        Some(stopped) => Err(ApiError::ServiceDiscontinued {
            label: stopped.service.label(),
            effective: stopped.effective,
        }),
        None => Ok(()),
    }
}

/// PAY-1: this month's usage of `number` (per Number and calendar month, Europe/Paris): what
/// its plan includes, what was used and is left, what went beyond and what it comes to so far.
pub async fn usage(state: &AppState, number: &OwnNumber) -> Result<Usage, ApiError> {
    let today = state.clock.today();
    let (start, end) = domain::usage::month_of(today);
    let (month, list) =
        communications::number_month(&state.db, number.company_id, number.id, today).await?;
    let price = |unit| {
        month
            .plan_id
            .and_then(|plan_id| list.price_beyond(plan_id, unit, today))
    };
    Ok(Usage {
        period_start: start.to_string(),
        period_end: end.to_string(),
        minutes_used: month.minutes_used,
        minutes_included: month.included_minutes,
        sms_used: month.sms_used,
        sms_included: month.included_sms,
        minutes_left: domain::usage::left(month.included_minutes, month.minutes_used),
        sms_left: domain::usage::left(month.included_sms, month.sms_used),
        minutes_beyond: month.minutes_beyond,
        sms_beyond: month.sms_beyond,
        price_per_minute: price(Unit::Minute),
        price_per_sms: price(Unit::Sms),
        charged_so_far: month.charged,
    })
}
