//! The price list (PRICE-1, PRICE-2; GTCS 5.1): Call Plans, the countries each is sold in, and
//! versioned prices per payment frequency and quantity tier; and the mobile numbering plans the
//! pool of Numbers follows. Data, not code: the server loads it from the database and the browser
//! receives it as JSON; both look prices up with the same functions.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::money::Money;
use crate::pricing::Discount;
use crate::usage::{self, Unit, UsagePrice};

/// How a Licence is paid, in advance (PRICE-1): every month or once a year. It is also the
/// Licence's term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Billing {
    Monthly,
    Annual,
}

impl Billing {
    pub const ALL: [Billing; 2] = [Billing::Monthly, Billing::Annual];

    /// The Licence term this payment frequency buys: 1 or 12 months.
    pub fn term_months(self) -> u32 {
        match self {
            Billing::Monthly => 1,
            Billing::Annual => 12,
        }
    }

    /// The wire and database spelling: `monthly` or `annual`.
    pub fn as_str(self) -> &'static str {
        match self {
            Billing::Monthly => "monthly",
            Billing::Annual => "annual",
        }
    }

    /// What a price is per, for people: "month" or "year".
    pub fn period_noun(self) -> &'static str {
        match self {
            Billing::Monthly => "month",
            Billing::Annual => "year",
        }
    }
}

impl fmt::Display for Billing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Billing {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw.trim() {
            "monthly" => Ok(Billing::Monthly),
            "annual" => Ok(Billing::Annual),
            other => Err(format!("“{other}” is neither monthly nor annual.")),
        }
    }
}

/// A Call Plan and what it includes. `None` minutes or SMS means unlimited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallPlan {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub included_minutes: Option<u32>,
    pub included_sms: Option<u32>,
    /// Whether international calls may be made with Credits (NUM-5).
    pub international_with_credits: bool,
    /// The countries whose Numbers may carry this plan.
    pub countries: Vec<CountryCode>,
}

impl CallPlan {
    pub fn is_sold_in(&self, country: CountryCode) -> bool {
        self.countries.contains(&country)
    }
}

/// One price of the list: from `valid_from` on, a Number of `plan_id` paid `billing` costs
/// `unit_price` (excluding VAT) per period when the order holds at least `min_quantity` Numbers
/// of that plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPrice {
    pub plan_id: i64,
    pub billing: Billing,
    pub valid_from: NaiveDate,
    pub min_quantity: u32,
    pub unit_price: Money,
    /// PRICE-3: when the row is a general reduction's, the instant it was recorded: it prices
    /// the Orders placed since, never a Call Plan subscribed before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_reduction: Option<DateTime<Utc>>,
}

/// A discount granted on every line paid `billing`, from `valid_from` on (a later row replaces
/// it; a row of 0 % ends it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingDiscount {
    pub billing: Billing,
    pub valid_from: NaiveDate,
    #[serde(rename = "discount_pct")]
    pub discount: Discount,
    /// What a Manager reads, e.g. "Annual payment".
    pub label: String,
}

/// The whole price list, every version of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceList {
    pub plans: Vec<CallPlan>,
    pub prices: Vec<PlanPrice>,
    pub discounts: Vec<BillingDiscount>,
    /// PAY-1: the prices per minute and per SMS beyond what each plan includes in a month,
    /// every version.
    #[serde(default)]
    pub usage_prices: Vec<UsagePrice>,
}

impl PriceList {
    pub fn plan(&self, plan_id: i64) -> Option<&CallPlan> {
        self.plans.iter().find(|plan| plan.id == plan_id)
    }

    /// PRICE-2 (GTCS 5.1): the price in force `on` that day for `quantity` Numbers of a plan:
    /// the tier with the largest `min_quantity` not above `quantity`, and of that tier the row
    /// with the latest `valid_from` not after `on`.
    pub fn unit_price(
        &self,
        plan_id: i64,
        billing: Billing,
        quantity: u32,
        on: NaiveDate,
    ) -> Option<&PlanPrice> {
        self.prices
            .iter()
            .filter(|price| {
                price.plan_id == plan_id
                    && price.billing == billing
                    && price.valid_from <= on
                    && price.min_quantity <= quantity
            })
            .max_by_key(|price| (price.min_quantity, price.valid_from))
    }

    /// PRICE-2: the discount in force `on` that day for lines paid `billing`, if any.
    pub fn discount(&self, billing: Billing, on: NaiveDate) -> Option<&BillingDiscount> {
        self.discounts
            .iter()
            .filter(|discount| discount.billing == billing && discount.valid_from <= on)
            .max_by_key(|discount| discount.valid_from)
            .filter(|discount| discount.discount != Discount::NONE)
    }

    /// PAY-1, PRICE-6: the price per `unit` beyond what `plan_id` includes, in force `on` that
    /// day; `None` when the plan does not price it.
    pub fn price_beyond(&self, plan_id: i64, unit: Unit, on: NaiveDate) -> Option<Money> {
        usage::price_beyond(&self.usage_prices, plan_id, unit, on)
    }

    /// The list as it stands `on` that day: for each plan, payment and tier only the row in
    /// force, and only the discounts in force. Looking prices up in it `on` that day gives the
    /// same answers as in the whole list.
    pub fn in_force(&self, on: NaiveDate) -> PriceList {
        let mut prices: Vec<PlanPrice> = Vec::new();
        for price in self.prices.iter().filter(|price| price.valid_from <= on) {
            let same_tier = prices.iter_mut().find(|kept| {
                kept.plan_id == price.plan_id
                    && kept.billing == price.billing
                    && kept.min_quantity == price.min_quantity
            });
            match same_tier {
                Some(kept) if kept.valid_from < price.valid_from => *kept = price.clone(),
                Some(_) => {}
                None => prices.push(price.clone()),
            }
        }
        prices.sort_by_key(|price| (price.plan_id, price.billing, price.min_quantity));
        let discounts = Billing::ALL
            .into_iter()
            .filter_map(|billing| self.discount(billing, on).cloned())
            .collect();
        let mut usage_prices: Vec<UsagePrice> = Vec::new();
        for price in self
            .usage_prices
            .iter()
            .filter(|price| price.valid_from <= on)
        {
            match usage_prices
                .iter_mut()
                .find(|kept| kept.plan_id == price.plan_id)
            {
                Some(kept) if kept.valid_from < price.valid_from => *kept = price.clone(),
                Some(_) => {}
                None => usage_prices.push(price.clone()),
            }
        }
        usage_prices.sort_by_key(|price| price.plan_id);
        PriceList {
            plans: self.plans.clone(),
            prices,
            discounts,
            usage_prices,
        }
    }

    /// PRICE-3 (GTCS 5.1): the list a Call Plan subscribed (its Order placed) at `subscribed_at`
    /// is priced with (its renewals, RENEW-2; a termination for fault, TERM-1): a general
    /// reduction recorded after the Order is for new Orders only and is left out, even one of
    /// the same day; every other version (the list itself, the increases announced by notice,
    /// PRICE-4 and PRICE-5) applies.
    pub fn as_subscribed_at(&self, subscribed_at: DateTime<Utc>) -> PriceList {
        PriceList {
            prices: self
                .prices
                .iter()
                .filter(|price| price.general_reduction.is_none_or(|at| at <= subscribed_at))
                .cloned()
                .collect(),
            ..self.clone()
        }
    }

    /// The countries where at least one plan is sold, sorted.
    pub fn countries(&self) -> Vec<CountryCode> {
        let mut countries: Vec<CountryCode> = self
            .plans
            .iter()
            .flat_map(|plan| plan.countries.iter().copied())
            .collect();
        countries.sort();
        countries.dedup();
        countries
    }
}

/// The mobile numbering plan of the countries the pool holds Numbers for: the digits that may
/// follow the country code (`prefixes`) and how many digits follow the country code in all.
struct MobilePlan {
    country: &'static str,
    calling_code: &'static str,
    prefixes: &'static [&'static str],
    national_digits: usize,
}

const MOBILE_PLANS: [MobilePlan; 6] = [
    // France: 06 and 07, then 8 digits.
    MobilePlan {
        country: "FR",
        calling_code: "33",
        prefixes: &["6", "7"],
        national_digits: 9,
    },
    // Belgium: 046x to 049x, then 6 digits.
    MobilePlan {
        country: "BE",
        calling_code: "32",
        prefixes: &["46", "47", "48", "49"],
        national_digits: 9,
    },
    // Spain: 6 and 7 (71 to 74), 9 digits in all.
    MobilePlan {
        country: "ES",
        calling_code: "34",
        prefixes: &["6", "71", "72", "73", "74"],
        national_digits: 9,
    },
    // Germany: 015x, 016x, 017x; the pool uses 11-digit numbers (e.g. 0151 2345 6789).
    MobilePlan {
        country: "DE",
        calling_code: "49",
        prefixes: &["15", "16", "17"],
        national_digits: 11,
    },
    // Italy: 3xx, then 7 digits.
    MobilePlan {
        country: "IT",
        calling_code: "39",
        prefixes: &["3"],
        national_digits: 10,
    },
    // United Kingdom: 07xxx (not 076, pagers), 10 digits in all.
    MobilePlan {
        country: "GB",
        calling_code: "44",
        prefixes: &["71", "72", "73", "74", "75", "77", "78", "79"],
        national_digits: 10,
    },
];

/// True when `e164` (`+` and digits) is a mobile number of `country` by its numbering plan.
/// False for a country whose plan the pool does not know.
pub fn follows_mobile_plan(country: CountryCode, e164: &str) -> bool {
    let Some(plan) = MOBILE_PLANS
        .iter()
        .find(|plan| plan.country == country.as_str())
    else {
        return false;
    };
    let Some(national) = e164
        .strip_prefix('+')
        .and_then(|digits| digits.strip_prefix(plan.calling_code))
    else {
        return false;
    };
    national.len() == plan.national_digits
        && national.bytes().all(|byte| byte.is_ascii_digit())
        && plan
            .prefixes
            .iter()
            .any(|prefix| national.starts_with(prefix))
}

/// The most Numbers one range adds to the pool.
pub const MAX_RANGE: u64 = 10_000;

/// Why a range of Numbers cannot join the pool; [`RangeProblem::field`] names the form field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeProblem {
    #[error("The pool holds Numbers of FR, BE, ES, DE, IT and GB only.")]
    UnknownCountry,
    #[error("“{number}” is not a mobile number of {country} (E.164, e.g. {example}).")]
    NotMobile {
        number: String,
        country: CountryCode,
        example: &'static str,
    },
    #[error("The last Number comes before the first.")]
    Reversed,
    #[error("A range adds at most {max} Numbers at once; this one holds {size}.")]
    TooLarge { size: u64, max: u64 },
    #[error("{number}, inside the range, is not a mobile number of {country}: split the range.")]
    GapInPlan {
        number: String,
        country: CountryCode,
    },
}

impl RangeProblem {
    pub fn field(&self) -> &'static str {
        match self {
            RangeProblem::UnknownCountry => "country",
            RangeProblem::NotMobile { .. } | RangeProblem::GapInPlan { .. } => "first",
            RangeProblem::Reversed | RangeProblem::TooLarge { .. } => "last",
        }
    }
}

/// A mobile number of each country the pool knows, as an example for people.
fn example_of(country: CountryCode) -> Option<&'static str> {
    Some(match country.as_str() {
        "FR" => "+33612345678",
        "BE" => "+32470123456",
        "ES" => "+34612345678",
        "DE" => "+4915123456789",
        "IT" => "+393201234567",
        "GB" => "+447400123456",
        _ => return None,
    })
}

/// NUM-1: the Numbers from `first` to `last` (both included, as typed: spaces, dots and dashes
/// ignored) that an administrator adds to the pool of `country`: each a mobile number of that
/// country by its numbering plan, at most [`MAX_RANGE`] at once. `last` empty means `first`
/// alone.
pub fn number_range(
    country: CountryCode,
    first: &str,
    last: &str,
) -> Result<Vec<String>, RangeProblem> {
    let example = example_of(country).ok_or(RangeProblem::UnknownCountry)?;
    let compact = |raw: &str| -> String {
        raw.chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect()
    };
    let number = |raw: &str| -> Result<(u64, usize), RangeProblem> {
        let typed = compact(raw);
        let not_mobile = || RangeProblem::NotMobile {
            number: typed.clone(),
            country,
            example,
        };
        if !follows_mobile_plan(country, &typed) {
            return Err(not_mobile());
        }
        let digits = &typed[1..];
        Ok((digits.parse().map_err(|_| not_mobile())?, digits.len()))
    };
    let (from, width) = number(first)?;
    let (to, _) = if compact(last).is_empty() {
        (from, width)
    } else {
        number(last)?
    };
    if to < from {
        return Err(RangeProblem::Reversed);
    }
    let size = to - from + 1;
    if size > MAX_RANGE {
        return Err(RangeProblem::TooLarge {
            size,
            max: MAX_RANGE,
        });
    }
    (from..=to)
        .map(|n| {
            let e164 = format!("+{n:0width$}");
            if follows_mobile_plan(country, &e164) {
                Ok(e164)
            } else {
                Err(RangeProblem::GapInPlan {
                    number: e164,
                    country,
                })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    fn price(plan_id: i64, valid_from: &str, min_quantity: u32, unit_price: &str) -> PlanPrice {
        PlanPrice {
            plan_id,
            billing: Billing::Monthly,
            valid_from: day(valid_from),
            min_quantity,
            unit_price: unit_price.parse().unwrap(),
            general_reduction: None,
        }
    }

    fn list() -> PriceList {
        PriceList {
            plans: Vec::new(),
            prices: vec![
                price(1, "2026-01-01", 1, "12.00"),
                price(1, "2026-01-01", 10, "11.00"),
                price(1, "2027-01-01", 1, "13.00"),
                price(1, "2026-06-01", 50, "9.50"),
            ],
            discounts: vec![
                BillingDiscount {
                    billing: Billing::Annual,
                    valid_from: day("2026-01-01"),
                    discount: Discount::new(5.into()).unwrap(),
                    label: "Annual payment".into(),
                },
                BillingDiscount {
                    billing: Billing::Annual,
                    valid_from: day("2027-03-01"),
                    discount: Discount::NONE,
                    label: "Annual payment".into(),
                },
            ],
            usage_prices: Vec::new(),
        }
    }

    fn unit(list: &PriceList, quantity: u32, on: &str) -> Option<String> {
        list.unit_price(1, Billing::Monthly, quantity, day(on))
            .map(|price| price.unit_price.to_string())
    }

    #[test]
    fn price_2_the_price_in_force_on_the_day_applies() {
        let list = list();
        assert_eq!(unit(&list, 1, "2025-12-31"), None);
        assert_eq!(unit(&list, 1, "2026-01-01").as_deref(), Some("12.00"));
        assert_eq!(unit(&list, 1, "2026-12-31").as_deref(), Some("12.00"));
        assert_eq!(unit(&list, 1, "2027-01-01").as_deref(), Some("13.00"));
    }

    #[test]
    fn price_1_the_largest_tier_reached_applies() {
        let list = list();
        assert_eq!(unit(&list, 9, "2026-07-01").as_deref(), Some("12.00"));
        assert_eq!(unit(&list, 10, "2026-07-01").as_deref(), Some("11.00"));
        assert_eq!(unit(&list, 50, "2026-05-31").as_deref(), Some("11.00"));
        assert_eq!(unit(&list, 50, "2026-06-01").as_deref(), Some("9.50"));
        // The 10+ tier was not repriced in 2027: it stays in force.
        assert_eq!(unit(&list, 10, "2027-02-01").as_deref(), Some("11.00"));
        assert_eq!(
            list.unit_price(1, Billing::Annual, 1, day("2026-07-01")),
            None
        );
    }

    #[test]
    fn price_2_discounts_are_versioned_and_a_zero_row_ends_them() {
        let list = list();
        assert!(list.discount(Billing::Monthly, day("2026-07-01")).is_none());
        assert_eq!(
            list.discount(Billing::Annual, day("2026-07-01"))
                .map(|d| d.discount.to_string()),
            Some("5".into())
        );
        assert!(list.discount(Billing::Annual, day("2027-03-01")).is_none());
    }

    #[test]
    fn the_list_in_force_answers_like_the_whole_list() {
        let list = list();
        for on in ["2026-01-01", "2026-06-01", "2027-01-01", "2027-03-01"] {
            let current = list.in_force(day(on));
            for quantity in [1, 9, 10, 49, 50, 1000] {
                assert_eq!(unit(&current, quantity, on), unit(&list, quantity, on));
            }
            assert_eq!(
                current.discount(Billing::Annual, day(on)),
                list.discount(Billing::Annual, day(on))
            );
        }
        assert_eq!(list.in_force(day("2027-01-01")).prices.len(), 3);
    }

    #[test]
    fn mobile_numbering_plans() {
        let country = |raw: &str| raw.parse::<CountryCode>().unwrap();
        for (code, number) in [
            ("FR", "+33612345678"),
            ("FR", "+33712345678"),
            ("BE", "+32470123456"),
            ("ES", "+34612345678"),
            ("DE", "+4915123456789"),
            ("IT", "+393201234567"),
            ("GB", "+447400123456"),
        ] {
            assert!(follows_mobile_plan(country(code), number), "{number}");
        }
        for (code, number) in [
            ("FR", "+33112345678"),
            ("FR", "+3361234567"),
            ("BE", "+32212345678"),
            ("GB", "+447612345678"),
            ("IT", "+39061234567"),
            ("FR", "+32470123456"),
            ("CH", "+41791234567"),
        ] {
            assert!(!follows_mobile_plan(country(code), number), "{number}");
        }
    }

    #[test]
    fn price_3_a_reduction_after_the_subscription_leaves_the_call_plan_alone() {
        let instant = |raw: &str| raw.parse::<DateTime<Utc>>().unwrap();
        let mut list = list();
        list.prices.push(PlanPrice {
            general_reduction: Some(instant("2026-03-01T10:00:00Z")),
            ..price(1, "2026-03-01", 1, "10.00")
        });
        // New Orders get it from its day; a plan subscribed before (even that morning) keeps
        // its price, and still takes the increase of 2027; a plan subscribed since gets it.
        assert_eq!(unit(&list, 1, "2026-03-01").as_deref(), Some("10.00"));
        let before = list.as_subscribed_at(instant("2026-03-01T09:59:59Z"));
        assert_eq!(unit(&before, 1, "2026-06-01").as_deref(), Some("12.00"));
        assert_eq!(unit(&before, 1, "2027-01-01").as_deref(), Some("13.00"));
        let since = list.as_subscribed_at(instant("2026-03-01T10:00:01Z"));
        assert_eq!(unit(&since, 1, "2026-06-01").as_deref(), Some("10.00"));
    }

    #[test]
    fn num_1_a_range_of_the_pool_follows_the_numbering_plan() {
        let fr: CountryCode = "FR".parse().unwrap();
        let range = number_range(fr, "+33 6 12 00 00 98", "+33612000101").unwrap();
        assert_eq!(
            range,
            [
                "+33612000098",
                "+33612000099",
                "+33612000100",
                "+33612000101"
            ]
        );
        assert_eq!(number_range(fr, "+33612000098", "").unwrap().len(), 1);
        assert_eq!(
            number_range(fr, "+33612000098", "+33612000097"),
            Err(RangeProblem::Reversed)
        );
        assert!(matches!(
            number_range(fr, "+33612000000", "+33612010000"),
            Err(RangeProblem::TooLarge { size: 10_001, .. })
        ));
        assert_eq!(
            number_range(fr, "+33612000000", "+33612009999")
                .unwrap()
                .len(),
            10_000
        );
        assert!(matches!(
            number_range(fr, "+32470123456", ""),
            Err(RangeProblem::NotMobile { .. })
        ));
        let es: CountryCode = "ES".parse().unwrap();
        // +34 70… is no mobile number: a range across it is split.
        assert!(matches!(
            number_range(es, "+34699999999", "+34710000000"),
            Err(RangeProblem::TooLarge { .. })
        ));
        assert_eq!(
            number_range(es, "+34699999999", "+34699999999").map(|r| r.len()),
            Ok(1)
        );
        assert!(matches!(
            number_range(es, "+34699999998", "+34699999999"),
            Ok(range) if range.len() == 2
        ));
        let ch: CountryCode = "CH".parse().unwrap();
        assert_eq!(
            number_range(ch, "+41791234567", ""),
            Err(RangeProblem::UnknownCountry)
        );
    }
}
