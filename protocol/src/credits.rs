//! Credits: `GET /api/console/credits` and `POST /api/console/credits/top-ups`
//! (body: `domain::credits::TopUpForm`).

use domain::money::Money;
use serde::{Deserialize, Serialize};

pub use domain::credits::TopUpForm;

/// The Company's Credits and their latest movements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditsView {
    pub balance: Money,
    /// Held by debits in flight (reserved, not yet committed).
    pub reserved: Money,
    /// What can still be spent: the balance less what is reserved.
    pub available: Money,
    /// Newest first.
    pub movements: Vec<MovementView>,
}

/// The answer to a top-up: the invoice written with it (PAY-1) and the Credits after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopUpDone {
    pub invoice_id: i64,
    pub invoice_number: String,
    /// Its invoice is paid, so the Credits are credited (house reading "Due date and
    /// collection"); else they will be once it is.
    pub paid: bool,
    pub credits: CreditsView,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovementView {
    /// `top_up` or `debit`.
    pub kind: String,
    /// Positive for a top-up, negative for a debit.
    pub amount: Money,
    pub balance_after: Money,
    pub description: String,
    /// When (UTC, RFC 3339).
    pub at: String,
}
