//! Calendar arithmetic shared by the rules: lengths in days or months, and windows after an event.
//!
//! Months are added with `checked_add_months`, which clamps the day to the month's last day
//! (31 Jan + 1 month = 28 Feb). Month addition is not associative, so callers always add a total
//! to a fixed starting date and never chain additions.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A length of time counted in calendar days or in months (day clamped to the month's end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    Days(u32),
    Months(u32),
}

impl Span {
    /// `date + self`, or `None` past the end of the supported calendar.
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Span::Days(days) => date.checked_add_days(Days::new(u64::from(days))),
            Span::Months(months) => date.checked_add_months(Months::new(months)),
        }
    }

    /// `date − self`, or `None` before the start of the supported calendar.
    pub fn before(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Span::Days(days) => date.checked_sub_days(Days::new(u64::from(days))),
            Span::Months(months) => date.checked_sub_months(Months::new(months)),
        }
    }
}

/// Window after an event (house reading): the event's own day does not count, so the window's
/// last day is `event + length` (months clamped). "Within 6 weeks following the invoice date"
/// issued on 31 January ends on 14 March.
pub fn window_last_day(event: NaiveDate, length: Span) -> Option<NaiveDate> {
    length.after(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn months_clamp_to_the_last_day() {
        assert_eq!(
            Span::Months(1).after(date("2026-01-31")),
            Some(date("2026-02-28"))
        );
        assert_eq!(
            Span::Months(12).after(date("2028-02-29")),
            Some(date("2029-02-28"))
        );
        assert_eq!(
            Span::Months(3).before(date("2027-05-30")),
            Some(date("2027-02-28"))
        );
    }

    #[test]
    fn windows_exclude_the_event_day() {
        assert_eq!(
            window_last_day(date("2026-01-31"), Span::Days(42)),
            Some(date("2026-03-14"))
        );
        assert_eq!(window_last_day(NaiveDate::MAX, Span::Days(1)), None);
    }
}
