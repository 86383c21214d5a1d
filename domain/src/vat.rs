//! VAT: the rate an Order is invoiced at, and the EU VAT number's format (ACCESS-4, PRICE-1).

use rust_decimal::Decimal;

use crate::country::CountryCode;
use crate::money::Percent;

/// The French standard VAT rate, 20 %.
pub fn french_standard_rate() -> Percent {
    Percent::new(Decimal::from(20)).expect("20 is a valid percentage")
}

/// PRICE-1 (GTCS 5.1; issue 4 point 5): the VAT rate of an Order, from the Company's billing
/// country and whether it has a valid EU VAT number on file. Prices exclude VAT.
///
/// - billing country France: 20 % (French VAT);
/// - another EU member state with a valid VAT number: 0 % (intra-EU reverse charge: the customer
///   self-assesses VAT);
/// - another EU member state without a valid VAT number: 20 % (treated as a non-business
///   customer, French VAT applies);
/// - outside the EU: 0 % (out of scope of French VAT).
pub fn vat_rate_for(country: CountryCode, has_valid_vat_number: bool) -> Percent {
    if country == CountryCode::FRANCE {
        french_standard_rate()
    } else if country.is_eu() {
        if has_valid_vat_number {
            Percent::ZERO
        } else {
            french_standard_rate()
        }
    } else {
        Percent::ZERO
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> CountryCode {
        code.parse().unwrap()
    }

    #[test]
    fn france_pays_twenty_percent_with_or_without_a_vat_number() {
        assert_eq!(
            vat_rate_for(CountryCode::FRANCE, true).value(),
            Decimal::from(20)
        );
        assert_eq!(
            vat_rate_for(CountryCode::FRANCE, false).value(),
            Decimal::from(20)
        );
    }

    #[test]
    fn other_eu_companies_reverse_charge_only_with_a_valid_vat_number() {
        assert_eq!(vat_rate_for(country("DE"), true), Percent::ZERO);
        assert_eq!(
            vat_rate_for(country("DE"), false).value(),
            Decimal::from(20)
        );
        assert_eq!(vat_rate_for(country("GR"), true), Percent::ZERO);
    }

    #[test]
    fn companies_outside_the_eu_are_out_of_scope() {
        assert_eq!(vat_rate_for(country("CH"), false), Percent::ZERO);
        assert_eq!(vat_rate_for(country("GB"), true), Percent::ZERO);
        assert_eq!(vat_rate_for(country("US"), false), Percent::ZERO);
    }
}
