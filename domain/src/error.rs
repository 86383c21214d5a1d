//! What can go wrong: rule IDs, errors of the rules ([`RuleError`]) and values that cannot exist
//! ([`ValueError`]).

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::country::CountryCode;
use crate::field::Problem;
use crate::late::Semester;

macro_rules! rule_ids {
    ($($variant:ident => $id:literal,)*) => {
        /// The ID of a rule in `shared/RULES.md`, such as `NOTICE-1`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            /// Every rule, in the order of `RULES.md`.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// The ID as written in `RULES.md`, e.g. `"NOTICE-1"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }
        }
    };
}

rule_ids! {
    Accept1 => "ACCEPT-1", Accept2 => "ACCEPT-2",
    Access1 => "ACCESS-1", Access2 => "ACCESS-2", Access3 => "ACCESS-3", Access4 => "ACCESS-4",
    Num1 => "NUM-1", Num2 => "NUM-2", Num3 => "NUM-3", Num4 => "NUM-4",
    Msg1 => "MSG-1", Num5 => "NUM-5",
    Price1 => "PRICE-1", Price2 => "PRICE-2", Price3 => "PRICE-3", Price4 => "PRICE-4",
    Price5 => "PRICE-5", Price6 => "PRICE-6",
    Renew1 => "RENEW-1", Renew2 => "RENEW-2",
    Notice1 => "NOTICE-1", Notice2 => "NOTICE-2", Notice3 => "NOTICE-3",
    Pay1 => "PAY-1", Pay2 => "PAY-2", Pay3 => "PAY-3",
    Dispute1 => "DISPUTE-1", Dispute2 => "DISPUTE-2", Dispute3 => "DISPUTE-3", Dispute4 => "DISPUTE-4",
    Late1 => "LATE-1", Late2 => "LATE-2", Late3 => "LATE-3", Late4 => "LATE-4",
    Term1 => "TERM-1", Term2 => "TERM-2", Term3 => "TERM-3",
    Susp1 => "SUSP-1", Trial1 => "TRIAL-1", Liab1 => "LIAB-1", Data1 => "DATA-1",
    Promo1 => "PROMO-1", Proof1 => "PROOF-1",
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RuleId {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|id| id.as_str() == raw)
            .ok_or_else(|| format!("“{raw}” is not a rule ID"))
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A rule cannot be applied to its inputs. The message names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("RENEW-1: {on} is before the licence starts on {anchor}.")]
    BeforeAnchor { anchor: NaiveDate, on: NaiveDate },
    #[error("{rule}: the date falls outside the supported calendar.")]
    OutOfCalendar { rule: RuleId },
    #[error("{rule}: the amount is too large to compute.")]
    Overflow { rule: RuleId },
    #[error("{rule}: the amount must not be negative (got {amount}).")]
    NegativeAmount { rule: RuleId, amount: Decimal },
    #[error("LATE-1: no late-penalty rates are recorded for {semester}.")]
    NoPenaltyRates { semester: Semester },
    #[error(
        "NUM-2: a {number_country} number needs a User who resides in {number_country} or has stable links there."
    )]
    NotInTerritory { number_country: CountryCode },
    #[error("NUM-5: dialling rules are only known for a home plan in France (got {home}).")]
    UnsupportedHomePlan { home: CountryCode },
}

impl RuleError {
    /// The rule that could not be applied.
    pub fn rule(&self) -> RuleId {
        match self {
            RuleError::BeforeAnchor { .. } => RuleId::Renew1,
            RuleError::OutOfCalendar { rule }
            | RuleError::Overflow { rule }
            | RuleError::NegativeAmount { rule, .. } => *rule,
            RuleError::NoPenaltyRates { .. } => RuleId::Late1,
            RuleError::NotInTerritory { .. } => RuleId::Num2,
            RuleError::UnsupportedHomePlan { .. } => RuleId::Num5,
        }
    }

    /// A stable, machine-readable code for the wire.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::BeforeAnchor { .. } => "before_anchor",
            RuleError::OutOfCalendar { .. } => "out_of_calendar",
            RuleError::Overflow { .. } => "overflow",
            RuleError::NegativeAmount { .. } => "negative_amount",
            RuleError::NoPenaltyRates { .. } => "no_penalty_rates",
            RuleError::NotInTerritory { .. } => "not_in_territory",
            RuleError::UnsupportedHomePlan { .. } => "unsupported_home_plan",
        }
    }
}

/// A value the console refuses to hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("A licence term is at least one month.")]
    ZeroTerm,
    #[error("A licence term is at most {max} months.")]
    TermTooLong { max: u32 },
    #[error("A percentage cannot be negative (got {0}).")]
    NegativePercent(Decimal),
    #[error("A percentage above {max} is not accepted (got {value}).")]
    PercentTooLarge { value: Decimal, max: Decimal },
    #[error("A price index must be positive (got {0}).")]
    NonPositiveIndex(Decimal),
    #[error("A period cannot end ({last_day}) before it starts ({first_day}).")]
    PeriodReversed {
        first_day: NaiveDate,
        last_day: NaiveDate,
    },
    #[error("“{0}” is not an amount.")]
    NotADecimal(String),
    #[error("Enter the number in international format, starting with + and the country code.")]
    PhoneWithoutPlus,
    #[error("A phone number has only digits after the +.")]
    PhoneNotDigits,
    #[error("A phone number has 8 to 15 digits after the + (got {0}).")]
    PhoneLength(usize),
    #[error("A country code never starts with 0.")]
    PhoneLeadingZero,
}

impl From<ValueError> for Problem {
    /// The message shown next to the field in a form.
    fn from(error: ValueError) -> Self {
        Problem::Invalid(match error {
            ValueError::ZeroTerm => "A licence term is at least one month.",
            ValueError::TermTooLong { .. } => "This licence term is too long.",
            ValueError::NegativePercent(_) => "A percentage cannot be negative.",
            ValueError::PercentTooLarge { .. } => "This percentage is too large.",
            ValueError::NonPositiveIndex(_) => "A price index must be positive.",
            ValueError::PeriodReversed { .. } => "The last day must not be before the first day.",
            ValueError::NotADecimal(_) => "Enter an amount like 12.50.",
            ValueError::PhoneWithoutPlus => {
                "Enter the number in international format, starting with + and the country code."
            }
            ValueError::PhoneNotDigits => "A phone number has only digits after the +.",
            ValueError::PhoneLength(_) => "A phone number has 8 to 15 digits after the +.",
            ValueError::PhoneLeadingZero => "A country code never starts with 0.",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_round_trip_and_are_unique() {
        for id in RuleId::ALL {
            assert_eq!(id.as_str().parse::<RuleId>(), Ok(*id));
        }
        let mut names: Vec<_> = RuleId::ALL.iter().map(|id| id.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RuleId::ALL.len());
    }

    #[test]
    fn errors_name_their_rule() {
        let error = RuleError::NotInTerritory {
            number_country: CountryCode::FRANCE,
        };
        assert_eq!(error.rule(), RuleId::Num2);
        assert!(error.to_string().starts_with("NUM-2:"));
    }
}
