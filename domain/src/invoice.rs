//! Windows after an invoice (PAY-3, DISPUTE-1, DISPUTE-3; GTCS 5.2).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{Span, window_last_day};
use crate::error::{RuleError, RuleId};

/// DISPUTE-1: "within 6 weeks following the invoice date".
pub const DISPUTE_WINDOW: Span = Span::Days(42);
/// PAY-3: the statement of communications stays available for 12 months.
pub const STATEMENT_WINDOW: Span = Span::Months(12);
/// DISPUTE-3: a restitution claim is barred one year after payment.
pub const RESTITUTION_WINDOW: Span = Span::Months(12);

/// Last days of the windows that open with an invoice and its payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceWindows {
    pub dispute_last_day: NaiveDate,
    pub statement_available_until: NaiveDate,
    /// `None` while the invoice is unpaid.
    pub restitution_last_day: Option<NaiveDate>,
}

/// PAY-3, DISPUTE-1, DISPUTE-3 (GTCS 5.2), calculator `invoice.windows`: the day of the event
/// does not count, so each window ends on `event + length` (months clamped).
pub fn invoice_windows(
    invoice_date: NaiveDate,
    payment_date: Option<NaiveDate>,
) -> Result<InvoiceWindows, RuleError> {
    let dispute_last_day =
        window_last_day(invoice_date, DISPUTE_WINDOW).ok_or(RuleError::OutOfCalendar {
            rule: RuleId::Dispute1,
        })?;
    let statement_available_until = window_last_day(invoice_date, STATEMENT_WINDOW)
        .ok_or(RuleError::OutOfCalendar { rule: RuleId::Pay3 })?;
    let restitution_last_day = payment_date
        .map(|paid| {
            window_last_day(paid, RESTITUTION_WINDOW).ok_or(RuleError::OutOfCalendar {
                rule: RuleId::Dispute3,
            })
        })
        .transpose()?;
    Ok(InvoiceWindows {
        dispute_last_day,
        statement_available_until,
        restitution_last_day,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispute_1_six_weeks_from_31_january() {
        let date = |raw: &str| raw.parse::<NaiveDate>().unwrap();
        let windows = invoice_windows(date("2026-01-31"), None).unwrap();
        assert_eq!(windows.dispute_last_day, date("2026-03-14"));
        assert_eq!(windows.statement_available_until, date("2027-01-31"));
        assert_eq!(windows.restitution_last_day, None);
    }
}
