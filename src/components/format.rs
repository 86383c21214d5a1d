//! How the console writes values for people.

use std::fmt::Display;

/// An amount in euros as the console shows it everywhere: "EUR 1234.50".
pub fn eur(amount: impl Display) -> String {
    format!("EUR {amount}")
}
