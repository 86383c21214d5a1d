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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_1_remaining_instalments_plus_20_percent() {
        let money = |raw: &str| raw.parse::<Money>().unwrap();
        let due = fault_amount(money("149.90"), 7, money("120")).unwrap();
        assert_eq!(due.accelerated_instalments, money("1259.16"));
        assert_eq!(due.total, money("1379.16"));
        assert!(fault_amount(money("-1"), 1, Money::ZERO).is_err());
    }
}
