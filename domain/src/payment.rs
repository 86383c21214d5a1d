//! Payment methods the Company references: a card or a SEPA direct-debit mandate, known by a
//! label, the last four digits and an expiry. No payment is processed here (PAY-2).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::field::{Errors, FieldError, Problem, required_text};

/// How the Company pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentKind {
    Card,
    Sepa,
}

impl PaymentKind {
    /// The wire and database name: `card` or `sepa`.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Card => "card",
            PaymentKind::Sepa => "sepa",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Problem> {
        match raw.trim() {
            "card" => Ok(PaymentKind::Card),
            "sepa" => Ok(PaymentKind::Sepa),
            "" => Err(Problem::Required),
            _ => Err(Problem::Invalid("Choose a card or a SEPA mandate.")),
        }
    }
}

/// The payment method form as typed. `expiry` is `MM/YY` or `MM/YYYY`: required for a card,
/// optional for a SEPA mandate (empty: the mandate has no end).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodForm {
    pub kind: String,
    pub label: String,
    pub last4: String,
    pub expiry: String,
}

/// A payment method whose every field is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethod {
    pub kind: PaymentKind,
    pub label: String,
    pub last4: String,
    /// The last day it can be used (the expiry month's last day), or `None` for no end.
    pub valid_until: Option<NaiveDate>,
}

impl PaymentMethod {
    /// PAY-2 (GTCS 5.2): a method is valid on `today` unless it has expired.
    pub fn is_valid_on(&self, today: NaiveDate) -> bool {
        is_valid_on(self.valid_until, today)
    }
}

/// PAY-2 (GTCS 5.2): a method that stays usable until `valid_until` (`None`: no end) is valid on
/// `today` when `today` is not after it.
pub fn is_valid_on(valid_until: Option<NaiveDate>, today: NaiveDate) -> bool {
    valid_until.is_none_or(|last_day| today <= last_day)
}

/// PAY-2 (GTCS 5.2): the Company keeps at least one valid payment method on file; an Order is
/// refused without one.
pub fn has_valid_payment_method<'a>(
    methods: impl IntoIterator<Item = &'a PaymentMethod>,
    today: NaiveDate,
) -> bool {
    methods.into_iter().any(|method| method.is_valid_on(today))
}

/// PAY-1 (GTCS 5.2, house reading "Due date and collection"): the days after the issue date on
/// which an invoice is collected from the Company's default payment method: the issue date,
/// then two retries 3 and 7 days later.
pub const COLLECTION_DAYS_AFTER_ISSUE: [u64; 3] = [0, 3, 7];

/// PAY-1 (house reading "Due date and collection"): the day of the automatic collection attempt
/// `attempt` (1 for the first) of an invoice issued on `issue_date`; `None` after the last one,
/// when an unpaid invoice becomes overdue.
pub fn collection_attempt_day(issue_date: NaiveDate, attempt: usize) -> Option<NaiveDate> {
    let days = *COLLECTION_DAYS_AFTER_ISSUE.get(attempt.checked_sub(1)?)?;
    issue_date.checked_add_days(chrono::Days::new(days))
}

/// How far ahead an expiry may lie: a typo guard, not a rule of the contract.
const MAX_YEARS_AHEAD: i32 = 30;

/// Checks every field of `form` for `today`, returning all the problems at once. A card must
/// not have expired already: its expiry month must be this month or later.
pub fn validate_payment_method(
    form: &PaymentMethodForm,
    today: NaiveDate,
) -> Result<PaymentMethod, Vec<FieldError>> {
    let mut errors = Errors::default();
    let kind = errors.check("kind", PaymentKind::parse(&form.kind));
    let label = errors.check("label", required_text(&form.label, 60));
    let last4 = errors.check("last4", last_four(&form.last4));
    let valid_until = errors.check("expiry", expiry(&form.expiry, kind, today));
    errors.into_result(|| {
        Some(PaymentMethod {
            kind: kind?,
            label: label?,
            last4: last4?,
            valid_until: valid_until?,
        })
    })
}

fn last_four(raw: &str) -> Result<String, Problem> {
    let digits = raw.trim();
    if digits.is_empty() {
        Err(Problem::Required)
    } else if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits.to_owned())
    } else {
        Err(Problem::Invalid("Enter exactly the last 4 digits."))
    }
}

/// The expiry as the last day of its month; `None` for a SEPA mandate without an end.
fn expiry(
    raw: &str,
    kind: Option<PaymentKind>,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, Problem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return match kind {
            Some(PaymentKind::Sepa) => Ok(None),
            _ => Err(Problem::Required),
        };
    }
    let (month, year) =
        month_and_year(raw).ok_or(Problem::Invalid("Write the expiry as MM/YY, e.g. 09/28."))?;
    if (year, month) < (today.year(), today.month()) {
        return Err(Problem::Invalid(
            "This expiry date has passed: use a method that is still valid.",
        ));
    }
    if year > today.year() + MAX_YEARS_AHEAD {
        return Err(Problem::Invalid("Check the year of the expiry date."));
    }
    Ok(Some(last_day_of_month(year, month)))
}

fn month_and_year(raw: &str) -> Option<(u32, i32)> {
    let (month, year) = raw.split_once('/')?;
    let month: u32 = month.trim().parse().ok().filter(|m| (1..=12).contains(m))?;
    let year = year.trim();
    let year: i32 = match year.len() {
        2 => 2000 + year.parse::<i32>().ok()?,
        4 => year.parse().ok()?,
        _ => return None,
    };
    Some((month, year))
}

fn last_day_of_month(year: i32, month: u32) -> NaiveDate {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)
        .and_then(|first| first.pred_opt())
        .expect("a month of a year in range")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn card(expiry: &str) -> PaymentMethodForm {
        PaymentMethodForm {
            kind: "card".into(),
            label: "Company Visa".into(),
            last4: "4242".into(),
            expiry: expiry.into(),
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<&'static str> {
        errors.into_iter().map(|error| error.field).collect()
    }

    const TODAY: (i32, u32, u32) = (2026, 11, 15);

    fn today() -> NaiveDate {
        date(TODAY.0, TODAY.1, TODAY.2)
    }

    #[test]
    fn a_card_is_valid_until_the_last_day_of_its_expiry_month() {
        let method = validate_payment_method(&card("02/28"), today()).unwrap();
        assert_eq!(method.valid_until, Some(date(2028, 2, 29)));
        let this_month = validate_payment_method(&card("11/2026"), today()).unwrap();
        assert_eq!(this_month.valid_until, Some(date(2026, 11, 30)));
        assert!(this_month.is_valid_on(date(2026, 11, 30)));
        assert!(!this_month.is_valid_on(date(2026, 12, 1)));
    }

    #[test]
    fn an_expired_card_is_refused() {
        let errors = validate_payment_method(&card("10/26"), today()).unwrap_err();
        assert_eq!(fields(errors), ["expiry"]);
        for bad in ["13/27", "1/2", "2027-01", "ab/cd"] {
            assert_eq!(
                fields(validate_payment_method(&card(bad), today()).unwrap_err()),
                ["expiry"],
                "{bad}"
            );
        }
    }

    #[test]
    fn a_sepa_mandate_may_have_no_end_but_a_card_needs_an_expiry() {
        let mandate = PaymentMethodForm {
            kind: "sepa".into(),
            ..card("")
        };
        let method = validate_payment_method(&mandate, today()).unwrap();
        assert_eq!(method.valid_until, None);
        assert!(method.is_valid_on(date(2099, 1, 1)));
        assert_eq!(
            fields(validate_payment_method(&card(""), today()).unwrap_err()),
            ["expiry"]
        );
    }

    #[test]
    fn every_field_is_reported_at_once() {
        let form = PaymentMethodForm {
            kind: "cheque".into(),
            label: " ".into(),
            last4: "42a4".into(),
            expiry: String::new(),
        };
        assert_eq!(
            fields(validate_payment_method(&form, today()).unwrap_err()),
            ["kind", "label", "last4", "expiry"]
        );
        let five = PaymentMethodForm {
            last4: "42424".into(),
            ..card("12/30")
        };
        assert_eq!(
            fields(validate_payment_method(&five, today()).unwrap_err()),
            ["last4"]
        );
    }

    #[test]
    fn pay_1_collects_on_the_issue_date_then_3_and_7_days_later() {
        let issued = date(2026, 3, 30);
        assert_eq!(collection_attempt_day(issued, 0), None);
        assert_eq!(collection_attempt_day(issued, 1), Some(issued));
        assert_eq!(collection_attempt_day(issued, 2), Some(date(2026, 4, 2)));
        assert_eq!(collection_attempt_day(issued, 3), Some(date(2026, 4, 6)));
        assert_eq!(collection_attempt_day(issued, 4), None);
    }

    #[test]
    fn pay_2_needs_one_method_not_expired_today() {
        let expired = PaymentMethod {
            kind: PaymentKind::Card,
            label: "Old card".into(),
            last4: "1111".into(),
            valid_until: Some(date(2026, 10, 31)),
        };
        let current = PaymentMethod {
            valid_until: Some(date(2026, 11, 30)),
            ..expired.clone()
        };
        assert!(!has_valid_payment_method([], today()));
        assert!(!has_valid_payment_method([&expired], today()));
        assert!(has_valid_payment_method([&expired, &current], today()));
        assert!(!has_valid_payment_method([&current], date(2026, 12, 1)));
    }
}
