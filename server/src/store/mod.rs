//! Queries, one module per aggregate. Handlers never write SQL; these functions never see HTTP.

pub mod accounts;
pub mod activity;
pub mod audit;
pub mod catalogue;
pub mod company;
pub mod credits;
pub mod dashboard;
pub mod disputes;
pub mod invoices;
pub mod late_payment;
pub mod late_rates;
pub mod licences;
pub mod numbers;
pub mod orders;
pub mod price_changes;
pub mod scheduler;
pub mod sessions;
pub mod suspensions;
pub mod terminations;
pub mod trials;
pub mod users;

use chrono::{DateTime, SecondsFormat, Utc};

/// How instants are stored: UTC RFC 3339 with microseconds, which sorts as text.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}
