//! Late payment: penalties and the recovery indemnity (LATE-1, LATE-2; GTCS 5.3).
//!
//! The rates change every semester, so they are data ([`RateTable`]) the back office extends;
//! [`RateTable::seeded`] holds the values known when this was written.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{RuleError, RuleId};
use crate::field::{Errors, FieldError, Problem};
use crate::money::{Money, Percent};

/// LATE-2: the fixed recovery indemnity per late invoice, EUR 40.
pub const RECOVERY_INDEMNITY: Money = Money::from_cents(4000);
/// LATE-1: points added to the ECB main refinancing rate.
pub const ECB_MARGIN_POINTS: Decimal = Decimal::TEN;
/// LATE-1: the floor is this many times the legal interest rate.
pub const LEGAL_RATE_MULTIPLE: Decimal = Decimal::from_parts(3, 0, 0, false, 0);
const DAYS_PER_YEAR: Decimal = Decimal::from_parts(365, 0, 0, false, 0);

/// The two rates LATE-1 starts from, for one semester.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PenaltyRates {
    /// The ECB main refinancing operations rate in force on 1 January or 1 July.
    pub ecb_rate: Percent,
    /// The French legal interest rate for professionals.
    pub legal_rate: Percent,
}

impl PenaltyRates {
    /// LATE-1: `max(ecb_rate + 10, 3 × legal_rate)`, a yearly percentage.
    pub fn annual_rate(&self) -> Percent {
        // Both percentages are at most 1000, so neither side can overflow.
        let ecb = self.ecb_rate.value() + ECB_MARGIN_POINTS;
        let legal = self.legal_rate.value() * LEGAL_RATE_MULTIPLE;
        Percent::new(ecb.max(legal)).unwrap_or(self.ecb_rate)
    }
}

/// Penalties owed on one late invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatePenalty {
    pub days_late: u32,
    /// The yearly rate applied, given even when nothing is late.
    pub rate: Percent,
    pub penalty: Money,
    pub indemnity: Money,
}

/// LATE-1 and LATE-2 (GTCS 5.3), calculator `late.penalty`: `amount_ttc × rate / 100 ×
/// days_late / 365`, rounded to the cent, where `days_late = max(0, as_of − due_date)`; plus
/// EUR 40 when anything is late. One rate covers the whole delay: pass the rates of the semester
/// containing the day after the due date ([`RateTable::for_due_date`]).
pub fn late_penalty(
    amount_ttc: Money,
    due_date: NaiveDate,
    as_of: NaiveDate,
    rates: &PenaltyRates,
) -> Result<LatePenalty, RuleError> {
    if amount_ttc.is_negative() {
        return Err(RuleError::NegativeAmount {
            rule: RuleId::Late1,
            amount: amount_ttc.amount(),
        });
    }
    let overflow = RuleError::Overflow {
        rule: RuleId::Late1,
    };
    let days_late =
        u32::try_from((as_of - due_date).num_days().max(0)).map_err(|_| overflow.clone())?;
    let rate = rates.annual_rate();
    let penalty = amount_ttc
        .amount()
        .checked_mul(rate.value())
        .and_then(|owed| owed.checked_mul(Decimal::from(days_late)))
        .and_then(|owed| owed.checked_div(Decimal::ONE_HUNDRED * DAYS_PER_YEAR))
        .map(|owed| Money::new(owed).round_to_cent())
        .ok_or(overflow)?;
    let indemnity = if days_late > 0 {
        RECOVERY_INDEMNITY
    } else {
        Money::ZERO
    };
    Ok(LatePenalty {
        days_late,
        rate,
        penalty,
        indemnity,
    })
}

/// First or second half of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Half {
    S1,
    S2,
}

/// A semester: January–June or July–December of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Semester {
    pub year: i32,
    pub half: Half,
}

impl Semester {
    pub fn containing(day: NaiveDate) -> Self {
        let half = if day.month() <= 6 { Half::S1 } else { Half::S2 };
        Semester {
            year: day.year(),
            half,
        }
    }
}

impl fmt::Display for Semester {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let half = match self.half {
            Half::S1 => "S1",
            Half::S2 => "S2",
        };
        write!(f, "{} {half}", self.year)
    }
}

impl Semester {
    /// The semester's code, as the back office types it: "2026-S2".
    pub fn code(&self) -> String {
        let half = match self.half {
            Half::S1 => "S1",
            Half::S2 => "S2",
        };
        format!("{}-{half}", self.year)
    }
}

/// LATE-1: a semester code `YYYY-S1` (January–June) or `YYYY-S2` (July–December), the year
/// from 2000 to 9999.
impl std::str::FromStr for Semester {
    type Err = Problem;

    fn from_str(raw: &str) -> Result<Self, Problem> {
        const SHAPE: Problem = Problem::Invalid(
            "Write the semester as its year and half, e.g. 2026-S1 (January to June) or 2026-S2 (July to December).",
        );
        let (year, half) = raw.trim().split_once('-').ok_or(SHAPE)?;
        let year: i32 = match year.len() == 4 && year.bytes().all(|byte| byte.is_ascii_digit()) {
            true => year.parse().map_err(|_| SHAPE)?,
            false => return Err(SHAPE),
        };
        if year < 2000 {
            return Err(Problem::Invalid(
                "Rates are recorded for semesters from 2000 on.",
            ));
        }
        let half = match half.to_ascii_uppercase().as_str() {
            "S1" => Half::S1,
            "S2" => Half::S2,
            _ => return Err(SHAPE),
        };
        Ok(Semester { year, half })
    }
}

/// LATE-1: the back office's form recording one semester's rates, all as typed
/// (`{"semester": "2026-S2", "ecb_rate": "2.15", "legal_rate": "2.62"}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RateForm {
    pub semester: String,
    pub ecb_rate: String,
    pub legal_rate: String,
}

fn rate_percent(raw: &str) -> Result<Percent, Problem> {
    if raw.trim().is_empty() {
        return Err(Problem::Required);
    }
    raw.parse::<Percent>().map_err(|_| {
        Problem::Invalid("Give a percentage from 0 to 1000 written with a dot, e.g. 2.15.")
    })
}

/// LATE-1: checks a [`RateForm`]: a well-formed semester and two non-negative percentages.
/// Every field's problem is reported.
pub fn validate_rate_form(form: &RateForm) -> Result<RateEntry, Vec<FieldError>> {
    let mut errors = Errors::default();
    let semester = errors.check("semester", form.semester.parse::<Semester>());
    let ecb_rate = errors.check("ecb_rate", rate_percent(&form.ecb_rate));
    let legal_rate = errors.check("legal_rate", rate_percent(&form.legal_rate));
    errors.into_result(|| {
        Some(RateEntry {
            semester: semester?,
            rates: PenaltyRates {
                ecb_rate: ecb_rate?,
                legal_rate: legal_rate?,
            },
        })
    })
}

/// One row of the rate table, as stored and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateEntry {
    pub semester: Semester,
    #[serde(flatten)]
    pub rates: PenaltyRates,
}

/// LATE-1: the rates of each semester, extended by the back office every January and July.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<RateEntry>", into = "Vec<RateEntry>")]
pub struct RateTable(BTreeMap<Semester, PenaltyRates>);

impl RateTable {
    /// The rates known when this was written (ECB decisions; French arrêtés of June and
    /// December): 2025 S1 3.15 / 3.71; 2025 S2 2.15 / 2.76; 2026 S1 2.15 / 2.62.
    pub fn seeded() -> Self {
        let rates = |ecb: i64, legal: i64| PenaltyRates {
            ecb_rate: Percent::new(Decimal::new(ecb, 2)).expect("seed rate"),
            legal_rate: Percent::new(Decimal::new(legal, 2)).expect("seed rate"),
        };
        let mut table = RateTable::default();
        table.insert(
            Semester {
                year: 2025,
                half: Half::S1,
            },
            rates(315, 371),
        );
        table.insert(
            Semester {
                year: 2025,
                half: Half::S2,
            },
            rates(215, 276),
        );
        table.insert(
            Semester {
                year: 2026,
                half: Half::S1,
            },
            rates(215, 262),
        );
        table
    }

    /// Records (or corrects) the rates of a semester.
    pub fn insert(&mut self, semester: Semester, rates: PenaltyRates) {
        self.0.insert(semester, rates);
    }

    pub fn get(&self, semester: Semester) -> Option<&PenaltyRates> {
        self.0.get(&semester)
    }

    /// LATE-1: the rates for an invoice due on `due_date`: those of the semester containing the
    /// day after the due date (the first day late).
    pub fn for_due_date(&self, due_date: NaiveDate) -> Result<PenaltyRates, RuleError> {
        let first_day_late = due_date.succ_opt().ok_or(RuleError::OutOfCalendar {
            rule: RuleId::Late1,
        })?;
        let semester = Semester::containing(first_day_late);
        self.get(semester)
            .copied()
            .ok_or(RuleError::NoPenaltyRates { semester })
    }

    pub fn entries(&self) -> impl Iterator<Item = RateEntry> + '_ {
        self.0.iter().map(|(semester, rates)| RateEntry {
            semester: *semester,
            rates: *rates,
        })
    }
}

impl From<Vec<RateEntry>> for RateTable {
    fn from(entries: Vec<RateEntry>) -> Self {
        RateTable(
            entries
                .into_iter()
                .map(|entry| (entry.semester, entry.rates))
                .collect(),
        )
    }
}

impl From<RateTable> for Vec<RateEntry> {
    fn from(table: RateTable) -> Self {
        table.entries().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn late_1_rate_of_the_semester_containing_the_first_day_late() {
        let table = RateTable::seeded();
        // Due 30 June 2025: the first day late is 1 July, so 2025 S2.
        assert_eq!(
            table
                .for_due_date(date("2025-06-30"))
                .unwrap()
                .legal_rate
                .to_string(),
            "2.76"
        );
        assert_eq!(
            table
                .for_due_date(date("2025-06-29"))
                .unwrap()
                .legal_rate
                .to_string(),
            "3.71"
        );
        // 2026 S1: max(2.15 + 10, 3 × 2.62 = 7.86) = 12.15.
        assert_eq!(
            table
                .for_due_date(date("2026-03-01"))
                .unwrap()
                .annual_rate()
                .to_string(),
            "12.15"
        );
        let missing = table.for_due_date(date("2026-06-30")).unwrap_err();
        assert_eq!(missing.rule(), RuleId::Late1);
        assert!(missing.to_string().contains("2026 S2"));
    }

    #[test]
    fn late_2_indemnity_only_when_late() {
        let rates = RateTable::seeded()
            .for_due_date(date("2026-05-10"))
            .unwrap();
        let amount = Money::from_cents(1000);
        let on_time = late_penalty(amount, date("2026-05-10"), date("2026-05-09"), &rates).unwrap();
        assert_eq!((on_time.days_late, on_time.indemnity), (0, Money::ZERO));
        let late = late_penalty(amount, date("2026-05-10"), date("2026-05-11"), &rates).unwrap();
        assert_eq!(late.indemnity, RECOVERY_INDEMNITY);
    }

    #[test]
    fn rate_table_round_trips_through_json() {
        let table = RateTable::seeded();
        let json = serde_json::to_string(&table).unwrap();
        assert!(
            json.contains(r#""semester":{"year":2025,"half":"s1"},"ecb_rate":"3.15""#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<RateTable>(&json).unwrap(), table);
    }

    #[test]
    fn late_1_rate_form_reads_the_semester_and_two_percentages() {
        let form = |semester: &str, ecb: &str, legal: &str| RateForm {
            semester: semester.into(),
            ecb_rate: ecb.into(),
            legal_rate: legal.into(),
        };
        let entry = validate_rate_form(&form(" 2026-s2 ", "2.15", "2.62")).unwrap();
        assert_eq!(
            entry.semester,
            Semester {
                year: 2026,
                half: Half::S2
            }
        );
        assert_eq!(entry.semester.code(), "2026-S2");
        assert_eq!(entry.rates.annual_rate().to_string(), "12.15");
        assert_eq!(entry.rates.ecb_rate.to_string(), "2.15");

        for bad in [
            "2026", "2026-S3", "26-S1", "2026-S", "S2-2026", "1999-S1", "",
        ] {
            let errors = validate_rate_form(&form(bad, "1", "1")).unwrap_err();
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].field, "semester", "{bad}");
        }
        let errors = validate_rate_form(&form("2026-S2", "-0.5", "")).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|error| error.field).collect();
        assert_eq!(fields, ["ecb_rate", "legal_rate"]);
        assert_eq!(errors[1].problem, Problem::Required);
        let errors = validate_rate_form(&form("2026-S2", "2,15", "1001")).unwrap_err();
        assert_eq!(errors.len(), 2);
        // Zero is a rate (the ECB's was, for years).
        assert!(validate_rate_form(&form("2026-S2", "0", "0.04")).is_ok());
    }
}
