//! Disputes of invoices and restitution claims (DISPUTE-1, DISPUTE-3; GTCS 5.2): whether the
//! window is still open on a given day, and the written justification a dispute needs. Called by
//! the app before sending and by the server again.

use chrono::NaiveDate;

use crate::field::{FieldError, Problem, required_text};
use crate::invoice::invoice_windows;

/// The longest justification or reason kept, in characters.
pub const MAX_TEXT: usize = 2000;
/// A justification says at least this many words.
pub const MIN_WORDS: usize = 3;

/// DISPUTE-1: a written justification of at least a few words (trimmed). The optional attachment
/// of the issue is not supported: the justification is the whole of a dispute.
pub fn validate_justification(raw: &str) -> Result<String, Vec<FieldError>> {
    written_text(raw, "justification")
}

/// DISPUTE-3: a restitution claim says why, in a few words, like a dispute.
pub fn validate_claim_reason(raw: &str) -> Result<String, Vec<FieldError>> {
    written_text(raw, "reason")
}

fn written_text(raw: &str, field: &'static str) -> Result<String, Vec<FieldError>> {
    let text =
        required_text(raw, MAX_TEXT).map_err(|problem| vec![FieldError { field, problem }])?;
    if text.split_whitespace().count() < MIN_WORDS {
        return Err(vec![FieldError {
            field,
            problem: Problem::Invalid("Explain in a few words at least (three or more)."),
        }]);
    }
    Ok(text)
}

/// DISPUTE-1 (GTCS 5.2), calculator `invoice.windows`: an invoice dated `invoice_date` may be
/// disputed on `today` when `today` is not after its `dispute_last_day` (6 weeks after the
/// invoice date). `Err` holds the last day, for the sentence saying why not.
pub fn dispute_open_on(invoice_date: NaiveDate, today: NaiveDate) -> Result<(), NaiveDate> {
    match invoice_windows(invoice_date, None) {
        Ok(windows) if today <= windows.dispute_last_day => Ok(()),
        Ok(windows) => Err(windows.dispute_last_day),
        // Out of the calendar: never disputable.
        Err(_) => Err(invoice_date),
    }
}

/// Why an invoice of `invoice_date` can no longer be disputed, for a person.
pub fn dispute_closed_sentence(invoice_date: NaiveDate, last_day: NaiveDate) -> String {
    format!(
        "This invoice of {invoice_date} could be disputed until {last_day}, 6 weeks after its date (GTCS 5.2); it can no longer be disputed."
    )
}

/// Why a restitution claim cannot be made on `today`, if it cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestitutionBar {
    /// Nothing was paid: there is nothing to give back.
    NotPaid,
    /// DISPUTE-3: one year after the payment, the claim is time-barred.
    TimeBarred {
        paid_on: NaiveDate,
        last_day: NaiveDate,
    },
}

/// DISPUTE-3 (GTCS 5.2): a claim for restitution of an invoice paid on `paid_on` may be made
/// until `restitution_last_day` (one year after the payment), included.
pub fn restitution_open_on(
    invoice_date: NaiveDate,
    paid_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), RestitutionBar> {
    let Some(paid_on) = paid_on else {
        return Err(RestitutionBar::NotPaid);
    };
    let last_day = invoice_windows(invoice_date, Some(paid_on))
        .ok()
        .and_then(|windows| windows.restitution_last_day)
        .unwrap_or(paid_on);
    match today <= last_day {
        true => Ok(()),
        false => Err(RestitutionBar::TimeBarred { paid_on, last_day }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn dispute_1_open_until_the_last_day_included() {
        assert_eq!(
            dispute_open_on(date("2026-01-31"), date("2026-03-14")),
            Ok(())
        );
        assert_eq!(
            dispute_open_on(date("2026-01-31"), date("2026-03-15")),
            Err(date("2026-03-14"))
        );
    }

    #[test]
    fn dispute_3_restitution_one_year_after_payment() {
        let invoice = date("2026-01-31");
        assert_eq!(
            restitution_open_on(invoice, None, date("2026-02-01")),
            Err(RestitutionBar::NotPaid)
        );
        let paid = Some(date("2026-02-10"));
        assert_eq!(
            restitution_open_on(invoice, paid, date("2027-02-10")),
            Ok(())
        );
        assert_eq!(
            restitution_open_on(invoice, paid, date("2027-02-11")),
            Err(RestitutionBar::TimeBarred {
                paid_on: date("2026-02-10"),
                last_day: date("2027-02-10")
            })
        );
    }

    #[test]
    fn a_justification_says_a_few_words() {
        assert_eq!(
            validate_justification("  ")
                .unwrap_err()
                .first()
                .map(|error| error.problem.clone()),
            Some(Problem::Required)
        );
        assert!(validate_justification("Wrong amount").is_err());
        assert_eq!(
            validate_justification(" Two Numbers billed twice ").unwrap(),
            "Two Numbers billed twice"
        );
        assert!(validate_justification(&"word ".repeat(MAX_TEXT)).is_err());
    }
}
