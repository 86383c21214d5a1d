//! What every WebApp handler checks first: the Number is the signed-in User's own (a foreign or
//! unknown Number answers 404 alike) and neither the User nor the Company is suspended
//! (SUSP-1); and a Number's usage over the month.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use chrono_tz::Europe::Paris;
use protocol::webapp::Usage;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::sessions::SessionUser;
use crate::store::suspensions;
use crate::store::webapp::{self, OwnNumber};

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

/// The period a plan's included minutes and SMS count over: the calendar month of `today`
/// (Europe/Paris), as its first day and the first day of the next month.
pub fn usage_period(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = today.with_day(1).expect("every month has a first day");
    (start, start + Months::new(1))
}

fn paris_midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(Paris)
        .earliest()
        .expect("Paris has a midnight every day")
        .with_timezone(&Utc)
}

/// This period's usage of `number`.
pub async fn usage(state: &AppState, number: &OwnNumber) -> Result<Usage, ApiError> {
    let (start, end) = usage_period(state.clock.today());
    let (minutes_used, sms_used) = webapp::usage(
        &state.db,
        number.id,
        paris_midnight(start),
        paris_midnight(end),
    )
    .await?;
    Ok(Usage {
        period_start: start.to_string(),
        period_end: end.to_string(),
        minutes_used,
        minutes_included: number.included_minutes,
        sms_used,
        sms_included: number.included_sms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_counts_over_the_calendar_month() {
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        assert_eq!(
            usage_period(day("2026-11-27")),
            (day("2026-11-01"), day("2026-12-01"))
        );
        assert_eq!(
            usage_period(day("2026-12-31")),
            (day("2026-12-01"), day("2027-01-01"))
        );
    }
}
