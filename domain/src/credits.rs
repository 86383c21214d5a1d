//! Credits (GTCS 2, "Credits"): the Company's prepaid balance, spent on SMS abroad and calls the
//! Call Plan does not include (MSG-1, NUM-5). Here: the top-up form, checked the same way in the
//! browser and on the server. The balance itself lives in the server's ledger, which never lets
//! it go below zero.

use serde::{Deserialize, Serialize};

use crate::field::{FieldError, Problem};
use crate::money::Money;
use crate::order::cents;

/// The smallest top-up, in cents (EUR 5.00).
pub const MIN_TOP_UP_CENTS: i64 = 500;
/// The largest top-up at once, in cents (EUR 5,000.00).
pub const MAX_TOP_UP_CENTS: i64 = 500_000;

/// A top-up as typed: an amount in euros, e.g. `"20"` or `"12.50"`, and the idempotency key
/// the app chose for this top-up (kept for its retries: one top-up per key, see
/// [`crate::idempotency`]). A body without a key reads as an empty key, which the server refuses
/// with a sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopUpForm {
    pub amount: String,
    #[serde(default)]
    pub idempotency_key: String,
}

/// The amount of a valid top-up, in cents; otherwise the problem with the `amount` field.
pub fn validate_top_up(form: &TopUpForm) -> Result<i64, Vec<FieldError>> {
    let problem = |problem| {
        vec![FieldError {
            field: "amount",
            problem,
        }]
    };
    let raw = form.amount.trim().replace(',', ".");
    if raw.is_empty() {
        return Err(problem(Problem::Required));
    }
    let amount: Money = raw.parse().map_err(|_| {
        problem(Problem::Invalid(
            "Enter an amount in euros, e.g. 20 or 12.50.",
        ))
    })?;
    let amount_cents = cents(amount)
        .ok_or_else(|| problem(Problem::Invalid("Use at most two decimals (whole cents).")))?;
    if amount_cents < MIN_TOP_UP_CENTS {
        return Err(problem(Problem::Invalid("A top-up is at least EUR 5.00.")));
    }
    if amount_cents > MAX_TOP_UP_CENTS {
        return Err(problem(Problem::Invalid(
            "A top-up is at most EUR 5,000.00 at once.",
        )));
    }
    Ok(amount_cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top_up(raw: &str) -> Result<i64, &'static str> {
        validate_top_up(&TopUpForm {
            amount: raw.into(),
            idempotency_key: "k".into(),
        })
        .map_err(|errors| match errors[0].problem {
            Problem::Required => "required",
            _ => "invalid",
        })
    }

    #[test]
    fn top_ups_are_whole_cents_between_the_limits() {
        assert_eq!(top_up("20"), Ok(2000));
        assert_eq!(top_up(" 12,50 "), Ok(1250));
        assert_eq!(top_up("5.00"), Ok(500));
        assert_eq!(top_up("5000"), Ok(500_000));
        assert_eq!(top_up(""), Err("required"));
        assert_eq!(top_up("4.99"), Err("invalid"));
        assert_eq!(top_up("5000.01"), Err("invalid"));
        assert_eq!(top_up("12.345"), Err("invalid"));
        assert_eq!(top_up("-20"), Err("invalid"));
        assert_eq!(top_up("twenty"), Err("invalid"));
    }
}
