//! ISO 3166-1 alpha-2 country codes: the only way to name a country in the console.

mod iso3166;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An assigned ISO 3166-1 alpha-2 code, such as `FR`. Cannot hold anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}” is not an ISO 3166 country code.")]
pub struct UnknownCountry(pub String);

impl CountryCode {
    pub const FRANCE: CountryCode = CountryCode(*b"FR");

    /// Every country, sorted by code, with its English short name.
    pub fn all() -> impl Iterator<Item = (CountryCode, &'static str)> {
        iso3166::COUNTRIES.iter().map(|(code, name)| {
            let bytes = code.as_bytes();
            (CountryCode([bytes[0], bytes[1]]), *name)
        })
    }

    pub fn as_str(&self) -> &str {
        // Built only from ASCII letters of the table.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The English short name, e.g. "France".
    pub fn name(&self) -> &'static str {
        let index = iso3166::COUNTRIES
            .binary_search_by(|(code, _)| code.as_bytes().cmp(&self.0[..]))
            .expect("a CountryCode is always in the table");
        iso3166::COUNTRIES[index].1
    }

    /// Member states of the European Union (for VAT: reverse charge between EU businesses).
    pub fn is_eu(&self) -> bool {
        const EU: [&str; 27] = [
            "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
            "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
        ];
        EU.contains(&self.as_str())
    }
}

impl FromStr for CountryCode {
    type Err = UnknownCountry;

    /// Accepts the code in either case, surrounding spaces ignored.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let upper = raw.trim().to_ascii_uppercase();
        iso3166::COUNTRIES
            .binary_search_by(|(code, _)| code.cmp(&upper.as_str()))
            .map(|index| {
                let bytes = iso3166::COUNTRIES[index].0.as_bytes();
                CountryCode([bytes[0], bytes[1]])
            })
            .map_err(|_| UnknownCountry(raw.to_owned()))
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_assigned_codes_in_any_case() {
        assert_eq!("fr".parse::<CountryCode>(), Ok(CountryCode::FRANCE));
        assert_eq!(
            " DE ".parse::<CountryCode>().map(|c| c.name()),
            Ok("Germany")
        );
    }

    #[test]
    fn refuses_unassigned_or_malformed_codes() {
        for raw in ["", "F", "FRA", "XX", "ZZ", "1A"] {
            assert!(raw.parse::<CountryCode>().is_err(), "{raw} was accepted");
        }
    }

    #[test]
    fn table_is_sorted_so_binary_search_is_sound() {
        let codes: Vec<_> = CountryCode::all().map(|(code, _)| code).collect();
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(codes.len(), 249);
    }

    #[test]
    fn knows_eu_membership() {
        assert!(CountryCode::FRANCE.is_eu());
        assert!(!"GB".parse::<CountryCode>().unwrap().is_eu());
        assert!(!"CH".parse::<CountryCode>().unwrap().is_eu());
    }
}
