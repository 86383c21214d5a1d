//! Calls from the WebApp (NUM-5): placing, answering, declining and hanging up, the call
//! history, voicemail, and the relay of WebRTC signalling between the two sides of a hosted call.
//! The Company's statement of communications is `api/communications`.
//!
//! Before a call: `domain::call` decides from the dialled number's class, the Call Plan and the
//! Company's Credits, as the dialler does in the browser. A call to a Number hosted here (any
//! Company) rings in its User's WebApp until answered, declined or the ring timeout; any other
//! call goes to the voice carrier. What happens to a call afterwards (ring timer, minute ticker,
//! endings, events) is in `crate::services::calls`.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::call::{self, CallRefusal, Charging, VOICEMAIL_MAX_BYTES};
use domain::dial::{self, DialClass};
use domain::field::without_separators;
use domain::service::Service;
use protocol::webapp::{AppEvent, CallStatus, CallView, DialRequest, Direction, Signal};

use super::extract::{Body as JsonBody, PathId, PrivateFile};
use crate::auth::SignedIn;
use crate::carrier::voice::{CallAttempt, OutgoingCall};
use crate::error::ApiError;
use crate::services::calls::{self as lifecycle, view};
use crate::services::webapp::{ensure_not_suspended, ensure_offered, own_number};
use crate::state::AppState;
use crate::store::calls::{self, Call, NewCall, NewVoicemail};
use crate::store::credits::{self, CreditsError};
use crate::store::sessions::SessionUser;
use crate::store::webapp;

/// How many calls a history shows.
const HISTORY_LENGTH: i64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/numbers/{id}/calls", get(history).post(place))
        .route("/app/calls/{id}/answer", post(answer))
        .route("/app/calls/{id}/decline", post(decline))
        .route("/app/calls/{id}/hangup", post(hang_up))
        .route("/app/calls/{id}/voicemail", post(leave_voicemail))
        .route("/app/voicemails/{id}/audio", get(voicemail_audio))
}

/// Why a call that is no longer ringing cannot be answered, declined or given a voicemail.
fn no_longer(status: CallStatus) -> &'static str {
    match status {
        CallStatus::Ringing => "it is still ringing",
        CallStatus::Connected => "it is already connected",
        CallStatus::Ended => "it has already ended",
        CallStatus::Missed => "it was missed",
        CallStatus::Declined => "it was declined",
        CallStatus::Failed => "it could not be connected",
    }
}

fn not_ringing(status: CallStatus) -> ApiError {
    ApiError::CallState(format!(
        "This call is no longer ringing: {}.",
        no_longer(status)
    ))
}

/// The call `call_id` when `user` is one of its parties; 404 otherwise, as for no such call.
async fn party_call(state: &AppState, user: &SessionUser, call_id: i64) -> Result<Call, ApiError> {
    calls::find_for_party(&state.db, call_id, user.user_id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// `user`'s side of `call` (they are a party).
fn side(call: &Call, user: &SessionUser) -> Direction {
    call.side_of(user.user_id).unwrap_or(Direction::Outgoing)
}

/// `POST /api/app/numbers/{id}/calls`: places a call from the User's Number (NUM-5); 201 with
/// the call from the caller's side. Refused (SUSP-1) while suspended; refused with a sentence for
/// emergency, invalid or not-included numbers and when the Credits do not cover the first minute,
/// which is reserved before anything rings.
async fn place(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
    JsonBody(request): JsonBody<DialRequest>,
) -> Result<(StatusCode, Json<CallView>), ApiError> {
    let number = own_number(&state, &user, id).await?;
    ensure_not_suspended(&state, &user).await?;
    let home = number.country;
    let class = call::dial_class(home, &request.to).map_err(ApiError::CallRefused)?;
    let used: Vec<Service> = Service::for_call(class).into_iter().collect();
    ensure_offered(&state, &used).await?;
    let (dialled, callee) = match class {
        DialClass::National | DialClass::International => {
            let e164 = dial::to_e164(home, &request.to)
                .ok_or(ApiError::CallRefused(CallRefusal::Invalid))?;
            let callee = webapp::hosted(&state.db, e164.as_str()).await?;
            (e164.as_str().to_owned(), callee)
        }
        DialClass::Emergency | DialClass::Special | DialClass::Invalid => {
            (without_separators(&request.to), None)
        }
    };
    if callee.as_ref().is_some_and(|callee| callee.id == number.id) {
        return Err(ApiError::CallRefused(CallRefusal::SameNumber));
    }
    let rate = match class {
        DialClass::Special | DialClass::International => {
            let rates = calls::rates(&state.db, "call", class).await?;
            call::rate_for(&rates, &dialled, state.clock.today()).map(|rate| rate.cents)
        }
        DialClass::Emergency | DialClass::National | DialClass::Invalid => None,
    };
    let available = credits::balance(&state.db, number.company_id)
        .await?
        .available_cents();
    let charging = call::charging(class, number.calls_with_credits, rate, available)
        .map_err(ApiError::CallRefused)?;
    let (rate_cents, reservation_id) = match charging {
        Charging::IncludedMinutes => (None, None),
        Charging::Credits { cents_per_minute } => {
            let purpose = format!("call to {dialled}, minute 1");
            let reserved = credits::reserve(
                &state.db,
                number.company_id,
                cents_per_minute,
                &purpose,
                state.clock.now(),
            )
            .await
            .map_err(|error| match error {
                CreditsError::Insufficient {
                    available_cents, ..
                } => ApiError::CallRefused(CallRefusal::CreditsShort {
                    available_cents,
                    needed_cents: cents_per_minute,
                }),
                other => other.into(),
            })?;
            (Some(cents_per_minute), Some(reserved))
        }
    };
    let new_call = NewCall {
        company_id: number.company_id,
        caller_number_id: number.id,
        caller_user_id: user.user_id,
        dialled: &dialled,
        class,
        callee: callee.as_ref(),
        rate_cents,
        reservation_id,
    };
    let call_id = match calls::create(&state.db, &new_call, state.clock.now()).await {
        Ok(id) => id,
        Err(error) => {
            if let Some(reservation) = reservation_id {
                let _ =
                    credits::release(&state.db, number.company_id, reservation, state.clock.now())
                        .await;
            }
            return Err(error.into());
        }
    };
    let _lock = state.telephony.calls.lock(&state.db, call_id).await?;
    let placed = calls::find(&state.db, call_id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("call {call_id} vanished")))?;
    if reservation_id.is_some() {
        lifecycle::publish_credits(&state, &placed).await?;
    }
    let now = if placed.hosted() {
        lifecycle::publish(&state, &placed);
        lifecycle::start_ring_timer(&state, call_id).await?;
        placed
    } else {
        let attempt = state
            .telephony
            .voice
            .place(&OutgoingCall {
                client_reference: call_id.to_string(),
                from: number.e164.clone(),
                to: dialled.clone(),
            })
            .await;
        let outcome = match attempt {
            CallAttempt::Answered => lifecycle::connect(&state, &placed).await?,
            CallAttempt::NoAnswer => {
                lifecycle::close_unanswered(&state, &placed, CallStatus::Missed).await?
            }
            CallAttempt::Failed { reason } => {
                tracing::info!(call_id, %reason, "the carrier could not connect a call");
                lifecycle::close_unanswered(&state, &placed, CallStatus::Failed).await?
            }
        };
        outcome.unwrap_or(placed)
    };
    Ok((StatusCode::CREATED, Json(view(&now, Direction::Outgoing))))
}

/// `GET /api/app/numbers/{id}/calls`: the Number's calls while the User held it, placed and
/// received, newest first (the latest 200).
async fn history(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Json<Vec<CallView>>, ApiError> {
    let number = own_number(&state, &user, id).await?;
    let found = calls::history(&state.db, number.id, user.user_id, HISTORY_LENGTH).await?;
    Ok(Json(
        found
            .iter()
            .map(|call| {
                let placed_here =
                    call.caller_number_id == number.id && call.caller_user_id == user.user_id;
                let side = match placed_here {
                    true => Direction::Outgoing,
                    false => Direction::Incoming,
                };
                view(call, side)
            })
            .collect(),
    ))
}

/// A ringing call of `user`'s as its callee, under its lock: the lock and the call as it is now.
async fn ringing_for_callee(
    state: &AppState,
    user: &SessionUser,
    call_id: i64,
    action: &str,
) -> Result<(lifecycle::CallGuard, Call), ApiError> {
    party_call(state, user, call_id).await?;
    let lock = state.telephony.calls.lock(&state.db, call_id).await?;
    let call = party_call(state, user, call_id).await?;
    if call.callee_user_id != Some(user.user_id) {
        return Err(ApiError::CallState(format!(
            "Only the person called can {action} this call."
        )));
    }
    if call.status != CallStatus::Ringing {
        return Err(not_ringing(call.status));
    }
    Ok((lock, call))
}

/// `POST /api/app/calls/{id}/answer`: the callee answers a ringing call; both sides are told it
/// is connected (the browsers then exchange WebRTC signalling over the WebSocket).
async fn answer(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Json<CallView>, ApiError> {
    let (_lock, call) = ringing_for_callee(&state, &user, id, "answer").await?;
    let connected = lifecycle::connect(&state, &call)
        .await?
        .ok_or_else(|| not_ringing(call.status))?;
    Ok(Json(view(&connected, Direction::Incoming)))
}

/// `POST /api/app/calls/{id}/decline`: the callee declines a ringing call.
async fn decline(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Json<CallView>, ApiError> {
    let (_lock, call) = ringing_for_callee(&state, &user, id, "decline").await?;
    let declined = lifecycle::close_unanswered(&state, &call, CallStatus::Declined)
        .await?
        .ok_or_else(|| not_ringing(call.status))?;
    Ok(Json(view(&declined, Direction::Incoming)))
}

/// `POST /api/app/calls/{id}/hangup`: either side hangs up. While it rings, the caller's hang-up
/// cancels it (missed for the callee) and the callee's declines it; once connected it ends, with
/// its duration from the server's clock and its minutes billed per started minute.
async fn hang_up(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Json<CallView>, ApiError> {
    let call_id = id;
    party_call(&state, &user, call_id).await?;
    let _lock = state.telephony.calls.lock(&state.db, call_id).await?;
    let call = party_call(&state, &user, call_id).await?;
    let side = side(&call, &user);
    let over = || {
        ApiError::CallState(format!(
            "This call is already over: {}.",
            no_longer(call.status)
        ))
    };
    let after = match call.status {
        CallStatus::Ringing => {
            let status = match side {
                Direction::Outgoing => CallStatus::Missed,
                Direction::Incoming => CallStatus::Declined,
            };
            lifecycle::close_unanswered(&state, &call, status).await?
        }
        CallStatus::Connected => lifecycle::hang_up_connected(&state, call_id).await?,
        CallStatus::Ended | CallStatus::Missed | CallStatus::Declined | CallStatus::Failed => {
            return Err(over());
        }
    };
    let after = match after {
        Some(after) => after,
        // The server ended it first (the Credits ran out at a minute's boundary).
        None => {
            let now = party_call(&state, &user, call_id).await?;
            return Err(ApiError::CallState(format!(
                "This call is already over: {}.",
                no_longer(now.status)
            )));
        }
    };
    Ok(Json(view(&after, side)))
}

/// `POST /api/app/calls/{id}/voicemail?seconds=N`: the caller of a hosted call that was missed
/// or declined leaves a recorded message: the raw recording as the body, `audio/webm` or
/// `audio/ogg`, at most 2 MiB, `N` its length in seconds (0 to 180). 201 with the call; the
/// callee is told at once.
async fn leave_voicemail(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<CallView>), ApiError> {
    let call = party_call(&state, &user, id).await?;
    if call.caller_user_id != user.user_id {
        return Err(ApiError::CallState(
            "Only the caller can leave a voicemail on this call.".into(),
        ));
    }
    if !call.hosted() {
        return Err(ApiError::CallState(
            "A voicemail can be left only on a call to a Number of the WebApp.".into(),
        ));
    }
    if !matches!(call.status, CallStatus::Missed | CallStatus::Declined) {
        return Err(ApiError::CallState(format!(
            "A voicemail can be left only on a call nobody answered: {}.",
            no_longer(call.status)
        )));
    }
    ensure_not_suspended(&state, &user).await?;
    ensure_offered(&state, &[Service::Voicemail]).await?;
    let declared_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let seconds = query.get("seconds").and_then(|raw| raw.trim().parse().ok());
    let refused = ApiError::VoicemailRefused;
    // Checked before reading the body, so that a wrong type is refused without the upload.
    call::validate_voicemail(declared_type, 1, seconds).map_err(refused)?;
    let bytes = match axum::body::to_bytes(body, VOICEMAIL_MAX_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return Err(refused(call::VoicemailProblem::TooLarge {
                size_bytes: VOICEMAIL_MAX_BYTES + 1,
            }));
        }
    };
    let content_type =
        call::validate_voicemail(declared_type, bytes.len(), seconds).map_err(refused)?;
    let voicemail = NewVoicemail {
        content_type,
        duration_seconds: seconds.unwrap_or_default(),
        bytes: &bytes,
    };
    calls::leave_voicemail(&state.db, call.id, &voicemail, state.clock.now())
        .await?
        .ok_or_else(|| ApiError::CallState("A voicemail was already left on this call.".into()))?;
    let left = party_call(&state, &user, call.id).await?;
    lifecycle::publish(&state, &left);
    Ok((StatusCode::CREATED, Json(view(&left, Direction::Outgoing))))
}

/// `GET /api/app/voicemails/{id}/audio`: the recording, for the two sides of its call only
/// (404 for anyone else, as for a voicemail that does not exist).
async fn voicemail_audio(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<PrivateFile, ApiError> {
    let (content_type, bytes) = calls::voicemail_audio(&state.db, id, user.user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(PrivateFile {
        content_type,
        bytes,
    })
}

/// Relays `signal` from `user` to the other side of `call_id`, when `user` is one side of a
/// hosted call that is ringing or connected (so the browsers can negotiate before the answer);
/// [`ApiError::NotFound`] otherwise, whatever the reason.
pub(super) async fn relay_signal(
    state: &AppState,
    user: &SessionUser,
    call_id: i64,
    signal: Signal,
) -> Result<(), ApiError> {
    let call = party_call(state, user, call_id).await?;
    if !call.hosted() || call.status.is_over() {
        return Err(ApiError::NotFound);
    }
    let other = match side(&call, user) {
        Direction::Outgoing => call.callee_user_id,
        Direction::Incoming => Some(call.caller_user_id),
    }
    .ok_or(ApiError::NotFound)?;
    state
        .telephony
        .hub
        .publish(other, &AppEvent::Signal { call_id, signal });
    Ok(())
}
