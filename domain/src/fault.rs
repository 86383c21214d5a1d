//! What falls due on termination for fault (TERM-1, GTCS 6.2.2).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{RuleError, RuleId};
use crate::money::Money;

/// TERM-1: remaining instalments are increased by 20 %.
pub const ACCELERATION_FACTOR: Decimal = Decimal::from_parts(120, 0, 0, false, 2);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultAmount {
    pub accelerated_instalments: Money,
    pub discounts_reimbursed: Money,
    pub total: Money,
}

/// TERM-1 (GTCS 6.2.2), calculator `termination.fault_amount`: every remaining monthly
/// instalment falls due at once, increased by 20 % (`instalment × remaining × 1.20`, rounded
/// once), plus the discounts granted (rounded).
pub fn fault_amount(
    monthly_instalment: Money,
    remaining_instalments: u32,
    discounts_granted: Money,
) -> Result<FaultAmount, RuleError> {
    let overflow = RuleError::Overflow {
        rule: RuleId::Term1,
    };
    for amount in [monthly_instalment, discounts_granted] {
        if amount.is_negative() {
            return Err(RuleError::NegativeAmount {
                rule: RuleId::Term1,
                amount: amount.amount(),
            });
        }
    }
    let accelerated_instalments = monthly_instalment
        .checked_mul(Decimal::from(remaining_instalments))
        .and_then(|due| due.checked_mul(ACCELERATION_FACTOR))
        .ok_or(overflow.clone())?
        .round_to_cent();
    let discounts_reimbursed = discounts_granted.round_to_cent();
    let total = accelerated_instalments
        .checked_add(discounts_reimbursed)
        .ok_or(overflow)?;
    Ok(FaultAmount {
        accelerated_instalments,
        discounts_reimbursed,
        total,
    })
}

/// TERM-1: the monthly instalment of a Licence whose period costs `period_price`: the price
/// spread over the term's months, an annual price counting 1/12 (not rounded; [`fault_amount`]
/// rounds once). The house reading prices the period in force on the termination day after
/// increases and without discounts: the caller passes that price.
pub fn monthly_instalment(period_price: Money, term: crate::term::Term) -> Option<Money> {
    period_price
        .amount()
        .checked_div(Decimal::from(term.get()))
        .map(Money::new)
}

/// TERM-1 (GTCS 6.2.2; house reading "Termination for fault amount"): `remaining_instalments`,
/// the months from the termination day `terminated_on` to the end of the period in force that
/// day. A month is counted from the anchor (day clamped, as every boundary is) and remains when
/// it begins on or after the termination day: on the period's first day every month of it
/// remains; a one-month Licence has one on its first day, none after.
pub fn remaining_monthly_instalments(
    licence: &crate::licence::Licence,
    terminated_on: chrono::NaiveDate,
) -> Result<u32, RuleError> {
    let on = terminated_on.max(licence.anchor);
    let k = licence.period_index(on)?;
    let months = licence.term.get();
    let monthly = crate::licence::Licence::new(
        licence.anchor,
        crate::term::Term::months(1).map_err(|_| RuleError::OutOfCalendar {
            rule: RuleId::Term1,
        })?,
    );
    let first_month = k.checked_mul(months).ok_or(RuleError::OutOfCalendar {
        rule: RuleId::Term1,
    })?;
    let mut remaining = 0;
    for month in first_month..first_month + months {
        if monthly.boundary(month)? >= on {
            remaining += 1;
        }
    }
    Ok(remaining)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_1_remaining_instalments_are_the_months_from_the_termination_day() {
        use crate::licence::Licence;
        use crate::term::Term;
        let date = |raw: &str| raw.parse::<chrono::NaiveDate>().unwrap();
        let yearly = Licence::new(date("2026-01-31"), Term::months(12).unwrap());
        let remaining = |on: &str| remaining_monthly_instalments(&yearly, date(on)).unwrap();
        // Months begin 31 Jan, 28 Feb, 31 Mar, 30 Apr, …, 31 Dec: on 15 Mar, the ten from 31 Mar
        // remain; on 31 Mar too (that month is ahead, from the termination day).
        assert_eq!(remaining("2026-03-15"), 10);
        assert_eq!(remaining("2026-03-31"), 10);
        assert_eq!(remaining("2026-04-01"), 9);
        assert_eq!(remaining("2026-01-31"), 12);
        assert_eq!(remaining("2026-12-31"), 1);
        assert_eq!(remaining("2027-01-30"), 0);
        // The second year: counted within its own period.
        assert_eq!(remaining("2027-01-31"), 12);
        assert_eq!(remaining("2027-02-01"), 11);
        let monthly = Licence::new(date("2026-01-31"), Term::months(1).unwrap());
        let remaining = |on: &str| remaining_monthly_instalments(&monthly, date(on)).unwrap();
        assert_eq!(remaining("2026-03-15"), 0);
        assert_eq!(remaining("2026-03-31"), 1);
    }

    #[test]
    fn term_1_remaining_instalments_plus_20_percent() {
        let money = |raw: &str| raw.parse::<Money>().unwrap();
        let due = fault_amount(money("149.90"), 7, money("120")).unwrap();
        assert_eq!(due.accelerated_instalments, money("1259.16"));
        assert_eq!(due.total, money("1379.16"));
        assert!(fault_amount(money("-1"), 1, Money::ZERO).is_err());
    }
}
