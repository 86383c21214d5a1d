//! Formal notice to pay (LATE-4, GTCS 5.3).

use chrono::NaiveDate;

use crate::calendar::{Span, window_last_day};
use crate::error::{RuleError, RuleId};

/// LATE-4: the formal notice stays unpaid for 8 days before the provider may terminate.
pub const FORMAL_NOTICE_WINDOW: Span = Span::Days(8);

/// LATE-4 (GTCS 5.3), calculator `formal_notice.deadline`: the last day to pay after a formal
/// notice sent on `sent` is `sent + 8 days` (the day it is sent does not count).
pub fn formal_notice_deadline(sent: NaiveDate) -> Result<NaiveDate, RuleError> {
    window_last_day(sent, FORMAL_NOTICE_WINDOW).ok_or(RuleError::OutOfCalendar {
        rule: RuleId::Late4,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_4_eight_days_across_new_year() {
        let date = |raw: &str| raw.parse::<NaiveDate>().unwrap();
        assert_eq!(
            formal_notice_deadline(date("2026-12-28")),
            Ok(date("2027-01-05"))
        );
    }
}
