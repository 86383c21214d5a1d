//! What a User may dial from the app (NUM-5, GTCS 7 and 2).
//!
//! A small table per home plan, checked in order; the first row whose prefix and length match
//! gives the class. Only France is known so far.

use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::error::RuleError;
use crate::field::without_separators;
use crate::phone::E164;

/// The class of a dialled number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DialClass {
    /// Never from the app: the User is told to call from the operator line.
    Emergency,
    National,
    /// Special and short numbers: only with ONOFF Credits where the plan allows them.
    Special,
    /// Only with ONOFF Credits where the plan allows them.
    International,
    Invalid,
}

impl DialClass {
    /// NUM-5: only national numbers are called without Credits.
    pub fn allowed_without_credits(self) -> bool {
        self == DialClass::National
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DialClass::Emergency => "emergency",
            DialClass::National => "national",
            DialClass::Special => "special",
            DialClass::International => "international",
            DialClass::Invalid => "invalid",
        }
    }
}

/// A row: numbers starting with `prefix` whose length (the `+` included) is in `min..=max`.
struct Row {
    class: DialClass,
    prefix: &'static str,
    min: usize,
    max: usize,
}

const fn row(class: DialClass, prefix: &'static str, min: usize, max: usize) -> Row {
    Row {
        class,
        prefix,
        min,
        max,
    }
}

const fn exactly(class: DialClass, number: &'static str) -> Row {
    row(class, number, number.len(), number.len())
}

use DialClass::{Emergency, International, Invalid, National, Special};

/// NUM-5 for a home plan in France, in the order of `RULES.md`.
const FRANCE: &[Row] = &[
    exactly(Emergency, "15"),
    exactly(Emergency, "17"),
    exactly(Emergency, "18"),
    exactly(Emergency, "112"),
    exactly(Emergency, "114"),
    exactly(Emergency, "115"),
    exactly(Emergency, "119"),
    exactly(Emergency, "191"),
    exactly(Emergency, "196"),
    exactly(Emergency, "197"),
    row(Emergency, "116", 6, 6),
    // Ten digits starting 01–07 or 09; +33 or 0033 then nine digits starting 1–7 or 9.
    row(National, "01", 10, 10),
    row(National, "02", 10, 10),
    row(National, "03", 10, 10),
    row(National, "04", 10, 10),
    row(National, "05", 10, 10),
    row(National, "06", 10, 10),
    row(National, "07", 10, 10),
    row(National, "09", 10, 10),
    row(National, "+331", 12, 12),
    row(National, "+332", 12, 12),
    row(National, "+333", 12, 12),
    row(National, "+334", 12, 12),
    row(National, "+335", 12, 12),
    row(National, "+336", 12, 12),
    row(National, "+337", 12, 12),
    row(National, "+339", 12, 12),
    row(National, "00331", 13, 13),
    row(National, "00332", 13, 13),
    row(National, "00333", 13, 13),
    row(National, "00334", 13, 13),
    row(National, "00335", 13, 13),
    row(National, "00336", 13, 13),
    row(National, "00337", 13, 13),
    row(National, "00339", 13, 13),
    // 08 numbers; 3BPQ and 10YT short numbers; 118XYZ directories.
    row(Special, "08", 10, 10),
    row(Special, "+338", 12, 12),
    row(Special, "00338", 13, 13),
    row(Special, "3", 4, 4),
    row(Special, "10", 4, 4),
    row(Special, "118", 6, 6),
    // Anything else with France's country code, or a country code starting with 0, is invalid.
    row(Invalid, "+33", 0, usize::MAX),
    row(Invalid, "0033", 0, usize::MAX),
    row(Invalid, "+0", 0, usize::MAX),
    row(Invalid, "000", 0, usize::MAX),
    // + or 00, then 8 to 15 digits in all.
    row(International, "+", 9, 16),
    row(International, "00", 10, 17),
];

/// NUM-5 (GTCS 7, 2), calculator `dial.classify`: the class of `dialed` for a User whose home
/// plan is `home`. Spaces, dots and dashes are ignored; any other character makes it invalid.
pub fn classify(home: CountryCode, dialed: &str) -> Result<DialClass, RuleError> {
    if home != CountryCode::FRANCE {
        return Err(RuleError::UnsupportedHomePlan { home });
    }
    let number = without_separators(dialed);
    let digits = number.strip_prefix('+').unwrap_or(&number);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Invalid);
    }
    Ok(FRANCE
        .iter()
        .find(|row| number.starts_with(row.prefix) && (row.min..=row.max).contains(&number.len()))
        .map_or(Invalid, |row| row.class))
}

/// The E.164 form of a national or international number dialled from a home plan in France
/// (`06 12 34 56 78` → `+33612345678`, `0044…` → `+44…`); `None` for emergency, special, short
/// and invalid numbers, which have none.
pub fn to_e164(home: CountryCode, dialed: &str) -> Option<E164> {
    match classify(home, dialed).ok()? {
        National | International => {}
        Emergency | Special | Invalid => return None,
    }
    let number = without_separators(dialed);
    let international = if let Some(rest) = number.strip_prefix("00") {
        format!("+{rest}")
    } else if let Some(rest) = number.strip_prefix('0') {
        format!("+33{rest}")
    } else {
        number
    };
    E164::parse(&international).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(dialed: &str) -> DialClass {
        classify(CountryCode::FRANCE, dialed).unwrap()
    }

    #[test]
    fn num_5_emergency_numbers_first() {
        for number in [
            "15", "17", "18", "112", "114", "115", "119", "191", "196", "197", "116 000", "116-111",
        ] {
            assert_eq!(fr(number), Emergency, "{number}");
        }
        assert_eq!(fr("1160"), Invalid);
    }

    #[test]
    fn num_5_national_and_special() {
        assert_eq!(fr("01.23.45.67.89"), National);
        assert_eq!(fr("0033 9 12 34 56 78"), National);
        assert_eq!(fr("+33 8 92 68 02 22"), Special);
        assert_eq!(fr("1014"), Special);
        assert_eq!(fr("118 712"), Special);
        assert_eq!(fr("0012 34"), Invalid);
    }

    #[test]
    fn num_5_malformed_numbers_are_invalid() {
        for number in [
            "",
            "+",
            "+33 6 12 34 56 7",
            "+33 0 6 12 34 56 78",
            "+0 123 456 789",
            "06 12 34 56 7x",
            "(06) 12 34 56 78",
            "06+12345678",
        ] {
            assert_eq!(fr(number), Invalid, "{number}");
        }
        assert_eq!(fr("0044 20 7946 0958"), International);
        assert_eq!(fr("+1 202 555 0100 1234"), International);
        assert_eq!(fr("+1 202 555 0100 1234 5"), Invalid);
        assert_eq!(fr("+44 1234 5"), Invalid);
        assert_eq!(fr("+44 1234 56"), International);
        assert!(classify("BE".parse().unwrap(), "112").is_err());
    }

    #[test]
    fn only_national_numbers_go_without_credits() {
        assert!(National.allowed_without_credits());
        assert!(!International.allowed_without_credits() && !Special.allowed_without_credits());
    }

    #[test]
    fn num_5_numbers_as_e164() {
        let e164 = |dialed| to_e164(CountryCode::FRANCE, dialed).map(|n| n.as_str().to_owned());
        assert_eq!(e164("06 12 34 56 78").as_deref(), Some("+33612345678"));
        assert_eq!(e164("0033 6 12 34 56 78").as_deref(), Some("+33612345678"));
        assert_eq!(e164("+44 20 7946 0958").as_deref(), Some("+442079460958"));
        assert_eq!(e164("0044 20 7946 0958").as_deref(), Some("+442079460958"));
        for none in ["112", "08 92 68 02 22", "3615", "12"] {
            assert_eq!(e164(none), None, "{none}");
        }
    }
}
