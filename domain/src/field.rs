//! Validation errors tied to one input field, shown next to that field in the app and returned
//! by the server as `{"error": {"code", "message", "field"}}`.

use std::fmt;

/// What is wrong with one field's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("This field is required.")]
    Required,
    #[error("Use at most {max} characters.")]
    TooLong { max: usize },
    #[error("Use at least {min} characters.")]
    TooShort { min: usize },
    #[error("{0}")]
    Invalid(&'static str),
}

/// A [`Problem`] with the name of the field it concerns (the name used on the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub problem: Problem,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem.fmt(f)
    }
}

impl std::error::Error for FieldError {}

/// Collects the errors of a whole form so that every field's message is shown at once.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    /// Runs `check` on a field's raw value; records its error, if any, and returns its value.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, Problem>) -> Option<T> {
        result
            .map_err(|problem| self.0.push(FieldError { field, problem }))
            .ok()
    }

    pub fn into_result<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, Vec<FieldError>> {
        match (self.0.is_empty(), value()) {
            (true, Some(value)) => Ok(value),
            _ => Err(self.0),
        }
    }
}

/// Trims `raw` and checks it is present and at most `max` characters long.
pub fn required_text(raw: &str, max: usize) -> Result<String, Problem> {
    let text = raw.trim();
    if text.is_empty() {
        Err(Problem::Required)
    } else if text.chars().count() > max {
        Err(Problem::TooLong { max })
    } else {
        Ok(text.to_owned())
    }
}

/// `raw` without the separators people type inside numbers: spaces (also no-break), dots and
/// dashes. "06 12.34-56 78" becomes "0612345678".
pub fn without_separators(raw: &str) -> String {
    raw.chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}'))
        .collect()
}
