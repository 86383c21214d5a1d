//! Managers and Users (ACCESS-1..3): the compact user list, a user's page, role and status
//! changes, invitations, the outbox and the CSV import report.

use serde::{Deserialize, Serialize};

pub use domain::user::{ImportRow, RejectedRow, UserForm};

/// One User Account, as the list and the user's page show it. Kept small: the list of a Company
/// with 10,000 users is sent whole and filtered in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// `None` for an account created before mobiles were asked (the first Manager).
    pub mobile: Option<String>,
    pub residence_country: Option<String>,
    pub stable_links: Vec<String>,
    pub is_manager: bool,
    pub active: bool,
    /// False while the invitation has not been accepted.
    pub has_password: bool,
}

/// `GET /api/console/users/{id}`: a user and what depends on them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user: UserRow,
    /// Numbers assigned to this user (a user with Numbers cannot be deleted).
    pub numbers: i64,
    /// The GCU and privacy notice versions they accepted, and when (ACCEPT-1).
    pub terms: crate::terms::UserTerms,
    /// NUM-3: the Numbers they hold that no longer meet NUM-2 (residence or stable links).
    #[serde(default)]
    pub numbers_out_of_territory: Vec<NumberOutOfTerritory>,
}

/// NUM-3 (house reading "Territory"): a Number a User holds that no longer meets NUM-2 after a
/// change of their residence or stable links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberOutOfTerritory {
    pub number_id: i64,
    pub e164: String,
    pub country: String,
    /// What the Manager reads (`domain::number::no_longer_qualifying_reason`).
    pub message: String,
}

/// `PUT /api/console/users/{id}`: the User as saved and, NUM-3, the Numbers they hold that no
/// longer meet NUM-2 after the change (the change is saved all the same).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserUpdated {
    #[serde(flatten)]
    pub user: UserRow,
    #[serde(default)]
    pub numbers_out_of_territory: Vec<NumberOutOfTerritory>,
}

/// `PUT /api/console/users/{id}/role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChange {
    pub is_manager: bool,
}

/// `PUT /api/console/users/{id}/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub active: bool,
}

/// One email of the outbox (no SMTP yet: the console shows them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEmail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    /// The text, personal links left out (they are the recipient's alone).
    pub body: String,
    pub created_at: String,
    /// `queued`, `sent` or `failed`.
    pub status: String,
    pub sent_at: Option<String>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
}

/// `GET /api/invitations/{token}`: whom a valid invitation is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company: String,
}

/// `POST /api/invitations/{token}`: the password the invited user chose.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptInvitation {
    pub password: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Any rejected row means nothing is imported.
    AllOrNothing,
    /// The valid rows are imported; the rejected ones are reported.
    ValidRowsOnly,
}

/// `POST /api/console/users/import`: the rows the browser read from the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRequest {
    pub mode: ImportMode,
    pub rows: Vec<ImportRow>,
}

/// What an import did: how many users it created and each rejected row with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub created: usize,
    pub rejected: Vec<RejectedRow>,
}
