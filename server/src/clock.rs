//! The server's notion of "now". Rules never read a clock: handlers ask this one and pass the
//! date on. It is the system clock, optionally shifted (`--today`) so demos and tests can move
//! through the contract's time.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
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
        clock.move_to(today);
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

    /// Moves this clock (and every clone of it) so that today in Europe/Paris is `date`, at the
    /// same wall-clock time: a whole number of calendar days, whatever summer time does between.
    pub fn move_to(&self, date: NaiveDate) {
        self.shift_by(shift_to(self.now(), date));
    }

    /// Moves this clock (and every clone of it) `days` calendar days forward in Europe/Paris.
    pub fn advance_days(&self, days: i64) {
        self.move_to(self.today() + TimeDelta::days(days));
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

/// How far to move `now` so that it falls on `date` in Europe/Paris at the same wall-clock time
/// (an hour later when that time does not exist that day, the night clocks go forward). Adding
/// whole days of 24 hours instead would land on the wrong day from 23:00 or 00:00 across a
/// change of summer time.
fn shift_to(now: DateTime<Utc>, date: NaiveDate) -> TimeDelta {
    let wall = date.and_time(now.with_timezone(&Paris).time());
    let target = Paris
        .from_local_datetime(&wall)
        .earliest()
        .or_else(|| {
            Paris
                .from_local_datetime(&(wall + TimeDelta::hours(1)))
                .earliest()
        })
        .map_or(now + (date - paris_day(now)), |at| at.with_timezone(&Utc));
    target - now
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
        clone.advance_days(31);
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2027, 2, 1).unwrap());
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("an RFC 3339 instant")
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn moving_across_summer_time_lands_on_the_asked_day() {
        // 23:30 in Paris on 20 March 2027 (winter time); summer time starts on 28 March.
        let late_evening = utc("2027-03-20T22:30:00Z");
        let moved = late_evening + shift_to(late_evening, day("2027-04-05"));
        assert_eq!(paris_day(moved), day("2027-04-05"));
        assert_eq!(moved, utc("2027-04-05T21:30:00Z"), "still 23:30 in Paris");
        // And back to winter time at 00:30, the other edge of the day.
        let after_midnight = utc("2027-10-20T22:30:00Z");
        let moved = after_midnight + shift_to(after_midnight, day("2027-11-02"));
        assert_eq!(
            moved,
            utc("2027-11-01T23:30:00Z"),
            "00:30 on 2 November in Paris"
        );
    }

    #[test]
    fn a_time_that_does_not_exist_that_day_moves_an_hour_later() {
        // 02:30 in Paris on 21 March 2027; on 28 March clocks jump from 02:00 to 03:00.
        let night = utc("2027-03-21T01:30:00Z");
        let moved = night + shift_to(night, day("2027-03-28"));
        assert_eq!(moved, utc("2027-03-28T01:30:00Z"), "03:30 summer time");
        assert_eq!(paris_day(moved), day("2027-03-28"));
    }
}
