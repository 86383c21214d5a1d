//! A day as the server writes it (`2026-05-04`), read without chrono's general parser: chrono's
//! own `Deserialize` for `NaiveDate` goes through its format machinery, several kilobytes of
//! every bundle of the app that reads a day (issue 18). Use on a field with
//! `#[serde(deserialize_with = "domain::day::deserialize")]`.

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::{Deserializer, Error, Unexpected};

/// `YYYY-MM-DD`, a day that exists.
pub fn parse(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |value, digit| {
            digit
                .is_ascii_digit()
                .then(|| value * 10 + u32::from(digit - b'0'))
        })
    };
    let year = i32::try_from(number(&bytes[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&bytes[5..7])?, number(&bytes[8..])?)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text)
        .ok_or_else(|| D::Error::invalid_value(Unexpected::Str(&text), &"a day such as 2026-05-04"))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use chrono::NaiveDate;

    #[test]
    fn reads_what_chrono_writes() {
        for day in ["2026-05-04", "2028-02-29", "1999-12-31", "0001-01-01"] {
            let date: NaiveDate = day.parse().unwrap();
            assert_eq!(parse(&date.to_string()), Some(date));
        }
    }

    #[test]
    fn refuses_what_is_not_a_day() {
        for text in [
            "2026-02-30",
            "2026-13-01",
            "2026-5-04",
            "2026/05/04",
            "20260504",
            "",
            "2026-05-0x",
            "+2026-05-04",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
