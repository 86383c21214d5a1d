//! Notices before an event (house rule T) and termination at the end of a period
//! (NOTICE-1 for the Company, NOTICE-2 for the provider; GTCS 6.1, 6.2.1).
//!
//! Rule T: a notice of length X before an event taking effect at the start of day F is respected
//! by a notice received on day d iff `d + X ≤ F − 1 day`. The last day to give notice is the
//! largest such d; the earliest day an event may take effect after a notice on day d is
//! `d + X + 1 day`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Span;
use crate::error::{RuleError, RuleId};
use crate::licence::Licence;
use crate::term::Term;

/// Rule T: is a notice of `length` received on `received` in time for an event taking effect at
/// the start of `effective`?
pub fn notice_in_time(length: Span, received: NaiveDate, effective: NaiveDate) -> bool {
    match (length.after(received), effective.pred_opt()) {
        (Some(end_of_notice), Some(day_before)) => end_of_notice <= day_before,
        _ => false,
    }
}

/// Rule T: the last day on which a notice of `length` is in time for an event taking effect at
/// the start of `effective`; `None` outside the supported calendar.
pub fn last_day_to_give_notice(length: Span, effective: NaiveDate) -> Option<NaiveDate> {
    let day_before = effective.pred_opt()?;
    // `day_before − X` is always in time; `d ↦ d + X` never decreases, so walk forward to the
    // last day still in time (at most three steps: month clamping merges up to 3 days).
    let mut last = length.before(day_before)?;
    while let Some(next) = last
        .succ_opt()
        .filter(|next| length.after(*next).is_some_and(|end| end <= day_before))
    {
        last = next;
    }
    Some(last)
}

/// Rule T: the earliest day an event may take effect after a notice of `length` given on
/// `notified`: `notified + X + 1 day`.
pub fn earliest_effective(length: Span, notified: NaiveDate) -> Option<NaiveDate> {
    length.after(notified)?.succ_opt()
}

/// NOTICE-1 (GTCS 6.1): the Company's notice of non-renewal is 3 months for commitments of one
/// year or more, 10 days otherwise.
pub fn customer_notice_length(term: Term) -> Span {
    if term.is_a_year_or_more() {
        Span::Months(3)
    } else {
        Span::Days(10)
    }
}

/// NOTICE-2 (GTCS 6.2.1): the provider's termination without reason is 1 month before the period
/// ends for yearly commitments, 48 hours (2 days) for monthly ones.
pub fn provider_notice_length(term: Term) -> Span {
    if term.is_a_year_or_more() {
        Span::Months(1)
    } else {
        Span::Days(2)
    }
}

/// When a notice to end a licence at the end of a period takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Termination {
    /// Last day of the period containing the day of the notice.
    pub period_last_day: NaiveDate,
    /// Last day to give notice for that period to be the last.
    pub notice_last_day: NaiveDate,
    pub on_time: bool,
    /// That period's last day if on time, else the next period's last day.
    pub service_last_day: NaiveDate,
}

/// NOTICE-1 (GTCS 6.1), calculator `termination.customer`: the Company's notice of non-renewal
/// received on `received`. A late notice takes effect at the end of the next period.
pub fn customer_termination(
    licence: &Licence,
    received: NaiveDate,
) -> Result<Termination, RuleError> {
    terminate(
        licence,
        received,
        customer_notice_length(licence.term),
        RuleId::Notice1,
    )
}

/// NOTICE-1 (GTCS 6.1) as the console records it: the Company's notice of non-renewal received on
/// `received` (a date in Europe/Paris). A notice received before the licence starts counts as
/// received on its first day.
pub fn non_renewal_notice(
    licence: &Licence,
    received: NaiveDate,
) -> Result<Termination, RuleError> {
    customer_termination(licence, received.max(licence.anchor))
}

/// NOTICE-2 (GTCS 6.2.1), calculator `termination.provider`: the provider's termination without
/// reason notified on `notified`. A late notice takes effect at the end of the next period.
pub fn provider_termination(
    licence: &Licence,
    notified: NaiveDate,
) -> Result<Termination, RuleError> {
    terminate(
        licence,
        notified,
        provider_notice_length(licence.term),
        RuleId::Notice2,
    )
}

fn terminate(
    licence: &Licence,
    day: NaiveDate,
    length: Span,
    rule: RuleId,
) -> Result<Termination, RuleError> {
    let out_of_calendar = RuleError::OutOfCalendar { rule };
    let k = licence.period_index(day)?;
    let period = licence.period(k)?;
    let renewal = period.end_exclusive().ok_or(out_of_calendar.clone())?;
    let notice_last_day =
        last_day_to_give_notice(length, renewal).ok_or(out_of_calendar.clone())?;
    let on_time = day <= notice_last_day;
    let service_last_day = if on_time {
        period.last_day()
    } else {
        licence
            .period(k.checked_add(1).ok_or(out_of_calendar)?)?
            .last_day()
    };
    Ok(Termination {
        period_last_day: period.last_day(),
        notice_last_day,
        on_time,
        service_last_day,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn rule_t_three_months_before_a_renewal_on_1_march() {
        // 30 November + 3 months = 28 February (clamped), the day before 1 March: in time.
        let last = last_day_to_give_notice(Span::Months(3), date("2027-03-01")).unwrap();
        assert_eq!(last, date("2026-11-30"));
        assert!(notice_in_time(Span::Months(3), last, date("2027-03-01")));
        assert!(!notice_in_time(
            Span::Months(3),
            date("2026-12-01"),
            date("2027-03-01")
        ));
    }

    #[test]
    fn rule_t_earliest_effective_is_the_day_after_the_notice_ends() {
        assert_eq!(
            earliest_effective(Span::Days(14), date("2026-12-20")),
            Some(date("2027-01-04"))
        );
        assert_eq!(
            earliest_effective(Span::Months(1), date("2027-01-31")),
            Some(date("2027-03-01"))
        );
    }

    #[test]
    fn notice_1_late_notice_runs_one_more_period() {
        let licence = Licence::new(date("2026-03-05"), Term::MONTHLY);
        let late = customer_termination(&licence, date("2026-05-26")).unwrap();
        assert!(!late.on_time);
        assert_eq!(late.notice_last_day, date("2026-05-25"));
        assert_eq!(late.service_last_day, date("2026-07-04"));
    }

    #[test]
    fn notice_2_provider_gives_48_hours_on_monthly_licences() {
        let licence = Licence::new(date("2026-06-10"), Term::MONTHLY);
        assert_eq!(
            provider_termination(&licence, date("2026-07-07"))
                .unwrap()
                .notice_last_day,
            date("2026-07-07")
        );
    }

    #[test]
    fn notice_1_before_the_licence_starts_counts_from_its_first_day() {
        let licence = Licence::new(date("2026-01-31"), Term::MONTHLY);
        let early = non_renewal_notice(&licence, date("2026-01-20")).unwrap();
        assert!(early.on_time);
        assert_eq!(early.period_last_day, date("2026-02-27"));
        assert_eq!(early.service_last_day, date("2026-02-27"));
        let on_anchor = non_renewal_notice(&licence, date("2026-01-31")).unwrap();
        assert_eq!(early, on_anchor);
    }
}
