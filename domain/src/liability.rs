//! The liability cap (LIAB-1, GTCS 7).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Span;
use crate::error::{RuleError, RuleId};
use crate::money::Money;

/// LIAB-1: the cap counts the sums received in the 6 months before the loss.
pub const LIABILITY_WINDOW: Span = Span::Months(6);

/// A sum received from the Company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub date: NaiveDate,
    pub amount: Money,
}

/// LIAB-1 (GTCS 7), calculator `liability.cap`: the sum of the payments dated from
/// `loss_date − 6 months` (inclusive, day clamped) to the day before `loss_date`.
pub fn liability_cap(loss_date: NaiveDate, payments: &[Payment]) -> Result<Money, RuleError> {
    let first_day = LIABILITY_WINDOW
        .before(loss_date)
        .ok_or(RuleError::OutOfCalendar {
            rule: RuleId::Liab1,
        })?;
    Money::checked_sum(
        payments
            .iter()
            .filter(|payment| first_day <= payment.date && payment.date < loss_date)
            .map(|payment| payment.amount),
    )
    .ok_or(RuleError::Overflow {
        rule: RuleId::Liab1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liab_1_window_clamps_and_excludes_the_loss_day() {
        let date = |raw: &str| raw.parse::<NaiveDate>().unwrap();
        let pay = |raw: &str| Payment {
            date: date(raw),
            amount: Money::from_cents(100),
        };
        // 31 August − 6 months = 28 February.
        let payments = [
            pay("2026-02-27"),
            pay("2026-02-28"),
            pay("2026-08-30"),
            pay("2026-08-31"),
        ];
        assert_eq!(
            liability_cap(date("2026-08-31"), &payments),
            Ok(Money::from_cents(200))
        );
    }
}
