//! The provider's discontinuation of a Service (NOTICE-3, GTCS 6.2.1): announced at least two
//! weeks ahead to every Company with a Licence in force, refused by the server from its day.

use chrono::NaiveDate;
use domain::service::Service;
use serde::{Deserialize, Serialize};

/// `POST /api/admin/service-discontinuations`: the Service, the day it stops (at the start of
/// that day) and the reason the Companies are told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscontinuationForm {
    pub service: Service,
    pub effective: NaiveDate,
    pub reason: String,
}

/// A discontinuation as announced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscontinuationView {
    pub service: Service,
    /// The Service as people read it (`Service::label`).
    pub label: String,
    pub reason: String,
    pub notified_on: NaiveDate,
    /// The first day the Service is no longer offered.
    pub effective: NaiveDate,
}

/// `GET /api/admin/service-discontinuations`: every discontinuation, the soonest first, and the
/// server's today, from which the back office computes the earliest day a new one may take
/// effect (`domain::service::discontinuation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discontinuations {
    pub today: NaiveDate,
    pub announced: Vec<DiscontinuationView>,
}
