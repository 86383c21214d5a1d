//! Orders (PRICE-1, ACCEPT-1, ACCEPT-2): `POST /api/console/orders` (the form is the domain's
//! own [`OrderForm`], validated by the app and the server alike), `GET /api/console/orders` and
//! `GET /api/console/orders/{id}`. There is no route that edits or deletes an Order.

use chrono::NaiveDate;
use domain::catalogue::Billing;
use domain::money::{Money, Percent};
use serde::{Deserialize, Serialize};

pub use domain::order::{OrderForm, OrderFormLine};

/// A placed Order, final (ACCEPT-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    pub id: i64,
    /// When it was placed (UTC, RFC 3339).
    pub placed_at: String,
    /// Who placed it: first and last name.
    pub placed_by: String,
    pub billing: Billing,
    pub vat_rate: Percent,
    pub subtotal: Money,
    pub vat: Money,
    pub total: Money,
    /// The GTCS version accepted with it (ACCEPT-1).
    pub gtcs_version: String,
    pub licence: OrderLicence,
    pub lines: Vec<OrderLineView>,
}

/// The Licence the Order created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLicence {
    pub id: i64,
    pub term_months: u32,
    pub anchor: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub plan_id: i64,
    pub description: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub discount_pct: Percent,
    pub net: Money,
    /// The Numbers of the line, E.164.
    pub numbers: Vec<String>,
}

/// One Order in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: i64,
    pub placed_at: String,
    pub billing: Billing,
    pub numbers: u32,
    pub total: Money,
}
