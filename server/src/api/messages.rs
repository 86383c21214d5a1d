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
use std::sync::Arc;

use axum::body::{Body, HttpBody};
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::country::CountryCode;
use domain::field::{FieldError, Problem};
use domain::message::{
    self, AttachmentError, Charge, Draft, MAX_ATTACHMENT_BYTES, Outgoing, Sender,
};
use domain::money::Money;
use domain::phone::E164;
use protocol::webapp::{
    AppEvent, AttachmentView, ConversationSummary, DeliveryStatus, MessageView, SendMessage,
};
use tokio::sync::mpsc;

use super::accounts::Body as JsonBody;
use super::credits::credits_error;
use super::id_of;
use super::webapp::{ensure_not_suspended, own_number, private_file};
use crate::auth::SignedIn;
use crate::carrier::sms::{DeliveryReceipt, Handover, OutgoingSms};
use crate::db::Database;
use crate::error::ApiError;
use crate::realtime::Hub;
use crate::state::AppState;
use crate::store::credits::{self, CreditsError};
use crate::store::messages::{self, NewAttachment, NewMessage, Party};
use crate::store::webapp::{self, OwnNumber};

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

fn invalid(field: &'static str, sentence: &'static str) -> ApiError {
    ApiError::Invalid(FieldError {
        field,
        problem: Problem::Invalid(sentence),
    })
}

fn home_of(number: &OwnNumber) -> Result<CountryCode, ApiError> {
    number
        .country
        .parse()
        .map_err(|_| ApiError::Internal(format!("a Number's country: {}", number.country)))
}

/// `GET /api/app/numbers/{id}/conversations`: one line per correspondent, latest first, with the
/// number of received messages not yet read.
async fn conversations(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<Vec<ConversationSummary>>, ApiError> {
    let number = own_number(&state, &user, id_of(&id)?).await?;
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
    Path((id, correspondent)): Path<(String, String)>,
) -> Result<Json<Vec<MessageView>>, ApiError> {
    let number = own_number(&state, &user, id_of(&id)?).await?;
    let correspondent = E164::parse(&correspondent)
        .ok()
        .or_else(|| domain::dial::to_e164(home_of(&number).ok()?, &correspondent))
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

/// Credits set aside for a message abroad until it is delivered or handed over.
struct Reserved {
    id: i64,
    cents: i64,
}

/// `POST /api/app/numbers/{id}/messages`: sends an SMS, or an MMS with an image uploaded before;
/// 201 with the sender's side of the message.
async fn send(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    JsonBody(form): JsonBody<SendMessage>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let number = own_number(&state, &user, id_of(&id)?).await?;
    ensure_not_suspended(&state, &user).await?;
    let sender = Sender {
        home: home_of(&number)?,
        e164: &number.e164,
        credits_allowed: number.calls_with_credits,
    };
    let draft = Draft {
        to: &form.to,
        body: &form.body,
        has_attachment: form.attachment_id.is_some(),
    };
    let outgoing = message::validate_message(&sender, &draft)?;
    let attachment = match form.attachment_id {
        Some(attachment_id) => Some(
            messages::attachment_for_sending(&state.db, attachment_id, number.id, user.user_id)
                .await?
                .ok_or_else(|| {
                    invalid(
                        "attachment_id",
                        "This image is not available any more: attach it again.",
                    )
                })?,
        ),
        None => None,
    };
    let hosted = webapp::hosted(&state.db, outgoing.to.as_str()).await?;
    // Last before writing: from here on, every way out commits or releases the reservation.
    let reserved = reserve_credits(&state, &number, &outgoing).await?;
    let recipient = hosted.as_ref().and_then(|hosted| {
        Some(Party {
            company_id: hosted.company_id,
            number_id: hosted.id,
            user_id: hosted.user_id?,
            e164: outgoing.to.as_str(),
        })
    });
    let new = NewMessage {
        from: Party {
            company_id: number.company_id,
            number_id: number.id,
            user_id: user.user_id,
            e164: &number.e164,
        },
        to: outgoing.to.as_str(),
        recipient,
        body: &form.body,
        attachment: attachment.as_ref(),
        encoding: outgoing.size.encoding,
        segments: outgoing.parts,
        credits_cents: reserved.as_ref().map_or(0, |reserved| reserved.cents),
        // A Number hosted here has it at once, whether or not a User holds it.
        status: if hosted.is_some() {
            DeliveryStatus::Delivered
        } else {
            DeliveryStatus::Queued
        },
        at: state.clock.now(),
    };
    let recorded = match messages::record(&state.db, &new).await {
        Ok(recorded) => recorded,
        Err(error) => {
            if let Some(reserved) = &reserved {
                release_credits(&state, number.company_id, reserved).await;
            }
            return Err(error.into());
        }
    };
    // Everyone concerned sees it at once: the recipient, and the sender's other tabs.
    let hub = &state.telephony.hub;
    if let (Some(incoming), Some(recipient)) = (recorded.incoming, recipient) {
        hub.publish(recipient.user_id, &AppEvent::Message { message: incoming });
    }
    let sent = recorded.outgoing;
    hub.publish(
        user.user_id,
        &AppEvent::Message {
            message: sent.clone(),
        },
    );
    let handover = match hosted {
        Some(_) => Handover::Accepted,
        None => hand_to_carrier(&state, &number.e164, &sent).await,
    };
    // The Credits are settled before anything else can fail: due once the message went out.
    if let Some(reserved) = &reserved {
        match handover {
            Handover::Accepted => {
                let kind = match form.attachment_id {
                    Some(_) => "MMS",
                    None => "SMS",
                };
                commit_credits(&state, &number, user.user_id, &outgoing, kind, reserved).await;
            }
            Handover::Refused { .. } => {
                release_credits(&state, number.company_id, reserved).await;
            }
        }
    }
    if hosted.is_some() {
        return Ok((StatusCode::CREATED, Json(sent)));
    }
    record_handover(&state, user.user_id, &sent, handover).await?;
    let sent = messages::view(&state.db, sent.id).await?.unwrap_or(sent);
    Ok((StatusCode::CREATED, Json(sent)))
}

/// Hands `sent`, from the Number `from`, to the SMS carrier; its answer.
async fn hand_to_carrier(state: &AppState, from: &str, sent: &MessageView) -> Handover {
    let sms = OutgoingSms {
        client_reference: sent.id.to_string(),
        from: from.to_owned(),
        to: sent.correspondent.clone(),
        body: sent.body.clone(),
        attachment_type: sent
            .attachment
            .as_ref()
            .map(|attachment| attachment.content_type.clone()),
        segments: sent.segments,
    };
    let telephony = &state.telephony;
    telephony.sms.send(&sms, &telephony.receipts).await
}

/// Records the carrier's answer about `sent` (`sent`, or `failed` with its reason) and tells
/// the sender's tabs. Its receipt may have come first: the message is then delivered (or failed)
/// already and stays so.
async fn record_handover(
    state: &AppState,
    user_id: i64,
    sent: &MessageView,
    handover: Handover,
) -> Result<(), ApiError> {
    let changed_to = match handover {
        Handover::Accepted => messages::mark_sent(&state.db, sent.id)
            .await?
            .then_some(DeliveryStatus::Sent),
        Handover::Refused { reason } => {
            let carrier = state.telephony.sms.name();
            tracing::info!(message_id = sent.id, carrier, %reason, "message refused");
            messages::mark_refused(&state.db, sent.id, &reason).await?;
            Some(DeliveryStatus::Failed)
        }
    };
    if let Some(status) = changed_to {
        let event = AppEvent::MessageStatus {
            number_id: sent.number_id,
            message_id: sent.id,
            status,
        };
        state.telephony.hub.publish(user_id, &event);
    }
    Ok(())
}

/// MSG-1: reserves the Credits of a message abroad (its parts at the destination's rate), or
/// refuses it when the Company's available Credits are short.
async fn reserve_credits(
    state: &AppState,
    number: &OwnNumber,
    outgoing: &Outgoing,
) -> Result<Option<Reserved>, ApiError> {
    let Charge::Credits { parts } = outgoing.charge else {
        return Ok(None);
    };
    let rate = messages::sms_rate_cents(
        &state.db,
        outgoing.class,
        outgoing.to.as_str(),
        state.clock.today(),
    )
    .await?
    .ok_or_else(|| {
        invalid(
            "to",
            "Messages to this destination cannot be sent: no Credits rate is published for it.",
        )
    })?;
    let cents = rate * i64::from(parts);
    let id = credits::reserve(
        &state.db,
        number.company_id,
        cents,
        "sms",
        state.clock.now(),
    )
    .await
    .map_err(|error| match error {
        CreditsError::Insufficient {
            available_cents,
            asked_cents,
        } => ApiError::MessageCreditsShort {
            available_cents,
            asked_cents,
        },
        other => credits_error(other),
    })?;
    Ok(Some(Reserved { id, cents }))
}

/// Debits the Credits reserved for a message (`kind`: SMS or MMS) that went out, and tells the
/// sender the balance.
/// The message is on its way whatever happens here: a failure is logged and the reservation
/// stays open (held, never spent twice).
async fn commit_credits(
    state: &AppState,
    number: &OwnNumber,
    user_id: i64,
    outgoing: &Outgoing,
    kind: &str,
    reserved: &Reserved,
) {
    let description = format!(
        "{kind} from {} to {} ({} part{})",
        number.e164,
        outgoing.to,
        outgoing.parts,
        if outgoing.parts == 1 { "" } else { "s" }
    );
    match credits::commit(
        &state.db,
        number.company_id,
        reserved.id,
        reserved.cents,
        &description,
        state.clock.now(),
    )
    .await
    {
        Ok(balance) => {
            let event = AppEvent::Credits {
                available: Money::from_cents(balance.available_cents()),
            };
            state.telephony.hub.publish(user_id, &event);
        }
        Err(error) => {
            tracing::error!(%error, reservation_id = reserved.id, "the Credits of a message were not debited");
        }
    }
}

/// Gives back the Credits reserved for a message that did not go out.
async fn release_credits(state: &AppState, company_id: i64, reserved: &Reserved) {
    if let Err(error) =
        credits::release(&state.db, company_id, reserved.id, state.clock.now()).await
    {
        tracing::error!(%error, reservation_id = reserved.id, "Credits reserved for a message were not released");
    }
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
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<AttachmentView>), ApiError> {
    let number = own_number(&state, &user, id_of(&id)?).await?;
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
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (content_type, bytes) = messages::readable_attachment(&state.db, id_of(&id)?, user.user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(private_file(content_type, bytes))
}

/// Applies the carrier's delivery receipts to the messages they name, and tells the sender's
/// open tabs. Runs for the life of the server.
pub async fn apply_receipts(
    db: Database,
    hub: Arc<Hub>,
    mut receipts: mpsc::UnboundedReceiver<DeliveryReceipt>,
) {
    while let Some(receipt) = receipts.recv().await {
        let Ok(message_id) = receipt.client_reference.parse::<i64>() else {
            tracing::warn!(reference = %receipt.client_reference, "a receipt for no message of ours");
            continue;
        };
        match messages::apply_receipt(&db, message_id, receipt.delivered).await {
            Ok(Some(change)) => hub.publish(
                change.user_id,
                &AppEvent::MessageStatus {
                    number_id: change.number_id,
                    message_id,
                    status: change.status,
                },
            ),
            // Repeated, or for a message already failed: nothing changes.
            Ok(None) => {}
            Err(error) => tracing::error!(%error, message_id, "a delivery receipt was not applied"),
        }
    }
}
