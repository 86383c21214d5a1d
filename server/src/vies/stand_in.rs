//! A local stand-in for VIES, speaking the same REST API (`POST /rest-api/check-vat-number`,
//! `GET /rest-api/ms/{country}/vat/{number}`) on a loopback port: the default registry of
//! `make run` and the tests, since nothing here reaches the European Commission.
//!
//! It answers valid for any number whose check digits are right (with a consultation number
//! when the requester is named, as VIES does), invalid otherwise, unless told otherwise for a
//! number: by [`StandIn::answer`] in-process, or `PUT /stand-in/answers/{number}` with
//! `{"answer": "valid" | "invalid" | "unavailable" | "slow"}`. Unavailable answers VIES's
//! `MS_UNAVAILABLE` error; slow answers only after [`StandIn::SLOW`].

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use domain::country::CountryCode;
use domain::vat::VatNumber;
use serde::{Deserialize, Serialize};

use super::{CheckVatRequest, CheckVatResponse, ErrorWrapper};

/// What the stand-in answers for a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StandInAnswer {
    Valid,
    Invalid,
    /// VIES's `MS_UNAVAILABLE` error (HTTP 500).
    Unavailable,
    /// A valid answer after [`StandIn::SLOW`]: longer than any sensible timeout.
    Slow,
}

#[derive(Debug, Deserialize)]
struct AnswerForm {
    answer: StandInAnswer,
}

#[derive(Default)]
struct Shared {
    told: Mutex<HashMap<String, StandInAnswer>>,
    consultations: AtomicU64,
}

/// The running stand-in: its address and what it was told.
#[derive(Clone)]
pub struct StandIn {
    address: SocketAddr,
    shared: Arc<Shared>,
}

impl StandIn {
    /// How long a slow answer takes.
    pub const SLOW: Duration = Duration::from_secs(30);

    /// Listens on a free loopback port and serves until the process ends.
    pub async fn start() -> std::io::Result<StandIn> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let app = router(Arc::clone(&shared));
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "the VIES stand-in stopped");
            }
        });
        tracing::info!(%address, "VIES stand-in listening");
        Ok(StandIn { address, shared })
    }

    /// The base URL of its REST API (as `https://ec.europa.eu/taxation_customs/vies/rest-api`).
    pub fn base_url(&self) -> String {
        format!("http://{}/rest-api", self.address)
    }

    /// From now on, answers `answer` for `number` (compact, with its prefix: `DE136695976`).
    pub fn answer(&self, number: &str, answer: StandInAnswer) {
        self.shared
            .told
            .lock()
            .expect("stand-in answers")
            .insert(number.to_ascii_uppercase(), answer);
    }

    /// How many numbers it was asked about so far.
    pub fn consultations(&self) -> u64 {
        self.shared.consultations.load(Ordering::SeqCst)
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/rest-api/check-vat-number", post(check_vat_number))
        .route("/rest-api/ms/{country}/vat/{number}", get(check_by_path))
        .route("/stand-in/answers/{number}", put(tell))
        .with_state(shared)
}

/// The billing country of a VAT number prefix (`EL` is Greece).
fn country_of(prefix: &str) -> Option<CountryCode> {
    let code = if prefix == "EL" { "GR" } else { prefix };
    code.parse().ok()
}

/// What to answer for `prefix` + `number` (without its prefix), as VIES would.
async fn consult(
    shared: &Shared,
    prefix: &str,
    number: &str,
    requester_named: bool,
) -> (StatusCode, CheckVatResponse) {
    let counter = shared.consultations.fetch_add(1, Ordering::SeqCst) + 1;
    let full = format!("{prefix}{number}").to_ascii_uppercase();
    let told = shared
        .told
        .lock()
        .expect("stand-in answers")
        .get(&full)
        .copied();
    let well_formed =
        country_of(prefix).is_some_and(|country| VatNumber::parse(&full, country).is_ok());
    let answer = told.unwrap_or(if well_formed {
        StandInAnswer::Valid
    } else {
        StandInAnswer::Invalid
    });
    if answer == StandInAnswer::Slow {
        tokio::time::sleep(StandIn::SLOW).await;
    }
    if answer == StandInAnswer::Unavailable {
        let error = CheckVatResponse {
            action_succeed: Some(false),
            error_wrappers: vec![ErrorWrapper {
                error: "MS_UNAVAILABLE".into(),
                message: Some("The member state's service is not available (stand-in).".into()),
            }],
            ..CheckVatResponse::default()
        };
        return (StatusCode::INTERNAL_SERVER_ERROR, error);
    }
    let valid = answer != StandInAnswer::Invalid;
    let request_identifier = requester_named
        .then(|| format!("WAPI{:04}{:08X}", counter % 10_000, rand::random::<u32>()));
    let response = CheckVatResponse {
        country_code: Some(prefix.to_owned()),
        vat_number: Some(number.to_owned()),
        request_date: Some(
            chrono::Utc::now()
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string(),
        ),
        valid: Some(valid),
        request_identifier,
        name: Some(if valid {
            format!("STAND-IN TRADER {full}")
        } else {
            "---".into()
        }),
        address: Some(if valid {
            "1 AVENUE DU STAND-IN\n1000 BRUXELLES".into()
        } else {
            "---".into()
        }),
        action_succeed: None,
        error_wrappers: Vec::new(),
    };
    (StatusCode::OK, response)
}

/// `POST /rest-api/check-vat-number`.
async fn check_vat_number(
    State(shared): State<Arc<Shared>>,
    Json(request): Json<CheckVatRequest>,
) -> Response {
    let named = request.requester_member_state_code.is_some() && request.requester_number.is_some();
    let (status, body) = consult(&shared, &request.country_code, &request.vat_number, named).await;
    (status, Json(body)).into_response()
}

/// `GET /rest-api/ms/{country}/vat/{number}`: the same check, answered in that route's shape.
async fn check_by_path(
    State(shared): State<Arc<Shared>>,
    Path((country, number)): Path<(String, String)>,
) -> Response {
    let (status, body) = consult(&shared, &country, &number, false).await;
    if !status.is_success() {
        return (status, Json(body)).into_response();
    }
    let valid = body.valid == Some(true);
    Json(serde_json::json!({
        "isValid": valid,
        "requestDate": body.request_date,
        "userError": if valid { "VALID" } else { "INVALID" },
        "name": body.name,
        "address": body.address,
        "vatNumber": number,
    }))
    .into_response()
}

/// `PUT /stand-in/answers/{number}`.
async fn tell(
    State(shared): State<Arc<Shared>>,
    Path(number): Path<String>,
    Json(form): Json<AnswerForm>,
) -> StatusCode {
    shared
        .told
        .lock()
        .expect("stand-in answers")
        .insert(number.to_ascii_uppercase(), form.answer);
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::super::{VatRegistry, ViesReply, ViesRest};
    use super::*;

    fn number(raw: &str, country: &str) -> VatNumber {
        VatNumber::parse(raw, country.parse().unwrap()).unwrap()
    }

    fn requester() -> Option<VatNumber> {
        Some(number("FR73832235253", "FR"))
    }

    #[tokio::test]
    async fn the_stand_in_answers_as_told_over_the_rest_api() {
        let stand_in = StandIn::start().await.unwrap();
        let vies = ViesRest::new(&stand_in.base_url(), requester(), Duration::from_secs(5));
        let german = number("DE136695976", "DE");
        let ViesReply::Answered(answer) = vies.check(&german).await else {
            panic!("no answer");
        };
        assert!(answer.valid);
        assert!(answer.request_identifier.unwrap().starts_with("WAPI"));
        assert_eq!(answer.name.as_deref(), Some("STAND-IN TRADER DE136695976"));

        stand_in.answer("DE136695976", StandInAnswer::Invalid);
        let ViesReply::Answered(answer) = vies.check(&german).await else {
            panic!("no answer");
        };
        assert!(!answer.valid);
        assert_eq!(answer.name, None);

        stand_in.answer("DE136695976", StandInAnswer::Unavailable);
        assert_eq!(
            vies.check(&german).await,
            ViesReply::Unavailable {
                problem: "VIES answered MS_UNAVAILABLE".into()
            }
        );
        assert_eq!(stand_in.consultations(), 3);
    }

    #[tokio::test]
    async fn a_slow_answer_is_a_timeout_and_no_requester_no_consultation_number() {
        let stand_in = StandIn::start().await.unwrap();
        stand_in.answer("ATU13585627", StandInAnswer::Slow);
        let impatient = ViesRest::new(&stand_in.base_url(), None, Duration::from_millis(200));
        let started = std::time::Instant::now();
        assert_eq!(
            impatient.check(&number("ATU13585627", "AT")).await,
            ViesReply::Unavailable {
                problem: "VIES did not answer in time".into()
            }
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        let ViesReply::Answered(answer) = impatient.check(&number("EL094259216", "GR")).await
        else {
            panic!("no answer");
        };
        assert!(answer.valid);
        assert_eq!(answer.request_identifier, None);
    }

    #[tokio::test]
    async fn nothing_listening_is_unavailable() {
        let vies = ViesRest::new("http://127.0.0.1:9/rest-api", None, Duration::from_secs(2));
        assert!(matches!(
            vies.check(&number("DE136695976", "DE")).await,
            ViesReply::Unavailable { .. }
        ));
    }
}
