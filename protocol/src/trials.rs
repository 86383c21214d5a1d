//! Trials (TRIAL-1): `POST /api/admin/companies/{id}/trial-offer` (the provider offers one; the
//! Company's next Order placed with `trial` takes it) and
//! `POST /api/console/licences/{id}/trial/cancellation` (the Company cancels it).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The provider's offer of a trial to a Company (and the offer as the order page shows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialForm {
    /// The trial's last day.
    pub trial_end: NaiveDate,
    /// Whether the trial converts into a firm commitment unless cancelled.
    pub auto_commit: bool,
}

/// A Licence's trial as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialView {
    pub trial_end: NaiveDate,
    pub auto_commit: bool,
    /// The Europe/Paris day the Company's cancellation was received, if it was.
    pub cancelled_on: Option<NaiveDate>,
}

/// The answer to a cancellation: the day it was received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialCancellation {
    pub licence_id: i64,
    pub received_on: NaiveDate,
}
