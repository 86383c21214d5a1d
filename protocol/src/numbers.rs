//! The Company's Numbers (NUM-1, NUM-2, NUM-4): `GET /api/console/numbers`,
//! `PUT|DELETE /api/console/numbers/{id}/user`, `DELETE /api/console/numbers/{id}` and
//! `GET /api/console/numbers/assignable-users`.

use domain::country::CountryCode;
use serde::{Deserialize, Serialize};

/// A Number the Company holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberView {
    pub id: i64,
    /// E.164, e.g. `+34612345678`.
    pub e164: String,
    /// The Number's Territory (NUM-2).
    pub country: CountryCode,
    pub plan: Option<String>,
    pub licence_id: Option<i64>,
    /// The User holding it, if any (NUM-1: one at a time).
    pub user: Option<NumberHolder>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberHolder {
    pub id: i64,
    pub name: String,
}

/// `PUT /api/console/numbers/{id}/user`: who should hold the Number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignForm {
    pub user_id: i64,
}

/// A User who could be given a Number: what NUM-2 needs to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignableUser {
    pub id: i64,
    pub name: String,
    pub residence: Option<CountryCode>,
    pub stable_links: Vec<CountryCode>,
}
