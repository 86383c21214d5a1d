//! The Company Account's details as a Manager edits them: legal name, registration number,
//! billing country and address, and an optional EU VAT number (ACCESS-4).
//!
//! The app calls [`validate_company`] as the Manager types and before sending; the server calls
//! it again.

use serde::{Deserialize, Serialize};

use crate::company::RegistrationNumber;
use crate::country::CountryCode;
use crate::field::{Errors, FieldError, Problem, required_text};
use crate::vat::VatNumber;

/// The Company form as typed, field names as on the wire. An empty `vat_number` means none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyForm {
    pub legal_name: String,
    pub registration_number: String,
    pub billing_country: String,
    pub vat_number: String,
    pub address_line1: String,
    pub address_line2: String,
    pub postal_code: String,
    pub city: String,
}

/// The billing address; its country is the Company's billing country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingAddress {
    pub line1: String,
    /// Empty when unused.
    pub line2: String,
    pub postal_code: String,
    pub city: String,
    pub country: CountryCode,
}

/// Company details whose every field is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyDetails {
    pub legal_name: String,
    pub registration_number: RegistrationNumber,
    pub billing_country: CountryCode,
    pub vat_number: Option<VatNumber>,
    pub address: BillingAddress,
}

impl CompanyDetails {
    /// The details as a form holds them (what the server answers and the proof log records).
    pub fn to_form(&self) -> CompanyForm {
        CompanyForm {
            legal_name: self.legal_name.clone(),
            registration_number: self.registration_number.to_string(),
            billing_country: self.billing_country.to_string(),
            vat_number: self
                .vat_number
                .as_ref()
                .map(VatNumber::to_string)
                .unwrap_or_default(),
            address_line1: self.address.line1.clone(),
            address_line2: self.address.line2.clone(),
            postal_code: self.address.postal_code.clone(),
            city: self.address.city.clone(),
        }
    }
}

/// ACCESS-4 (GTCS 5.2, 6.2.2): checks every field of `form`, returning all the problems at once.
/// A French company's VAT number must carry its own SIREN.
pub fn validate_company(form: &CompanyForm) -> Result<CompanyDetails, Vec<FieldError>> {
    let mut errors = Errors::default();
    let legal_name = errors.check("legal_name", required_text(&form.legal_name, 200));
    let billing_country = errors.check("billing_country", billing_country(&form.billing_country));
    let country = billing_country.unwrap_or(CountryCode::FRANCE);
    let registration_number = errors.check(
        "registration_number",
        RegistrationNumber::parse(&form.registration_number, country),
    );
    let vat_number = errors.check(
        "vat_number",
        optional_vat_number(&form.vat_number, country, registration_number.as_ref()),
    );
    let line1 = errors.check("address_line1", required_text(&form.address_line1, 200));
    let line2 = errors.check("address_line2", optional_text(&form.address_line2, 200));
    let postal_code = errors.check("postal_code", postal_code(&form.postal_code, country));
    let city = errors.check("city", required_text(&form.city, 100));
    errors.into_result(|| {
        Some(CompanyDetails {
            legal_name: legal_name?,
            registration_number: registration_number?,
            billing_country: billing_country?,
            vat_number: vat_number?,
            address: BillingAddress {
                line1: line1?,
                line2: line2?,
                postal_code: postal_code?,
                city: city?,
                country: billing_country?,
            },
        })
    })
}

/// The VAT number field alone, for live checking as the Manager types: `Ok(None)` when empty.
pub fn optional_vat_number(
    raw: &str,
    billing_country: CountryCode,
    registration_number: Option<&RegistrationNumber>,
) -> Result<Option<VatNumber>, Problem> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let vat_number = VatNumber::parse(raw, billing_country)?;
    if let (Some(siren), Some(registration)) = (vat_number.french_siren(), registration_number)
        && siren != registration.as_str()
    {
        return Err(Problem::Invalid(
            "This VAT number belongs to another SIREN: its last 9 digits must be the company's SIREN.",
        ));
    }
    Ok(Some(vat_number))
}

fn billing_country(raw: &str) -> Result<CountryCode, Problem> {
    if raw.trim().is_empty() {
        return Err(Problem::Required);
    }
    raw.parse()
        .map_err(|_| Problem::Invalid("Choose a country from the list."))
}

fn optional_text(raw: &str, max: usize) -> Result<String, Problem> {
    match required_text(raw, max) {
        Err(Problem::Required) => Ok(String::new()),
        other => other,
    }
}

/// A postal code: 5 digits in France; elsewhere 2 to 10 letters, digits, spaces or dashes.
pub fn postal_code(raw: &str, country: CountryCode) -> Result<String, Problem> {
    let code = required_text(raw, 10)?.to_ascii_uppercase();
    if country == CountryCode::FRANCE {
        if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(code)
        } else {
            Err(Problem::Invalid("A French postal code has 5 digits."))
        }
    } else if code.len() >= 2
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        Ok(code)
    } else {
        Err(Problem::Invalid(
            "Use 2 to 10 letters, digits, spaces or dashes.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_form() -> CompanyForm {
        CompanyForm {
            legal_name: "Martin & Fils SAS".into(),
            registration_number: "732 829 320".into(),
            billing_country: "FR".into(),
            vat_number: "FR 44 732829320".into(),
            address_line1: "12 rue de la Paix".into(),
            address_line2: String::new(),
            postal_code: "75002".into(),
            city: "Paris".into(),
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<&'static str> {
        errors.into_iter().map(|error| error.field).collect()
    }

    #[test]
    fn a_complete_form_is_valid_and_normalised() {
        let details = validate_company(&valid_form()).unwrap();
        assert_eq!(details.registration_number.as_str(), "732829320");
        assert_eq!(
            details.vat_number.as_ref().map(VatNumber::as_str),
            Some("FR44732829320")
        );
        assert_eq!(details.address.country, CountryCode::FRANCE);
        assert_eq!(details.to_form().vat_number, "FR44732829320");
    }

    #[test]
    fn the_vat_number_is_optional() {
        let form = CompanyForm {
            vat_number: "  ".into(),
            ..valid_form()
        };
        assert_eq!(validate_company(&form).unwrap().vat_number, None);
    }

    #[test]
    fn an_empty_form_reports_every_required_field_at_once() {
        let errors = validate_company(&CompanyForm::default()).unwrap_err();
        assert_eq!(
            fields(errors),
            [
                "legal_name",
                "billing_country",
                "registration_number",
                "address_line1",
                "postal_code",
                "city"
            ]
        );
    }

    #[test]
    fn a_french_vat_number_must_carry_the_companys_siren() {
        // FR83 404833048 is well-formed (key of SIREN 404 833 048) but not this company's.
        let form = CompanyForm {
            vat_number: "FR83404833048".into(),
            ..valid_form()
        };
        let errors = validate_company(&form).unwrap_err();
        assert_eq!(errors[0].field, "vat_number");
        assert!(errors[0].to_string().contains("another SIREN"));
    }

    #[test]
    fn the_vat_prefix_and_postal_code_follow_the_billing_country() {
        let german = CompanyForm {
            billing_country: "DE".into(),
            registration_number: "HRB 12345".into(),
            vat_number: "DE136695976".into(),
            postal_code: "10115".into(),
            ..valid_form()
        };
        assert!(validate_company(&german).is_ok());
        let wrong = CompanyForm {
            vat_number: "FR44732829320".into(),
            postal_code: "7500".into(),
            ..valid_form()
        };
        assert_eq!(
            fields(validate_company(&wrong).unwrap_err()),
            ["postal_code"]
        );
        let swiss = CompanyForm {
            billing_country: "CH".into(),
            ..german
        };
        assert_eq!(
            fields(validate_company(&swiss).unwrap_err()),
            ["vat_number"]
        );
    }
}
