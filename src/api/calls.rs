//! Calls from the WebApp (NUM-5): dialling, answering, declining, hanging up, the call history
//! and voicemail.

use protocol::webapp::{CallView, DialRequest};
use web_sys::Blob;

use super::*;

/// Sends a `POST` without a body and reads the JSON answer.
async fn post_empty<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(Request::post(path).build()).await
}

/// Places a call from the User's Number `number_id`: it rings on the other side (a Number
/// hosted here) or goes to the carrier (any other number).
pub async fn place_call(number_id: i64, to: &str) -> Result<CallView, ApiError> {
    post(
        &format!("/api/app/numbers/{number_id}/calls"),
        &DialRequest { to: to.to_owned() },
    )
    .await
}

/// The calls of one of the User's Numbers, latest first.
pub async fn call_history(number_id: i64) -> Result<Vec<CallView>, ApiError> {
    get(&format!("/api/app/numbers/{number_id}/calls")).await
}

pub async fn answer_call(call_id: i64) -> Result<CallView, ApiError> {
    post_empty(&format!("/api/app/calls/{call_id}/answer")).await
}

pub async fn decline_call(call_id: i64) -> Result<CallView, ApiError> {
    post_empty(&format!("/api/app/calls/{call_id}/decline")).await
}

/// Ends a call: hung up once connected, given up (missed) while it still rings.
pub async fn hang_up(call_id: i64) -> Result<CallView, ApiError> {
    post_empty(&format!("/api/app/calls/{call_id}/hangup")).await
}

/// Leaves `recording` (the raw audio, as recorded by the browser) on the unanswered call
/// `call_id`; `duration_seconds` is how long it lasted. Answers the call with its voicemail.
pub async fn leave_voicemail(
    call_id: i64,
    recording: &Blob,
    content_type: &str,
    duration_seconds: u32,
) -> Result<CallView, ApiError> {
    let request = Request::post(&format!(
        "/api/app/calls/{call_id}/voicemail?seconds={duration_seconds}"
    ))
    .header("Content-Type", content_type)
    .body(recording.clone());
    read(request).await
}

/// Where the browser plays a voicemail from.
pub fn voicemail_audio_url(voicemail_id: i64) -> String {
    format!("/api/app/voicemails/{voicemail_id}/audio")
}
