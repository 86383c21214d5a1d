//! Data rights (DATA-1): a person's requests about their data and their answers, and the
//! correction of one's own profile.

use chrono::NaiveDate;
use domain::privacy::{Decision, RequestKind};
use serde::{Deserialize, Serialize};

/// `POST /api/me/data-requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequestForm {
    pub kind: RequestKind,
    /// What the person asks, in their words (optional for an erasure).
    #[serde(default)]
    pub details: String,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Open,
    Granted,
    Refused,
}

/// A request, as its author and the Company's Managers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequest {
    pub id: i64,
    pub user_id: i64,
    /// Who asked (a pseudonym once their data was erased).
    pub person: String,
    pub kind: RequestKind,
    pub details: String,
    pub received_on: NaiveDate,
    /// DATA-1: the last day to answer.
    pub due_on: NaiveDate,
    pub status: RequestStatus,
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
    /// Who answered.
    pub answered_by: Option<String>,
}

/// `POST /api/console/data-requests/{id}/answer`: granting an erasure erases the person's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequestAnswer {
    pub decision: Decision,
    /// Required for a refusal: the reason.
    #[serde(default)]
    pub answer: String,
}

/// `GET` and `PUT /api/me/profile`: what a person may correct themselves (rectification).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub first_name: String,
    pub last_name: String,
    /// The operator mobile number (E.164).
    pub mobile: Option<String>,
    /// Managers always may; the Company's Users where the Company allows it.
    #[serde(default)]
    pub may_correct: bool,
}

/// `PUT /api/console/company/profile-corrections`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileCorrections {
    pub allowed: bool,
}
