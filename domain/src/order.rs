//! Orders (PRICE-1, PRICE-2, ACCEPT-1; GTCS 1, 5.1): the order form and its validation, the
//! quote of an order from the price list in force on a given day, the check that every Number
//! is sold with its Call Plan, and the explanation of a quote that changed. The browser runs all
//! of it as the Manager fills the form; the server runs it again when the order is placed.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalogue::{Billing, PriceList};
use crate::country::CountryCode;
use crate::field::{Errors, FieldError, Problem};
use crate::money::{Money, Percent};
use crate::pricing::{self, Discount, Quote, QuoteLine};
use crate::vat::vat_rate_for;

/// The most Numbers one order may hold.
pub const MAX_NUMBERS: usize = 10_000;

/// What the app sends to place an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderForm {
    /// Chosen by the app when the order page opens and kept for retries: the same key from the
    /// same Company places one order only.
    pub idempotency_key: String,
    pub billing: Billing,
    pub lines: Vec<OrderFormLine>,
    /// The GTCS version the Manager ticked (ACCEPT-1); `None` when not ticked.
    pub accepted_gtcs_version: Option<String>,
    /// The total (VAT included) the Manager saw.
    pub expected_total: Money,
    /// The day of the price list the Manager's quote was computed with.
    #[serde(default)]
    pub priced_on: Option<NaiveDate>,
    /// TRIAL-1: placed as the trial the provider offered the Company (no invoice; the Licence
    /// starts the day after the trial's end if it converts).
    #[serde(default)]
    pub trial: bool,
}

/// One Call Plan and the Numbers ordered with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFormLine {
    pub plan_id: i64,
    pub number_ids: Vec<i64>,
}

/// ACCEPT-1 (GTCS 1), PRICE-1: the checks of an order form that need no data: a key, at least
/// one Number, each Number and each plan once, and the GTCS version in force accepted.
pub fn validate_order_form(form: &OrderForm, gtcs_version: &str) -> Result<(), Vec<FieldError>> {
    let mut errors = Errors::default();
    let key = form.idempotency_key.trim();
    errors.check(
        "idempotency_key",
        if key.is_empty() {
            Err(Problem::Required)
        } else if key.len() > 100 {
            Err(Problem::TooLong { max: 100 })
        } else {
            Ok(())
        },
    );
    errors.check("lines", check_lines(&form.lines));
    errors.check(
        "accepted_gtcs_version",
        match form.accepted_gtcs_version.as_deref() {
            Some(version) if version == gtcs_version => Ok(()),
            Some(_) => Err(Problem::Invalid(
                "The General Terms and Conditions of Sale have changed: read and accept the version shown.",
            )),
            None => Err(Problem::Invalid(
                "Accept the General Terms and Conditions of Sale to place the order.",
            )),
        },
    );
    errors.into_result(|| Some(()))
}

fn check_lines(lines: &[OrderFormLine]) -> Result<(), Problem> {
    let numbers: usize = lines.iter().map(|line| line.number_ids.len()).sum();
    if numbers == 0 {
        return Err(Problem::Invalid("Choose at least one Number."));
    }
    if numbers > MAX_NUMBERS {
        return Err(Problem::Invalid("An order holds at most 10,000 Numbers."));
    }
    let mut plans = HashSet::new();
    let mut seen = HashSet::new();
    for line in lines {
        if line.number_ids.is_empty() {
            return Err(Problem::Invalid(
                "Each Call Plan line needs at least one Number.",
            ));
        }
        if !plans.insert(line.plan_id) {
            return Err(Problem::Invalid("Each Call Plan appears on one line only."));
        }
        if !line.number_ids.iter().all(|id| seen.insert(*id)) {
            return Err(Problem::Invalid("Each Number can be ordered once only."));
        }
    }
    Ok(())
}

/// Who is buying, as far as VAT is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatBasis {
    pub billing_country: CountryCode,
    pub has_valid_vat_number: bool,
    /// Issue 19: the Company has a well-formed VAT number of another member state that VIES has
    /// not confirmed (not asked yet, no answer, or not valid): French VAT, said as such.
    #[serde(default)]
    pub unconfirmed_vat_number: bool,
}

impl VatBasis {
    /// The rate the order is invoiced at (`domain::vat`).
    pub fn rate(self) -> Percent {
        vat_rate_for(self.billing_country, self.has_valid_vat_number)
    }

    /// Why that rate, in a sentence for the Manager.
    pub fn reason(self) -> String {
        let country = self.billing_country.name();
        if self.billing_country == CountryCode::FRANCE {
            "French VAT: the Company is billed in France.".into()
        } else if self.billing_country.is_eu() && self.has_valid_vat_number {
            format!(
                "Reverse charge: the Company is billed in {country} with a VAT number, so it accounts for the VAT itself."
            )
        } else if self.billing_country.is_eu() && self.unconfirmed_vat_number {
            format!(
                "French VAT: the Company is billed in {country} with a VAT number VIES has not confirmed; the reverse charge applies once it does."
            )
        } else if self.billing_country.is_eu() {
            format!("French VAT: the Company is billed in {country} without a valid VAT number.")
        } else {
            format!(
                "No French VAT: the Company is billed in {country}, outside the European Union."
            )
        }
    }
}

/// One line to price: a Call Plan and how many Numbers carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRequest {
    pub plan_id: i64,
    pub quantity: u32,
}

/// A priced line with the facts it was priced from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotedLine {
    pub plan_id: i64,
    pub plan_name: String,
    pub quantity: u32,
    /// The tier applied: its smallest quantity.
    pub tier_min_quantity: u32,
    pub unit_price: Money,
    /// Since when this unit price is in force (PRICE-2).
    pub price_valid_from: NaiveDate,
    pub discount: Discount,
    pub discount_label: Option<String>,
    pub gross: Money,
    pub discount_amount: Money,
    pub net: Money,
}

impl QuotedLine {
    /// How the line reads on an order: "Business, 3 Numbers, annual".
    pub fn description(&self, billing: Billing) -> String {
        let numbers = if self.quantity == 1 {
            "Number"
        } else {
            "Numbers"
        };
        format!("{}, {} {numbers}, {billing}", self.plan_name, self.quantity)
    }
}

/// PRICE-1 (GTCS 5.1): an order priced on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderQuote {
    pub billing: Billing,
    pub on: NaiveDate,
    pub vat_rate: Percent,
    pub vat_reason: String,
    pub lines: Vec<QuotedLine>,
    pub subtotal: Money,
    pub vat: Money,
    pub total: Money,
}

/// Why an order cannot be priced or placed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("PRICE-1: Call Plan {plan_id} does not exist.")]
    UnknownPlan { plan_id: i64 },
    #[error("PRICE-1: {plan} has no {billing} price on {on}.")]
    NoPrice {
        plan: String,
        billing: Billing,
        on: NaiveDate,
    },
    #[error("PRICE-1: the order has no Numbers.")]
    Empty,
    #[error("PRICE-1: {plan} is not sold in {country_name}, so it cannot be ordered with {e164}.")]
    NotSoldIn {
        plan: String,
        e164: String,
        country_name: &'static str,
    },
    #[error("PRICE-1: the quote cannot be computed ({0}).")]
    Pricing(String),
}

/// PRICE-1, PRICE-2 (GTCS 5.1): prices `lines` paid `billing` with the price list in force `on`:
/// for each line, the tier reached by its quantity, the price of that tier in force that day,
/// the discount for `billing` in force that day; VAT at the rate of `vat`. Then
/// [`pricing::quote`] computes the amounts.
pub fn quote_order(
    list: &PriceList,
    billing: Billing,
    lines: &[LineRequest],
    on: NaiveDate,
    vat: VatBasis,
) -> Result<OrderQuote, OrderError> {
    if lines.iter().all(|line| line.quantity == 0) {
        return Err(OrderError::Empty);
    }
    let discount = list.discount(billing, on);
    let mut quoted = Vec::with_capacity(lines.len());
    let mut to_price = Vec::with_capacity(lines.len());
    for line in lines.iter().filter(|line| line.quantity > 0) {
        let plan = list.plan(line.plan_id).ok_or(OrderError::UnknownPlan {
            plan_id: line.plan_id,
        })?;
        let price = list
            .unit_price(line.plan_id, billing, line.quantity, on)
            .ok_or_else(|| OrderError::NoPrice {
                plan: plan.name.clone(),
                billing,
                on,
            })?;
        let line_discount = discount.map_or(Discount::NONE, |found| found.discount);
        to_price.push(QuoteLine {
            unit_price: price.unit_price,
            quantity: line.quantity,
            discount: line_discount,
        });
        quoted.push(QuotedLine {
            plan_id: plan.id,
            plan_name: plan.name.clone(),
            quantity: line.quantity,
            tier_min_quantity: price.min_quantity,
            unit_price: price.unit_price,
            price_valid_from: price.valid_from,
            discount: line_discount,
            discount_label: discount.map(|found| found.label.clone()),
            gross: Money::ZERO,
            discount_amount: Money::ZERO,
            net: Money::ZERO,
        });
    }
    let vat_rate = vat.rate();
    let Quote {
        lines: priced,
        subtotal,
        vat: vat_amount,
        total,
    } = pricing::quote(vat_rate, &to_price)
        .map_err(|error| OrderError::Pricing(error.to_string()))?;
    for (line, priced) in quoted.iter_mut().zip(priced) {
        line.gross = priced.gross;
        line.discount_amount = priced.discount;
        line.net = priced.net;
    }
    Ok(OrderQuote {
        billing,
        on,
        vat_rate,
        vat_reason: vat.reason(),
        lines: quoted,
        subtotal,
        vat: vat_amount,
        total,
    })
}

/// A Number as the order sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenNumber {
    pub id: i64,
    pub e164: String,
    pub country: CountryCode,
}

/// PRICE-1 (GTCS 5.1): every chosen Number's country is one where its Call Plan is sold.
pub fn check_sold_in(
    list: &PriceList,
    lines: &[(i64, Vec<ChosenNumber>)],
) -> Result<(), OrderError> {
    for (plan_id, numbers) in lines {
        let plan = list
            .plan(*plan_id)
            .ok_or(OrderError::UnknownPlan { plan_id: *plan_id })?;
        if let Some(number) = numbers
            .iter()
            .find(|number| !plan.is_sold_in(number.country))
        {
            return Err(OrderError::NotSoldIn {
                plan: plan.name.clone(),
                e164: number.e164.clone(),
                country_name: number.country.name(),
            });
        }
    }
    Ok(())
}

/// `amount` in whole cents, if it is a whole number of cents that fits.
pub fn cents(amount: Money) -> Option<i64> {
    let scaled = amount.amount().checked_mul(Decimal::ONE_HUNDRED)?;
    if scaled.fract().is_zero() {
        i64::try_from(scaled.trunc()).ok()
    } else {
        None
    }
}

/// "1 January 2027" (written out rather than through chrono's `format`, whose pattern machinery
/// would weigh on the browser's download for this one use).
pub fn long_date(day: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!(
        "{} {} {}",
        day.day(),
        MONTHS[day.month0() as usize],
        day.year()
    )
}

/// PRICE-2 (GTCS 5.1): why the quote `now` differs from the one the Manager saw (`before`,
/// computed for the same order on an earlier day, when known), in a sentence that starts with
/// the totals: "The total is now EUR 123.40 instead of EUR 120.00: the price of Business went
/// from EUR 12.00 to EUR 13.00 on 1 January 2027."
pub fn explain_change(
    expected_total: Money,
    now: &OrderQuote,
    before: Option<&OrderQuote>,
) -> String {
    let mut reasons = Vec::new();
    if let Some(before) = before {
        for line in &now.lines {
            let Some(old) = before.lines.iter().find(|old| old.plan_id == line.plan_id) else {
                continue;
            };
            if old.unit_price != line.unit_price {
                reasons.push(format!(
                    "the price of {} went from EUR {} to EUR {} on {}",
                    line.plan_name,
                    old.unit_price,
                    line.unit_price,
                    long_date(line.price_valid_from)
                ));
            }
            if old.discount != line.discount {
                reasons.push(format!(
                    "the discount on {} is now {} % instead of {} %",
                    line.plan_name, line.discount, old.discount
                ));
            }
        }
        if before.vat_rate != now.vat_rate {
            reasons.push(format!(
                "the VAT rate is now {} % instead of {} %",
                now.vat_rate, before.vat_rate
            ));
        }
    }
    let reasons = if reasons.is_empty() {
        "prices, tiers or the VAT rate changed since the quote was shown".to_owned()
    } else {
        reasons.join("; ")
    };
    format!(
        "The total is now EUR {} instead of EUR {}: {reasons}. Check the new quote and place the order again.",
        now.total, expected_total
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{BillingDiscount, CallPlan, PlanPrice};

    fn day(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn long_dates_are_written_out() {
        assert_eq!(long_date(day("2027-01-01")), "1 January 2027");
        assert_eq!(long_date(day("2026-12-31")), "31 December 2026");
        assert_eq!(long_date(day("2028-02-29")), "29 February 2028");
    }

    fn country(raw: &str) -> CountryCode {
        raw.parse().unwrap()
    }

    fn money(raw: &str) -> Money {
        raw.parse().unwrap()
    }

    fn plan(id: i64, name: &str, countries: &[&str]) -> CallPlan {
        CallPlan {
            id,
            code: name.to_uppercase(),
            name: name.into(),
            included_minutes: Some(100),
            included_sms: None,
            international_with_credits: false,
            countries: countries.iter().map(|code| country(code)).collect(),
        }
    }

    fn price(plan_id: i64, billing: Billing, from: &str, min: u32, unit: &str) -> PlanPrice {
        PlanPrice {
            plan_id,
            billing,
            valid_from: day(from),
            min_quantity: min,
            unit_price: money(unit),
            general_reduction: None,
        }
    }

    fn list() -> PriceList {
        PriceList {
            plans: vec![
                plan(1, "Essential", &["FR", "BE"]),
                plan(2, "Business", &["FR", "DE"]),
            ],
            prices: vec![
                price(1, Billing::Monthly, "2026-01-01", 1, "9.90"),
                price(1, Billing::Annual, "2026-01-01", 1, "99.00"),
                price(2, Billing::Monthly, "2026-01-01", 1, "12.00"),
                price(2, Billing::Monthly, "2026-01-01", 10, "11.00"),
                price(2, Billing::Monthly, "2027-01-01", 1, "13.00"),
                price(2, Billing::Annual, "2026-01-01", 1, "120.00"),
            ],
            discounts: vec![BillingDiscount {
                billing: Billing::Annual,
                valid_from: day("2026-01-01"),
                discount: Discount::new(Decimal::from(5)).unwrap(),
                label: "Annual payment".into(),
            }],
            usage_prices: Vec::new(),
        }
    }

    const FRANCE: VatBasis = VatBasis {
        billing_country: CountryCode::FRANCE,
        has_valid_vat_number: false,
        unconfirmed_vat_number: false,
    };

    fn request(plan_id: i64, quantity: u32) -> LineRequest {
        LineRequest { plan_id, quantity }
    }

    #[test]
    fn price_1_tiers_prices_and_french_vat() {
        let quote = quote_order(
            &list(),
            Billing::Monthly,
            &[request(1, 2), request(2, 10)],
            day("2026-12-01"),
            FRANCE,
        )
        .unwrap();
        assert_eq!(quote.lines[0].net, money("19.80"));
        assert_eq!(quote.lines[1].tier_min_quantity, 10);
        assert_eq!(quote.lines[1].net, money("110.00"));
        assert_eq!(quote.subtotal, money("129.80"));
        assert_eq!(quote.vat, money("25.96"));
        assert_eq!(quote.total, money("155.76"));
        assert!(quote.vat_reason.starts_with("French VAT"));
    }

    #[test]
    fn price_2_the_day_decides_the_price() {
        let on = |date| {
            quote_order(
                &list(),
                Billing::Monthly,
                &[request(2, 1)],
                day(date),
                FRANCE,
            )
            .unwrap()
        };
        assert_eq!(on("2026-12-31").lines[0].unit_price, money("12.00"));
        let later = on("2027-01-01");
        assert_eq!(later.lines[0].unit_price, money("13.00"));
        assert_eq!(later.lines[0].price_valid_from, day("2027-01-01"));
        let early = quote_order(
            &list(),
            Billing::Monthly,
            &[request(2, 1)],
            day("2025-12-31"),
            FRANCE,
        );
        assert!(matches!(early, Err(OrderError::NoPrice { .. })));
    }

    #[test]
    fn price_1_annual_discount_and_reverse_charge() {
        let german = VatBasis {
            billing_country: country("DE"),
            has_valid_vat_number: true,
            unconfirmed_vat_number: false,
        };
        let quote = quote_order(
            &list(),
            Billing::Annual,
            &[request(2, 3)],
            day("2026-12-01"),
            german,
        )
        .unwrap();
        assert_eq!(quote.lines[0].gross, money("360.00"));
        assert_eq!(quote.lines[0].discount_amount, money("18.00"));
        assert_eq!(
            quote.lines[0].discount_label.as_deref(),
            Some("Annual payment")
        );
        assert_eq!(quote.vat, Money::ZERO);
        assert_eq!(quote.total, money("342.00"));
        assert!(
            quote.vat_reason.starts_with("Reverse charge"),
            "{}",
            quote.vat_reason
        );
        let without_number = VatBasis {
            has_valid_vat_number: false,
            ..german
        };
        let taxed = quote_order(
            &list(),
            Billing::Annual,
            &[request(2, 3)],
            day("2026-12-01"),
            without_number,
        )
        .unwrap();
        assert_eq!(taxed.vat, money("68.40"));
        // Issue 19: a number VIES has not confirmed bills with French VAT, and says why.
        let pending = VatBasis {
            has_valid_vat_number: false,
            unconfirmed_vat_number: true,
            ..german
        };
        assert_eq!(pending.rate(), without_number.rate());
        assert!(
            pending.reason().contains("VIES has not confirmed"),
            "{}",
            pending.reason()
        );
    }

    #[test]
    fn price_1_unknown_plans_and_empty_orders_are_refused() {
        let refused = quote_order(
            &list(),
            Billing::Monthly,
            &[request(9, 1)],
            day("2026-12-01"),
            FRANCE,
        );
        assert_eq!(refused, Err(OrderError::UnknownPlan { plan_id: 9 }));
        let empty = quote_order(&list(), Billing::Monthly, &[], day("2026-12-01"), FRANCE);
        assert_eq!(empty, Err(OrderError::Empty));
    }

    #[test]
    fn price_1_a_quote_of_1000_lines_sums_every_line() {
        let mut list = PriceList::default();
        let mut lines = Vec::new();
        for id in 1..=1000_i64 {
            list.plans.push(plan(id, &format!("Plan {id}"), &["FR"]));
            let cents = 500 + id * 7;
            list.prices.push(PlanPrice {
                plan_id: id,
                billing: Billing::Monthly,
                valid_from: day("2026-01-01"),
                min_quantity: 1,
                unit_price: Money::from_cents(cents),
                general_reduction: None,
            });
            lines.push(request(id, 1 + (id as u32 % 3)));
        }
        let quote =
            quote_order(&list, Billing::Monthly, &lines, day("2026-12-01"), FRANCE).unwrap();
        assert_eq!(quote.lines.len(), 1000);
        let expected_cents: i64 = (1..=1000_i64).map(|id| (500 + id * 7) * (1 + id % 3)).sum();
        assert_eq!(cents(quote.subtotal), Some(expected_cents));
        assert_eq!(quote.total, quote.subtotal.checked_add(quote.vat).unwrap());
        assert_eq!(
            quote.vat,
            Percent::new(Decimal::from(20))
                .unwrap()
                .of(quote.subtotal)
                .unwrap()
                .round_to_cent()
        );
    }

    #[test]
    fn price_1_numbers_only_with_plans_sold_in_their_country() {
        let number = |id, e164: &str, code| ChosenNumber {
            id,
            e164: e164.into(),
            country: country(code),
        };
        let fine = [(
            1,
            vec![
                number(1, "+33612345678", "FR"),
                number(2, "+32470123456", "BE"),
            ],
        )];
        assert!(check_sold_in(&list(), &fine).is_ok());
        let wrong = [(2, vec![number(3, "+32470123457", "BE")])];
        let refused = check_sold_in(&list(), &wrong).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "PRICE-1: Business is not sold in Belgium, so it cannot be ordered with +32470123457."
        );
    }

    fn form() -> OrderForm {
        OrderForm {
            idempotency_key: "k-1".into(),
            billing: Billing::Monthly,
            lines: vec![OrderFormLine {
                plan_id: 1,
                number_ids: vec![1, 2],
            }],
            accepted_gtcs_version: Some("2026-11".into()),
            expected_total: money("10.00"),
            priced_on: None,
            trial: false,
        }
    }

    fn field_of(form: &OrderForm) -> Vec<&'static str> {
        validate_order_form(form, "2026-11")
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|error| error.field)
            .collect()
    }

    #[test]
    fn accept_1_the_version_shown_must_be_accepted() {
        assert!(validate_order_form(&form(), "2026-11").is_ok());
        let unticked = OrderForm {
            accepted_gtcs_version: None,
            ..form()
        };
        assert_eq!(field_of(&unticked), ["accepted_gtcs_version"]);
        let old = OrderForm {
            accepted_gtcs_version: Some("2025-01".into()),
            ..form()
        };
        assert_eq!(field_of(&old), ["accepted_gtcs_version"]);
    }

    #[test]
    fn an_order_needs_a_key_numbers_each_once_and_plans_each_once() {
        let keyless = OrderForm {
            idempotency_key: " ".into(),
            ..form()
        };
        assert_eq!(field_of(&keyless), ["idempotency_key"]);
        let line = |plan_id, number_ids: &[i64]| OrderFormLine {
            plan_id,
            number_ids: number_ids.to_vec(),
        };
        for lines in [
            vec![],
            vec![line(1, &[])],
            vec![line(1, &[1]), line(1, &[2])],
            vec![line(1, &[1]), line(2, &[1])],
        ] {
            let bad = OrderForm { lines, ..form() };
            assert_eq!(field_of(&bad), ["lines"], "{bad:?}");
        }
    }

    #[test]
    fn price_2_a_changed_quote_says_what_changed() {
        let lines = [request(2, 1)];
        let before =
            quote_order(&list(), Billing::Monthly, &lines, day("2026-12-31"), FRANCE).unwrap();
        let now =
            quote_order(&list(), Billing::Monthly, &lines, day("2027-01-01"), FRANCE).unwrap();
        assert_eq!(
            explain_change(before.total, &now, Some(&before)),
            "The total is now EUR 15.60 instead of EUR 14.40: the price of Business went from EUR 12.00 to EUR 13.00 on 1 January 2027. Check the new quote and place the order again."
        );
        assert!(
            explain_change(money("1.00"), &now, None)
                .contains("prices, tiers or the VAT rate changed")
        );
    }

    #[test]
    fn cents_of_whole_cent_amounts_only() {
        assert_eq!(cents(money("123.40")), Some(12340));
        assert_eq!(cents(money("0.125")), None);
        assert_eq!(cents(money("-1.5")), Some(-150));
    }
}
