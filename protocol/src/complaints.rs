//! Complaints to the provider's support (DISPUTE-4, GTCS 11): a Manager opens one about an
//! invoice, a Number or anything (`/api/console/complaints`), sees when it is due to be answered
//! (30 working days, `complaint.answer_due`) and the answer; operators answer it from their
//! queue (`/api/admin/queues/complaints`, `/api/admin/complaints/{id}/answer`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// `POST /api/console/complaints`: what it is about (one of the Company's invoices, one of its
/// Numbers, or neither: anything else) and what happened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintForm {
    #[serde(default)]
    pub invoice_id: Option<i64>,
    #[serde(default)]
    pub number_id: Option<i64>,
    pub text: String,
}

/// A complaint as its Company sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintView {
    pub id: i64,
    /// "Invoice 2027-000001", "Number +33612345678" or "Anything else".
    pub about: String,
    pub text: String,
    pub received_on: NaiveDate,
    /// DISPUTE-4: the last day for the provider's answer.
    pub answer_due: NaiveDate,
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
}

/// `GET /api/admin/queues/complaints`: a complaint waiting for its answer, the earliest due
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintItem {
    pub company_id: i64,
    pub company_name: String,
    pub complaint: ComplaintView,
}

/// `POST /api/admin/complaints/{id}/answer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintAnswer {
    pub answer: String,
}
