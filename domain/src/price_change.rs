//! Price increases (PRICE-4 indexation, PRICE-5 other increases; GTCS 5.1).

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::Span;
use crate::error::{RuleError, RuleId, ValueError};
use crate::money::Money;
use crate::notice::{earliest_effective, last_day_to_give_notice};

/// PRICE-4, PRICE-5: the Company is informed at least one month before a new price applies.
pub const PRICE_CHANGE_NOTICE: Span = Span::Months(1);
/// PRICE-4: at most one indexation per 12 months.
pub const INDEXATION_INTERVAL: Span = Span::Months(12);
/// PRICE-5: the Company may terminate by a notice received at least 10 days before.
pub const INCREASE_TERMINATION_NOTICE: Span = Span::Days(10);

/// What kind of increase is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PriceChangeKind {
    /// PRICE-4: yearly indexation on the consumer price index; `previous_indexation` is the
    /// effective date of the previous indexation, if any.
    Indexed {
        previous_indexation: Option<NaiveDate>,
    },
    /// PRICE-5: any other Call Plan increase.
    NonIndexed,
}

/// Whether an announced increase may apply on the planned date, and what the Company may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceChangeCheck {
    pub valid: bool,
    /// The earliest day the new price may apply.
    pub min_effective: NaiveDate,
    /// PRICE-5 gives a termination right; indexation (PRICE-4) does not.
    pub termination_right: bool,
    /// PRICE-5: last day for the Company's termination notice (rule T, 10 days before).
    pub termination_notice_last_day: Option<NaiveDate>,
}

/// PRICE-4 and PRICE-5 (GTCS 5.1), calculator `price_change.validate`: an increase of `kind`,
/// announced on `informed`, planned to apply from `effective`. The new price applies no earlier
/// than `informed + 1 month + 1 day` (rule T), and an indexation no earlier than 12 months after
/// the previous one.
pub fn validate_price_change(
    kind: PriceChangeKind,
    informed: NaiveDate,
    effective: NaiveDate,
) -> Result<PriceChangeCheck, RuleError> {
    let rule = match kind {
        PriceChangeKind::Indexed { .. } => RuleId::Price4,
        PriceChangeKind::NonIndexed => RuleId::Price5,
    };
    let out_of_calendar = RuleError::OutOfCalendar { rule };
    let mut min_effective =
        earliest_effective(PRICE_CHANGE_NOTICE, informed).ok_or(out_of_calendar.clone())?;
    let (termination_right, termination_notice_last_day) = match kind {
        PriceChangeKind::Indexed {
            previous_indexation,
        } => {
            if let Some(previous) = previous_indexation {
                let next_allowed = INDEXATION_INTERVAL.after(previous).ok_or(out_of_calendar)?;
                min_effective = min_effective.max(next_allowed);
            }
            (false, None)
        }
        PriceChangeKind::NonIndexed => {
            let last_day = last_day_to_give_notice(INCREASE_TERMINATION_NOTICE, effective)
                .ok_or(out_of_calendar)?;
            (true, Some(last_day))
        }
    };
    Ok(PriceChangeCheck {
        valid: effective >= min_effective,
        min_effective,
        termination_right,
        termination_notice_last_day,
    })
}

/// A value of the consumer price index (INSEE, all households): always positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct PriceIndex(Decimal);

impl PriceIndex {
    pub fn new(value: Decimal) -> Result<Self, ValueError> {
        if value > Decimal::ZERO {
            Ok(PriceIndex(value))
        } else {
            Err(ValueError::NonPositiveIndex(value))
        }
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

impl TryFrom<Decimal> for PriceIndex {
    type Error = ValueError;

    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        PriceIndex::new(value)
    }
}

impl From<PriceIndex> for Decimal {
    fn from(index: PriceIndex) -> Self {
        index.0
    }
}

impl fmt::Display for PriceIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// PRICE-4 (GTCS 5.1), calculator `indexation.apply`: `price × index_new / index_base`, rounded
/// to the cent, when the index went up; the price unchanged otherwise (never down).
pub fn apply_indexation(
    price: Money,
    index_base: PriceIndex,
    index_new: PriceIndex,
) -> Result<Money, RuleError> {
    if index_new <= index_base {
        return Ok(price);
    }
    price
        .amount()
        .checked_mul(index_new.value())
        .and_then(|product| product.checked_div(index_base.value()))
        .map(|amount| Money::new(amount).round_to_cent())
        .ok_or(RuleError::Overflow {
            rule: RuleId::Price4,
        })
}

/// What a Company's termination after a price increase comes to (PRICE-4, PRICE-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum IncreaseTermination {
    /// PRICE-5: on time; the Licences end the day before the new price applies.
    OnTime { service_last_day: NaiveDate },
    /// PRICE-5: received after the last day (rule T, 10 days before the new price).
    TooLate { last_day: NaiveDate },
    /// PRICE-4: an indexation gives no termination right.
    NoRight,
}

/// PRICE-4, PRICE-5 (GTCS 5.1): a termination notice received on `received` against the
/// increase of `kind` announced on `informed` for `effective`. The browser shows the answer
/// before sending; the server decides with the same call.
pub fn terminate_after_increase(
    kind: PriceChangeKind,
    informed: NaiveDate,
    effective: NaiveDate,
    received: NaiveDate,
) -> Result<IncreaseTermination, RuleError> {
    let check = validate_price_change(kind, informed, effective)?;
    let Some(last_day) = check
        .termination_notice_last_day
        .filter(|_| check.termination_right)
    else {
        return Ok(IncreaseTermination::NoRight);
    };
    if received > last_day {
        return Ok(IncreaseTermination::TooLate { last_day });
    }
    let service_last_day = effective.pred_opt().ok_or(RuleError::OutOfCalendar {
        rule: RuleId::Price5,
    })?;
    Ok(IncreaseTermination::OnTime { service_last_day })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn price_5_gives_a_termination_right_even_when_too_late() {
        let check = validate_price_change(
            PriceChangeKind::NonIndexed,
            date("2026-10-01"),
            date("2026-10-31"),
        )
        .unwrap();
        assert!(!check.valid && check.termination_right);
        assert_eq!(check.min_effective, date("2026-11-02"));
        assert_eq!(check.termination_notice_last_day, Some(date("2026-10-20")));
    }

    #[test]
    fn price_4_indexation_at_most_once_in_twelve_months() {
        let kind = PriceChangeKind::Indexed {
            previous_indexation: Some(date("2026-01-01")),
        };
        let check = validate_price_change(kind, date("2026-11-01"), date("2026-12-15")).unwrap();
        assert_eq!(check.min_effective, date("2027-01-01"));
        assert!(!check.valid && !check.termination_right);
    }

    #[test]
    fn price_5_termination_on_time_until_ten_days_before_the_new_price() {
        let (informed, effective) = (date("2026-11-01"), date("2027-01-01"));
        let terminate = |received| {
            terminate_after_increase(PriceChangeKind::NonIndexed, informed, effective, received)
                .unwrap()
        };
        assert_eq!(
            terminate(date("2026-12-21")),
            IncreaseTermination::OnTime {
                service_last_day: date("2026-12-31")
            }
        );
        assert_eq!(
            terminate(date("2026-12-22")),
            IncreaseTermination::TooLate {
                last_day: date("2026-12-21")
            }
        );
        let indexed = PriceChangeKind::Indexed {
            previous_indexation: None,
        };
        assert_eq!(
            terminate_after_increase(indexed, informed, effective, informed).unwrap(),
            IncreaseTermination::NoRight
        );
    }

    #[test]
    fn price_4_indexation_never_lowers_a_price() {
        let index = |raw: &str| PriceIndex::new(raw.parse().unwrap()).unwrap();
        let price: Money = "12.99".parse().unwrap();
        assert_eq!(
            apply_indexation(price, index("118.62"), index("121.47")).unwrap(),
            "13.30".parse().unwrap()
        );
        assert_eq!(
            apply_indexation(price, index("120"), index("119.5")).unwrap(),
            price
        );
        assert!(PriceIndex::new(Decimal::ZERO).is_err());
    }
}
