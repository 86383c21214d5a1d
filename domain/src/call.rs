//! Calls from the WebApp (NUM-5, GTCS 7 and 2): whether a dialled number may be called and how
//! the call is paid, the minutes it is billed, and which Credits rate applies.
//!
//! The same functions run in the dialler (the browser says why before anything is sent) and on
//! the server (which decides). Amounts are integer cents, as in the Credits ledger.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::dial::{self, DialClass};
use crate::error::RuleError;
use crate::field::without_separators;
use crate::money::Money;

/// How an allowed call is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Charging {
    /// National: counted against the Call Plan's included minutes.
    IncludedMinutes,
    /// Special or international: the Company's Credits, debited per started minute.
    Credits { cents_per_minute: i64 },
}

/// NUM-5: why a number may not be called from the WebApp. Each has a stable code and the
/// sentence the User reads; every refusal but [`CallRefusal::SameNumber`] sends them to their
/// phone's operator line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum CallRefusal {
    /// Emergency numbers are never called from the app.
    Emergency,
    /// Not a number that can be dialled.
    Invalid,
    /// A special or international number, and the Call Plan does not allow calls with Credits.
    NotInPlan { class: DialClass },
    /// No Credits rate is in force for this destination.
    NoRate { class: DialClass },
    /// The Company's available Credits do not cover the first minute.
    CreditsShort {
        available_cents: i64,
        needed_cents: i64,
    },
    /// A Number calling itself.
    SameNumber,
    /// Only Numbers of these countries' home plans can dial from the app so far.
    UnsupportedHome { home: CountryCode },
}

impl CallRefusal {
    /// What the User reads.
    pub fn sentence(&self) -> String {
        const OPERATOR_LINE: &str = "from your phone's operator line";
        match self {
            CallRefusal::Emergency => format!(
                "Emergency numbers cannot be called from the WebApp: call 112 (or the emergency \
                 number you need) {OPERATOR_LINE}."
            ),
            CallRefusal::Invalid => "This number cannot be called: check it (a French number has \
                                     10 digits, such as 06 12 34 56 78; abroad, start with + or 00 \
                                     and the country code)."
                .into(),
            CallRefusal::NotInPlan { class } => format!(
                "Your Call Plan does not include {}: call this number {OPERATOR_LINE}.",
                class_phrase(*class)
            ),
            CallRefusal::NoRate { class } => format!(
                "There is no Credits price yet for {}: call this number {OPERATOR_LINE}.",
                class_phrase(*class)
            ),
            CallRefusal::CreditsShort {
                available_cents,
                needed_cents,
            } => format!(
                "This call is paid with your Company's Credits, EUR {} per minute, and only EUR {} \
                 is available: ask a Manager to top up the Credits, or call {OPERATOR_LINE}.",
                Money::from_cents(*needed_cents),
                Money::from_cents(*available_cents),
            ),
            CallRefusal::SameNumber => "A Number cannot call itself.".into(),
            CallRefusal::UnsupportedHome { home } => format!(
                "Calls from Numbers of {home} are not available in the WebApp yet: call \
                 {OPERATOR_LINE}."
            ),
        }
    }
}

fn class_phrase(class: DialClass) -> &'static str {
    match class {
        DialClass::International => "international calls",
        DialClass::Special => "calls to special and short numbers",
        DialClass::Emergency | DialClass::National | DialClass::Invalid => "calls to this number",
    }
}

/// NUM-5 (calculator `dial.classify`): the class of `dialled` for a Number of `home`, as a
/// refusal when the home plan is not supported.
pub fn dial_class(home: CountryCode, dialled: &str) -> Result<DialClass, CallRefusal> {
    dial::classify(home, dialled).map_err(|error| match error {
        RuleError::UnsupportedHomePlan { home } => CallRefusal::UnsupportedHome { home },
        _ => CallRefusal::Invalid,
    })
}

/// NUM-5 (GTCS 7, 2), decided before a call: emergency numbers never; invalid numbers never;
/// national numbers against the included minutes; special and international numbers only when
/// the Call Plan allows calls with Credits (`calls_with_credits`), a rate is in force
/// (`cents_per_minute`) and the Company's available Credits cover at least the first minute.
pub fn charging(
    class: DialClass,
    calls_with_credits: bool,
    cents_per_minute: Option<i64>,
    available_cents: i64,
) -> Result<Charging, CallRefusal> {
    match class {
        DialClass::Emergency => Err(CallRefusal::Emergency),
        DialClass::Invalid => Err(CallRefusal::Invalid),
        DialClass::National => Ok(Charging::IncludedMinutes),
        DialClass::Special | DialClass::International => {
            if !calls_with_credits {
                return Err(CallRefusal::NotInPlan { class });
            }
            let cents_per_minute = cents_per_minute
                .filter(|cents| *cents > 0)
                .ok_or(CallRefusal::NoRate { class })?;
            if available_cents < cents_per_minute {
                return Err(CallRefusal::CreditsShort {
                    available_cents: available_cents.max(0),
                    needed_cents: cents_per_minute,
                });
            }
            Ok(Charging::Credits { cents_per_minute })
        }
    }
}

/// NUM-5 (house reading): a call is billed per started minute from the moment it is answered,
/// so an answered call counts at least one minute: 1 s → 1, 60 s → 1, 61 s → 2.
pub fn billed_minutes(duration_seconds: u32) -> u32 {
    duration_seconds.div_ceil(60).max(1)
}

/// The Credits a call of `minutes` costs at `cents_per_minute`; `None` on overflow.
pub fn credits_cents(minutes: u32, cents_per_minute: i64) -> Option<i64> {
    cents_per_minute.checked_mul(i64::from(minutes))
}

/// One row of the Credits rates of a kind (calls or SMS) and class, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    /// The start of the destination (`+44`); empty for every destination of the class.
    pub prefix: String,
    /// Per started minute (calls) or per part (SMS).
    pub cents: i64,
    #[serde(deserialize_with = "crate::day::deserialize")]
    pub valid_from: NaiveDate,
}

/// PRICE-6: the rate for `destination` (E.164, or as dialled for special numbers) on `day`.
/// Rates are versioned, never changed: among the rows in force on `day` (valid from that day or
/// before) whose prefix starts `destination`, the longest prefix wins, then the latest
/// `valid_from`, so an increase applies from its first day to every call, current Licences
/// included.
pub fn rate_for<'a>(rates: &'a [Rate], destination: &str, day: NaiveDate) -> Option<&'a Rate> {
    let destination = without_separators(destination);
    rates
        .iter()
        .filter(|rate| rate.valid_from <= day && destination.starts_with(&rate.prefix))
        .max_by_key(|rate| (rate.prefix.len(), rate.valid_from))
}

/// The largest voicemail stored: 2 MiB.
pub const VOICEMAIL_MAX_BYTES: usize = 2 * 1024 * 1024;
/// The longest voicemail, in seconds: the recorder in the browser stops there.
pub const VOICEMAIL_MAX_SECONDS: u32 = 180;
/// What the browser's MediaRecorder produces, as the server stores it.
pub const VOICEMAIL_TYPES: [&str; 2] = ["audio/webm", "audio/ogg"];

/// Why a voicemail recording is refused; the message is the sentence the User reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoicemailProblem {
    #[error("A voicemail is recorded as audio/webm or audio/ogg, not {content_type}.")]
    UnsupportedType { content_type: String },
    #[error("A voicemail is at most 2 MiB: record a shorter message.")]
    TooLarge { size_bytes: usize },
    #[error("The recording is empty: nothing was left.")]
    Empty,
    #[error("Give the recording's length in whole seconds, from 0 to 180.")]
    BadDuration,
}

/// Checks a voicemail recording (issue 6, point 4) in the browser before it is sent and on the
/// server before it is stored: its `Content-Type` (parameters such as `;codecs=opus` allowed),
/// its size and its length. The type to store, without parameters.
pub fn validate_voicemail(
    content_type: &str,
    size_bytes: usize,
    seconds: Option<u32>,
) -> Result<&'static str, VoicemailProblem> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let content_type = VOICEMAIL_TYPES
        .into_iter()
        .find(|known| *known == essence)
        .ok_or(VoicemailProblem::UnsupportedType {
            content_type: essence,
        })?;
    if size_bytes == 0 {
        return Err(VoicemailProblem::Empty);
    }
    if size_bytes > VOICEMAIL_MAX_BYTES {
        return Err(VoicemailProblem::TooLarge { size_bytes });
    }
    match seconds {
        Some(seconds) if seconds <= VOICEMAIL_MAX_SECONDS => Ok(content_type),
        _ => Err(VoicemailProblem::BadDuration),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn num_5_emergency_and_invalid_numbers_are_never_called() {
        for with_credits in [false, true] {
            assert_eq!(
                charging(DialClass::Emergency, with_credits, Some(60), 10_000),
                Err(CallRefusal::Emergency)
            );
            assert_eq!(
                charging(DialClass::Invalid, with_credits, Some(60), 10_000),
                Err(CallRefusal::Invalid)
            );
        }
        let sentence = CallRefusal::Emergency.sentence();
        assert!(sentence.contains("call 112"), "{sentence}");
        assert!(sentence.contains("operator line"), "{sentence}");
    }

    #[test]
    fn num_5_national_numbers_use_the_included_minutes() {
        assert_eq!(
            charging(DialClass::National, false, None, 0),
            Ok(Charging::IncludedMinutes)
        );
    }

    #[test]
    fn num_5_special_and_international_need_the_plan_then_a_rate_then_credits() {
        for class in [DialClass::Special, DialClass::International] {
            assert_eq!(
                charging(class, false, Some(60), 10_000),
                Err(CallRefusal::NotInPlan { class })
            );
            assert_eq!(
                charging(class, true, None, 10_000),
                Err(CallRefusal::NoRate { class })
            );
            assert_eq!(
                charging(class, true, Some(60), 59),
                Err(CallRefusal::CreditsShort {
                    available_cents: 59,
                    needed_cents: 60
                })
            );
            assert_eq!(
                charging(class, true, Some(60), 60),
                Ok(Charging::Credits {
                    cents_per_minute: 60
                })
            );
        }
        let short = CallRefusal::CreditsShort {
            available_cents: 20,
            needed_cents: 60,
        };
        assert!(short.sentence().contains("EUR 0.60 per minute"));
        assert!(short.sentence().contains("EUR 0.20 is available"));
        let sentence = CallRefusal::NotInPlan {
            class: DialClass::International,
        }
        .sentence();
        assert!(sentence.contains("international calls"), "{sentence}");
        assert!(sentence.contains("operator line"), "{sentence}");
    }

    #[test]
    fn num_5_every_refusal_has_its_own_sentence() {
        let all = [
            CallRefusal::Emergency,
            CallRefusal::Invalid,
            CallRefusal::NotInPlan {
                class: DialClass::Special,
            },
            CallRefusal::NoRate {
                class: DialClass::International,
            },
            CallRefusal::CreditsShort {
                available_cents: 0,
                needed_cents: 35,
            },
            CallRefusal::SameNumber,
            CallRefusal::UnsupportedHome {
                home: "BE".parse().unwrap(),
            },
        ];
        let sentences: std::collections::BTreeSet<_> =
            all.iter().map(CallRefusal::sentence).collect();
        assert_eq!(sentences.len(), all.len());
        for refusal in all {
            assert!(refusal.sentence().ends_with('.'), "{refusal:?}");
        }
    }

    #[test]
    fn num_5_the_home_plan_must_be_supported() {
        let belgium: CountryCode = "BE".parse().unwrap();
        assert_eq!(
            dial_class(belgium, "112"),
            Err(CallRefusal::UnsupportedHome { home: belgium })
        );
        assert_eq!(
            dial_class(CountryCode::FRANCE, "0044 20 7946 0958"),
            Ok(DialClass::International)
        );
    }

    #[test]
    fn num_5_billed_per_started_minute_from_the_answer() {
        assert_eq!(billed_minutes(0), 1);
        assert_eq!(billed_minutes(1), 1);
        assert_eq!(billed_minutes(60), 1);
        assert_eq!(billed_minutes(61), 2);
        assert_eq!(billed_minutes(3_600), 60);
        assert_eq!(credits_cents(3, 60), Some(180));
        assert_eq!(credits_cents(u32::MAX, i64::MAX), None);
    }

    #[test]
    fn price_6_longest_prefix_then_latest_rate_in_force() {
        let rate = |prefix: &str, cents, from| Rate {
            prefix: prefix.into(),
            cents,
            valid_from: day(from),
        };
        let rates = [
            rate("", 60, "2026-01-01"),
            rate("+44", 25, "2026-01-01"),
            rate("+44", 30, "2027-01-01"),
            rate("+1", 20, "2026-01-01"),
            rate("+4420", 40, "2028-01-01"),
        ];
        let cents = |destination, on| rate_for(&rates, destination, day(on)).map(|r| r.cents);
        assert_eq!(cents("+442079460958", "2026-06-01"), Some(25));
        // PRICE-6: the increase applies from its first day.
        assert_eq!(cents("+442079460958", "2026-12-31"), Some(25));
        assert_eq!(cents("+442079460958", "2027-01-01"), Some(30));
        // A longer prefix not yet in force does not hide the shorter one.
        assert_eq!(cents("+442079460958", "2027-06-01"), Some(30));
        assert_eq!(cents("+442079460958", "2028-01-01"), Some(40));
        assert_eq!(cents("+4930 123456", "2026-06-01"), Some(60));
        assert_eq!(cents("+1 202 555 0100", "2026-06-01"), Some(20));
        assert_eq!(cents("+442079460958", "2025-12-31"), None);
    }

    #[test]
    fn voicemails_are_webm_or_ogg_up_to_2_mib_and_180_seconds() {
        assert_eq!(
            validate_voicemail("audio/webm;codecs=opus", 10, Some(3)),
            Ok("audio/webm")
        );
        assert_eq!(
            validate_voicemail("Audio/Ogg", VOICEMAIL_MAX_BYTES, Some(180)),
            Ok("audio/ogg")
        );
        assert_eq!(
            validate_voicemail("audio/mpeg", 10, Some(3)),
            Err(VoicemailProblem::UnsupportedType {
                content_type: "audio/mpeg".into()
            })
        );
        assert_eq!(
            validate_voicemail("audio/webm", VOICEMAIL_MAX_BYTES + 1, Some(3)),
            Err(VoicemailProblem::TooLarge {
                size_bytes: VOICEMAIL_MAX_BYTES + 1
            })
        );
        assert_eq!(
            validate_voicemail("audio/webm", 0, Some(3)),
            Err(VoicemailProblem::Empty)
        );
        for seconds in [None, Some(181)] {
            assert_eq!(
                validate_voicemail("audio/webm", 10, seconds),
                Err(VoicemailProblem::BadDuration)
            );
        }
    }
}
