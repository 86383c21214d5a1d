//! How values are stored, and the one place they are read back. Both databases hold dates as ISO
//! text (`2026-12-06`), instants as UTC RFC 3339 text with microseconds (which sorts as text),
//! flags as integers 0/1, money as integer cents, and domain enums by their wire names. Records
//! leave `store` typed (`NaiveDate`, `DateTime<Utc>`, `bool`, `Money`, `Term`, domain enums), so
//! nothing above `store` parses storage; a stored value that does not decode is a
//! [`sqlx::Error::ColumnDecode`] naming its column.
//!
//! Long lists cross the driver as one value. sqlx hands a query's rows over one at a time (on
//! SQLite from the connection's worker thread, a thread wake-up per row), which costs far more
//! than reading the row: about 25 µs of CPU a row on SQLite and 4 µs on PostgreSQL, so the
//! Users list of 1,000 Users took 25 ms. A list query therefore has the database aggregate its
//! rows into one text (`string_agg`, the same in both), each field written by [`packed!`] as its
//! length in characters, `:` and its text (`-1:` for NULL); [`Packed`] reads the records back,
//! and each record answers the same typed reads ([`Columns`]) as a row. A record is written by
//! one `format()` call (the same in both): a chain of `||` allocated a string per operator, and
//! cost SQLite twice as much.

use std::cell::Cell;
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

/// The SQL expression writing the text columns `$column` of one row as a packed record (see
/// [`Packed`]): for each, its length in characters, `:` and its text, or `-1:` when NULL
/// (`format` writes NULL as nothing). Used inside `string_agg(…, '' ORDER BY …)`; a column
/// that is not text is given as `CAST(… AS TEXT)`.
macro_rules! packed {
    ($($column:literal),+ $(,)?) => {
        concat!(
            "format('",
            $($crate::store::codec::packed_field!($column),)+
            "'",
            $(", COALESCE(LENGTH(", $column, "), -1), ", $column,)+
            ")"
        )
    };
}
/// One field's place in [`packed!`]'s format: its length, `:`, its text.
macro_rules! packed_field {
    ($column:literal) => {
        "%s:%s"
    };
}
pub(crate) use {packed, packed_field};

/// The records of a list the database packed into one text with [`packed!`], each of the
/// `columns` given to the query, in that order.
pub struct Packed<'a> {
    rest: &'a str,
    columns: &'a [&'a str],
}

impl<'a> Packed<'a> {
    /// The records in `text` (`None`, an aggregate over no rows: none).
    pub fn new(text: Option<&'a str>, columns: &'a [&'a str]) -> Self {
        Packed {
            rest: text.unwrap_or_default(),
            columns,
        }
    }

    /// The next field, `None` for NULL.
    fn field(&mut self) -> Result<Option<&'a str>, sqlx::Error> {
        let broken = || {
            corrupt(
                "packed list",
                self.rest.chars().take(40).collect::<String>(),
            )
        };
        let (length, rest) = self.rest.split_once(':').ok_or_else(broken)?;
        if length == "-1" {
            self.rest = rest;
            return Ok(None);
        }
        let length: usize = length.parse().map_err(|_| broken())?;
        // The length counts characters: as many bytes when they are ASCII (most are).
        let end = match rest.get(..length) {
            Some(ascii) if ascii.is_ascii() => length,
            _ => match rest.char_indices().nth(length) {
                Some((end, _)) => end,
                None if rest.chars().count() == length => rest.len(),
                None => return Err(broken()),
            },
        };
        self.rest = &rest[end..];
        Ok(Some(&rest[..end]))
    }
}

impl<'a> Iterator for Packed<'a> {
    type Item = Result<Record<'a>, sqlx::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let record = (0..self.columns.len())
            .map(|_| self.field())
            .collect::<Result<Vec<_>, _>>()
            .map(|fields| Record {
                columns: self.columns,
                fields,
                next: Cell::new(0),
            });
        if record.is_err() {
            self.rest = "";
        }
        Some(record)
    }
}

/// One record of a [`Packed`] list: its fields by column name, read as a row's.
pub struct Record<'a> {
    columns: &'a [&'a str],
    fields: Vec<Option<&'a str>>,
    /// The column after the last one read: reads mostly follow the columns' order, so it is
    /// tried first instead of searching every name.
    next: Cell<usize>,
}

impl Record<'_> {
    fn raw(&self, column: &str) -> Result<Option<&str>, sqlx::Error> {
        let guess = self.next.get();
        let index = match self.columns.get(guess) {
            Some(name) if *name == column => guess,
            _ => self
                .columns
                .iter()
                .position(|name| *name == column)
                .ok_or_else(|| sqlx::Error::ColumnNotFound(column.to_owned()))?,
        };
        self.next.set(index + 1);
        Ok(self.fields[index])
    }
}

/// Typed reads of a row's columns.
pub trait Columns {
    /// A text column.
    fn text(&self, column: &str) -> Result<String, sqlx::Error>;
    fn text_opt(&self, column: &str) -> Result<Option<String>, sqlx::Error>;
    /// An integer column (an id, a count).
    fn integer(&self, column: &str) -> Result<i64, sqlx::Error>;
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
    fn text(&self, column: &str) -> Result<String, sqlx::Error> {
        self.try_get(column)
    }

    fn text_opt(&self, column: &str) -> Result<Option<String>, sqlx::Error> {
        self.try_get(column)
    }

    fn integer(&self, column: &str) -> Result<i64, sqlx::Error> {
        self.try_get(column)
    }

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

impl Columns for Record<'_> {
    fn text(&self, column: &str) -> Result<String, sqlx::Error> {
        self.text_opt(column)?
            .ok_or_else(|| corrupt(column, "NULL"))
    }

    fn text_opt(&self, column: &str) -> Result<Option<String>, sqlx::Error> {
        Ok(self.raw(column)?.map(str::to_owned))
    }

    fn integer(&self, column: &str) -> Result<i64, sqlx::Error> {
        let raw = self.raw(column)?.ok_or_else(|| corrupt(column, "NULL"))?;
        parsed(column, raw)
    }

    fn parsed<T: FromStr>(&self, column: &str) -> Result<T, sqlx::Error> {
        let raw = self.raw(column)?.ok_or_else(|| corrupt(column, "NULL"))?;
        parsed(column, raw)
    }

    fn parsed_opt<T: FromStr>(&self, column: &str) -> Result<Option<T>, sqlx::Error> {
        self.raw(column)?.map(|raw| parsed(column, raw)).transpose()
    }

    fn decoded<T>(&self, column: &str, decode: fn(&str) -> Option<T>) -> Result<T, sqlx::Error> {
        let raw = self.raw(column)?.ok_or_else(|| corrupt(column, "NULL"))?;
        decode(raw).ok_or_else(|| corrupt(column, raw))
    }

    fn date(&self, column: &str) -> Result<NaiveDate, sqlx::Error> {
        self.parsed(column)
    }

    fn date_opt(&self, column: &str) -> Result<Option<NaiveDate>, sqlx::Error> {
        self.parsed_opt(column)
    }

    fn instant(&self, column: &str) -> Result<DateTime<Utc>, sqlx::Error> {
        let raw = self.raw(column)?.ok_or_else(|| corrupt(column, "NULL"))?;
        instant(column, raw)
    }

    fn instant_opt(&self, column: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
        self.raw(column)?
            .map(|raw| instant(column, raw))
            .transpose()
    }

    fn flag(&self, column: &str) -> Result<bool, sqlx::Error> {
        Ok(self.integer(column)? != 0)
    }

    fn flag_opt(&self, column: &str) -> Result<Option<bool>, sqlx::Error> {
        Ok(self.parsed_opt::<i64>(column)?.map(|flag| flag != 0))
    }

    fn count<T: TryFrom<i64>>(&self, column: &str) -> Result<T, sqlx::Error> {
        let value = self.integer(column)?;
        T::try_from(value).map_err(|_| corrupt(column, value))
    }

    fn money(&self, column: &str) -> Result<Money, sqlx::Error> {
        Ok(Money::from_cents(self.integer(column)?))
    }

    fn term(&self, column: &str) -> Result<Term, sqlx::Error> {
        term(column, self.integer(column)?)
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
    fn packed_records_read_back_as_written() {
        // As `packed!` writes (1, 'Zoë', NULL) and (22, 'a:b~', '') in SQL.
        let text = "1:13:Zoë-1:2:224:a:b~0:";
        let columns = ["id", "name", "note"];
        let records: Vec<_> = Packed::new(Some(text), &columns)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].integer("id").unwrap(), 1);
        assert_eq!(records[0].text("name").unwrap(), "Zoë");
        assert_eq!(records[0].text_opt("note").unwrap(), None);
        assert_eq!(records[1].integer("id").unwrap(), 22);
        assert_eq!(records[1].text("name").unwrap(), "a:b~");
        assert_eq!(records[1].text_opt("note").unwrap(), Some(String::new()));
        assert!(records[1].text("missing").is_err());
        assert_eq!(Packed::new(None, &columns).count(), 0);
        // Lengths count characters: 3 bytes that happen to end on a character are not 3
        // characters when one is not ASCII.
        let accented: Vec<_> = Packed::new(Some("1:73:éab2:ü!"), &columns)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(accented[0].text("name").unwrap(), "éab");
        assert_eq!(accented[0].text("note").unwrap(), "ü!");
        // Read out of the columns' order too.
        assert_eq!(accented[0].integer("id").unwrap(), 7);
        let cut: Vec<_> = Packed::new(Some("1:13:Zo"), &columns).collect();
        assert!(
            matches!(cut.as_slice(), [Err(_)]),
            "a cut record is an error"
        );
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
