//! Working days in metropolitan France, and the deadline to answer a complaint (DISPUTE-4,
//! GTCS 11).
//!
//! A working day is Monday to Friday minus the 11 public holidays: 1 January, Easter Monday,
//! 1 May, 8 May, Ascension Thursday, Whit Monday, 14 July, 15 August, 1 November, 11 November
//! and 25 December.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::error::{RuleError, RuleId};

/// DISPUTE-4: a complaint is answered within 30 working days.
pub const COMPLAINT_ANSWER_WORKING_DAYS: u32 = 30;

/// Easter Sunday of `year` in the Gregorian calendar (anonymous Gregorian algorithm).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let h = (19 * a + b - b.div_euclid(4) - (b - (b + 8).div_euclid(25) + 1).div_euclid(3) + 15)
        .rem_euclid(30);
    let l = (32 + 2 * b.rem_euclid(4) + 2 * c.div_euclid(4) - h - c.rem_euclid(4)).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    NaiveDate::from_ymd_opt(
        year,
        u32::try_from(n / 31).ok()?,
        u32::try_from(n % 31 + 1).ok()?,
    )
}

/// One of the 11 French metropolitan public holidays.
pub fn is_public_holiday(day: NaiveDate) -> bool {
    match (day.month(), day.day()) {
        (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25) => true,
        // Easter Monday (23 March at the earliest) to Whit Monday (14 June at the latest).
        (3, 23..) | (4..=5, _) | (6, ..=14)
            if day.weekday() == Weekday::Mon || day.weekday() == Weekday::Thu =>
        {
            easter_sunday(day.year())
                .is_some_and(|easter| matches!((day - easter).num_days(), 1 | 39 | 50))
        }
        _ => false,
    }
}

/// Monday to Friday and not a public holiday.
pub fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !is_public_holiday(day)
}

/// The `n`th working day after `start` (`start` itself never counts, whatever it is); `start`
/// when `n` is 0. `None` past the end of the supported calendar.
pub fn add_working_days(start: NaiveDate, n: u32) -> Option<NaiveDate> {
    let mut day = start;
    let mut left = n;
    while left > 0 {
        // Skip straight over weekends: from Friday (or Saturday) to Monday.
        let step = match day.weekday() {
            Weekday::Fri => 3,
            Weekday::Sat => 2,
            _ => 1,
        };
        day = day.checked_add_days(Days::new(step))?;
        if !is_public_holiday(day) {
            left -= 1;
        }
    }
    Some(day)
}

/// DISPUTE-4 (GTCS 11), calculator `complaint.answer_due`: a complaint received on `received` is
/// answered by the 30th working day after the day of receipt.
pub fn complaint_answer_due(received: NaiveDate) -> Result<NaiveDate, RuleError> {
    add_working_days(received, COMPLAINT_ANSWER_WORKING_DAYS).ok_or(RuleError::OutOfCalendar {
        rule: RuleId::Dispute4,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn easter_sundays() {
        for (year, easter) in [
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2038, "2038-04-25"),
            (2285, "2285-03-22"),
        ] {
            assert_eq!(easter_sunday(year), Some(date(easter)), "{year}");
        }
    }

    #[test]
    fn the_eleven_holidays_of_2026() {
        let holidays: Vec<_> = date("2026-01-01")
            .iter_days()
            .take(365)
            .filter(|day| is_public_holiday(*day))
            .collect();
        let expected = [
            "2026-01-01",
            "2026-04-06",
            "2026-05-01",
            "2026-05-08",
            "2026-05-14",
            "2026-05-25",
            "2026-07-14",
            "2026-08-15",
            "2026-11-01",
            "2026-11-11",
            "2026-12-25",
        ];
        assert_eq!(holidays, expected.map(date));
    }

    #[test]
    fn dispute_4_receipt_day_never_counts() {
        // Received on a Friday: the first working day is Monday.
        assert_eq!(
            add_working_days(date("2026-03-27"), 1),
            Some(date("2026-03-30"))
        );
        assert_eq!(
            add_working_days(date("2026-03-28"), 1),
            Some(date("2026-03-30"))
        );
        assert_eq!(
            complaint_answer_due(date("2026-03-30")),
            Ok(date("2026-05-15"))
        );
        assert_eq!(
            complaint_answer_due(date("2026-12-19")),
            Ok(date("2027-02-02"))
        );
    }
}
