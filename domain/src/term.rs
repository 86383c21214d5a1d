//! Licence terms, in whole months (GTCS 5.1, 6.1).

use std::fmt;
use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};

use crate::error::ValueError;

/// The length of a licence period in months: at least one, at most [`Term::MAX_MONTHS`].
/// Serialised as the number of months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Term(NonZeroU32);

impl Term {
    /// A century: no Order Form commits for longer.
    pub const MAX_MONTHS: u32 = 1200;
    pub const MONTHLY: Term = Term(NonZeroU32::MIN);
    pub const YEARLY: Term = Term(NonZeroU32::new(12).unwrap());

    pub fn months(months: u32) -> Result<Self, ValueError> {
        match NonZeroU32::new(months) {
            None => Err(ValueError::ZeroTerm),
            Some(_) if months > Self::MAX_MONTHS => Err(ValueError::TermTooLong {
                max: Self::MAX_MONTHS,
            }),
            Some(months) => Ok(Term(months)),
        }
    }

    pub fn get(self) -> u32 {
        self.0.get()
    }

    /// A commitment of one year or more (NOTICE-1, NOTICE-2 choose their notice by it).
    pub fn is_a_year_or_more(self) -> bool {
        self.get() >= 12
    }
}

impl TryFrom<u32> for Term {
    type Error = ValueError;

    fn try_from(months: u32) -> Result<Self, Self::Error> {
        Term::months(months)
    }
}

impl From<Term> for u32 {
    fn from(term: Term) -> Self {
        term.get()
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.get() {
            1 => f.write_str("1 month"),
            months => write!(f, "{months} months"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_or_absurd_terms_do_not_exist() {
        assert_eq!(Term::months(0), Err(ValueError::ZeroTerm));
        assert!(Term::months(1201).is_err());
        assert!(serde_json::from_str::<Term>("0").is_err());
        assert_eq!(serde_json::from_str::<Term>("12").unwrap(), Term::YEARLY);
        assert!(Term::YEARLY.is_a_year_or_more() && !Term::months(11).unwrap().is_a_year_or_more());
    }
}
