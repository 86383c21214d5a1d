//! Messages from the WebApp (MSG-1): conversations, sending SMS and MMS, attachments, and the
//! delivery receipts that come back from the carrier.
//!
//! A message is checked by `domain::message` (as in the browser), then written, both sides in
//! one transaction. To a Number hosted here it is delivered at once: the recipient's User gets it
//! live. To any other number it is handed to the SMS carrier (`queued`, then `sent`, then
//! `delivered` or `failed` by the receipt). A message abroad is paid with Credits per part at the
//! destination's rate: reserved before it is written, committed once it is delivered or handed
//! over, released if the carrier refuses it, so the balance never goes below zero.

use std::pin::pin;

use axum::body::{Body, HttpBody};
use axum::extract::State;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::message::{self, AttachmentError, MAX_ATTACHMENT_BYTES};
use domain::phone::E164;
use protocol::webapp::{AttachmentView, ConversationSummary, MessageView, SendMessage};

use super::extract::{Body as JsonBody, PathId, PathParams, PrivateFile};
use crate::auth::SignedIn;
use crate::error::ApiError;
use crate::services::messages as service;
use crate::services::webapp::{ensure_not_suspended, own_number};
use crate::state::AppState;
use crate::store::messages::{self, NewAttachment};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/numbers/{id}/conversations", get(conversations))
        .route(
            "/app/numbers/{id}/conversations/{correspondent}",
            get(conversation),
        )
        .route("/app/numbers/{id}/messages", post(send))
        .route("/app/numbers/{id}/attachments", post(upload))
        .route("/app/attachments/{id}", get(attachment))
}

/// `GET /api/app/numbers/{id}/conversations`: one line per correspondent, latest first, with the
/// number of received messages not yet read.
async fn conversations(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<Json<Vec<ConversationSummary>>, ApiError> {
    let number = own_number(&state, &user, id).await?;
    let found = messages::conversations(&state.db, number.id, user.user_id).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|conversation| ConversationSummary {
                correspondent: conversation.last.correspondent.clone(),
                last: conversation.last,
                unread: conversation.unread,
            })
            .collect(),
    ))
}

/// `GET /api/app/numbers/{id}/conversations/{correspondent}`: the messages with `correspondent`
/// (E.164, its `+` as is or as `%2B`; a national form such as `0612345678` is accepted too),
/// oldest first. Reading them marks the received ones read.
async fn conversation(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathParams((id, correspondent)): PathParams<(i64, String)>,
) -> Result<Json<Vec<MessageView>>, ApiError> {
    let number = own_number(&state, &user, id).await?;
    let correspondent = E164::parse(&correspondent)
        .ok()
        .or_else(|| domain::dial::to_e164(number.country, &correspondent))
        .ok_or(ApiError::NotFound)?;
    let found = messages::conversation(
        &state.db,
        number.id,
        user.user_id,
        correspondent.as_str(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(found))
}

/// `POST /api/app/numbers/{id}/messages`: sends an SMS, or an MMS with an image uploaded before;
/// 201 with the sender's side of the message.
async fn send(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
    JsonBody(form): JsonBody<SendMessage>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let number = own_number(&state, &user, id).await?;
    ensure_not_suspended(&state, &user).await?;
    let sent = service::send(&state, &user, &number, &form).await?;
    Ok((StatusCode::CREATED, Json(sent)))
}

/// Reads at most `limit` bytes of `body`; `Err(bytes read)` as soon as it is longer.
async fn read_at_most(body: Body, limit: u64) -> Result<Result<Vec<u8>, u64>, ApiError> {
    let mut body = pin!(body);
    let mut bytes = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame = frame.map_err(|error| ApiError::MalformedBody(error.to_string()))?;
        if let Ok(data) = frame.into_data() {
            bytes.extend_from_slice(&data);
            let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            if read > limit {
                return Ok(Err(read));
            }
        }
    }
    Ok(Ok(bytes))
}

/// `POST /api/app/numbers/{id}/attachments`: an MMS image, sent as the raw bytes with their
/// `Content-Type`; 201 with its id for the message that will carry it. Checked by
/// `domain::message::validate_attachment` (as in the browser): 415 for another type, 413 over
/// 1 MiB (the upload stops there), 400 when empty.
async fn upload(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<AttachmentView>), ApiError> {
    let number = own_number(&state, &user, id).await?;
    ensure_not_suspended(&state, &user).await?;
    let refused = ApiError::AttachmentRefused;
    let declared_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let content_type = message::attachment_type(declared_type).map_err(refused)?;
    let declared_size = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if let Some(size_bytes) = declared_size.filter(|size| *size > MAX_ATTACHMENT_BYTES) {
        return Err(refused(AttachmentError::TooLarge { size_bytes }));
    }
    let bytes = read_at_most(body, MAX_ATTACHMENT_BYTES)
        .await?
        .map_err(|size_bytes| refused(AttachmentError::TooLarge { size_bytes }))?;
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    message::validate_attachment(content_type, size).map_err(refused)?;
    let view = messages::add_attachment(
        &state.db,
        &NewAttachment {
            company_id: number.company_id,
            number_id: number.id,
            user_id: user.user_id,
            content_type,
            bytes: &bytes,
            at: state.clock.now(),
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/app/attachments/{id}`: the image's bytes with their type, for who uploaded it and
/// the Users whose messages carry it; 404 for anyone else, as for an image that does not exist.
async fn attachment(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    PathId(id): PathId,
) -> Result<PrivateFile, ApiError> {
    let (content_type, bytes) = messages::readable_attachment(&state.db, id, user.user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(PrivateFile {
        content_type,
        bytes,
    })
}
