//! Licence periods and tacit renewal (RENEW-1, GTCS 5.1 and 6.1).
//!
//! A licence anchored on day A with a term of n months has periods `[A + k·n, A + (k+1)·n)`
//! months, every boundary computed from A (never from the previous boundary), day clamped to the
//! month's end: anchored 31 January, monthly → 28 Feb, 31 Mar, 30 Apr.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{RuleError, RuleId};
use crate::period::Period;
use crate::term::Term;

/// A licence: its anchor day (start of the first period) and its term. It renews for the same
/// term as its commitment (GTCS 5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Licence {
    pub anchor: NaiveDate,
    pub term: Term,
}

const OUT_OF_CALENDAR: RuleError = RuleError::OutOfCalendar {
    rule: RuleId::Renew1,
};

impl Licence {
    pub fn new(anchor: NaiveDate, term: Term) -> Self {
        Licence { anchor, term }
    }

    /// RENEW-1: the first day of period `k` (0 is the initial term): `anchor + k·n months`.
    pub fn boundary(&self, k: u32) -> Result<NaiveDate, RuleError> {
        k.checked_mul(self.term.get())
            .and_then(|months| self.anchor.checked_add_months(Months::new(months)))
            .ok_or(OUT_OF_CALENDAR)
    }

    /// RENEW-1: period `k`, from its first to its last day.
    pub fn period(&self, k: u32) -> Result<Period, RuleError> {
        let first_day = self.boundary(k)?;
        let next = self.boundary(k.checked_add(1).ok_or(OUT_OF_CALENDAR)?)?;
        let last_day = next.pred_opt().ok_or(OUT_OF_CALENDAR)?;
        // Boundaries strictly increase: each one is in a later month than the one before.
        Ok(Period::new(first_day, last_day).expect("licence boundaries increase"))
    }

    /// RENEW-1: the index of the period containing `on`; an error if `on` is before the anchor.
    pub fn period_index(&self, on: NaiveDate) -> Result<u32, RuleError> {
        if on < self.anchor {
            return Err(RuleError::BeforeAnchor {
                anchor: self.anchor,
                on,
            });
        }
        let months = i64::from(on.year() - self.anchor.year()) * 12 + i64::from(on.month())
            - i64::from(self.anchor.month());
        let mut k =
            u32::try_from(months / i64::from(self.term.get())).map_err(|_| OUT_OF_CALENDAR)?;
        // Boundary k falls in `on`'s month or earlier; only day clamping can put it after `on`.
        while k > 0 && self.boundary(k)? > on {
            k -= 1;
        }
        while self.boundary(k + 1)? <= on {
            k += 1;
        }
        Ok(k)
    }

    /// RENEW-1: the period containing `on`.
    pub fn period_containing(&self, on: NaiveDate) -> Result<Period, RuleError> {
        self.period(self.period_index(on)?)
    }
}

/// RENEW-1 (GTCS 5.1, 6.1), calculator `licence.period`: the period of the licence anchored on
/// `anchor` with term `term` that contains `on` (`on` before `anchor` is an error).
pub fn licence_period(anchor: NaiveDate, term: Term, on: NaiveDate) -> Result<Period, RuleError> {
    Licence::new(anchor, term).period_containing(on)
}

/// RENEW-1 and NOTICE-1 as a Manager reads them on a given day: the current period, the renewal
/// date, and the last day to give notice of non-renewal. The browser and the server compute it
/// with [`status_on`] for the server's "today", so both show the same dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceStatus {
    /// The period containing the day asked about (the first period before the licence starts).
    pub current_period: Period,
    /// RENEW-1: the first day of the next period, when the licence renews tacitly.
    pub renewal_date: NaiveDate,
    /// NOTICE-1: the last day a notice of non-renewal makes the current period the last one.
    pub notice_last_day: NaiveDate,
    /// Whether a notice given on the day asked about would be on time for the current period.
    pub notice_on_time: bool,
    /// The next notice deadline that has not passed: `notice_last_day` when still on time, else
    /// the next period's.
    pub next_notice_deadline: NaiveDate,
    /// Days from the day asked about to `renewal_date`.
    pub days_until_renewal: i64,
    /// Days from the day asked about to `next_notice_deadline` (0 on the deadline itself).
    pub days_until_notice_deadline: i64,
}

/// RENEW-1 (GTCS 5.1, 6.1) and NOTICE-1 (GTCS 6.1): the licence anchored on `anchor` with term
/// `term`, as it stands on `today`. Before the anchor, the first period is the current one.
pub fn status_on(
    anchor: NaiveDate,
    term: Term,
    today: NaiveDate,
) -> Result<LicenceStatus, RuleError> {
    let licence = Licence::new(anchor, term);
    let on = today.max(anchor);
    let k = licence.period_index(on)?;
    let current_period = licence.period(k)?;
    let renewal_date = licence.boundary(k.checked_add(1).ok_or(OUT_OF_CALENDAR)?)?;
    let this_period = crate::notice::customer_termination(&licence, on)?;
    let next_notice_deadline = if this_period.on_time {
        this_period.notice_last_day
    } else {
        crate::notice::customer_termination(&licence, renewal_date)?.notice_last_day
    };
    Ok(LicenceStatus {
        current_period,
        renewal_date,
        notice_last_day: this_period.notice_last_day,
        notice_on_time: this_period.on_time,
        next_notice_deadline,
        days_until_renewal: (renewal_date - today).num_days(),
        days_until_notice_deadline: (next_notice_deadline - today).num_days(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn renew_1_boundaries_come_from_the_anchor_not_the_previous_boundary() {
        let licence = Licence::new(date("2026-01-31"), Term::MONTHLY);
        let firsts: Vec<_> = (0..4).map(|k| licence.boundary(k).unwrap()).collect();
        assert_eq!(
            firsts,
            [
                date("2026-01-31"),
                date("2026-02-28"),
                date("2026-03-31"),
                date("2026-04-30")
            ]
        );
    }

    #[test]
    fn renew_1_period_before_the_anchor_is_an_error() {
        let error =
            licence_period(date("2026-01-15"), Term::YEARLY, date("2026-01-14")).unwrap_err();
        assert_eq!(error.rule(), RuleId::Renew1);
    }

    #[test]
    fn renew_1_period_containing_the_anchor_and_the_last_day() {
        let licence = Licence::new(date("2026-01-15"), Term::YEARLY);
        assert_eq!(licence.period_index(date("2026-01-15")), Ok(0));
        assert_eq!(licence.period_index(date("2027-01-14")), Ok(0));
        assert_eq!(licence.period_index(date("2027-01-15")), Ok(1));
    }

    #[test]
    fn renew_1_notice_1_status_of_a_yearly_licence_before_its_notice_deadline() {
        let status = status_on(date("2026-03-05"), Term::YEARLY, date("2026-11-20")).unwrap();
        assert_eq!(status.current_period.first_day(), date("2026-03-05"));
        assert_eq!(status.current_period.last_day(), date("2027-03-04"));
        assert_eq!(status.renewal_date, date("2027-03-05"));
        // Rule T: 4 December + 3 months = 4 March, the day before the renewal.
        assert_eq!(status.notice_last_day, date("2026-12-04"));
        assert!(status.notice_on_time);
        assert_eq!(status.next_notice_deadline, date("2026-12-04"));
        assert_eq!(status.days_until_notice_deadline, 14);
        assert_eq!(status.days_until_renewal, 105);
    }

    #[test]
    fn notice_1_status_after_the_deadline_points_to_the_next_period() {
        let status = status_on(date("2026-03-05"), Term::MONTHLY, date("2026-05-26")).unwrap();
        assert_eq!(status.current_period.first_day(), date("2026-05-05"));
        assert_eq!(status.renewal_date, date("2026-06-05"));
        assert_eq!(status.notice_last_day, date("2026-05-25"));
        assert!(!status.notice_on_time);
        // The next period (5 June to 4 July) ends before 5 July: 10 days before is 24 June.
        assert_eq!(status.next_notice_deadline, date("2026-06-24"));
        assert_eq!(status.days_until_notice_deadline, 29);
    }

    #[test]
    fn renew_1_status_before_the_anchor_is_the_first_period() {
        let status = status_on(date("2026-01-31"), Term::MONTHLY, date("2026-01-20")).unwrap();
        assert_eq!(status.current_period.first_day(), date("2026-01-31"));
        assert_eq!(status.renewal_date, date("2026-02-28"));
        assert_eq!(status.days_until_renewal, 39);
    }
}
