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

/// The highest Credits rate, in cents (EUR 10.00 a minute or a part): above is a typing error.
pub const MAX_RATE_CENTS: i64 = 1_000;

/// A Credits rate as the provider types it (PRICE-6): what it prices (`call`: per started
/// minute; `sms`: per part), the class of destination (`special`, `international`), the
/// destination prefix it applies to (`+44`; empty: every destination of the class) and the
/// price in euros.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub class: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub price: String,
}

/// A valid Credits rate: the spellings stored (`call`/`sms`, `special`/`international`), the
/// prefix, and the price in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateChange {
    pub kind: &'static str,
    pub class: &'static str,
    pub prefix: String,
    pub cents: i64,
}

/// PRICE-6 (GTCS 5.1): a Credits rate the provider publishes; it applies to current Licences
/// from its day on, whether it goes up or down. The browser checks the same before sending.
pub fn validate_rate(form: &RateForm) -> Result<RateChange, Vec<FieldError>> {
    let error = |field, problem| vec![FieldError { field, problem }];
    let kind = match form.kind.trim() {
        "call" => "call",
        "sms" => "sms",
        _ => {
            return Err(error(
                "kind",
                Problem::Invalid("Choose call (per started minute) or sms (per part)."),
            ));
        }
    };
    let class = match form.class.trim() {
        "special" => "special",
        "international" => "international",
        _ => {
            return Err(error(
                "class",
                Problem::Invalid("Choose special or international numbers."),
            ));
        }
    };
    let prefix: String = form.prefix.chars().filter(|c| *c != ' ').collect();
    let digits = prefix.strip_prefix('+');
    let prefix_ok = prefix.is_empty()
        || digits.is_some_and(|digits| {
            (1..=6).contains(&digits.len())
                && digits.bytes().all(|byte| byte.is_ascii_digit())
                && !digits.starts_with('0')
        });
    if !prefix_ok {
        return Err(error(
            "prefix",
            Problem::Invalid(
                "Give a country prefix such as +44 (+ and 1 to 6 digits), or nothing for every destination.",
            ),
        ));
    }
    let raw = form.price.trim().replace(',', ".");
    if raw.is_empty() {
        return Err(error("price", Problem::Required));
    }
    let price: Money = raw.parse().map_err(|_| {
        error(
            "price",
            Problem::Invalid("Enter a price in euros, e.g. 0.20."),
        )
    })?;
    let cents = cents(price).ok_or_else(|| {
        error(
            "price",
            Problem::Invalid("Use at most two decimals (whole cents)."),
        )
    })?;
    if !(1..=MAX_RATE_CENTS).contains(&cents) {
        return Err(error(
            "price",
            Problem::Invalid("A Credits rate is between EUR 0.01 and EUR 10.00."),
        ));
    }
    Ok(RateChange {
        kind,
        class,
        prefix,
        cents,
    })
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

    #[test]
    fn price_6_a_credits_rate_is_checked_before_it_is_published() {
        let form = |kind: &str, class: &str, prefix: &str, price: &str| RateForm {
            kind: kind.into(),
            class: class.into(),
            prefix: prefix.into(),
            price: price.into(),
        };
        let rate = validate_rate(&form("call", "international", "+44", "0,30")).unwrap();
        assert_eq!(
            (rate.kind, rate.prefix.as_str(), rate.cents),
            ("call", "+44", 30)
        );
        assert!(validate_rate(&form("sms", "international", "", "0.15")).is_ok());
        for (bad, field) in [
            (form("fax", "international", "", "0.15"), "kind"),
            (form("sms", "local", "", "0.15"), "class"),
            (form("sms", "international", "44", "0.15"), "prefix"),
            (form("sms", "international", "+0", "0.15"), "prefix"),
            (form("sms", "international", "+1234567", "0.15"), "prefix"),
            (form("sms", "international", "", "0"), "price"),
            (form("sms", "international", "", "10.01"), "price"),
            (form("sms", "international", "", "0.155"), "price"),
            (form("sms", "international", "", ""), "price"),
        ] {
            assert_eq!(validate_rate(&bad).unwrap_err()[0].field, field, "{bad:?}");
        }
    }
}
