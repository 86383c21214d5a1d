//! Price changes (PRICE-4, PRICE-5): the provider's notice (`POST /api/admin/price-changes`),
//! what Managers see (`GET /api/console/price-changes`) and their termination
//! (`POST /api/console/price-changes/{id}/termination`).

use chrono::NaiveDate;
use domain::catalogue::Billing;
use domain::money::Money;
use domain::price_change::{PriceChangeCheck, PriceChangeKind, PriceIndex};
use serde::{Deserialize, Serialize};

/// Indexed (PRICE-4) or not (PRICE-5), as stored and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Indexed,
    NonIndexed,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Indexed => "indexed",
            NoticeKind::NonIndexed => "non_indexed",
        }
    }

    /// The kind spelt as [`NoticeKind::as_str`] spells it.
    pub fn parse(raw: &str) -> Option<Self> {
        [NoticeKind::Indexed, NoticeKind::NonIndexed]
            .into_iter()
            .find(|kind| kind.as_str() == raw)
    }

    /// The domain's kind, with the previous indexation's effective day for an indexed change.
    pub fn with_previous(self, previous_indexation: Option<NaiveDate>) -> PriceChangeKind {
        match self {
            NoticeKind::Indexed => PriceChangeKind::Indexed {
                previous_indexation,
            },
            NoticeKind::NonIndexed => PriceChangeKind::NonIndexed,
        }
    }
}

/// One new price of a non-indexed increase, per payment frequency and quantity tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPrice {
    pub billing: Billing,
    pub min_quantity: u32,
    pub unit_price: Money,
}

impl NewPrice {
    /// The tier's price as `domain::price_change` computes with it.
    pub fn tier(&self) -> domain::price_change::TierPrice {
        domain::price_change::TierPrice {
            billing: self.billing,
            min_quantity: self.min_quantity,
            unit_price: self.unit_price,
        }
    }
}

/// The provider's notice. A non-indexed increase lists its new `prices`; an indexed one gives
/// the index pair and every current price of the plan is indexed (never down). The Company is
/// informed on the server's today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceChangeForm {
    pub plan_code: String,
    pub kind: NoticeKind,
    pub effective_on: NaiveDate,
    #[serde(default)]
    pub prices: Vec<NewPrice>,
    #[serde(default)]
    pub index_base: Option<PriceIndex>,
    #[serde(default)]
    pub index_new: Option<PriceIndex>,
}

/// A price before and after the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceLine {
    pub billing: Billing,
    pub min_quantity: u32,
    pub old_unit_price: Money,
    pub unit_price: Money,
}

/// A notice as the provider and the Managers concerned see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceChangeView {
    pub id: i64,
    pub plan_code: String,
    pub plan_name: String,
    pub kind: NoticeKind,
    pub informed_on: NaiveDate,
    pub effective_on: NaiveDate,
    pub previous_indexation: Option<NaiveDate>,
    pub index_base: Option<PriceIndex>,
    pub index_new: Option<PriceIndex>,
    pub prices: Vec<PriceLine>,
    /// `price_change.validate`: the termination right and its last day (PRICE-5).
    pub check: PriceChangeCheck,
    /// The Company's Licences holding Numbers of this plan (empty for the provider).
    pub licence_ids: Vec<i64>,
    /// The Company's termination after this increase, once given.
    pub termination: Option<IncreaseTerminationView>,
}

/// A termination recorded after a non-indexed increase (PRICE-5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncreaseTerminationView {
    pub received_at: String,
    pub service_last_day: NaiveDate,
    pub licence_ids: Vec<i64>,
}
