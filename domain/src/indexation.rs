//! The consumer price index series (PRICE-4; GTCS 5.1): INSEE's index for all households, one
//! value per month, entered by the provider month after month, and what an indexation computed
//! from two of its months gives (calculator `indexation.apply`, in [`crate::price_change`]).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::price_change::PriceIndex;

/// A calendar month, `YYYY-MM` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (1000..=9999).contains(&year))
            .then_some(Month { year, month })
    }

    /// The month `day` falls in.
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    pub fn next(self) -> Month {
        match self.month {
            12 => Month {
                year: self.year + 1,
                month: 1,
            },
            month => Month {
                year: self.year,
                month: month + 1,
            },
        }
    }

    pub fn previous(self) -> Month {
        match self.month {
            1 => Month {
                year: self.year - 1,
                month: 12,
            },
            month => Month {
                year: self.year,
                month: month - 1,
            },
        }
    }

    /// The same month a year earlier: the base of a yearly indexation (PRICE-4).
    pub fn year_before(self) -> Month {
        Month {
            year: self.year - 1,
            month: self.month,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = IndexEntryProblem;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        let (year, month) = raw.split_once('-').ok_or(IndexEntryProblem::MonthFormat)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(IndexEntryProblem::MonthFormat);
        }
        let year = year.parse().map_err(|_| IndexEntryProblem::MonthFormat)?;
        let month = month.parse().map_err(|_| IndexEntryProblem::MonthFormat)?;
        Month::new(year, month).ok_or(IndexEntryProblem::MonthFormat)
    }
}

impl TryFrom<String> for Month {
    type Error = IndexEntryProblem;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        raw.parse()
    }
}

impl From<Month> for String {
    fn from(month: Month) -> Self {
        month.to_string()
    }
}

/// A month's index as typed in the back office: `"2026-03"` and `"119.27"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexForm {
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub value: String,
}

/// A month of the series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub month: Month,
    pub value: PriceIndex,
}

/// The most decimals INSEE's index is published with, and more than enough.
pub const MAX_INDEX_DECIMALS: u32 = 3;

/// Why a month's index is refused; [`IndexEntryProblem::field`] names the form field, and
/// [`IndexEntryProblem::is_conflict`] tells a problem of the series from one of the form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexEntryProblem {
    #[error("Give the month as YYYY-MM, e.g. 2026-03.")]
    MonthFormat,
    #[error("The index of {month} is published once the month is over: enter it from {from} on.")]
    MonthNotOver { month: Month, from: NaiveDate },
    #[error("Give the index as a positive number with at most 3 decimals, e.g. 119.27.")]
    Value,
    #[error("The index of {0} is entered already: a published index is not changed.")]
    AlreadyEntered(Month),
    #[error("The series starts in {first}: months before it are not entered.")]
    BeforeSeries { first: Month },
    #[error("The series has no gaps: enter {expected} first.")]
    Gap { expected: Month },
}

impl IndexEntryProblem {
    pub fn field(&self) -> &'static str {
        match self {
            IndexEntryProblem::Value => "value",
            _ => "month",
        }
    }

    /// True when the form is fine but the series refuses it (409 rather than 422).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            IndexEntryProblem::AlreadyEntered(_)
                | IndexEntryProblem::BeforeSeries { .. }
                | IndexEntryProblem::Gap { .. }
        )
    }
}

/// PRICE-4: a month's index, entered on `today` into a series whose first and last months are
/// `series` (none yet: any month over may start it). Each month once, in order, without gaps,
/// and only once it is over; the value positive, with at most [`MAX_INDEX_DECIMALS`] decimals.
pub fn validate_index_entry(
    form: &IndexForm,
    series: Option<(Month, Month)>,
    today: NaiveDate,
) -> Result<IndexEntry, IndexEntryProblem> {
    let month: Month = form.month.parse()?;
    if month >= Month::of(today) {
        let next = month.next();
        return Err(IndexEntryProblem::MonthNotOver {
            month,
            from: NaiveDate::from_ymd_opt(next.year, next.month, 1)
                .ok_or(IndexEntryProblem::MonthFormat)?,
        });
    }
    let value: Decimal = form
        .value
        .trim()
        .replace(',', ".")
        .parse()
        .map_err(|_| IndexEntryProblem::Value)?;
    if value.scale() > MAX_INDEX_DECIMALS || value > Decimal::from(100_000) {
        return Err(IndexEntryProblem::Value);
    }
    let value = PriceIndex::new(value.normalize()).map_err(|_| IndexEntryProblem::Value)?;
    if let Some((first, last)) = series {
        if month < first {
            return Err(IndexEntryProblem::BeforeSeries { first });
        }
        if month <= last {
            return Err(IndexEntryProblem::AlreadyEntered(month));
        }
        if month != last.next() {
            return Err(IndexEntryProblem::Gap {
                expected: last.next(),
            });
        }
    }
    Ok(IndexEntry { month, value })
}

/// PRICE-4: the index pair of an indexation from `base` to `new`, read from the series.
pub fn index_pair(
    series: &[IndexEntry],
    base: Month,
    new: Month,
) -> Option<(PriceIndex, PriceIndex)> {
    let value = |month: Month| {
        series
            .iter()
            .find(|entry| entry.month == month)
            .map(|entry| entry.value)
    };
    Some((value(base)?, value(new)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(month: &str, value: &str) -> IndexForm {
        IndexForm {
            month: month.into(),
            value: value.into(),
        }
    }

    fn month(raw: &str) -> Month {
        raw.parse().unwrap()
    }

    #[test]
    fn price_4_the_series_takes_each_month_once_in_order_once_it_is_over() {
        let today: NaiveDate = "2026-04-15".parse().unwrap();
        let series = Some((month("2025-12"), month("2026-02")));
        let entry = validate_index_entry(&form("2026-03", "119,27"), series, today).unwrap();
        assert_eq!(entry.month, month("2026-03"));
        assert_eq!(entry.value.to_string(), "119.27");
        let refused = |month: &str, value: &str| {
            validate_index_entry(&form(month, value), series, today).unwrap_err()
        };
        assert_eq!(
            refused("2026-04", "120"),
            IndexEntryProblem::MonthNotOver {
                month: month("2026-04"),
                from: "2026-05-01".parse().unwrap()
            }
        );
        assert_eq!(
            refused("2026-02", "120"),
            IndexEntryProblem::AlreadyEntered(month("2026-02"))
        );
        assert_eq!(
            refused("2025-11", "120"),
            IndexEntryProblem::BeforeSeries {
                first: month("2025-12")
            }
        );
        assert!(refused("2026-01", "120").is_conflict());
        let gap = Some((month("2025-12"), month("2026-01")));
        assert_eq!(
            validate_index_entry(&form("2026-03", "120"), gap, today).unwrap_err(),
            IndexEntryProblem::Gap {
                expected: month("2026-02")
            }
        );
        for value in ["0", "-3", "abc", "119.2745", ""] {
            assert_eq!(
                refused("2026-03", value),
                IndexEntryProblem::Value,
                "{value}"
            );
        }
        for raw in ["2026-3", "2026-13", "26-03", "March"] {
            assert_eq!(refused(raw, "120"), IndexEntryProblem::MonthFormat, "{raw}");
        }
        // An empty series starts with any month over.
        assert!(validate_index_entry(&form("2019-01", "103.1"), None, today).is_ok());
    }

    #[test]
    fn months_follow_each_other_across_years() {
        assert_eq!(month("2026-12").next(), month("2027-01"));
        assert_eq!(month("2027-01").previous(), month("2026-12"));
        assert_eq!(month("2027-03").year_before(), month("2026-03"));
        assert_eq!(month("2026-03").to_string(), "2026-03");
    }
}
