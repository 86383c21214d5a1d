//! The late-payment rates of each semester (LATE-1), recorded by the provider:
//! `GET` and `POST /api/admin/late-payment-rates`.

use domain::money::Percent;
use serde::{Deserialize, Serialize};

pub use domain::late::RateForm;

/// One semester's recorded rates and the yearly penalty rate they give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SemesterRatesView {
    /// "2026-S2".
    pub semester: String,
    pub ecb_rate: Percent,
    pub legal_rate: Percent,
    /// `max(ecb_rate + 10, 3 × legal_rate)`.
    pub annual_rate: Percent,
}
