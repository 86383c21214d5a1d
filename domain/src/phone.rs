//! Phone numbers in E.164 form (ACCESS-3: a User's operator mobile number).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ValueError;
use crate::field::without_separators;

/// `+` then 8 to 15 digits, the first not 0, e.g. `+33612345678`. Serialised as that string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct E164(String);

impl E164 {
    /// ACCESS-3 (GTCS 3.3): parses a number as typed; spaces, dots and dashes are ignored.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let compact = without_separators(raw);
        let digits = compact
            .strip_prefix('+')
            .ok_or(ValueError::PhoneWithoutPlus)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError::PhoneNotDigits);
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(ValueError::PhoneLength(digits.len()));
        }
        if digits.starts_with('0') {
            return Err(ValueError::PhoneLeadingZero);
        }
        Ok(E164(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits after the `+`.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }
}

impl FromStr for E164 {
    type Err = ValueError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        E164::parse(raw)
    }
}

impl TryFrom<String> for E164 {
    type Error = ValueError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        E164::parse(&raw)
    }
}

impl From<E164> for String {
    fn from(number: E164) -> Self {
        number.0
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_typed_forms_of_one_number() {
        for raw in [
            "+33612345678",
            "+33 6 12 34 56 78",
            "+33.6.12.34.56.78",
            "+33-612-345-678",
        ] {
            assert_eq!(E164::parse(raw).unwrap().as_str(), "+33612345678", "{raw}");
        }
        assert_eq!(
            E164::parse("+1 202 555 0100").unwrap().digits(),
            "12025550100"
        );
    }

    #[test]
    fn refuses_what_is_not_e164() {
        assert_eq!(E164::parse("0612345678"), Err(ValueError::PhoneWithoutPlus));
        assert_eq!(E164::parse("+33 (0)6 12"), Err(ValueError::PhoneNotDigits));
        assert_eq!(E164::parse("+3361234"), Err(ValueError::PhoneLength(7)));
        assert_eq!(
            E164::parse("+1234567890123456"),
            Err(ValueError::PhoneLength(16))
        );
        assert_eq!(
            E164::parse("+0612345678"),
            Err(ValueError::PhoneLeadingZero)
        );
        assert_eq!(E164::parse("+"), Err(ValueError::PhoneLength(0)));
        assert!(serde_json::from_str::<E164>("\"+33 6\"").is_err());
    }
}
