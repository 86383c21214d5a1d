//! The server's notion of "now". Rules never read a clock: handlers ask this one and pass the
//! date on. It is the system clock, optionally shifted (`--today`) so demos and tests can move
//! through the contract's time.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Europe::Paris;

#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Seconds added to the system time; shared so that moving one clone moves them all.
    shift_seconds: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock whose today (in Europe/Paris) is `today` at this instant, then runs on normally.
    pub fn starting_on(today: NaiveDate) -> Self {
        let clock = Self::system();
        clock.shift_by(today.signed_duration_since(clock.today()));
        clock
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + TimeDelta::seconds(self.shift_seconds.load(Ordering::Relaxed))
    }

    /// Contract dates are calendar dates in Europe/Paris (RULES.md, house readings).
    pub fn today(&self) -> NaiveDate {
        paris_day(self.now())
    }

    /// Moves this clock (and every clone of it) by `delta`.
    pub fn shift_by(&self, delta: TimeDelta) {
        self.shift_seconds
            .fetch_add(delta.num_seconds(), Ordering::Relaxed);
    }

    /// How far this clock is from the system's, in seconds.
    pub fn shift_seconds(&self) -> i64 {
        self.shift_seconds.load(Ordering::Relaxed)
    }

    /// Puts this clock (and every clone of it) `seconds` away from the system's.
    pub fn set_shift_seconds(&self, seconds: i64) {
        self.shift_seconds.store(seconds, Ordering::Relaxed);
    }
}

/// The calendar day of an instant in Europe/Paris: the day a notice or a payment was received.
pub fn paris_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Paris).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starting_on_sets_today_and_clones_move_together() {
        let date = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let clock = Clock::starting_on(date);
        assert_eq!(clock.today(), date);
        let clone = clock.clone();
        clone.shift_by(TimeDelta::days(31));
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2027, 2, 1).unwrap());
    }
}
