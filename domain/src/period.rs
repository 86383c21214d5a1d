//! Periods of a licence, shown to people as first and last day (both inclusive).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::ValueError;

/// Days `first_day` to `last_day`, both included; never reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawPeriod")]
pub struct Period {
    first_day: NaiveDate,
    last_day: NaiveDate,
}

#[derive(Deserialize)]
struct RawPeriod {
    first_day: NaiveDate,
    last_day: NaiveDate,
}

impl TryFrom<RawPeriod> for Period {
    type Error = ValueError;

    fn try_from(raw: RawPeriod) -> Result<Self, Self::Error> {
        Period::new(raw.first_day, raw.last_day)
    }
}

impl Period {
    pub fn new(first_day: NaiveDate, last_day: NaiveDate) -> Result<Self, ValueError> {
        if last_day < first_day {
            Err(ValueError::PeriodReversed {
                first_day,
                last_day,
            })
        } else {
            Ok(Period {
                first_day,
                last_day,
            })
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        self.first_day
    }

    pub fn last_day(&self) -> NaiveDate {
        self.last_day
    }

    /// The day after the last: where the next period, or an event ending this one, starts.
    pub fn end_exclusive(&self) -> Option<NaiveDate> {
        self.last_day.succ_opt()
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.first_day <= day && day <= self.last_day
    }

    /// Number of days, both ends included.
    pub fn days(&self) -> i64 {
        (self.last_day - self.first_day).num_days() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_cannot_be_reversed() {
        let day = |raw: &str| raw.parse::<NaiveDate>().unwrap();
        assert!(Period::new(day("2026-02-01"), day("2026-01-31")).is_err());
        let one_day = Period::new(day("2026-02-01"), day("2026-02-01")).unwrap();
        assert_eq!(one_day.days(), 1);
        let json = r#"{"first_day":"2026-02-02","last_day":"2026-02-01"}"#;
        assert!(serde_json::from_str::<Period>(json).is_err());
    }
}
