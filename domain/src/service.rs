//! Discontinuing a Service (NOTICE-3, GTCS 6.2.1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Span;
use crate::error::{RuleError, RuleId};
use crate::notice::earliest_effective;

/// NOTICE-3: the provider gives at least two weeks' notice.
pub const DISCONTINUATION_NOTICE: Span = Span::Days(14);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discontinuation {
    /// `notified + 14 days + 1 day` (rule T).
    pub earliest_effective: NaiveDate,
    /// The planned date is not before `earliest_effective`.
    pub valid: bool,
}

/// NOTICE-3 (GTCS 6.2.1), calculator `service.discontinuation`: may a Service notified as
/// discontinued on `notified` stop at the start of `effective`?
pub fn discontinuation(
    notified: NaiveDate,
    effective: NaiveDate,
) -> Result<Discontinuation, RuleError> {
    let earliest =
        earliest_effective(DISCONTINUATION_NOTICE, notified).ok_or(RuleError::OutOfCalendar {
            rule: RuleId::Notice3,
        })?;
    Ok(Discontinuation {
        earliest_effective: earliest,
        valid: effective >= earliest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_3_two_full_weeks() {
        let date = |raw: &str| raw.parse::<NaiveDate>().unwrap();
        let check = discontinuation(date("2026-12-20"), date("2027-01-03")).unwrap();
        assert_eq!(check.earliest_effective, date("2027-01-04"));
        assert!(!check.valid);
    }
}
