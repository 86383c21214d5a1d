//! Signing up a Company: the Company Account and its first Manager (ACCESS-2, ACCESS-4, ACCEPT-1).
//!
//! The app calls [`validate_signup`] before sending the form; the server calls it again.

use serde::{Deserialize, Serialize};

use crate::company::RegistrationNumber;
use crate::country::CountryCode;
use crate::email::Email;
use crate::field::{Errors, FieldError, Problem, required_text};

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// The sign-up form as typed, field names as on the wire.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SignupForm {
    pub legal_name: String,
    pub registration_number: String,
    pub billing_country: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password: String,
    /// The GTCS version whose acceptance box was ticked; `None` when it was not ticked.
    pub accepted_gtcs_version: Option<String>,
}

/// A sign-up whose every field is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct Signup {
    pub legal_name: String,
    pub registration_number: RegistrationNumber,
    pub billing_country: CountryCode,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub password: String,
    pub accepted_gtcs_version: String,
}

/// Checks every field of `form`, returning all the problems at once.
///
/// ACCEPT-1 (GTCS 1): the GTCS version shown (`current_gtcs_version`) must be the one accepted.
pub fn validate_signup(
    form: &SignupForm,
    current_gtcs_version: &str,
) -> Result<Signup, Vec<FieldError>> {
    let mut errors = Errors::default();
    let legal_name = errors.check("legal_name", required_text(&form.legal_name, 200));
    let billing_country = errors.check("billing_country", billing_country(&form.billing_country));
    let registration_number = errors.check(
        "registration_number",
        RegistrationNumber::parse(
            &form.registration_number,
            billing_country.unwrap_or(CountryCode::FRANCE),
        ),
    );
    let first_name = errors.check("first_name", person_name(&form.first_name));
    let last_name = errors.check("last_name", person_name(&form.last_name));
    let email = errors.check("email", Email::parse(&form.email));
    let password = errors.check("password", new_password(&form.password));
    let accepted_gtcs_version = errors.check(
        "accepted_gtcs_version",
        gtcs_acceptance(form.accepted_gtcs_version.as_deref(), current_gtcs_version),
    );
    errors.into_result(|| {
        Some(Signup {
            legal_name: legal_name?,
            registration_number: registration_number?,
            billing_country: billing_country?,
            first_name: first_name?,
            last_name: last_name?,
            email: email?,
            password: password?,
            accepted_gtcs_version: accepted_gtcs_version?,
        })
    })
}

fn billing_country(raw: &str) -> Result<CountryCode, Problem> {
    if raw.trim().is_empty() {
        return Err(Problem::Required);
    }
    raw.parse()
        .map_err(|_| Problem::Invalid("Choose a country from the list."))
}

/// ACCESS-3 (GTCS 3.3): a real first or last name, not blank, not made of digits or symbols.
pub fn person_name(raw: &str) -> Result<String, Problem> {
    let name = required_text(raw, 100)?;
    if name.chars().any(char::is_alphabetic)
        && !name.chars().any(|c| c.is_ascii_digit() || c.is_control())
    {
        Ok(name)
    } else {
        Err(Problem::Invalid("Enter a name made of letters."))
    }
}

/// A new password: 10 to 128 characters, not only spaces.
pub fn new_password(raw: &str) -> Result<String, Problem> {
    let chars = raw.chars().count();
    if raw.trim().is_empty() {
        Err(Problem::Required)
    } else if chars < PASSWORD_MIN_CHARS {
        Err(Problem::TooShort {
            min: PASSWORD_MIN_CHARS,
        })
    } else if chars > PASSWORD_MAX_CHARS {
        Err(Problem::TooLong {
            max: PASSWORD_MAX_CHARS,
        })
    } else {
        Ok(raw.to_owned())
    }
}

fn gtcs_acceptance(accepted: Option<&str>, current: &str) -> Result<String, Problem> {
    match accepted {
        None => Err(Problem::Invalid(
            "Accept the General Terms and Conditions of Sale to continue.",
        )),
        Some(version) if version == current => Ok(version.to_owned()),
        Some(_) => Err(Problem::Invalid(
            "The General Terms and Conditions of Sale have changed: reload the page and read the current version.",
        )),
    }
}

/// The log-in form as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
}

/// Checks that both log-in fields are filled in and the email is well-formed.
pub fn validate_login(form: &LoginForm) -> Result<(Email, String), Vec<FieldError>> {
    let mut errors = Errors::default();
    let email = errors.check("email", Email::parse(&form.email));
    let password = errors.check(
        "password",
        if form.password.is_empty() {
            Err(Problem::Required)
        } else {
            Ok(form.password.clone())
        },
    );
    errors.into_result(|| Some((email?, password?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GTCS: &str = "2026-11";

    fn valid_form() -> SignupForm {
        SignupForm {
            legal_name: "Martin & Fils SAS".into(),
            registration_number: "732 829 320".into(),
            billing_country: "FR".into(),
            first_name: "Anne".into(),
            last_name: "Martin".into(),
            email: "anne@martin.fr".into(),
            password: "correct horse battery".into(),
            accepted_gtcs_version: Some(GTCS.into()),
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<&'static str> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_form_is_valid() {
        let signup = validate_signup(&valid_form(), GTCS).unwrap();
        assert_eq!(signup.registration_number.as_str(), "732829320");
        assert_eq!(signup.billing_country, CountryCode::FRANCE);
    }

    #[test]
    fn an_empty_form_reports_every_field() {
        let errors = validate_signup(&SignupForm::default(), GTCS).unwrap_err();
        assert_eq!(
            fields(errors),
            [
                "legal_name",
                "billing_country",
                "registration_number",
                "first_name",
                "last_name",
                "email",
                "password",
                "accepted_gtcs_version"
            ]
        );
    }

    #[test]
    fn acceptance_must_name_the_current_version() {
        let form = SignupForm {
            accepted_gtcs_version: Some("2020-01".into()),
            ..valid_form()
        };
        assert_eq!(
            fields(validate_signup(&form, GTCS).unwrap_err()),
            ["accepted_gtcs_version"]
        );
    }

    #[test]
    fn siren_rule_applies_to_french_companies_only() {
        let form = SignupForm {
            registration_number: "HRB 12345".into(),
            ..valid_form()
        };
        assert_eq!(
            fields(validate_signup(&form, GTCS).unwrap_err()),
            ["registration_number"]
        );
        let german = SignupForm {
            billing_country: "DE".into(),
            ..form
        };
        assert!(validate_signup(&german, GTCS).is_ok());
    }

    #[test]
    fn short_passwords_and_fake_names_are_refused() {
        let form = SignupForm {
            password: "short".into(),
            first_name: "1234".into(),
            ..valid_form()
        };
        assert_eq!(
            fields(validate_signup(&form, GTCS).unwrap_err()),
            ["first_name", "password"]
        );
    }

    #[test]
    fn login_needs_both_fields() {
        let errors = validate_login(&LoginForm::default()).unwrap_err();
        assert_eq!(fields(errors), ["email", "password"]);
    }
}
