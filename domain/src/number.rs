//! Who may hold a Number (NUM-2, GTCS 3.2).

use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::error::RuleError;

/// Where a User lives and the countries the User can show stable links with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserTerritory {
    pub residence: CountryCode,
    #[serde(default)]
    pub stable_links: Vec<CountryCode>,
}

/// NUM-2 (GTCS 3.2), calculator `number.assignable`: a Number of `number_country` may only be
/// assigned to a User who resides there or can show stable links there.
pub fn check_assignable(
    number_country: CountryCode,
    user: &UserTerritory,
) -> Result<(), RuleError> {
    if user.residence == number_country || user.stable_links.contains(&number_country) {
        Ok(())
    } else {
        Err(RuleError::NotInTerritory { number_country })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn num_2_residence_or_stable_links() {
        let country = |raw: &str| raw.parse::<CountryCode>().unwrap();
        let user = UserTerritory {
            residence: country("FR"),
            stable_links: vec![country("BE")],
        };
        assert!(check_assignable(country("FR"), &user).is_ok());
        assert!(check_assignable(country("BE"), &user).is_ok());
        let refused = check_assignable(country("ES"), &user).unwrap_err();
        assert!(refused.to_string().starts_with("NUM-2:"), "{refused}");
        let json = r#"{"residence":"FR"}"#;
        assert!(
            serde_json::from_str::<UserTerritory>(json)
                .unwrap()
                .stable_links
                .is_empty()
        );
    }
}
