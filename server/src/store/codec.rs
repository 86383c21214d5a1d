//! How values are stored, and the one place they are read back. Both databases hold dates as ISO
//! text (`2026-12-06`), instants as UTC RFC 3339 text with microseconds (which sorts as text),
//! flags as integers 0/1, money as integer cents, and domain enums by their wire names. Records
//! leave `store` typed (`NaiveDate`, `DateTime<Utc>`, `bool`, `Money`, `Term`, domain enums), so
//! nothing above `store` parses storage; a stored value that does not decode is a
//! [`sqlx::Error::ColumnDecode`] naming its column.

use std::fmt::Display;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use domain::licence::Licence;
use domain::money::Money;
use domain::term::Term;
use sqlx::Row;
use sqlx::any::AnyRow;

/// How an instant is stored: UTC RFC 3339 with microseconds, which sorts as text.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The error for a stored `value` of `column` that does not decode.
pub fn corrupt(column: &str, value: impl Display) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("stored value “{value}” does not decode").into(),
    }
}

/// Text parsed by its type's `FromStr` (dates, instants, countries, percents, E.164 numbers…).
pub fn parsed<T: FromStr>(column: &str, raw: &str) -> Result<T, sqlx::Error> {
    raw.parse().map_err(|_| corrupt(column, raw))
}

/// A stored instant (see [`stamp`]).
pub fn instant(column: &str, raw: &str) -> Result<DateTime<Utc>, sqlx::Error> {
    DateTime::parse_from_rfc3339(raw)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| corrupt(column, raw))
}

/// A stored Licence term in months.
pub fn term(column: &str, months: i64) -> Result<Term, sqlx::Error> {
    u32::try_from(months)
        .ok()
        .and_then(|months| Term::months(months).ok())
        .ok_or_else(|| corrupt(column, months))
}

/// Typed reads of a row's columns.
pub trait Columns {
    /// Text decoded by its type's `FromStr`.
    fn parsed<T: FromStr>(&self, column: &str) -> Result<T, sqlx::Error>;
    /// Nullable text decoded by its type's `FromStr`.
    fn parsed_opt<T: FromStr>(&self, column: &str) -> Result<Option<T>, sqlx::Error>;
    /// Text decoded by `decode` (a domain enum's `parse`), `None` meaning corrupt.
    fn decoded<T>(&self, column: &str, decode: fn(&str) -> Option<T>) -> Result<T, sqlx::Error>;
    fn date(&self, column: &str) -> Result<NaiveDate, sqlx::Error>;
    fn date_opt(&self, column: &str) -> Result<Option<NaiveDate>, sqlx::Error>;
    fn instant(&self, column: &str) -> Result<DateTime<Utc>, sqlx::Error>;
    fn instant_opt(&self, column: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error>;
    /// An integer 0/1 flag.
    fn flag(&self, column: &str) -> Result<bool, sqlx::Error>;
    fn flag_opt(&self, column: &str) -> Result<Option<bool>, sqlx::Error>;
    /// An integer that must fit `T` (a quantity, a count).
    fn count<T: TryFrom<i64>>(&self, column: &str) -> Result<T, sqlx::Error>;
    /// An amount in integer cents.
    fn money(&self, column: &str) -> Result<Money, sqlx::Error>;
    fn term(&self, column: &str) -> Result<Term, sqlx::Error>;
    /// A Licence from its `anchor` and `term_months` columns.
    fn licence(&self) -> Result<Licence, sqlx::Error>;
}

impl Columns for AnyRow {
    fn parsed<T: FromStr>(&self, column: &str) -> Result<T, sqlx::Error> {
        parsed(column, &self.try_get::<String, _>(column)?)
    }

    fn parsed_opt<T: FromStr>(&self, column: &str) -> Result<Option<T>, sqlx::Error> {
        self.try_get::<Option<String>, _>(column)?
            .map(|raw| parsed(column, &raw))
            .transpose()
    }

    fn decoded<T>(&self, column: &str, decode: fn(&str) -> Option<T>) -> Result<T, sqlx::Error> {
        let raw: String = self.try_get(column)?;
        decode(&raw).ok_or_else(|| corrupt(column, raw))
    }

    fn date(&self, column: &str) -> Result<NaiveDate, sqlx::Error> {
        self.parsed(column)
    }

    fn date_opt(&self, column: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
        self.parsed_opt(column)
    }

    fn instant(&self, column: &str) -> Result<DateTime<Utc>, sqlx::Error> {
        instant(column, &self.try_get::<String, _>(column)?)
    }

    fn instant_opt(&self, column: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
        self.try_get::<Option<String>, _>(column)?
            .map(|raw| instant(column, &raw))
            .transpose()
    }

    fn flag(&self, column: &str) -> Result<bool, sqlx::Error> {
        Ok(self.try_get::<i64, _>(column)? != 0)
    }

    fn flag_opt(&self, column: &str) -> Result<Option<bool>, sqlx::Error> {
        Ok(self
            .try_get::<Option<i64>, _>(column)?
            .map(|flag| flag != 0))
    }

    fn count<T: TryFrom<i64>>(&self, column: &str) -> Result<T, sqlx::Error> {
        let value: i64 = self.try_get(column)?;
        T::try_from(value).map_err(|_| corrupt(column, value))
    }

    fn money(&self, column: &str) -> Result<Money, sqlx::Error> {
        Ok(Money::from_cents(self.try_get(column)?))
    }

    fn term(&self, column: &str) -> Result<Term, sqlx::Error> {
        term(column, self.try_get(column)?)
    }

    fn licence(&self) -> Result<Licence, sqlx::Error> {
        Ok(Licence::new(
            self.date("anchor")?,
            self.term("term_months")?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_round_trip_through_their_stamp() {
        let at = DateTime::parse_from_rfc3339("2026-12-06T23:45:01.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(stamp(at), "2026-12-06T23:45:01.123456Z");
        assert_eq!(instant("at", &stamp(at)).unwrap(), at);
    }

    #[test]
    fn a_value_that_does_not_decode_names_its_column() {
        let error = parsed::<NaiveDate>("anchor", "2026-13-01").unwrap_err();
        assert!(
            matches!(&error, sqlx::Error::ColumnDecode { index, .. } if index == "anchor"),
            "{error:?}"
        );
        assert!(term("term_months", 0).is_err());
        assert!(term("term_months", -12).is_err());
        assert_eq!(term("term_months", 12).unwrap(), Term::months(12).unwrap());
        assert!(instant("at", "yesterday").is_err());
    }
}
