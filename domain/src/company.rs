//! The Company Account's identity: legal name and registration number (ACCESS-4).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::field::{Problem, without_separators};

/// A company registration number. In France this is the SIREN: nine digits whose Luhn checksum
/// is valid. Elsewhere, 2 to 20 letters and digits. Spaces, dots and dashes are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationNumber(String);

impl RegistrationNumber {
    /// ACCESS-4 (GTCS 5.2, 6.2.2): the registration number must be accurate.
    pub fn parse(raw: &str, country: CountryCode) -> Result<Self, Problem> {
        let compact = without_separators(raw).to_ascii_uppercase();
        if compact.is_empty() {
            return Err(Problem::Required);
        }
        if country == CountryCode::FRANCE {
            if compact.len() != 9 || !compact.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Problem::Invalid("A SIREN has exactly 9 digits."));
            }
            if !luhn_valid(&compact) {
                return Err(Problem::Invalid(
                    "This is not a valid SIREN: check the digits.",
                ));
            }
        } else if !(2..=20).contains(&compact.len())
            || !compact.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(Problem::Invalid("Use 2 to 20 letters and digits."));
        }
        Ok(RegistrationNumber(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The Luhn checksum over ASCII digits (the SIREN's check digit is the last one).
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(position, byte)| {
            let digit = u32::from(byte - b'0');
            if position % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_sirens_with_separators() {
        // The provider's own SIREN, as printed in the GTCS.
        assert_eq!(
            RegistrationNumber::parse("832 235 253", CountryCode::FRANCE)
                .unwrap()
                .as_str(),
            "832235253"
        );
        assert!(RegistrationNumber::parse("732.829.320", CountryCode::FRANCE).is_ok());
    }

    #[test]
    fn refuses_sirens_with_a_wrong_check_digit_or_length() {
        assert_eq!(
            RegistrationNumber::parse("832235254", CountryCode::FRANCE),
            Err(Problem::Invalid(
                "This is not a valid SIREN: check the digits."
            ))
        );
        assert!(RegistrationNumber::parse("83223525", CountryCode::FRANCE).is_err());
        assert!(RegistrationNumber::parse("83223525A", CountryCode::FRANCE).is_err());
        assert_eq!(
            RegistrationNumber::parse(" ", CountryCode::FRANCE),
            Err(Problem::Required)
        );
    }

    #[test]
    fn other_countries_take_alphanumeric_numbers() {
        let germany = "DE".parse().unwrap();
        assert_eq!(
            RegistrationNumber::parse("hrb 12345", germany)
                .unwrap()
                .as_str(),
            "HRB12345"
        );
        assert!(RegistrationNumber::parse("x", germany).is_err());
    }
}
