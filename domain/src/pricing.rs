//! Quotes and renewal invoices (PRICE-1, RENEW-2; GTCS 5.1).
//!
//! One implementation for both: each line is `gross = unit_price × quantity` (rounded), minus
//! `discount = gross × discount_pct / 100` (rounded); VAT is computed once, on the sum of the net
//! lines, and rounded. Prices exclude VAT.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{RuleError, RuleId, ValueError};
use crate::money::{Money, Percent};

/// A discount percentage: 0 to 100.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Discount(Percent);

impl Discount {
    pub const NONE: Discount = Discount(Percent::ZERO);

    pub fn new(value: Decimal) -> Result<Self, ValueError> {
        if value > Decimal::ONE_HUNDRED {
            return Err(ValueError::PercentTooLarge {
                value,
                max: Decimal::ONE_HUNDRED,
            });
        }
        Percent::new(value).map(Discount)
    }

    pub fn percent(self) -> Percent {
        self.0
    }
}

impl TryFrom<Decimal> for Discount {
    type Error = ValueError;

    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Discount::new(value)
    }
}

impl From<Discount> for Decimal {
    fn from(discount: Discount) -> Self {
        discount.0.value()
    }
}

impl fmt::Display for Discount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One line of a quote or an invoice: a price list entry (excluding VAT) times a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLine {
    pub unit_price: Money,
    pub quantity: u32,
    #[serde(rename = "discount_pct")]
    pub discount: Discount,
}

/// A priced line, every amount rounded to the cent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    pub gross: Money,
    pub discount: Money,
    pub net: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub lines: Vec<PricedLine>,
    /// The sum of the net lines.
    pub subtotal: Money,
    pub vat: Money,
    pub total: Money,
}

/// PRICE-1 (GTCS 5.1), calculator `pricing.quote`: prices `lines` at `vat_rate`.
pub fn quote(vat_rate: Percent, lines: &[QuoteLine]) -> Result<Quote, RuleError> {
    price(vat_rate, lines, true, RuleId::Price1)
}

/// RENEW-2 (GTCS 5.1), calculator `renewal.invoice`: like [`quote`], at the prices then in force
/// (the caller passes them) and without the discounts of the initial term.
pub fn renewal_invoice(vat_rate: Percent, lines: &[QuoteLine]) -> Result<Quote, RuleError> {
    price(vat_rate, lines, false, RuleId::Renew2)
}

fn price(
    vat_rate: Percent,
    lines: &[QuoteLine],
    keep_discounts: bool,
    rule: RuleId,
) -> Result<Quote, RuleError> {
    let overflow = RuleError::Overflow { rule };
    let mut priced = Vec::with_capacity(lines.len());
    let mut subtotal = Money::ZERO;
    for line in lines {
        if line.unit_price.is_negative() {
            return Err(RuleError::NegativeAmount {
                rule,
                amount: line.unit_price.amount(),
            });
        }
        let gross = line
            .unit_price
            .checked_mul(Decimal::from(line.quantity))
            .ok_or(overflow.clone())?
            .round_to_cent();
        let discount = if keep_discounts {
            line.discount
        } else {
            Discount::NONE
        };
        let discount = discount
            .percent()
            .of(gross)
            .ok_or(overflow.clone())?
            .round_to_cent();
        let net = gross.checked_sub(discount).ok_or(overflow.clone())?;
        subtotal = subtotal.checked_add(net).ok_or(overflow.clone())?;
        priced.push(PricedLine {
            gross,
            discount,
            net,
        });
    }
    let vat = vat_rate
        .of(subtotal)
        .ok_or(overflow.clone())?
        .round_to_cent();
    let total = subtotal.checked_add(vat).ok_or(overflow)?;
    Ok(Quote {
        lines: priced,
        subtotal,
        vat,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(unit_price: &str, quantity: u32, discount: &str) -> QuoteLine {
        QuoteLine {
            unit_price: unit_price.parse().unwrap(),
            quantity,
            discount: Discount::new(discount.parse().unwrap()).unwrap(),
        }
    }

    #[test]
    fn price_1_discount_is_rounded_on_its_own_then_subtracted() {
        let quote = quote("20".parse().unwrap(), &[line("3.335", 3, "10")]).unwrap();
        assert_eq!(quote.lines[0].gross.to_string(), "10.01");
        assert_eq!(quote.lines[0].discount.to_string(), "1.00");
        assert_eq!(quote.total.to_string(), "10.81");
    }

    #[test]
    fn renew_2_drops_initial_discounts() {
        let renewal = renewal_invoice("20".parse().unwrap(), &[line("14.99", 12, "10")]).unwrap();
        assert_eq!(renewal.subtotal.to_string(), "179.88");
        assert_eq!(renewal.lines[0].discount, Money::ZERO);
    }

    #[test]
    fn discounts_stay_between_0_and_100() {
        assert!(Discount::new("100.01".parse().unwrap()).is_err());
        assert!(Discount::new("-1".parse().unwrap()).is_err());
        let json = r#"{"unit_price":"1","quantity":1,"discount_pct":"101"}"#;
        assert!(serde_json::from_str::<QuoteLine>(json).is_err());
    }
}
