//! What falls due on termination for fault (TERM-1, GTCS 6.2.2).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::{Span, window_last_day};

use crate::error::{RuleError, RuleId};
use crate::formal_notice::formal_notice_deadline;
use crate::money::Money;

/// TERM-1: remaining instalments are increased by 20 %.
pub const ACCELERATION_FACTOR: Decimal = Decimal::from_parts(120, 0, 0, false, 2);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultAmount {
    pub accelerated_instalments: Money,
    pub discounts_reimbursed: Money,
    pub total: Money,
}

/// TERM-1 (GTCS 6.2.2), calculator `termination.fault_amount`: every remaining monthly
/// instalment falls due at once, increased by 20 % (`instalment × remaining × 1.20`, rounded
/// once), plus the discounts granted (rounded).
pub fn fault_amount(
    monthly_instalment: Money,
    remaining_instalments: u32,
    discounts_granted: Money,
) -> Result<FaultAmount, RuleError> {
    let overflow = RuleError::Overflow {
        rule: RuleId::Term1,
    };
    for amount in [monthly_instalment, discounts_granted] {
        if amount.is_negative() {
            return Err(RuleError::NegativeAmount {
                rule: RuleId::Term1,
                amount: amount.amount(),
            });
        }
    }
    let accelerated_instalments = monthly_instalment
        .checked_mul(Decimal::from(remaining_instalments))
        .and_then(|due| due.checked_mul(ACCELERATION_FACTOR))
        .ok_or(overflow.clone())?
        .round_to_cent();
    let discounts_reimbursed = discounts_granted.round_to_cent();
    let total = accelerated_instalments
        .checked_add(discounts_reimbursed)
        .ok_or(overflow)?;
    Ok(FaultAmount {
        accelerated_instalments,
        discounts_reimbursed,
        total,
    })
}

/// TERM-1: the monthly instalment of a Licence whose period costs `period_price`: the price
/// spread over the term's months, an annual price counting 1/12 (not rounded; [`fault_amount`]
/// rounds once). The house reading prices the period in force on the termination day after
/// increases and without discounts: the caller passes that price.
pub fn monthly_instalment(period_price: Money, term: crate::term::Term) -> Option<Money> {
    period_price
        .amount()
        .checked_div(Decimal::from(term.get()))
        .map(Money::new)
}

/// TERM-1 (GTCS 6.2.2; house reading "Termination for fault amount"): `remaining_instalments`,
/// the months from the termination day `terminated_on` to the end of the period in force that
/// day. A month is counted from the anchor (day clamped, as every boundary is) and remains when
/// it begins on or after the termination day: on the period's first day every month of it
/// remains; a one-month Licence has one on its first day, none after.
pub fn remaining_monthly_instalments(
    licence: &crate::licence::Licence,
    terminated_on: chrono::NaiveDate,
) -> Result<u32, RuleError> {
    let on = terminated_on.max(licence.anchor);
    let k = licence.period_index(on)?;
    let months = licence.term.get();
    let monthly = crate::licence::Licence::new(
        licence.anchor,
        crate::term::Term::months(1).map_err(|_| RuleError::OutOfCalendar {
            rule: RuleId::Term1,
        })?,
    );
    let first_month = k.checked_mul(months).ok_or(RuleError::OutOfCalendar {
        rule: RuleId::Term1,
    })?;
    let mut remaining = 0;
    for month in first_month..first_month + months {
        if monthly.boundary(month)? >= on {
            remaining += 1;
        }
    }
    Ok(remaining)
}

/// TERM-2 (GTCS 6.2.2) and LATE-4 (GTCS 5.3): the grounds on which the provider terminates for
/// fault, and what must come first for each.
///
/// House reading: a failure to pay is pursued through the formal notice of 5.3 (LATE-4), the
/// clause written for it, rather than as the "obligation of payment" of 6.2.2 (i); so
/// [`FaultGround::Unpaid`] waits for the formal notice's 8 days and is not an immediate case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultGround {
    /// 5.3: an invoice still unpaid when its formal notice to pay has run its 8 days.
    Unpaid,
    // 6.2.2 (i): at once, without notice.
    LicenceRightBreach,
    ConfidentialityBreach,
    IntellectualPropertyBreach,
    PersonalDataBreach,
    Insolvency,
    SuspectedFraud,
    InaccurateAccountData,
    // 6.2.2 (ii): after 8 days' notice by email, unless remedied.
    PolicyAbuse,
    ManifestBreachOfTerms,
    IncompleteAccountData,
    NonPerformance,
    BankingBan,
}

/// What a ground needs before the provider may terminate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultPrerequisite {
    /// 6.2.2 (i): nothing; the termination is immediate.
    None,
    /// 5.3 (LATE-4): a formal notice to pay, unpaid for 8 days.
    FormalNoticeToPay,
    /// 6.2.2 (ii): a notice by email naming the breach, 8 days before, not remedied.
    EightDaysNotice,
}

/// Why a termination for fault cannot be made today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FaultRefusal {
    #[error(
        "TERM-2: this ground needs a formal notice to pay that stayed unpaid for 8 days (GTCS 5.3); none is waiting."
    )]
    FormalNoticeMissing,
    #[error(
        "TERM-2: this ground needs a notice of 8 days by email naming the breach (GTCS 6.2.2 (ii)); none was sent."
    )]
    NoticeMissing,
    #[error(
        "TERM-2: the notice's 8 days run until {deadline}; the termination is possible from the day after."
    )]
    NoticeRunning { deadline: NaiveDate },
}

impl FaultGround {
    pub const ALL: [FaultGround; 13] = [
        FaultGround::Unpaid,
        FaultGround::LicenceRightBreach,
        FaultGround::ConfidentialityBreach,
        FaultGround::IntellectualPropertyBreach,
        FaultGround::PersonalDataBreach,
        FaultGround::Insolvency,
        FaultGround::SuspectedFraud,
        FaultGround::InaccurateAccountData,
        FaultGround::PolicyAbuse,
        FaultGround::ManifestBreachOfTerms,
        FaultGround::IncompleteAccountData,
        FaultGround::NonPerformance,
        FaultGround::BankingBan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FaultGround::Unpaid => "unpaid",
            FaultGround::LicenceRightBreach => "licence_right_breach",
            FaultGround::ConfidentialityBreach => "confidentiality_breach",
            FaultGround::IntellectualPropertyBreach => "intellectual_property_breach",
            FaultGround::PersonalDataBreach => "personal_data_breach",
            FaultGround::Insolvency => "insolvency",
            FaultGround::SuspectedFraud => "suspected_fraud",
            FaultGround::InaccurateAccountData => "inaccurate_account_data",
            FaultGround::PolicyAbuse => "policy_abuse",
            FaultGround::ManifestBreachOfTerms => "manifest_breach_of_terms",
            FaultGround::IncompleteAccountData => "incomplete_account_data",
            FaultGround::NonPerformance => "non_performance",
            FaultGround::BankingBan => "banking_ban",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|ground| ground.as_str() == raw)
    }

    /// The ground as the Manager and the operator read it.
    pub fn label(self) -> &'static str {
        match self {
            FaultGround::Unpaid => "An invoice unpaid 8 days after a formal notice to pay",
            FaultGround::LicenceRightBreach => "Breach of a Licence right",
            FaultGround::ConfidentialityBreach => "Breach of confidentiality",
            FaultGround::IntellectualPropertyBreach => "Breach of an intellectual property right",
            FaultGround::PersonalDataBreach => "Breach of the protection of personal data",
            FaultGround::Insolvency => "Insolvency of the Company",
            FaultGround::SuspectedFraud => {
                "Suspected illegal or fraudulent use, or use against third parties' rights"
            }
            FaultGround::InaccurateAccountData => "Inaccurate information in the Company Account",
            FaultGround::PolicyAbuse => "Undue advantage taken of a policy, or its misuse",
            FaultGround::ManifestBreachOfTerms => "Manifest breach of the GCU or the GTCS",
            FaultGround::IncompleteAccountData => "Incomplete information in the Company Account",
            FaultGround::NonPerformance => "Non-performance or poor performance of an obligation",
            FaultGround::BankingBan => "The Company is banned from holding a bank account",
        }
    }

    /// TERM-2, LATE-4: what must come before a termination on this ground.
    pub fn prerequisite(self) -> FaultPrerequisite {
        match self {
            FaultGround::Unpaid => FaultPrerequisite::FormalNoticeToPay,
            FaultGround::LicenceRightBreach
            | FaultGround::ConfidentialityBreach
            | FaultGround::IntellectualPropertyBreach
            | FaultGround::PersonalDataBreach
            | FaultGround::Insolvency
            | FaultGround::SuspectedFraud
            | FaultGround::InaccurateAccountData => FaultPrerequisite::None,
            FaultGround::PolicyAbuse
            | FaultGround::ManifestBreachOfTerms
            | FaultGround::IncompleteAccountData
            | FaultGround::NonPerformance
            | FaultGround::BankingBan => FaultPrerequisite::EightDaysNotice,
        }
    }
}

/// TERM-2 (GTCS 6.2.2 (ii)): the notice naming the breach runs 8 days from the day after it is
/// sent; its last day is `sent + 8 days` (the formal notice to pay has its own rule, LATE-4).
pub const FAULT_NOTICE_WINDOW: Span = Span::Days(8);

/// TERM-2 (GTCS 6.2.2 (ii)): the last day the Company may remedy the breach a notice sent on
/// `sent` names; `None` past the calendar's end.
pub fn fault_notice_deadline(sent: NaiveDate) -> Option<NaiveDate> {
    window_last_day(sent, FAULT_NOTICE_WINDOW)
}

/// TERM-2, LATE-4: whether the provider may terminate for fault on `ground` on `today`, given
/// the notice sent first on that ground (`notice_sent`: the formal notice to pay of an invoice
/// still unpaid, or the 8 days' notice naming the breach), if any. Immediate grounds need none.
pub fn fault_termination_allowed(
    ground: FaultGround,
    notice_sent: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), FaultRefusal> {
    let deadline = match ground.prerequisite() {
        FaultPrerequisite::None => return Ok(()),
        FaultPrerequisite::FormalNoticeToPay => {
            let sent = notice_sent.ok_or(FaultRefusal::FormalNoticeMissing)?;
            formal_notice_deadline(sent).ok()
        }
        FaultPrerequisite::EightDaysNotice => {
            let sent = notice_sent.ok_or(FaultRefusal::NoticeMissing)?;
            fault_notice_deadline(sent)
        }
    };
    // A date at the calendar's end has no 8 days after it: the notice is still running.
    let deadline = deadline.unwrap_or(NaiveDate::MAX);
    if today > deadline {
        Ok(())
    } else {
        Err(FaultRefusal::NoticeRunning { deadline })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_1_remaining_instalments_are_the_months_from_the_termination_day() {
        use crate::licence::Licence;
        use crate::term::Term;
        let date = |raw: &str| raw.parse::<chrono::NaiveDate>().unwrap();
        let yearly = Licence::new(date("2026-01-31"), Term::months(12).unwrap());
        let remaining = |on: &str| remaining_monthly_instalments(&yearly, date(on)).unwrap();
        // Months begin 31 Jan, 28 Feb, 31 Mar, 30 Apr, …, 31 Dec: on 15 Mar, the ten from 31 Mar
        // remain; on 31 Mar too (that month is ahead, from the termination day).
        assert_eq!(remaining("2026-03-15"), 10);
        assert_eq!(remaining("2026-03-31"), 10);
        assert_eq!(remaining("2026-04-01"), 9);
        assert_eq!(remaining("2026-01-31"), 12);
        assert_eq!(remaining("2026-12-31"), 1);
        assert_eq!(remaining("2027-01-30"), 0);
        // The second year: counted within its own period.
        assert_eq!(remaining("2027-01-31"), 12);
        assert_eq!(remaining("2027-02-01"), 11);
        let monthly = Licence::new(date("2026-01-31"), Term::months(1).unwrap());
        let remaining = |on: &str| remaining_monthly_instalments(&monthly, date(on)).unwrap();
        assert_eq!(remaining("2026-03-15"), 0);
        assert_eq!(remaining("2026-03-31"), 1);
    }

    #[test]
    fn term_1_remaining_instalments_plus_20_percent() {
        let money = |raw: &str| raw.parse::<Money>().unwrap();
        let due = fault_amount(money("149.90"), 7, money("120")).unwrap();
        assert_eq!(due.accelerated_instalments, money("1259.16"));
        assert_eq!(due.total, money("1379.16"));
        assert!(fault_amount(money("-1"), 1, Money::ZERO).is_err());
    }

    fn day(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn term_2_immediate_grounds_need_no_notice() {
        for ground in FaultGround::ALL {
            assert_eq!(FaultGround::parse(ground.as_str()), Some(ground));
            let json = serde_json::to_string(&ground).unwrap();
            assert_eq!(json, format!("\"{}\"", ground.as_str()));
        }
        assert_eq!(
            fault_termination_allowed(FaultGround::Insolvency, None, day("2027-01-10")),
            Ok(())
        );
        assert_eq!(FaultGround::parse("bad_mood"), None);
    }

    #[test]
    fn late_4_unpaid_waits_for_the_formal_notice_to_run_its_8_days() {
        let today = day("2027-03-10");
        assert_eq!(
            fault_termination_allowed(FaultGround::Unpaid, None, today),
            Err(FaultRefusal::FormalNoticeMissing)
        );
        // Sent on 2 March: the 8 days end on 10 March; from 11 March the provider may end it.
        let sent = Some(day("2027-03-02"));
        assert_eq!(
            fault_termination_allowed(FaultGround::Unpaid, sent, today),
            Err(FaultRefusal::NoticeRunning {
                deadline: day("2027-03-10")
            })
        );
        assert_eq!(
            fault_termination_allowed(FaultGround::Unpaid, sent, day("2027-03-11")),
            Ok(())
        );
    }

    #[test]
    fn term_2_listed_grounds_wait_for_8_days_notice() {
        assert_eq!(
            fault_termination_allowed(FaultGround::BankingBan, None, day("2027-03-10")),
            Err(FaultRefusal::NoticeMissing)
        );
        let sent = Some(day("2026-12-28"));
        assert_eq!(
            fault_termination_allowed(FaultGround::NonPerformance, sent, day("2027-01-05")),
            Err(FaultRefusal::NoticeRunning {
                deadline: day("2027-01-05")
            })
        );
        assert_eq!(
            fault_termination_allowed(FaultGround::NonPerformance, sent, day("2027-01-06")),
            Ok(())
        );
    }
}
