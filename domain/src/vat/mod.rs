//! VAT: the EU VAT number's format and check digits (ACCESS-4, `check_digits`) and the rate an
//! Order is invoiced at (PRICE-1).

mod check_digits;

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::company::RegistrationNumber;
use crate::country::CountryCode;
use crate::field::{Problem, without_separators};
use crate::money::Percent;

/// The French standard VAT rate, 20 %.
pub fn french_standard_rate() -> Percent {
    Percent::new(Decimal::from(20)).expect("20 is a valid percentage")
}

/// PRICE-1 (GTCS 5.1; issue 4 point 5): the VAT rate of an Order, from the Company's billing
/// country and whether it has a valid EU VAT number on file. Prices exclude VAT.
///
/// - billing country France: 20 % (French VAT);
/// - another EU member state with a valid VAT number: 0 % (intra-EU reverse charge: the customer
///   self-assesses VAT);
/// - another EU member state without a valid VAT number: 20 % (treated as a non-business
///   customer, French VAT applies);
/// - outside the EU: 0 % (out of scope of French VAT).
pub fn vat_rate_for(country: CountryCode, has_valid_vat_number: bool) -> Percent {
    if country == CountryCode::FRANCE {
        french_standard_rate()
    } else if country.is_eu() {
        if has_valid_vat_number {
            Percent::ZERO
        } else {
            french_standard_rate()
        }
    } else {
        Percent::ZERO
    }
}

/// Issue 19: where a foreign EU VAT number stands with VIES (the European Commission's VAT
/// Information Exchange System), from its latest answer. Only a confirmed number gives the
/// reverse charge of [`vat_rate_for`]; until then French VAT applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViesStatus {
    /// VIES answered that the number is valid for intra-EU trade.
    Confirmed,
    /// VIES answered that it is not.
    NotRegistered,
    /// No answer yet: not asked yet, or VIES did not answer (timeout, service or member state
    /// unavailable).
    Pending,
}

impl ViesStatus {
    /// Whether invoices may carry the reverse charge.
    pub fn confirmed(self) -> bool {
        self == ViesStatus::Confirmed
    }

    /// What it means for the Company's invoices, in a sentence for the Manager.
    pub fn explanation(self) -> &'static str {
        match self {
            ViesStatus::Confirmed => {
                "Confirmed by VIES: invoices carry the reverse charge (no French VAT), with the VIES consultation number; VIES is asked again before each invoice."
            }
            ViesStatus::NotRegistered => {
                "VIES says this number is not valid for intra-EU trade: invoices carry French VAT (20 %). Check the number with your tax office, then save it again."
            }
            ViesStatus::Pending => {
                "Pending: VIES has not confirmed this number yet, so invoices carry French VAT (20 %) until it does. Save the details again to retry."
            }
        }
    }
}

/// A well-formed EU VAT number, stored compact and upper-case with its prefix, e.g.
/// `FR44732829320`. Its format and check digits are checked here; its registration is VIES's
/// answer, which the server asks for (`server/src/vies.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VatNumber(String);

/// How one member state writes its VAT numbers after the prefix. Each pattern is one character
/// class per position: `9` a digit, `A` a letter, `X` a letter or a digit; anything else is that
/// character itself.
struct VatFormat {
    country: &'static str,
    prefix: &'static str,
    patterns: &'static [&'static str],
    /// Shown when a number does not fit: what it should look like.
    description: &'static str,
    /// Whether the check digits of a number of this format match (`check_digits`).
    check: fn(&str) -> bool,
    /// Shown when they do not.
    wrong_check: &'static str,
}

/// The VAT number formats of the 27 member states (as published for VIES).
const FORMATS: [VatFormat; 27] = [
    VatFormat {
        country: "AT",
        prefix: "AT",
        patterns: &["U99999999"],
        description: "An Austrian VAT number is ATU followed by 8 digits.",
        check: check_digits::austria,
        wrong_check: "This Austrian VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "BE",
        prefix: "BE",
        patterns: &["0999999999", "1999999999"],
        description: "A Belgian VAT number is BE followed by 10 digits, the first 0 or 1.",
        check: check_digits::belgium,
        wrong_check: "This Belgian VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "BG",
        prefix: "BG",
        patterns: &["999999999", "9999999999"],
        description: "A Bulgarian VAT number is BG followed by 9 or 10 digits.",
        check: check_digits::bulgaria,
        wrong_check: "This Bulgarian VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "CY",
        prefix: "CY",
        patterns: &["99999999A"],
        description: "A Cypriot VAT number is CY followed by 8 digits and a letter.",
        check: check_digits::cyprus,
        wrong_check: "This Cypriot VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "CZ",
        prefix: "CZ",
        patterns: &["99999999", "999999999", "9999999999"],
        description: "A Czech VAT number is CZ followed by 8, 9 or 10 digits.",
        check: check_digits::czechia,
        wrong_check: "This Czech VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "DE",
        prefix: "DE",
        patterns: &["999999999"],
        description: "A German VAT number is DE followed by 9 digits.",
        check: check_digits::germany,
        wrong_check: "This German VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "DK",
        prefix: "DK",
        patterns: &["99999999"],
        description: "A Danish VAT number is DK followed by 8 digits.",
        check: check_digits::denmark,
        wrong_check: "This Danish VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "EE",
        prefix: "EE",
        patterns: &["999999999"],
        description: "An Estonian VAT number is EE followed by 9 digits.",
        check: check_digits::estonia,
        wrong_check: "This Estonian VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "ES",
        prefix: "ES",
        patterns: &["A9999999X", "99999999A"],
        description: "A Spanish VAT number is ES followed by 9 characters: a letter and 7 digits then a letter or digit, or 8 digits and a letter.",
        check: check_digits::spain,
        wrong_check: "This Spanish VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "FI",
        prefix: "FI",
        patterns: &["99999999"],
        description: "A Finnish VAT number is FI followed by 8 digits.",
        check: check_digits::finland,
        wrong_check: "This Finnish VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "FR",
        prefix: "FR",
        patterns: &["XX999999999"],
        description: "A French VAT number is FR followed by a 2-character key and the 9-digit SIREN.",
        check: check_digits::france_key,
        wrong_check: "This French VAT number's key does not match its SIREN: check the two characters after FR.",
    },
    VatFormat {
        country: "GR",
        prefix: "EL",
        patterns: &["999999999"],
        description: "A Greek VAT number is EL followed by 9 digits.",
        check: check_digits::greece,
        wrong_check: "This Greek VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "HR",
        prefix: "HR",
        patterns: &["99999999999"],
        description: "A Croatian VAT number is HR followed by 11 digits.",
        check: check_digits::croatia,
        wrong_check: "This Croatian VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "HU",
        prefix: "HU",
        patterns: &["99999999"],
        description: "A Hungarian VAT number is HU followed by 8 digits.",
        check: check_digits::hungary,
        wrong_check: "This Hungarian VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "IE",
        prefix: "IE",
        patterns: &["9999999A", "9999999AA", "9X99999A"],
        description: "An Irish VAT number is IE followed by 7 digits and 1 or 2 letters.",
        check: check_digits::ireland,
        wrong_check: "This Irish VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "IT",
        prefix: "IT",
        patterns: &["99999999999"],
        description: "An Italian VAT number is IT followed by 11 digits.",
        check: check_digits::italy,
        wrong_check: "This Italian VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "LT",
        prefix: "LT",
        patterns: &["999999999", "999999999999"],
        description: "A Lithuanian VAT number is LT followed by 9 or 12 digits.",
        check: check_digits::lithuania,
        wrong_check: "This Lithuanian VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "LU",
        prefix: "LU",
        patterns: &["99999999"],
        description: "A Luxembourg VAT number is LU followed by 8 digits.",
        check: check_digits::luxembourg,
        wrong_check: "This Luxembourg VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "LV",
        prefix: "LV",
        patterns: &["99999999999"],
        description: "A Latvian VAT number is LV followed by 11 digits.",
        check: check_digits::latvia,
        wrong_check: "This Latvian VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "MT",
        prefix: "MT",
        patterns: &["99999999"],
        description: "A Maltese VAT number is MT followed by 8 digits.",
        check: check_digits::malta,
        wrong_check: "This Maltese VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "NL",
        prefix: "NL",
        patterns: &["999999999B99"],
        description: "A Dutch VAT number is NL followed by 9 digits, B and 2 digits.",
        check: check_digits::netherlands,
        wrong_check: "This Dutch VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "PL",
        prefix: "PL",
        patterns: &["9999999999"],
        description: "A Polish VAT number is PL followed by 10 digits.",
        check: check_digits::poland,
        wrong_check: "This Polish VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "PT",
        prefix: "PT",
        patterns: &["999999999"],
        description: "A Portuguese VAT number is PT followed by 9 digits.",
        check: check_digits::portugal,
        wrong_check: "This Portuguese VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "RO",
        prefix: "RO",
        patterns: &[
            "99",
            "999",
            "9999",
            "99999",
            "999999",
            "9999999",
            "99999999",
            "999999999",
            "9999999999",
        ],
        description: "A Romanian VAT number is RO followed by 2 to 10 digits.",
        check: check_digits::romania,
        wrong_check: "This Romanian VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "SE",
        prefix: "SE",
        patterns: &["999999999901"],
        description: "A Swedish VAT number is SE followed by 12 digits ending in 01.",
        check: check_digits::sweden,
        wrong_check: "This Swedish VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "SI",
        prefix: "SI",
        patterns: &["99999999"],
        description: "A Slovenian VAT number is SI followed by 8 digits.",
        check: check_digits::slovenia,
        wrong_check: "This Slovenian VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
    VatFormat {
        country: "SK",
        prefix: "SK",
        patterns: &["9999999999"],
        description: "A Slovak VAT number is SK followed by 10 digits.",
        check: check_digits::slovakia,
        wrong_check: "This Slovak VAT number's check digit does not match its other digits: look for a mistyped or swapped digit.",
    },
];

fn format_of(country: CountryCode) -> Option<&'static VatFormat> {
    FORMATS
        .iter()
        .find(|format| format.country == country.as_str())
}

/// The prefix VAT numbers of `country` start with (`EL` for Greece), if it is an EU member state.
pub fn vat_prefix(country: CountryCode) -> Option<&'static str> {
    format_of(country).map(|format| format.prefix)
}

fn fits(body: &str, pattern: &str) -> bool {
    body.len() == pattern.len()
        && body
            .bytes()
            .zip(pattern.bytes())
            .all(|(c, class)| match class {
                b'9' => c.is_ascii_digit(),
                b'A' => c.is_ascii_uppercase(),
                b'X' => c.is_ascii_digit() || c.is_ascii_uppercase(),
                literal => c == literal,
            })
}

impl VatNumber {
    /// ACCESS-4 (GTCS 5.2, 6.2.2; issue 19): the VAT number of a company billed in
    /// `billing_country` (an EU member state) must have that state's prefix, format and check
    /// digits, as its tax administration checks them (`check_digits`). Spaces, dots and dashes
    /// are ignored. A French number's SIREN must itself be valid, and its key match it.
    pub fn parse(raw: &str, billing_country: CountryCode) -> Result<Self, Problem> {
        let compact = without_separators(raw).to_ascii_uppercase();
        if compact.is_empty() {
            return Err(Problem::Required);
        }
        let Some(format) = format_of(billing_country) else {
            return Err(Problem::Invalid(
                "Only companies billed in the European Union have an EU VAT number: leave this empty.",
            ));
        };
        let Some(body) = compact.strip_prefix(format.prefix) else {
            return Err(Problem::Invalid(format.description));
        };
        if !format.patterns.iter().any(|pattern| fits(body, pattern)) {
            return Err(Problem::Invalid(format.description));
        }
        if billing_country == CountryCode::FRANCE {
            check_french_siren(body)?;
        }
        if !(format.check)(body) {
            return Err(Problem::Invalid(format.wrong_check));
        }
        Ok(VatNumber(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SIREN inside a French VAT number (its last 9 digits).
    pub fn french_siren(&self) -> Option<&str> {
        self.0.strip_prefix("FR").map(|body| &body[2..])
    }
}

/// The French SIREN inside the number (its last 9 digits) must be valid, and the key (the two
/// characters before it) never uses I or O.
fn check_french_siren(body: &str) -> Result<(), Problem> {
    let (key, siren) = body.split_at(2);
    if RegistrationNumber::parse(siren, CountryCode::FRANCE).is_err() {
        return Err(Problem::Invalid(
            "The last 9 digits of a French VAT number are the SIREN, and these are not a valid SIREN.",
        ));
    }
    if key.contains(['I', 'O']) {
        return Err(Problem::Invalid(
            "The key of a French VAT number never uses the letters I or O.",
        ));
    }
    Ok(())
}

impl fmt::Display for VatNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> CountryCode {
        code.parse().unwrap()
    }

    fn invalid(raw: &str, code: &str) -> Problem {
        VatNumber::parse(raw, country(code)).expect_err(raw)
    }

    #[test]
    fn france_pays_twenty_percent_with_or_without_a_vat_number() {
        assert_eq!(
            vat_rate_for(CountryCode::FRANCE, true).value(),
            Decimal::from(20)
        );
        assert_eq!(
            vat_rate_for(CountryCode::FRANCE, false).value(),
            Decimal::from(20)
        );
    }

    #[test]
    fn other_eu_companies_reverse_charge_only_with_a_valid_vat_number() {
        assert_eq!(vat_rate_for(country("DE"), true), Percent::ZERO);
        assert_eq!(
            vat_rate_for(country("DE"), false).value(),
            Decimal::from(20)
        );
        assert_eq!(vat_rate_for(country("GR"), true), Percent::ZERO);
    }

    #[test]
    fn only_a_number_vies_confirmed_gives_the_reverse_charge() {
        assert!(ViesStatus::Confirmed.confirmed());
        assert!(!ViesStatus::Pending.confirmed());
        assert!(!ViesStatus::NotRegistered.confirmed());
        assert!(ViesStatus::Pending.explanation().contains("French VAT"));
    }

    #[test]
    fn companies_outside_the_eu_are_out_of_scope() {
        assert_eq!(vat_rate_for(country("CH"), false), Percent::ZERO);
        assert_eq!(vat_rate_for(country("GB"), true), Percent::ZERO);
        assert_eq!(vat_rate_for(country("US"), false), Percent::ZERO);
    }

    #[test]
    fn every_member_state_has_a_format_and_no_other_country_does() {
        for (code, _) in CountryCode::all() {
            assert_eq!(vat_prefix(code).is_some(), code.is_eu(), "{code}");
        }
        assert_eq!(vat_prefix(country("GR")), Some("EL"));
    }

    #[test]
    fn french_numbers_need_the_key_of_their_siren() {
        // SIREN 732 829 320: key (12 + 3 × (732829320 mod 97)) mod 97 = 44.
        assert_eq!(
            VatNumber::parse("fr 44 732 829 320", CountryCode::FRANCE)
                .unwrap()
                .as_str(),
            "FR44732829320"
        );
        assert_eq!(
            VatNumber::parse("FR44732829320", CountryCode::FRANCE)
                .unwrap()
                .french_siren(),
            Some("732829320")
        );
        assert_eq!(
            invalid("FR45732829320", "FR"),
            Problem::Invalid(
                "This French VAT number's key does not match its SIREN: check the two characters after FR."
            )
        );
        // Letter keys are checked too (stdnum.fr.tva's new-style keys).
        assert!(VatNumber::parse("FRA6732829320", CountryCode::FRANCE).is_ok());
        assert_eq!(
            invalid("FRA1732829320", "FR"),
            Problem::Invalid(
                "This French VAT number's key does not match its SIREN: check the two characters after FR."
            )
        );
        assert!(VatNumber::parse("FRO1732829320", CountryCode::FRANCE).is_err());
        // A wrong SIREN (Luhn) or a wrong length.
        assert!(VatNumber::parse("FR44732829321", CountryCode::FRANCE).is_err());
        assert!(VatNumber::parse("FR4473282932", CountryCode::FRANCE).is_err());
    }

    #[test]
    fn other_member_states_follow_their_pattern() {
        for (raw, code) in [
            ("DE136695976", "DE"),
            ("ATU13585627", "AT"),
            ("BE0403019261", "BE"),
            ("EL094259216", "GR"),
            ("NL004495445B01", "NL"),
            ("ESX5253868R", "ES"),
            ("ES54362315K", "ES"),
            ("IE6433435OA", "IE"),
            ("RO19", "RO"),
            ("SE123456789701", "SE"),
            ("CY10259033P", "CY"),
        ] {
            assert!(VatNumber::parse(raw, country(code)).is_ok(), "{raw}");
        }
        assert_eq!(
            invalid("DE12345678", "DE"),
            Problem::Invalid("A German VAT number is DE followed by 9 digits.")
        );
        for (raw, code) in [
            ("GR123456789", "GR"),
            ("ATX12345678", "AT"),
            ("NL123456789C01", "NL"),
            ("SE123456789002", "SE"),
            ("RO1", "RO"),
            ("RO12345678901", "RO"),
        ] {
            assert!(VatNumber::parse(raw, country(code)).is_err(), "{raw}");
        }
    }

    #[test]
    fn the_prefix_must_be_the_billing_countrys() {
        assert_eq!(
            invalid("DE123456789", "FR"),
            Problem::Invalid(
                "A French VAT number is FR followed by a 2-character key and the 9-digit SIREN."
            )
        );
    }

    #[test]
    fn companies_outside_the_eu_have_no_eu_vat_number() {
        assert!(matches!(invalid("CHE123456789", "CH"), Problem::Invalid(_)));
        assert_eq!(invalid("  ", "DE"), Problem::Required);
    }
}
