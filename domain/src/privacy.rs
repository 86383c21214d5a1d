//! DATA-1 (GTCS 9, GDPR art. 12) and TERM-3 (GTCS 6.1, 6.2.2): people's requests about their
//! data and how long the product keeps it (house readings "Data rights").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{Span, window_last_day};
use crate::error::{RuleError, RuleId};
use crate::field::{FieldError, Problem};

/// DATA-1 (GDPR art. 12.3): a request is answered within one month of its receipt.
pub const ANSWER_WINDOW: Span = Span::Months(1);
/// Traffic data (calls' and messages' metadata) is kept one year, then deleted.
pub const TRAFFIC_KEPT: Span = Span::Months(12);
/// TERM-3: personal data is erased three months after the accounts were blocked.
pub const ERASED_AFTER_BLOCKING: Span = Span::Months(3);
/// The longest free text a request or an answer may carry.
pub const TEXT_MAX_CHARS: usize = 2_000;

/// What a person asks about their data. Access and portability need no request (the archive is
/// downloaded at once), nor does rectification where the Company lets its Users correct their
/// profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Erase my personal data (what the law keeps stays, under a pseudonym).
    Erasure,
    /// Limit the processing of my data.
    Limitation,
    /// I object to the processing of my data.
    Objection,
    /// I withdraw my consent.
    Withdrawal,
}

impl RequestKind {
    pub const ALL: [RequestKind; 4] = [
        RequestKind::Erasure,
        RequestKind::Limitation,
        RequestKind::Objection,
        RequestKind::Withdrawal,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Erasure => "erasure",
            RequestKind::Limitation => "limitation",
            RequestKind::Objection => "objection",
            RequestKind::Withdrawal => "withdrawal",
        }
    }

    pub fn parse(raw: &str) -> Option<RequestKind> {
        RequestKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw)
    }

    /// How a person names it.
    pub fn label(self) -> &'static str {
        match self {
            RequestKind::Erasure => "Erase my personal data",
            RequestKind::Limitation => "Limit the processing of my data",
            RequestKind::Objection => "Object to the processing of my data",
            RequestKind::Withdrawal => "Withdraw my consent",
        }
    }
}

/// How a request was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Granted,
    Refused,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Granted => "granted",
            Decision::Refused => "refused",
        }
    }

    pub fn parse(raw: &str) -> Option<Decision> {
        [Decision::Granted, Decision::Refused]
            .into_iter()
            .find(|decision| decision.as_str() == raw)
    }
}

/// `text` trimmed, refused over [`TEXT_MAX_CHARS`] or, when `required`, empty.
fn free_text(field: &'static str, text: &str, required: bool) -> Result<String, FieldError> {
    let text = text.trim();
    let problem = if text.chars().count() > TEXT_MAX_CHARS {
        Problem::TooLong {
            max: TEXT_MAX_CHARS,
        }
    } else if text.is_empty() && required {
        Problem::Required
    } else {
        return Ok(text.to_owned());
    };
    Err(FieldError { field, problem })
}

/// DATA-1: the request's details, trimmed: required, except for an erasure, which speaks for
/// itself.
pub fn request_details(kind: RequestKind, details: &str) -> Result<String, FieldError> {
    free_text("details", details, kind != RequestKind::Erasure)
}

/// DATA-1: an answer, trimmed; a refusal says why.
pub fn answer_text(decision: Decision, answer: &str) -> Result<String, FieldError> {
    free_text("answer", answer, decision == Decision::Refused)
}

/// DATA-1: the last day to answer a request received on `received` (window after an event: one
/// month, the day of receipt not counted).
pub fn answer_due(received: NaiveDate) -> Result<NaiveDate, RuleError> {
    window_last_day(received, ANSWER_WINDOW).ok_or(RuleError::OutOfCalendar {
        rule: RuleId::Data1,
    })
}

/// Traffic data of a day before the returned one is past its year on `today` and is deleted:
/// a message of 6 Dec 2026 is kept up to 6 Dec 2027 included and gone on the 7th.
pub fn traffic_kept_from(today: NaiveDate) -> Result<NaiveDate, RuleError> {
    TRAFFIC_KEPT.before(today).ok_or(RuleError::OutOfCalendar {
        rule: RuleId::Data1,
    })
}

/// TERM-3: when a Contract's last day of service is `last_day`, its User Accounts are blocked on
/// the day after and their personal data erased three months after that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterTheContract {
    pub accounts_blocked_on: NaiveDate,
    pub data_erased_on: NaiveDate,
}

pub fn after_the_contract(last_day: NaiveDate) -> Result<AfterTheContract, RuleError> {
    let out_of_calendar = RuleError::OutOfCalendar {
        rule: RuleId::Term3,
    };
    let accounts_blocked_on = last_day.succ_opt().ok_or(out_of_calendar.clone())?;
    let data_erased_on = ERASED_AFTER_BLOCKING
        .after(accounts_blocked_on)
        .ok_or(out_of_calendar)?;
    Ok(AfterTheContract {
        accounts_blocked_on,
        data_erased_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn data_1_answered_within_one_month_clamped() {
        assert_eq!(answer_due(date("2026-12-07")), Ok(date("2027-01-07")));
        assert_eq!(answer_due(date("2027-01-31")), Ok(date("2027-02-28")));
        assert!(answer_due(NaiveDate::MAX).is_err());
    }

    #[test]
    fn traffic_is_kept_one_year_to_the_day() {
        let from = traffic_kept_from(date("2027-12-07")).unwrap();
        assert_eq!(from, date("2026-12-07"));
        // A message of 6 Dec 2026 is before that day: deleted on 7 Dec 2027, not on the 6th.
        assert!(date("2026-12-06") < from);
        assert!(date("2026-12-06") >= traffic_kept_from(date("2027-12-06")).unwrap());
        assert_eq!(
            traffic_kept_from(date("2028-02-29")),
            Ok(date("2027-02-28"))
        );
    }

    #[test]
    fn term_3_blocked_the_day_after_erased_three_months_later() {
        let after = after_the_contract(date("2027-03-31")).unwrap();
        assert_eq!(after.accounts_blocked_on, date("2027-04-01"));
        assert_eq!(after.data_erased_on, date("2027-07-01"));
        let after = after_the_contract(date("2027-11-29")).unwrap();
        assert_eq!(after.data_erased_on, date("2028-02-29"));
    }

    #[test]
    fn requests_say_what_they_ask_and_refusals_why() {
        let problem = |result: Result<String, FieldError>| result.unwrap_err().problem;
        assert_eq!(
            request_details(RequestKind::Erasure, "  "),
            Ok(String::new())
        );
        assert_eq!(
            problem(request_details(RequestKind::Objection, " ")),
            Problem::Required
        );
        assert_eq!(
            problem(request_details(
                RequestKind::Limitation,
                &"x".repeat(TEXT_MAX_CHARS + 1)
            )),
            Problem::TooLong {
                max: TEXT_MAX_CHARS
            }
        );
        assert_eq!(
            answer_text(Decision::Refused, "").unwrap_err().field,
            "answer"
        );
        assert_eq!(
            answer_text(Decision::Granted, " Done. "),
            Ok("Done.".into())
        );
        for kind in RequestKind::ALL {
            assert_eq!(RequestKind::parse(kind.as_str()), Some(kind));
        }
    }
}
