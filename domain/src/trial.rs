//! Trials (TRIAL-1, GTCS 10).

use chrono::NaiveDate;

/// TRIAL-1 (GTCS 10), calculator `trial.outcome`: a trial ending on `trial_end` (its last day)
/// converts into a firm commitment iff the offer says so (`auto_commit`) and no cancellation was
/// received on or before `trial_end`.
pub fn trial_converts(
    trial_end: NaiveDate,
    cancel_received: Option<NaiveDate>,
    auto_commit: bool,
) -> bool {
    auto_commit && cancel_received.is_none_or(|received| received > trial_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trial_1_cancellation_on_the_last_day_counts() {
        let end: NaiveDate = "2026-12-31".parse().unwrap();
        assert!(!trial_converts(end, Some(end), true));
        assert!(trial_converts(end, end.succ_opt(), true));
        assert!(trial_converts(end, None, true));
        assert!(!trial_converts(end, None, false));
    }
}
