//! Usage after the month (PAY-1, GTCS 5.2, house reading "Usage after the month") and how each
//! communication stands on a statement of communications (PAY-3).
//!
//! A Call Plan includes minutes (national calls placed, per started minute) and SMS parts
//! (national messages sent) per calendar month and per Number; where the price list prices
//! them ([`UsagePrice`]), what goes beyond is invoiced on the first day of the next month.
//! Communications are counted in the order they happened: the first ones of the month use up
//! what is included, and a call that crosses the allowance has its first minutes included and
//! the others beyond. Amounts are whole cents (a price per unit times a whole number of units).

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::money::Money;

/// What a communication is counted in against a Call Plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A started minute of a national call placed.
    Minute,
    /// A part of a national SMS (an MMS counts as one) sent.
    Sms,
}

impl Unit {
    /// For people: "minute" or "SMS", as many as `quantity`.
    pub fn noun(self, quantity: u32) -> &'static str {
        match (self, quantity) {
            (Unit::Minute, 1) => "minute",
            (Unit::Minute, _) => "minutes",
            (Unit::Sms, _) => "SMS",
        }
    }
}

/// PAY-1: from `valid_from` on, what a Number of `plan_id` pays per unit beyond what its plan
/// includes in a month; `None`: not priced (what goes beyond is not invoiced). Versioned like
/// the plans' prices: a new price is a new row (PRICE-6: it applies to current Licences from
/// its first day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagePrice {
    pub plan_id: i64,
    #[serde(deserialize_with = "crate::day::deserialize")]
    pub valid_from: NaiveDate,
    pub per_minute: Option<Money>,
    pub per_sms: Option<Money>,
}

impl UsagePrice {
    pub fn per(&self, unit: Unit) -> Option<Money> {
        match unit {
            Unit::Minute => self.per_minute,
            Unit::Sms => self.per_sms,
        }
    }
}

/// PAY-1, PRICE-6: the price per `unit` beyond the plan in force `on` that day: of the plan's
/// rows valid from that day or before, the latest; `None` when none is, or it does not price
/// that unit.
pub fn price_beyond(
    prices: &[UsagePrice],
    plan_id: i64,
    unit: Unit,
    on: NaiveDate,
) -> Option<Money> {
    prices
        .iter()
        .filter(|price| price.plan_id == plan_id && price.valid_from <= on)
        .max_by_key(|price| price.valid_from)
        .and_then(|price| price.per(unit))
}

/// The month included minutes and SMS count over: the calendar month of `day` (Europe/Paris),
/// as its first day and the first day of the next month.
pub fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).expect("every month has a first day");
    (first, first + Months::new(1))
}

/// PAY-1 (house reading): the month whose usage is invoiced on `day`, as its first and last
/// day: the previous month when `day` is a first of the month, else none.
pub fn month_invoiced_on(day: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    if day.day() != 1 {
        return None;
    }
    let last = day.pred_opt()?;
    Some((month_of(last).0, last))
}

/// How one communication counted against a plan is settled: its units included in the plan and
/// those beyond it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Split {
    pub included: u32,
    pub beyond: u32,
}

/// PAY-1: the communications of one Number and one unit in a month, their units in the order
/// they happened, split against what the plan includes (`None`: unlimited, all included).
pub fn split(included: Option<u32>, units: &[u32]) -> Vec<Split> {
    let mut left = included;
    units
        .iter()
        .map(|&units| match left.as_mut() {
            None => Split {
                included: units,
                beyond: 0,
            },
            Some(left) => {
                let within = units.min(*left);
                *left -= within;
                Split {
                    included: within,
                    beyond: units - within,
                }
            }
        })
        .collect()
}

/// What is left of `included` once `used` units were used; `None`: unlimited.
pub fn left(included: Option<u32>, used: u32) -> Option<u32> {
    included.map(|included| included.saturating_sub(used))
}

/// What `beyond` units cost at `per_unit`; `None` on overflow.
pub fn beyond_amount(beyond: u32, per_unit: Money) -> Option<Money> {
    per_unit
        .checked_mul(beyond.into())
        .map(Money::round_to_cent)
}

/// PAY-3: how a communication stands on a statement of communications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    /// Counted against the plan and wholly within what it includes (or an unlimited plan).
    Included,
    /// Counted against the plan, partly or wholly beyond it, and priced: charged on the usage
    /// invoice of its month.
    Charged,
    /// Beyond the plan, where the plan does not price it: not invoiced.
    NotPriced,
    /// Paid with the Company's Credits when it happened (special and international).
    Credits,
    /// Nothing to pay: received, or never connected.
    Free,
}

impl Settlement {
    /// How a statement reads it.
    pub fn label(self) -> &'static str {
        match self {
            Settlement::Included => "included",
            Settlement::Charged => "charged",
            Settlement::NotPriced => "beyond, not priced",
            Settlement::Credits => "Credits",
            Settlement::Free => "free",
        }
    }
}

/// PAY-3: the settlement of a communication counted against the plan from its [`Split`] and
/// the price beyond, with the amount charged.
pub fn settle(split: Split, per_unit: Option<Money>) -> Option<(Settlement, Money)> {
    if split.beyond == 0 {
        return Some((Settlement::Included, Money::ZERO));
    }
    match per_unit {
        Some(price) => {
            beyond_amount(split.beyond, price).map(|amount| (Settlement::Charged, amount))
        }
        None => Some((Settlement::NotPriced, Money::ZERO)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    fn money(raw: &str) -> Money {
        raw.parse().unwrap()
    }

    #[test]
    fn pay_1_the_first_communications_use_the_allowance_up() {
        let splits = split(Some(100), &[60, 39, 3, 5]);
        assert_eq!(
            splits,
            [
                Split {
                    included: 60,
                    beyond: 0
                },
                Split {
                    included: 39,
                    beyond: 0
                },
                Split {
                    included: 1,
                    beyond: 2
                },
                Split {
                    included: 0,
                    beyond: 5
                },
            ]
        );
        let total: u32 = splits
            .iter()
            .map(|split| split.included + split.beyond)
            .sum();
        assert_eq!(total, 107);
    }

    #[test]
    fn pay_1_unlimited_plans_include_everything() {
        assert_eq!(
            split(None, &[5000, 1]),
            [
                Split {
                    included: 5000,
                    beyond: 0
                },
                Split {
                    included: 1,
                    beyond: 0
                }
            ]
        );
        assert_eq!(left(None, 5000), None);
        assert_eq!(left(Some(100), 40), Some(60));
        assert_eq!(left(Some(100), 140), Some(0));
    }

    #[test]
    fn pay_1_usage_is_invoiced_on_the_first_of_the_next_month() {
        assert_eq!(
            month_invoiced_on(day("2026-12-01")),
            Some((day("2026-11-01"), day("2026-11-30")))
        );
        assert_eq!(
            month_invoiced_on(day("2027-01-01")),
            Some((day("2026-12-01"), day("2026-12-31")))
        );
        assert_eq!(
            month_invoiced_on(day("2028-03-01")),
            Some((day("2028-02-01"), day("2028-02-29")))
        );
        assert_eq!(month_invoiced_on(day("2026-12-02")), None);
        assert_eq!(
            month_of(day("2026-02-28")),
            (day("2026-02-01"), day("2026-03-01"))
        );
    }

    #[test]
    fn price_6_the_price_beyond_in_force_on_the_day_applies() {
        let prices = [
            UsagePrice {
                plan_id: 1,
                valid_from: day("2026-01-01"),
                per_minute: Some(money("0.15")),
                per_sms: Some(money("0.10")),
            },
            UsagePrice {
                plan_id: 1,
                valid_from: day("2027-01-01"),
                per_minute: Some(money("0.18")),
                per_sms: None,
            },
            UsagePrice {
                plan_id: 2,
                valid_from: day("2026-01-01"),
                per_minute: Some(money("0.12")),
                per_sms: None,
            },
        ];
        let price = |plan, unit, on| price_beyond(&prices, plan, unit, day(on));
        assert_eq!(price(1, Unit::Minute, "2025-12-31"), None);
        assert_eq!(price(1, Unit::Minute, "2026-12-31"), Some(money("0.15")));
        assert_eq!(price(1, Unit::Minute, "2027-01-01"), Some(money("0.18")));
        assert_eq!(price(1, Unit::Sms, "2026-06-01"), Some(money("0.10")));
        assert_eq!(price(1, Unit::Sms, "2027-06-01"), None);
        assert_eq!(price(2, Unit::Sms, "2026-06-01"), None);
        assert_eq!(price(3, Unit::Minute, "2026-06-01"), None);
    }

    #[test]
    fn pay_3_each_communication_says_how_it_is_settled() {
        let price = Some(money("0.15"));
        assert_eq!(
            settle(
                Split {
                    included: 3,
                    beyond: 0
                },
                price
            ),
            Some((Settlement::Included, Money::ZERO))
        );
        assert_eq!(
            settle(
                Split {
                    included: 1,
                    beyond: 7
                },
                price
            ),
            Some((Settlement::Charged, money("1.05")))
        );
        assert_eq!(
            settle(
                Split {
                    included: 0,
                    beyond: 7
                },
                None
            ),
            Some((Settlement::NotPriced, Money::ZERO))
        );
        assert_eq!(Unit::Minute.noun(1), "minute");
        assert_eq!(Unit::Minute.noun(2), "minutes");
    }
}
