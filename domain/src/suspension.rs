//! Suspension of the Company or of a User (SUSP-1, GTCS 6 and 5.3).

use serde::{Deserialize, Serialize};

/// SUSP-1 (GTCS 6, 5.3): the only grounds on which the provider may suspend a User or the
/// Company. Fees stay due while suspended: billing continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuspensionReason {
    BreachOfTerms,
    InaccurateAccountData,
    InvalidOperatorNumber,
    TerritoryNoLongerMet,
    SuspectedFraudOrAbuse,
    SuspectedThirdPartyUse,
    NonPayment,
}

impl SuspensionReason {
    pub const ALL: [SuspensionReason; 7] = [
        SuspensionReason::BreachOfTerms,
        SuspensionReason::InaccurateAccountData,
        SuspensionReason::InvalidOperatorNumber,
        SuspensionReason::TerritoryNoLongerMet,
        SuspensionReason::SuspectedFraudOrAbuse,
        SuspensionReason::SuspectedThirdPartyUse,
        SuspensionReason::NonPayment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SuspensionReason::BreachOfTerms => "breach_of_terms",
            SuspensionReason::InaccurateAccountData => "inaccurate_account_data",
            SuspensionReason::InvalidOperatorNumber => "invalid_operator_number",
            SuspensionReason::TerritoryNoLongerMet => "territory_no_longer_met",
            SuspensionReason::SuspectedFraudOrAbuse => "suspected_fraud_or_abuse",
            SuspensionReason::SuspectedThirdPartyUse => "suspected_third_party_use",
            SuspensionReason::NonPayment => "non_payment",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == raw)
    }

    /// The reason as the Manager reads it.
    pub fn label(self) -> &'static str {
        match self {
            SuspensionReason::BreachOfTerms => "Breach of the GCU or the GTCS",
            SuspensionReason::InaccurateAccountData => "Inaccurate account data",
            SuspensionReason::InvalidOperatorNumber => "Invalid operator number",
            SuspensionReason::TerritoryNoLongerMet => "The territory condition is no longer met",
            SuspensionReason::SuspectedFraudOrAbuse => "Suspected fraud or abuse of a policy",
            SuspensionReason::SuspectedThirdPartyUse => {
                "Suspected use of the account by a third party"
            }
            SuspensionReason::NonPayment => "Non-payment",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn susp_1_every_reason_round_trips() {
        for reason in SuspensionReason::ALL {
            assert_eq!(SuspensionReason::parse(reason.as_str()), Some(reason));
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.as_str()));
        }
        assert_eq!(SuspensionReason::parse("bad_mood"), None);
    }
}
