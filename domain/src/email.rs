//! Email addresses, as the console stores and compares them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::field::Problem;

/// A syntactically plausible email address, trimmed and lower-cased so that one mailbox is one
/// account. Deliverability is not checked here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

const MAX_LEN: usize = 254;

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(Problem::Required);
        }
        if email.chars().count() > MAX_LEN {
            return Err(Problem::TooLong { max: MAX_LEN });
        }
        let invalid = Problem::Invalid("Enter an email address like name@company.com.");
        let (local, domain) = email.rsplit_once('@').ok_or(invalid.clone())?;
        let labels_ok = domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains(['@', ' ', '"', ',', ';', '<', '>', '(', ')'])
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        if local_ok && labels_ok && domain.contains('.') && !email.chars().any(char::is_whitespace)
        {
            Ok(Email(email))
        } else {
            Err(invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = Problem;
    fn try_from(raw: String) -> Result<Self, Problem> {
        Email::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_spaces() {
        assert_eq!(
            Email::parse("  Anne.Martin@Example.FR ").unwrap().as_str(),
            "anne.martin@example.fr"
        );
    }

    #[test]
    fn refuses_malformed_addresses() {
        for raw in [
            "anne",
            "anne@",
            "@example.fr",
            "anne@example",
            "an ne@example.fr",
            "anne@@example.fr",
            "anne@-x.fr",
            ".a@example.fr",
            "a..b@example.fr",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw} was accepted");
        }
        assert_eq!(Email::parse("  "), Err(Problem::Required));
    }
}
