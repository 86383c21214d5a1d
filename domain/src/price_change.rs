//! Price increases (PRICE-4 indexation, PRICE-5 other increases; GTCS 5.1).

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::Span;
use crate::catalogue::Billing;
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

    /// A value as people type it (`118.2` or `118,2`); `None` unless a positive number.
    pub fn parse(raw: &str) -> Option<Self> {
        raw.trim()
            .replace(',', ".")
            .parse::<Decimal>()
            .ok()
            .and_then(|value| PriceIndex::new(value).ok())
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

/// A Call Plan's price for one payment frequency and quantity tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierPrice {
    pub billing: Billing,
    pub min_quantity: u32,
    pub unit_price: Money,
}

impl TierPrice {
    fn same_tier(&self, other: &TierPrice) -> bool {
        self.billing == other.billing && self.min_quantity == other.min_quantity
    }

    fn name(&self) -> String {
        format!("{} from {} Number(s)", self.billing, self.min_quantity)
    }
}

/// A tier's price before and after a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedTier {
    pub billing: Billing,
    pub min_quantity: u32,
    pub old_unit_price: Money,
    pub unit_price: Money,
}

/// What an announced increase changes: the index pair of an indexation (PRICE-4), or the new
/// prices of the tiers another increase names (PRICE-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Increase<'a> {
    Indexed {
        index_base: Option<PriceIndex>,
        index_new: Option<PriceIndex>,
        prices: &'a [TierPrice],
    },
    NonIndexed {
        index_given: bool,
        prices: &'a [TierPrice],
    },
}

/// Why the new prices of a notice are refused; [`IncreaseProblem::field`] names the form field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncreaseProblem {
    #[error(
        "An indexation gives the index it starts from and the new index (index_base and index_new)."
    )]
    IndexMissing,
    #[error("An indexation computes its prices from the index: give no prices.")]
    PricesWithIndexation,
    #[error("The index did not go up: an indexation never lowers a price.")]
    IndexNotUp,
    #[error("Give at least one new price.")]
    NoPrice,
    #[error("Only an indexation gives an index.")]
    IndexWithoutIndexation,
    #[error("The plan has no price {tier}.")]
    NoSuchTier { tier: String },
    #[error("The price {tier} is given twice.")]
    TierTwice { tier: String },
    #[error(
        "The price {tier} does not go up (now EUR {now}): a reduction needs no notice (GTCS 5.1)."
    )]
    NotAnIncrease { tier: String, now: Money },
    #[error("{0} is not a whole number of cents.")]
    NotWholeCents(Money),
    #[error("{0}")]
    Rule(RuleError),
}

impl IncreaseProblem {
    /// The field of the provider's form the problem concerns.
    pub fn field(&self) -> &'static str {
        match self {
            IncreaseProblem::IndexMissing
            | IncreaseProblem::IndexNotUp
            | IncreaseProblem::IndexWithoutIndexation
            | IncreaseProblem::Rule(_) => "index_new",
            IncreaseProblem::PricesWithIndexation
            | IncreaseProblem::NoPrice
            | IncreaseProblem::NoSuchTier { .. }
            | IncreaseProblem::TierTwice { .. }
            | IncreaseProblem::NotAnIncrease { .. }
            | IncreaseProblem::NotWholeCents(_) => "prices",
        }
    }
}

/// PRICE-4, PRICE-5 (GTCS 5.1): the prices a notice announces, each beside the price in force it
/// replaces (`current`, one per tier). An indexation applies its index pair to every tier (never
/// down); another increase names its tiers, each of which must exist, once, and go up (a
/// reduction needs no notice, PRICE-3). Prices are whole cents.
pub fn new_prices(
    increase: Increase<'_>,
    current: &[TierPrice],
) -> Result<Vec<ChangedTier>, IncreaseProblem> {
    let whole_cents = |price: Money| match price.round_to_cent() == price {
        true => Ok(price),
        false => Err(IncreaseProblem::NotWholeCents(price)),
    };
    match increase {
        Increase::Indexed {
            index_base,
            index_new,
            prices,
        } => {
            let (Some(base), Some(new)) = (index_base, index_new) else {
                return Err(IncreaseProblem::IndexMissing);
            };
            if !prices.is_empty() {
                return Err(IncreaseProblem::PricesWithIndexation);
            }
            if new <= base {
                return Err(IncreaseProblem::IndexNotUp);
            }
            current
                .iter()
                .map(|tier| {
                    let indexed = apply_indexation(tier.unit_price, base, new)
                        .map_err(IncreaseProblem::Rule)?;
                    Ok(ChangedTier {
                        billing: tier.billing,
                        min_quantity: tier.min_quantity,
                        old_unit_price: tier.unit_price,
                        unit_price: whole_cents(indexed)?,
                    })
                })
                .collect()
        }
        Increase::NonIndexed {
            index_given,
            prices,
        } => {
            if prices.is_empty() {
                return Err(IncreaseProblem::NoPrice);
            }
            if index_given {
                return Err(IncreaseProblem::IndexWithoutIndexation);
            }
            let mut changed: Vec<ChangedTier> = Vec::with_capacity(prices.len());
            for (k, price) in prices.iter().enumerate() {
                let tier = price.name();
                let Some(now) = current.iter().find(|now| now.same_tier(price)) else {
                    return Err(IncreaseProblem::NoSuchTier { tier });
                };
                if prices[..k].iter().any(|earlier| earlier.same_tier(price)) {
                    return Err(IncreaseProblem::TierTwice { tier });
                }
                let unit_price = whole_cents(price.unit_price)?;
                if unit_price <= now.unit_price {
                    return Err(IncreaseProblem::NotAnIncrease {
                        tier,
                        now: now.unit_price,
                    });
                }
                changed.push(ChangedTier {
                    billing: now.billing,
                    min_quantity: now.min_quantity,
                    old_unit_price: now.unit_price,
                    unit_price,
                });
            }
            Ok(changed)
        }
    }
}

/// Why a general price reduction is refused (PRICE-3); each problem concerns the `prices` field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReductionProblem {
    #[error("Give at least one new price.")]
    NoPrice,
    #[error("The plan has no price {tier}.")]
    NoSuchTier { tier: String },
    #[error("The price {tier} is given twice.")]
    TierTwice { tier: String },
    #[error("{0} is not a whole number of cents.")]
    NotWholeCents(Money),
    #[error("A price cannot be below zero ({0}).")]
    Negative(Money),
    #[error("The price {tier} is EUR {now} already: give only the prices that go down.")]
    Unchanged { tier: String, now: Money },
    /// PRICE-4, PRICE-5: an increase needs a notice at least one month before.
    #[error(
        "The price {tier} would go up (now EUR {now}): an increase is not a reduction. Announce it with a price-change notice instead, at least one month before it applies (GTCS 5.1)."
    )]
    Increase { tier: String, now: Money },
}

impl ReductionProblem {
    /// True when the price goes up: the price-change notice is the way (PRICE-4, PRICE-5).
    pub fn needs_notice(&self) -> bool {
        matches!(self, ReductionProblem::Increase { .. })
    }
}

/// PRICE-3 (GTCS 5.1): a general reduction of one Call Plan's prices. Each price given names a
/// tier in force (`current`), once, and goes down; prices are whole cents, never below zero. A
/// reduction needs no notice: it applies at once, to new Orders only (the Call Plans already
/// subscribed keep their prices, see `PriceList::as_subscribed_at`).
pub fn reduced_prices(
    prices: &[TierPrice],
    current: &[TierPrice],
) -> Result<Vec<ChangedTier>, ReductionProblem> {
    if prices.is_empty() {
        return Err(ReductionProblem::NoPrice);
    }
    let mut changed: Vec<ChangedTier> = Vec::with_capacity(prices.len());
    for (k, price) in prices.iter().enumerate() {
        let tier = price.name();
        let Some(now) = current.iter().find(|now| now.same_tier(price)) else {
            return Err(ReductionProblem::NoSuchTier { tier });
        };
        if prices[..k].iter().any(|earlier| earlier.same_tier(price)) {
            return Err(ReductionProblem::TierTwice { tier });
        }
        if price.unit_price.round_to_cent() != price.unit_price {
            return Err(ReductionProblem::NotWholeCents(price.unit_price));
        }
        if price.unit_price < Money::ZERO {
            return Err(ReductionProblem::Negative(price.unit_price));
        }
        if price.unit_price > now.unit_price {
            return Err(ReductionProblem::Increase {
                tier,
                now: now.unit_price,
            });
        }
        if price.unit_price == now.unit_price {
            return Err(ReductionProblem::Unchanged {
                tier,
                now: now.unit_price,
            });
        }
        changed.push(ChangedTier {
            billing: now.billing,
            min_quantity: now.min_quantity,
            old_unit_price: now.unit_price,
            unit_price: price.unit_price,
        });
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn an_index_is_read_as_people_type_it_and_only_when_positive() {
        let value = |raw: &str| PriceIndex::parse(raw).map(PriceIndex::value);
        assert_eq!(value(" 118,20 "), Some(Decimal::new(11820, 2)));
        assert_eq!(value("118.2"), Some(Decimal::new(1182, 1)));
        for refused in ["0", "-3", "", "abc"] {
            assert_eq!(value(refused), None, "{refused}");
        }
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

    fn tier(billing: Billing, min_quantity: u32, cents: i64) -> TierPrice {
        TierPrice {
            billing,
            min_quantity,
            unit_price: Money::from_cents(cents),
        }
    }

    fn index(value: i64) -> Option<PriceIndex> {
        Some(PriceIndex::new(Decimal::from(value)).unwrap())
    }

    fn current() -> [TierPrice; 3] {
        [
            tier(Billing::Monthly, 1, 1_500),
            tier(Billing::Monthly, 10, 1_200),
            tier(Billing::Annual, 1, 15_000),
        ]
    }

    #[test]
    fn price_4_an_indexation_raises_every_tier_by_the_index_to_the_cent() {
        let changed = new_prices(
            Increase::Indexed {
                index_base: index(100),
                index_new: index(103),
                prices: &[],
            },
            &current(),
        )
        .unwrap();
        let after: Vec<_> = changed
            .iter()
            .map(|tier| (tier.old_unit_price, tier.unit_price))
            .collect();
        assert_eq!(
            after,
            [
                (Money::from_cents(1_500), Money::from_cents(1_545)),
                (Money::from_cents(1_200), Money::from_cents(1_236)),
                (Money::from_cents(15_000), Money::from_cents(15_450)),
            ]
        );
    }

    #[test]
    fn price_4_an_indexation_needs_an_index_that_went_up_and_no_prices() {
        let indexed = |base, new, prices: &'static [TierPrice]| {
            new_prices(
                Increase::Indexed {
                    index_base: base,
                    index_new: new,
                    prices,
                },
                &current(),
            )
            .unwrap_err()
        };
        assert_eq!(
            indexed(index(100), None, &[]),
            IncreaseProblem::IndexMissing
        );
        assert_eq!(
            indexed(index(100), index(100), &[]),
            IncreaseProblem::IndexNotUp
        );
        assert_eq!(
            indexed(index(100), index(99), &[]),
            IncreaseProblem::IndexNotUp
        );
        const GIVEN: [TierPrice; 1] = [TierPrice {
            billing: Billing::Monthly,
            min_quantity: 1,
            unit_price: Money::ZERO,
        }];
        let problem = indexed(index(100), index(101), &GIVEN);
        assert_eq!(problem, IncreaseProblem::PricesWithIndexation);
        assert_eq!(problem.field(), "prices");
    }

    #[test]
    fn price_5_an_increase_names_existing_tiers_once_each_going_up() {
        let increase = |prices: &[TierPrice]| {
            new_prices(
                Increase::NonIndexed {
                    index_given: false,
                    prices,
                },
                &current(),
            )
        };
        let changed = increase(&[tier(Billing::Annual, 1, 16_000)]).unwrap();
        assert_eq!(
            changed,
            [ChangedTier {
                billing: Billing::Annual,
                min_quantity: 1,
                old_unit_price: Money::from_cents(15_000),
                unit_price: Money::from_cents(16_000),
            }]
        );
        assert_eq!(increase(&[]), Err(IncreaseProblem::NoPrice));
        assert_eq!(
            increase(&[tier(Billing::Annual, 5, 16_000)])
                .unwrap_err()
                .to_string(),
            "The plan has no price annual from 5 Number(s)."
        );
        assert!(matches!(
            increase(&[
                tier(Billing::Monthly, 1, 1_600),
                tier(Billing::Monthly, 1, 1_700)
            ]),
            Err(IncreaseProblem::TierTwice { .. })
        ));
        // PRICE-3: a lower or equal price is a reduction, which needs no notice.
        let same = increase(&[tier(Billing::Monthly, 10, 1_200)]).unwrap_err();
        assert_eq!(
            same.to_string(),
            "The price monthly from 10 Number(s) does not go up (now EUR 12.00): a reduction needs no notice (GTCS 5.1)."
        );
        let fraction = TierPrice {
            unit_price: Money::new(Decimal::new(16_0001, 4)),
            ..tier(Billing::Monthly, 1, 0)
        };
        assert!(matches!(
            increase(&[fraction]),
            Err(IncreaseProblem::NotWholeCents(_))
        ));
        let with_index = new_prices(
            Increase::NonIndexed {
                index_given: true,
                prices: &[tier(Billing::Monthly, 1, 1_600)],
            },
            &current(),
        );
        assert_eq!(with_index, Err(IncreaseProblem::IndexWithoutIndexation));
    }

    #[test]
    fn price_3_a_reduction_lowers_tiers_in_force_and_refuses_an_increase() {
        let money = |raw: &str| raw.parse::<Money>().unwrap();
        let tier = |billing, min_quantity, price: &str| TierPrice {
            billing,
            min_quantity,
            unit_price: money(price),
        };
        let current = [
            tier(Billing::Monthly, 1, "19.90"),
            tier(Billing::Monthly, 10, "17.90"),
        ];
        let changed = reduced_prices(&[tier(Billing::Monthly, 1, "17.50")], &current).unwrap();
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].old_unit_price, money("19.90"));
        assert_eq!(changed[0].unit_price, money("17.50"));
        let refused = |prices: &[TierPrice]| reduced_prices(prices, &current).unwrap_err();
        assert!(refused(&[tier(Billing::Monthly, 1, "21.90")]).needs_notice());
        assert!(matches!(
            refused(&[tier(Billing::Monthly, 1, "19.90")]),
            ReductionProblem::Unchanged { .. }
        ));
        assert!(matches!(
            refused(&[tier(Billing::Annual, 1, "9.00")]),
            ReductionProblem::NoSuchTier { .. }
        ));
        assert!(matches!(
            refused(&[tier(Billing::Monthly, 1, "9.001")]),
            ReductionProblem::NotWholeCents(_)
        ));
        assert!(matches!(
            refused(&[tier(Billing::Monthly, 1, "-1")]),
            ReductionProblem::Negative(_)
        ));
        assert_eq!(refused(&[]), ReductionProblem::NoPrice);
        assert!(matches!(
            refused(&[
                tier(Billing::Monthly, 1, "15.00"),
                tier(Billing::Monthly, 1, "14.00")
            ]),
            ReductionProblem::TierTwice { .. }
        ));
    }
}
