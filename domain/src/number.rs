//! Who may hold a Number (NUM-2, GTCS 3.2).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::error::RuleError;
use crate::licence::Licence;
use crate::notice::non_renewal_notice;

/// Where a User lives and the countries the User can show stable links with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserTerritory {
    pub residence: CountryCode,
    #[serde(default)]
    pub stable_links: Vec<CountryCode>,
}

/// NUM-2 (GTCS 3.2), calculator `number.assignable`: a Number of `number_country` may only be
/// assigned to a User who resides there or can show stable links there.
pub fn check_assignable(
    number_country: CountryCode,
    user: &UserTerritory,
) -> Result<(), RuleError> {
    if user.residence == number_country || user.stable_links.contains(&number_country) {
        Ok(())
    } else {
        Err(RuleError::NotInTerritory { number_country })
    }
}

/// NUM-2 (GTCS 3.2) for a User whose country of residence may not be on file: without one, only
/// the User's stable links count.
pub fn check_assignable_to(
    number_country: CountryCode,
    residence: Option<CountryCode>,
    stable_links: &[CountryCode],
) -> Result<(), RuleError> {
    match residence {
        Some(residence) => check_assignable(
            number_country,
            &UserTerritory {
                residence,
                stable_links: stable_links.to_vec(),
            },
        ),
        None if stable_links.contains(&number_country) => Ok(()),
        None => Err(RuleError::NotInTerritory { number_country }),
    }
}

/// NUM-2: why `user_name` cannot take a Number of `number_country`, as the Manager reads it.
pub fn refusal_reason(number_country: CountryCode, user_name: &str) -> String {
    let country = number_country.name();
    format!(
        "This Number is in {country}: {user_name} neither resides in {country} nor has stable links there."
    )
}

/// NUM-2: the hint shown beside a Number before any User is chosen.
pub fn territory_hint(number_country: CountryCode) -> String {
    format!(
        "This Number cannot go to a User without links to {}.",
        number_country.name()
    )
}

/// A Number a User holds, as NUM-3 looks at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldNumber {
    pub number_id: i64,
    pub e164: String,
    pub country: CountryCode,
}

/// NUM-3 (GTCS 6; house reading "Territory"): after a change of the User's residence or stable
/// links, the Numbers the User holds that no longer meet NUM-2, in the order given. The change
/// is saved all the same; these are what the Manager is told about, and what lets the provider
/// suspend the User (reason: territory no longer met).
pub fn no_longer_qualifying(
    held: &[HeldNumber],
    residence: Option<CountryCode>,
    stable_links: &[CountryCode],
) -> Vec<HeldNumber> {
    held.iter()
        .filter(|number| check_assignable_to(number.country, residence, stable_links).is_err())
        .cloned()
        .collect()
}

/// NUM-3: what the Manager reads about one Number that no longer qualifies.
pub fn no_longer_qualifying_reason(number: &HeldNumber, user_name: &str) -> String {
    let country = number.country.name();
    format!(
        "{} is in {country}: {user_name} no longer resides in {country} nor has stable links there (NUM-3). The provider may suspend {user_name}.",
        number.e164
    )
}

/// Whether a Number may leave the Company now (NUM-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Release {
    /// The Licence's service has ended: the Number may go back to the pool.
    Allowed,
    /// Too early: possible from `from`. Without a notice of non-renewal, `from` is what a notice
    /// given today would lead to (`notice_needed`).
    NotBefore {
        from: NaiveDate,
        notice_needed: bool,
    },
}

/// NUM-4 (GTCS 6.1; house reading "Releasing Numbers"): a Number added within a Licence follows
/// the Licence's term and renews with it (RENEW-1), so it can only be released once the Licence
/// has ended, however it ended (`ended`: a notice of non-renewal, a price-change termination, a
/// termination for fault, the provider's termination, a trial not converted). Before that, from
/// the day after `service_last_day`, the earliest last day of service already set (by a notice of
/// non-renewal or a termination); without one, the day after the last day of service a notice
/// given on `today` would bring (NOTICE-1).
pub fn release_on(
    licence: &Licence,
    ended: bool,
    service_last_day: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Release, RuleError> {
    if ended {
        return Ok(Release::Allowed);
    }
    let out_of_calendar = RuleError::OutOfCalendar {
        rule: crate::error::RuleId::Num4,
    };
    let (last_day, notice_needed) = match service_last_day {
        Some(last_day) => (last_day, false),
        None => (non_renewal_notice(licence, today)?.service_last_day, true),
    };
    if today > last_day {
        return Ok(Release::Allowed);
    }
    let from = last_day.succ_opt().ok_or(out_of_calendar)?;
    Ok(Release::NotBefore {
        from,
        notice_needed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn num_2_residence_or_stable_links() {
        let country = |raw: &str| raw.parse::<CountryCode>().unwrap();
        let user = UserTerritory {
            residence: country("FR"),
            stable_links: vec![country("BE")],
        };
        assert!(check_assignable(country("FR"), &user).is_ok());
        assert!(check_assignable(country("BE"), &user).is_ok());
        let refused = check_assignable(country("ES"), &user).unwrap_err();
        assert!(refused.to_string().starts_with("NUM-2:"), "{refused}");
        let json = r#"{"residence":"FR"}"#;
        assert!(
            serde_json::from_str::<UserTerritory>(json)
                .unwrap()
                .stable_links
                .is_empty()
        );
    }

    fn date(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn num_2_without_a_residence_only_stable_links_count() {
        let spain: CountryCode = "ES".parse().unwrap();
        assert!(check_assignable_to(spain, None, &[]).is_err());
        assert!(check_assignable_to(spain, None, &[spain]).is_ok());
        assert!(check_assignable_to(spain, Some(CountryCode::FRANCE), &[]).is_err());
        assert!(check_assignable_to(spain, Some(spain), &[]).is_ok());
        assert_eq!(
            refusal_reason(spain, "Luc Petit"),
            "This Number is in Spain: Luc Petit neither resides in Spain nor has stable links there."
        );
        assert!(territory_hint(spain).ends_with("without links to Spain."));
    }

    #[test]
    fn num_3_numbers_that_no_longer_qualify_after_a_move() {
        let country = |raw: &str| raw.parse::<CountryCode>().unwrap();
        let held = |id: i64, e164: &str, raw: &str| HeldNumber {
            number_id: id,
            e164: e164.into(),
            country: country(raw),
        };
        let numbers = [
            held(1, "+33612345678", "FR"),
            held(2, "+32470123456", "BE"),
            held(3, "+34612345678", "ES"),
        ];
        // Moved to Belgium, stable links with Spain kept: only the French Number fails.
        let failing = no_longer_qualifying(&numbers, Some(country("BE")), &[country("ES")]);
        assert_eq!(failing, vec![numbers[0].clone()]);
        // Everything still qualifies.
        assert!(
            no_longer_qualifying(
                &numbers,
                Some(country("FR")),
                &[country("BE"), country("ES")]
            )
            .is_empty()
        );
        assert_eq!(
            no_longer_qualifying_reason(&failing[0], "Luc Petit"),
            "+33612345678 is in France: Luc Petit no longer resides in France nor has stable links there (NUM-3). The provider may suspend Luc Petit."
        );
    }

    #[test]
    fn num_4_release_waits_for_the_end_of_the_licence() {
        let licence = Licence::new(date("2026-03-05"), crate::term::Term::YEARLY);
        // No notice yet, on time for the first period: possible the day after it ends.
        assert_eq!(
            release_on(&licence, false, None, date("2026-06-01")),
            Ok(Release::NotBefore {
                from: date("2027-03-05"),
                notice_needed: true
            })
        );
        // No notice and too late for this period: the next one must run to its end too.
        assert_eq!(
            release_on(&licence, false, None, date("2026-12-05")),
            Ok(Release::NotBefore {
                from: date("2028-03-05"),
                notice_needed: true
            })
        );
        let notice = Some(date("2027-03-04"));
        assert_eq!(
            release_on(&licence, false, notice, date("2027-03-04")),
            Ok(Release::NotBefore {
                from: date("2027-03-05"),
                notice_needed: false
            })
        );
        assert_eq!(
            release_on(&licence, false, notice, date("2027-03-05")),
            Ok(Release::Allowed)
        );
        // Ended however it ended (a termination, a trial not converted): released at once,
        // whatever a notice would have said.
        assert_eq!(
            release_on(&licence, true, None, date("2026-06-01")),
            Ok(Release::Allowed)
        );
        assert_eq!(
            release_on(&licence, true, notice, date("2026-06-01")),
            Ok(Release::Allowed)
        );
    }
}
