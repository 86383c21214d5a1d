//! Disputes of invoices and restitution claims (DISPUTE-1, DISPUTE-3; GTCS 5.2): whether the
//! window is still open on a given day, and the written justification a dispute needs. Called by
//! the app before sending and by the server again. And the arithmetic of credit notes
//! (DISPUTE-2, house reading): their net and VAT, and the part of them each invoice deducts.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::field::{FieldError, Problem, required_text};
use crate::invoice::invoice_windows;
use crate::money::{Money, Percent};

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

/// DISPUTE-4: a complaint says what happened, in a few words at least.
pub fn validate_complaint_text(raw: &str) -> Result<String, Vec<FieldError>> {
    written_text(raw, "text")
}

/// DISPUTE-4: the provider's answer to a complaint, in a few words at least.
pub fn validate_complaint_answer(raw: &str) -> Result<String, Vec<FieldError>> {
    written_text(raw, "answer")
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

/// DISPUTE-2 (house reading): what a credit note gives back: its net, its VAT at the disputed
/// invoice's rate, and their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditAmounts {
    pub net: Money,
    pub vat: Money,
    pub total: Money,
}

/// VAT on `net` at `rate` as an invoice computes it (calculator `pricing.quote`): rounded to the
/// cent, half away from zero.
pub fn vat_on(net: Money, rate: Percent) -> Option<Money> {
    rate.of(net).map(Money::round_to_cent)
}

/// DISPUTE-2 (house reading): a credit note of `amount` (VAT included, as the provider decides
/// it) at the disputed invoice's VAT `rate`, split as an invoice adds up: the VAT is the net ×
/// rate rounded to the cent, and the total is net + VAT. The net is the one whose total is
/// `amount`; when the VAT's rounding skips `amount` (no net gives it exactly), the net just
/// below, so that the credit note gives back one cent less than decided, never more. `None` for
/// an amount that is not positive.
pub fn credit_note_amounts(amount: Money, rate: Percent) -> Option<CreditAmounts> {
    if amount <= Money::ZERO {
        return None;
    }
    let factor = Decimal::ONE + rate.value() / Decimal::ONE_HUNDRED;
    let guess = Money::new(amount.amount().checked_div(factor)?).round_to_cent();
    let mut best: Option<CreditAmounts> = None;
    for step in -2i64..=2 {
        let net = guess.checked_add(Money::from_cents(step))?;
        if net.is_negative() {
            continue;
        }
        let vat = vat_on(net, rate)?;
        let total = net.checked_add(vat)?;
        let candidate = CreditAmounts { net, vat, total };
        if total == amount {
            return Some(candidate);
        }
        if total < amount && best.is_none_or(|best| total > best.total) {
            best = Some(candidate);
        }
    }
    best.filter(|best| best.total > Money::ZERO)
}

/// DISPUTE-2 (house reading): the part of a credit note an invoice deducts, `part` of what
/// remains of it VAT included (`remaining.total`, of which `remaining.net` net): the net in
/// proportion, rounded to the cent, and the VAT the rest. The part that takes all that remains
/// takes exactly the remaining net and VAT, so that the parts add up to the credit note. `None`
/// when `part` is not positive or more than remains.
pub fn deduction(remaining: CreditAmounts, part: Money) -> Option<CreditAmounts> {
    if part <= Money::ZERO || part > remaining.total {
        return None;
    }
    if part == remaining.total {
        return Some(remaining);
    }
    let net = Money::new(
        part.amount()
            .checked_mul(remaining.net.amount())?
            .checked_div(remaining.total.amount())?,
    )
    .round_to_cent();
    Some(CreditAmounts {
        net,
        vat: part.checked_sub(net)?,
        total: part,
    })
}

/// DISPUTE-2 (house reading "Credit notes"): the first day a credit note still not deducted is
/// refunded, when the Contract's last day of service was `last_day_of_service`: the first day of
/// the next month, once the usage of that last month has been invoiced (it is the invoice that
/// could still deduct it). `None` out of the calendar.
pub fn refund_from(last_day_of_service: NaiveDate) -> Option<NaiveDate> {
    last_day_of_service
        .with_day(1)?
        .checked_add_months(chrono::Months::new(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispute_2_a_credit_note_left_is_refunded_after_the_last_months_usage_invoice() {
        assert_eq!(refund_from(date("2027-05-04")), Some(date("2027-06-01")));
        assert_eq!(refund_from(date("2027-05-31")), Some(date("2027-06-01")));
        assert_eq!(refund_from(date("2027-12-01")), Some(date("2028-01-01")));
        assert_eq!(refund_from(NaiveDate::MAX), None);
    }

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

    fn rate(raw: &str) -> Percent {
        Percent::new(raw.parse().unwrap()).unwrap()
    }

    #[test]
    fn a_credit_note_adds_up_at_the_disputed_invoices_rate() {
        let twenty = rate("20");
        let full = credit_note_amounts(Money::from_cents(1188), twenty).unwrap();
        assert_eq!(
            (full.net, full.vat, full.total),
            (
                Money::from_cents(990),
                Money::from_cents(198),
                Money::from_cents(1188)
            )
        );
        // No net gives EUR 0.03 at 20 % (0.02 + 0.00, 0.03 + 0.01): one cent less, never more.
        let skipped = credit_note_amounts(Money::from_cents(3), twenty).unwrap();
        assert_eq!(skipped.total, Money::from_cents(2));
        assert_eq!(credit_note_amounts(Money::ZERO, twenty), None);
        // Every amount up to EUR 500 at the French rates and none: the VAT is the invoice's
        // VAT of the net, the total their sum, at most one cent below the amount.
        for raw in ["20", "10", "5.5", "2.1", "0"] {
            let rate = rate(raw);
            for cents in 1..=50_000 {
                let amount = Money::from_cents(cents);
                let Some(note) = credit_note_amounts(amount, rate) else {
                    assert_eq!(cents, 1, "{raw} %: {amount}");
                    continue;
                };
                assert_eq!(
                    note.vat,
                    vat_on(note.net, rate).unwrap(),
                    "{raw} %: {amount}"
                );
                assert_eq!(note.net.checked_add(note.vat), Some(note.total));
                assert!(
                    note.total == amount || note.total == Money::from_cents(cents - 1),
                    "{raw} %: {amount} gave {}",
                    note.total
                );
            }
        }
    }

    #[test]
    fn deductions_add_up_to_the_credit_note() {
        let note = credit_note_amounts(Money::from_cents(10_001), rate("20")).unwrap();
        let mut remaining = note;
        let mut parts = Vec::new();
        for part in [3_333, 1, 4_000] {
            let deducted = deduction(remaining, Money::from_cents(part)).unwrap();
            assert_eq!(deducted.net.checked_add(deducted.vat), Some(deducted.total));
            remaining = CreditAmounts {
                net: remaining.net.checked_sub(deducted.net).unwrap(),
                vat: remaining.vat.checked_sub(deducted.vat).unwrap(),
                total: remaining.total.checked_sub(deducted.total).unwrap(),
            };
            parts.push(deducted);
        }
        let last = deduction(remaining, remaining.total).unwrap();
        assert_eq!(last, remaining);
        parts.push(last);
        let sum =
            |pick: fn(&CreditAmounts) -> Money| Money::checked_sum(parts.iter().map(pick)).unwrap();
        assert_eq!(sum(|part| part.net), note.net);
        assert_eq!(sum(|part| part.vat), note.vat);
        assert_eq!(sum(|part| part.total), note.total);
        assert_eq!(deduction(note, Money::ZERO), None);
        assert_eq!(
            deduction(note, note.total.checked_add(Money::from_cents(1)).unwrap()),
            None
        );
    }
}
