//! Discontinuing a Service (NOTICE-3, GTCS 6.2.1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Span;
use crate::dial::DialClass;
use crate::error::{RuleError, RuleId};
use crate::notice::earliest_effective;

/// NOTICE-3: the provider gives at least two weeks' notice.
pub const DISCONTINUATION_NOTICE: Span = Span::Days(14);

/// The Services of the WebApp the provider may stop offering one by one (NOTICE-3). Calls and
/// SMS to national numbers are what a Number is: they end with its Licence, never alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// Messages with a picture (MMS).
    PictureMessages,
    /// Messages to numbers abroad, paid with Credits.
    MessagesAbroad,
    /// Calls to special and international numbers, paid with Credits.
    CallsWithCredits,
    /// Voicemails left on a missed call.
    Voicemail,
}

impl Service {
    pub const ALL: [Service; 4] = [
        Service::PictureMessages,
        Service::MessagesAbroad,
        Service::CallsWithCredits,
        Service::Voicemail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Service::PictureMessages => "picture_messages",
            Service::MessagesAbroad => "messages_abroad",
            Service::CallsWithCredits => "calls_with_credits",
            Service::Voicemail => "voicemail",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|service| service.as_str() == raw)
    }

    /// The Service as people read it.
    pub fn label(self) -> &'static str {
        match self {
            Service::PictureMessages => "Picture messages (MMS)",
            Service::MessagesAbroad => "Messages to numbers abroad",
            Service::CallsWithCredits => "Calls to special and international numbers",
            Service::Voicemail => "Voicemail",
        }
    }

    /// The Services a message uses: pictures, and numbers abroad.
    pub fn for_message(has_picture: bool, class: DialClass) -> Vec<Service> {
        let mut used = Vec::new();
        if has_picture {
            used.push(Service::PictureMessages);
        }
        if class == DialClass::International {
            used.push(Service::MessagesAbroad);
        }
        used
    }

    /// The Service a call to a number of `class` uses, if any beyond the Number itself.
    pub fn for_call(class: DialClass) -> Option<Service> {
        matches!(class, DialClass::Special | DialClass::International)
            .then_some(Service::CallsWithCredits)
    }
}

/// A discontinuation the provider announced: the Service stops at the start of `effective`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announced {
    pub service: Service,
    pub effective: NaiveDate,
}

/// NOTICE-3: the first of `services` no longer offered on `today` under the `announced`
/// discontinuations, with the day it stopped; `None` when every one is still offered.
pub fn withdrawn(
    announced: &[Announced],
    services: &[Service],
    today: NaiveDate,
) -> Option<Announced> {
    services.iter().find_map(|service| {
        announced
            .iter()
            .find(|announced| announced.service == *service && announced.effective <= today)
            .copied()
    })
}

/// NOTICE-3: what Managers and Users read of a discontinuation on `today`.
pub fn notice_sentence(announced: Announced, today: NaiveDate) -> String {
    let label = announced.service.label();
    let day = crate::order::long_date(announced.effective);
    if announced.effective <= today {
        format!("{label}: no longer offered since {day} (the provider discontinued this Service).")
    } else {
        format!(
            "{label}: the provider discontinues this Service; it can be used until the day before {day}."
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discontinuation {
    /// `notified + 14 days + 1 day` (rule T).
    pub earliest_effective: NaiveDate,
    /// The planned date is not before `earliest_effective`.
    pub valid: bool,
}

/// NOTICE-3 (GTCS 6.2.1), calculator `service.discontinuation`: may a Service notified as
/// discontinued on `notified` stop at the start of `effective`?
pub fn discontinuation(
    notified: NaiveDate,
    effective: NaiveDate,
) -> Result<Discontinuation, RuleError> {
    let earliest =
        earliest_effective(DISCONTINUATION_NOTICE, notified).ok_or(RuleError::OutOfCalendar {
            rule: RuleId::Notice3,
        })?;
    Ok(Discontinuation {
        earliest_effective: earliest,
        valid: effective >= earliest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_stops_on_its_effective_day_not_before() {
        let date = |raw: &str| raw.parse::<NaiveDate>().unwrap();
        let announced = [Announced {
            service: Service::PictureMessages,
            effective: date("2027-01-04"),
        }];
        let picture_abroad = Service::for_message(true, DialClass::International);
        assert_eq!(
            picture_abroad,
            [Service::PictureMessages, Service::MessagesAbroad]
        );
        assert_eq!(
            withdrawn(&announced, &picture_abroad, date("2027-01-03")),
            None
        );
        assert_eq!(
            withdrawn(&announced, &picture_abroad, date("2027-01-04")),
            Some(announced[0])
        );
        let text_at_home = Service::for_message(false, DialClass::National);
        assert_eq!(
            withdrawn(&announced, &text_at_home, date("2027-06-01")),
            None
        );
        assert_eq!(
            Service::for_call(DialClass::Special),
            Some(Service::CallsWithCredits)
        );
        assert_eq!(Service::for_call(DialClass::National), None);
        assert_eq!(
            notice_sentence(announced[0], date("2027-01-03")),
            "Picture messages (MMS): the provider discontinues this Service; it can be used until the day before 4 January 2027."
        );
        assert_eq!(
            notice_sentence(announced[0], date("2027-01-04")),
            "Picture messages (MMS): no longer offered since 4 January 2027 (the provider discontinued this Service)."
        );
        for service in Service::ALL {
            assert_eq!(Service::parse(service.as_str()), Some(service));
        }
    }

    #[test]
    fn notice_3_two_full_weeks() {
        let date = |raw: &str| raw.parse::<NaiveDate>().unwrap();
        let check = discontinuation(date("2026-12-20"), date("2027-01-03")).unwrap();
        assert_eq!(check.earliest_effective, date("2027-01-04"));
        assert!(!check.valid);
    }
}
