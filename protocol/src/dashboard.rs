//! `GET /api/console/dashboard`: the Company at a glance.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub users: i64,
    pub active_users: i64,
    pub numbers: i64,
    pub assigned_numbers: i64,
    /// Active Licences.
    pub licences: i64,
    /// The earliest renewal among active Licences without a notice (RENEW-1).
    pub next_renewal: Option<Deadline>,
    /// The earliest notice deadline among active Licences without a notice (NOTICE-1).
    pub next_notice_deadline: Option<Deadline>,
    /// What needs the Manager's attention, most pressing first.
    pub attention: Vec<Attention>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deadline {
    pub licence_id: i64,
    pub date: NaiveDate,
    pub days_left: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attention {
    /// `payment_default` (LATE-3), `unassigned_numbers`, `notice_deadline`,
    /// `no_payment_method` or `service_discontinued` (NOTICE-3).
    pub kind: String,
    /// A sentence for the Manager.
    pub message: String,
    /// Where to act, e.g. `/console/numbers`; empty when there is nothing to do but know.
    pub link: String,
}
