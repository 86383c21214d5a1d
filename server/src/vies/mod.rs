//! VIES, the European Commission's VAT Information Exchange System (issue 19): the interface the
//! console asks whether a VAT number of another member state is valid for intra-EU trade, and
//! its implementation over VIES's REST API (`POST {base}/check-vat-number`, base
//! `https://ec.europa.eu/taxation_customs/vies/rest-api`). By default (`make run`, the tests)
//! the base is a local stand-in speaking the same API ([`stand_in`]), started by the server on
//! a loopback port; `--vies-url` points elsewhere.
//!
//! VIES's answer carries a consultation number (`requestIdentifier`) when the request names the
//! requester (the provider's own VAT number): it is recorded as proof with each invoice that
//! carries a reverse charge. A timeout or an unavailable service is an answer too
//! ([`ViesReply::Unavailable`]): the number stays pending and invoices carry French VAT.

pub mod stand_in;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use domain::vat::VatNumber;
use serde::{Deserialize, Serialize};

/// What a registry method returns: a boxed future, so the trait stays object-safe.
pub type RegistryFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// VIES's answer about one number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViesReply {
    /// VIES answered: valid for intra-EU trade or not, with what it said.
    Answered(ViesAnswer),
    /// No answer (timeout, VIES or the member state's system unavailable): why, for the Manager.
    Unavailable { problem: String },
}

/// What VIES answered. Names and addresses are `None` where VIES gave none (it writes `---`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViesAnswer {
    pub valid: bool,
    /// The consultation number, proof of the check (given when the requester is named).
    pub request_identifier: Option<String>,
    /// The day of the check, as VIES wrote it.
    pub request_date: Option<String>,
    pub name: Option<String>,
    pub address: Option<String>,
}

/// A VAT registry. Implementations must not panic nor hang: anything but an answer within
/// their timeout is [`ViesReply::Unavailable`].
pub trait VatRegistry: Send + Sync + 'static {
    /// Its name, recorded with each consultation.
    fn name(&self) -> &'static str;

    fn check<'a>(&'a self, number: &'a VatNumber) -> RegistryFuture<'a, ViesReply>;
}

/// The request of `POST /check-vat-number` (VIES REST API, `CheckVatRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckVatRequest {
    /// The prefix of the number (`EL` for Greece).
    pub country_code: String,
    /// The number without its prefix.
    pub vat_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_member_state_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_number: Option<String>,
}

/// The answer of `POST /check-vat-number` (`CheckVatResponse`), or its error body
/// (`CommonResponse`: `actionSucceed` false and `errorWrappers`). Unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckVatResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_succeed: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_wrappers: Vec<ErrorWrapper>,
}

/// One error of VIES: `MS_UNAVAILABLE`, `TIMEOUT`, `SERVICE_UNAVAILABLE`,
/// `MS_MAX_CONCURRENT_REQ`, `GLOBAL_MAX_CONCURRENT_REQ`, `INVALID_INPUT`…
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorWrapper {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// VIES writes `---` where it has no name or address to give.
fn given(text: Option<String>) -> Option<String> {
    text.map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty() && text != "---")
}

impl CheckVatResponse {
    /// The reply this body means.
    pub fn reply(self) -> ViesReply {
        if let Some(error) = self.error_wrappers.first() {
            return ViesReply::Unavailable {
                problem: format!("VIES answered {}", error.error),
            };
        }
        match (self.action_succeed, self.valid) {
            (Some(false), _) | (_, None) => ViesReply::Unavailable {
                problem: "VIES gave no answer about the number".into(),
            },
            (_, Some(valid)) => ViesReply::Answered(ViesAnswer {
                valid,
                request_identifier: given(self.request_identifier),
                request_date: given(self.request_date),
                name: given(self.name),
                address: given(self.address),
            }),
        }
    }
}

/// VIES over its REST API at `base_url`, asking as `requester` (the provider's VAT number, so
/// that answers carry a consultation number), waiting at most `timeout`.
pub struct ViesRest {
    client: reqwest::Client,
    base_url: String,
    requester: Option<VatNumber>,
}

impl ViesRest {
    pub fn new(base_url: &str, requester: Option<VatNumber>, timeout: Duration) -> Self {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .unwrap_or_default();
        ViesRest {
            client,
            base_url: base_url.trim_end_matches('/').to_owned(),
            requester,
        }
    }

    async fn ask(&self, number: &VatNumber) -> ViesReply {
        let (country_code, vat_number) = number.as_str().split_at(2);
        let request = CheckVatRequest {
            country_code: country_code.to_owned(),
            vat_number: vat_number.to_owned(),
            requester_member_state_code: self
                .requester
                .as_ref()
                .map(|requester| requester.as_str()[..2].to_owned()),
            requester_number: self
                .requester
                .as_ref()
                .map(|requester| requester.as_str()[2..].to_owned()),
        };
        let url = format!("{}/check-vat-number", self.base_url);
        let sent = self.client.post(&url).json(&request).send().await;
        let response = match sent {
            Ok(response) => response,
            Err(error) if error.is_timeout() => {
                return ViesReply::Unavailable {
                    problem: "VIES did not answer in time".into(),
                };
            }
            Err(error) => {
                tracing::warn!(%error, "VIES could not be reached");
                return ViesReply::Unavailable {
                    problem: "VIES could not be reached".into(),
                };
            }
        };
        let status = response.status();
        match response.json::<CheckVatResponse>().await {
            Ok(body) if status.is_success() || !body.error_wrappers.is_empty() => body.reply(),
            Ok(_) | Err(_) if status.is_success() => ViesReply::Unavailable {
                problem: "VIES answered something unreadable".into(),
            },
            _ => ViesReply::Unavailable {
                problem: format!("VIES answered HTTP {}", status.as_u16()),
            },
        }
    }
}

impl VatRegistry for ViesRest {
    fn name(&self) -> &'static str {
        "vies"
    }

    fn check<'a>(&'a self, number: &'a VatNumber) -> RegistryFuture<'a, ViesReply> {
        Box::pin(self.ask(number))
    }
}

/// The VAT registry the server asks, and the local stand-in when it is the one answering.
#[derive(Clone)]
pub struct Vies {
    pub registry: Arc<dyn VatRegistry>,
    /// Set when the registry is the in-process stand-in: tests and demos tell it what to answer.
    pub stand_in: Option<stand_in::StandIn>,
}

impl Vies {
    /// VIES at `base_url` (REST), asking as `requester`.
    pub fn rest(base_url: &str, requester: Option<VatNumber>, timeout: Duration) -> Self {
        Vies {
            registry: Arc::new(ViesRest::new(base_url, requester, timeout)),
            stand_in: None,
        }
    }

    /// A stand-in started on a loopback port, asked over HTTP like VIES, as `requester`.
    pub async fn stand_in(
        requester: Option<VatNumber>,
        timeout: Duration,
    ) -> std::io::Result<Self> {
        let stand_in = stand_in::StandIn::start().await?;
        Ok(Vies {
            registry: Arc::new(ViesRest::new(&stand_in.base_url(), requester, timeout)),
            stand_in: Some(stand_in),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vies_answer_reads_as_valid_with_its_consultation_number() {
        let body: CheckVatResponse = serde_json::from_str(
            r#"{"countryCode":"DE","vatNumber":"136695976","requestDate":"2026-12-07T10:00:00.000Z",
                "valid":true,"requestIdentifier":"WAPIAAAAZ1234567","name":"---","address":"---",
                "traderName":"---","traderNameMatch":"NOT_PROCESSED"}"#,
        )
        .unwrap();
        assert_eq!(
            body.reply(),
            ViesReply::Answered(ViesAnswer {
                valid: true,
                request_identifier: Some("WAPIAAAAZ1234567".into()),
                request_date: Some("2026-12-07T10:00:00.000Z".into()),
                name: None,
                address: None,
            })
        );
    }

    #[test]
    fn an_error_body_means_no_answer() {
        let body: CheckVatResponse = serde_json::from_str(
            r#"{"actionSucceed":false,"errorWrappers":[{"error":"MS_UNAVAILABLE","message":"x"}]}"#,
        )
        .unwrap();
        assert_eq!(
            body.reply(),
            ViesReply::Unavailable {
                problem: "VIES answered MS_UNAVAILABLE".into()
            }
        );
    }
}
