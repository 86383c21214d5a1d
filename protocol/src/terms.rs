//! The WebApp's terms (ACCEPT-1): the General Conditions of Use and the privacy notice, the
//! versions in force, and a person's acceptance of them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A legal document: its version and where the app links to its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub version: String,
    pub url: String,
}

/// The GCU and the privacy notice in force: using the WebApp means accepting both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsInForce {
    pub gcu: Document,
    pub privacy: Document,
}

/// `GET /api/legal`: every legal document in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Legal {
    /// The General Terms and Conditions of Sale, accepted by Managers for their Company.
    pub gtcs: Document,
    /// The General Conditions of Use, accepted by each person using the WebApp.
    pub gcu: Document,
    pub privacy: Document,
}

/// The signed-in person's acceptance of the terms in force, as `GET /api/me` tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsStatus {
    /// Boxed: `Me` travels in enums (`LoginReply`) beside small variants.
    pub in_force: Box<TermsInForce>,
    /// They accepted both versions in force; until they do, the WebApp's routes answer 403
    /// `terms_acceptance_needed`.
    pub accepted: bool,
}

/// `POST /api/me/acceptance`: the versions the person read and accepts; refused unless they are
/// the versions in force.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsAcceptance {
    pub gcu_version: String,
    pub privacy_version: String,
}

/// One document's latest version a person accepted, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    pub version: String,
    /// UTC RFC 3339.
    pub accepted_at: String,
    /// The day of `accepted_at` in Europe/Paris.
    pub accepted_on: NaiveDate,
}

/// What a User accepted, as their page in the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserTerms {
    pub gcu: Option<Accepted>,
    pub privacy: Option<Accepted>,
    pub in_force: TermsInForce,
}

impl UserTerms {
    /// They accepted the versions in force of both documents.
    pub fn up_to_date(&self) -> bool {
        let accepted = |accepted: &Option<Accepted>, document: &Document| {
            accepted
                .as_ref()
                .is_some_and(|accepted| accepted.version == document.version)
        };
        accepted(&self.gcu, &self.in_force.gcu) && accepted(&self.privacy, &self.in_force.privacy)
    }
}
