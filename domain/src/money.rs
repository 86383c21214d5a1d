//! Amounts in EUR and percentages, on `rust_decimal` (never a float).
//!
//! Money is rounded in exactly one place, [`Money::round_to_cent`]: to the cent, half away from
//! zero. The rules call it at the points `RULES.md` names, and nowhere else.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::ValueError;

/// An amount in euros. It may hold fractions of a cent (a unit price of 0.125) until it is
/// rounded with [`Money::round_to_cent`]. Serialised as a decimal string, e.g. `"12.50"`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    pub const fn new(amount: Decimal) -> Self {
        Money(amount)
    }

    /// `Money::from_cents(4000)` is EUR 40.00.
    pub const fn from_cents(cents: i64) -> Self {
        Money(Decimal::from_parts(
            cents.unsigned_abs() as u32,
            (cents.unsigned_abs() >> 32) as u32,
            0,
            cents < 0,
            2,
        ))
    }

    pub const fn amount(self) -> Decimal {
        self.0
    }

    /// The one rounding helper: to the cent, half away from zero (0.125 → 0.13, −0.125 → −0.13).
    pub fn round_to_cent(self) -> Money {
        Money(
            self.0
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// The amount times a plain factor (a quantity, an index ratio), unrounded.
    pub fn checked_mul(self, factor: Decimal) -> Option<Money> {
        self.0.checked_mul(factor).map(Money)
    }

    /// The sum of `amounts`, or `None` if it does not fit in a decimal.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Money>) -> Option<Money> {
        amounts
            .into_iter()
            .try_fold(Money::ZERO, Money::checked_add)
    }
}

impl FromStr for Money {
    type Err = ValueError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Decimal::from_str(raw.trim())
            .map(Money)
            .map_err(|_| ValueError::NotADecimal(raw.to_owned()))
    }
}

impl fmt::Display for Money {
    /// At least two decimals: `12.1` is shown as `12.10`; a sub-cent unit price keeps its digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut amount = self.0;
        if amount.scale() < 2 {
            amount.rescale(2);
        }
        write!(f, "{amount}")
    }
}

/// A percentage such as a VAT or interest rate, with as many decimals as given: `20` is 20 %.
/// Never negative, at most 1000 (no rate of the contract comes near). Serialised as a string.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Percent(Decimal);

impl Percent {
    pub const ZERO: Percent = Percent(Decimal::ZERO);
    pub const MAX: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);

    pub fn new(value: Decimal) -> Result<Self, ValueError> {
        if value.is_sign_negative() && !value.is_zero() {
            Err(ValueError::NegativePercent(value))
        } else if value > Self::MAX {
            Err(ValueError::PercentTooLarge {
                value,
                max: Self::MAX,
            })
        } else {
            Ok(Percent(value))
        }
    }

    pub const fn value(self) -> Decimal {
        self.0
    }

    /// `amount × self / 100`, unrounded.
    pub fn of(self, amount: Money) -> Option<Money> {
        amount
            .amount()
            .checked_mul(self.0)
            .and_then(|product| product.checked_div(Decimal::ONE_HUNDRED))
            .map(Money)
    }
}

impl TryFrom<Decimal> for Percent {
    type Error = ValueError;

    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Percent::new(value)
    }
}

impl From<Percent> for Decimal {
    fn from(percent: Percent) -> Self {
        percent.0
    }
}

impl FromStr for Percent {
    type Err = ValueError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let value =
            Decimal::from_str(raw.trim()).map_err(|_| ValueError::NotADecimal(raw.to_owned()))?;
        Percent::new(value)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(raw: &str) -> Money {
        raw.parse().unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero_not_to_even() {
        assert_eq!(money("0.125").round_to_cent(), money("0.13"));
        assert_eq!(money("0.135").round_to_cent(), money("0.14"));
        assert_eq!(money("-0.125").round_to_cent(), money("-0.13"));
        assert_eq!(money("10.004999").round_to_cent(), money("10.00"));
    }

    #[test]
    fn shows_at_least_two_decimals() {
        assert_eq!(money("12.1").to_string(), "12.10");
        assert_eq!(Money::from_cents(4000).to_string(), "40.00");
        assert_eq!(Money::from_cents(-5).to_string(), "-0.05");
        assert_eq!(money("0.125").to_string(), "0.125");
    }

    #[test]
    fn serialises_as_a_string() {
        assert_eq!(serde_json::to_string(&money("12.50")).unwrap(), "\"12.50\"");
        assert_eq!(
            serde_json::from_str::<Money>("\"3.335\"").unwrap(),
            money("3.335")
        );
        assert_eq!(
            serde_json::to_string(&"20".parse::<Percent>().unwrap()).unwrap(),
            "\"20\""
        );
    }

    #[test]
    fn percentages_are_never_negative_nor_absurd() {
        assert!("-1".parse::<Percent>().is_err());
        assert!("1000.01".parse::<Percent>().is_err());
        assert!(serde_json::from_str::<Percent>("\"-0.5\"").is_err());
        assert_eq!(
            "20".parse::<Percent>().unwrap().of(money("10.01")),
            Some(money("2.002"))
        );
    }
}
