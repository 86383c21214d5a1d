//! Payment default and discounts (LATE-3, GTCS 5.3; house reading "Payment default and
//! discounts"): from the day an invoice becomes overdue, no discount or advantage applies to any
//! later invoice of the Company (renewals, Orders, top-ups) until every Licence in force on that
//! day has ended. Paying the arrears does not bring them back.
//!
//! The server records each default (the day, the Licences in force then) and asks
//! [`standing`] before pricing anything; the browser receives the same [`Standing`] and prices
//! its quote with the same [`price_list_for`], so both show the same total and the same reason.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalogue::PriceList;
use crate::order::long_date;

/// A Licence in force on the day of a default, as it stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceInForce {
    pub licence_id: i64,
    /// The Licence has ended (however it ended).
    pub ended: bool,
    /// Its last day of service, when a notice or a termination set one.
    pub last_day_of_service: Option<NaiveDate>,
}

/// One payment default: the day one of the Company's invoices became overdue, and the Licences
/// in force that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentDefault {
    pub since: NaiveDate,
    pub licences: Vec<LicenceInForce>,
}

impl PaymentDefault {
    /// LATE-3: the default stops withholding discounts once every Licence in force on its day
    /// has ended (at once when none was).
    pub fn over(&self) -> bool {
        self.licences.iter().all(|licence| licence.ended)
    }
}

/// Whether the Company's later invoices get their discounts and advantages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Standing {
    /// No default withholds them.
    #[default]
    Advantages,
    /// LATE-3: a payment default withholds every discount and advantage.
    Withheld {
        /// The day of the earliest default still in effect.
        since: NaiveDate,
        /// The Licences whose end brings the discounts back (not ended yet), by id.
        until_ended: Vec<i64>,
        /// The first day discounts can apply again, when every one of those Licences has a
        /// last day of service; `None` while one of them still renews.
        back_on: Option<NaiveDate>,
    },
}

impl Standing {
    pub fn withheld(&self) -> bool {
        matches!(self, Standing::Withheld { .. })
    }

    /// The sentence the Manager reads on the Company's pages and under a quote; `None` when
    /// discounts apply.
    pub fn sentence(&self) -> Option<String> {
        let Standing::Withheld {
            since,
            until_ended,
            back_on,
        } = self
        else {
            return None;
        };
        let licences = match until_ended.as_slice() {
            [one] => format!("Licence {one} has"),
            many => format!(
                "Licences {} have",
                many.iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let until = match back_on {
            Some(day) => format!("until {} (once {licences} ended)", long_date(*day)),
            None => format!("until {licences} ended"),
        };
        Some(format!(
            "Payment default since {}: no discounts {until}. Paying the overdue invoice does not bring them back (LATE-3).",
            long_date(*since)
        ))
    }
}

/// LATE-3 (GTCS 5.3): where the Company stands given every default recorded for it. Discounts
/// are withheld while any default is not [over](PaymentDefault::over).
pub fn standing(defaults: &[PaymentDefault]) -> Standing {
    let in_effect: Vec<&PaymentDefault> = defaults.iter().filter(|d| !d.over()).collect();
    let Some(since) = in_effect.iter().map(|d| d.since).min() else {
        return Standing::Advantages;
    };
    let mut pending: Vec<LicenceInForce> = in_effect
        .iter()
        .flat_map(|d| d.licences.iter().copied())
        .filter(|licence| !licence.ended)
        .collect();
    pending.sort_by_key(|licence| licence.licence_id);
    pending.dedup_by_key(|licence| licence.licence_id);
    let back_on = pending
        .iter()
        .map(|licence| licence.last_day_of_service)
        .collect::<Option<Vec<_>>>()
        .and_then(|days| days.into_iter().max())
        .and_then(|last| last.succ_opt());
    Standing::Withheld {
        since,
        until_ended: pending.iter().map(|licence| licence.licence_id).collect(),
        back_on,
    }
}

/// LATE-3: the price list an Order of the Company is priced with: as it is, or without any
/// discount while a default withholds them. The server and the browser both price through it.
pub fn price_list_for(list: &PriceList, standing: &Standing) -> PriceList {
    let mut priced = list.clone();
    if standing.withheld() {
        priced.discounts.clear();
    }
    priced
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    fn licence(id: i64, ended: bool, last: Option<&str>) -> LicenceInForce {
        LicenceInForce {
            licence_id: id,
            ended,
            last_day_of_service: last.map(day),
        }
    }

    #[test]
    fn late_3_withheld_until_every_licence_in_force_that_day_has_ended() {
        let default = PaymentDefault {
            since: day("2026-10-02"),
            licences: vec![licence(3, false, None), licence(4, false, None)],
        };
        let standing = standing(std::slice::from_ref(&default));
        assert_eq!(
            standing,
            Standing::Withheld {
                since: day("2026-10-02"),
                until_ended: vec![3, 4],
                back_on: None,
            }
        );
        assert_eq!(
            standing.sentence().unwrap(),
            "Payment default since 2 October 2026: no discounts until Licences 3, 4 have ended. \
             Paying the overdue invoice does not bring them back (LATE-3)."
        );
        // One of them ended: still withheld.
        let one_ended = PaymentDefault {
            licences: vec![
                licence(3, true, None),
                licence(4, false, Some("2027-03-31")),
            ],
            ..default.clone()
        };
        let withheld = super::standing(&[one_ended]);
        assert_eq!(
            withheld,
            Standing::Withheld {
                since: day("2026-10-02"),
                until_ended: vec![4],
                back_on: Some(day("2027-04-01")),
            }
        );
        assert!(
            withheld
                .sentence()
                .unwrap()
                .contains("until 1 April 2027 (once Licence 4 has ended)")
        );
        // Both ended: discounts apply again.
        let over = PaymentDefault {
            licences: vec![licence(3, true, None), licence(4, true, None)],
            ..default
        };
        assert_eq!(super::standing(&[over]), Standing::Advantages);
        assert_eq!(Standing::Advantages.sentence(), None);
    }

    #[test]
    fn late_3_the_earliest_default_in_effect_counts_and_none_in_force_is_over_at_once() {
        let nothing_in_force = PaymentDefault {
            since: day("2026-01-05"),
            licences: vec![],
        };
        assert!(nothing_in_force.over());
        assert_eq!(
            standing(std::slice::from_ref(&nothing_in_force)),
            Standing::Advantages
        );
        let first = PaymentDefault {
            since: day("2026-03-01"),
            licences: vec![licence(1, false, Some("2026-12-31"))],
        };
        let second = PaymentDefault {
            since: day("2026-05-01"),
            licences: vec![
                licence(1, false, Some("2026-12-31")),
                licence(2, false, Some("2027-01-31")),
            ],
        };
        assert_eq!(
            standing(&[nothing_in_force, first, second]),
            Standing::Withheld {
                since: day("2026-03-01"),
                until_ended: vec![1, 2],
                back_on: Some(day("2027-02-01")),
            }
        );
    }

    #[test]
    fn late_3_no_discount_in_the_price_list_while_withheld() {
        use crate::catalogue::{Billing, BillingDiscount};
        use crate::pricing::Discount;
        let list = PriceList {
            plans: vec![],
            prices: vec![],
            discounts: vec![BillingDiscount {
                billing: Billing::Annual,
                valid_from: day("2026-01-01"),
                discount: Discount::new(10.into()).unwrap(),
                label: "Annual payment".into(),
            }],
            usage_prices: vec![],
        };
        assert_eq!(
            price_list_for(&list, &Standing::Advantages).discounts.len(),
            1
        );
        let withheld = Standing::Withheld {
            since: day("2026-02-01"),
            until_ended: vec![1],
            back_on: None,
        };
        assert!(price_list_for(&list, &withheld).discounts.is_empty());
    }
}
