//! Sending a message from the WebApp (MSG-1, NUM-5): the rules' verdict, the Credits of a
//! message abroad reserved then debited once it went out (or given back), the rows of both
//! sides, the live events, and the hand-over to the SMS carrier with its receipts.

use std::sync::Arc;

use domain::field::{FieldError, Problem};
use domain::message::{self, Charge, Draft, Outgoing, Sender};
use domain::money::Money;
use domain::service::Service;
use protocol::webapp::{AppEvent, DeliveryStatus, MessageView, SendMessage};
use tokio::sync::mpsc;

use crate::carrier::sms::{DeliveryReceipt, Handover, OutgoingSms};
use crate::db::Database;
use crate::error::ApiError;
use crate::realtime::Hub;
use crate::state::AppState;
use crate::store::credits::{self, CreditsError};
use crate::store::messages::{self, NewMessage, Party};
use crate::store::sessions::SessionUser;
use crate::store::webapp::{self, OwnNumber};

fn invalid(field: &'static str, sentence: &'static str) -> ApiError {
    ApiError::Invalid(FieldError {
        field,
        problem: Problem::Invalid(sentence),
    })
}

/// Credits set aside for a message abroad until it is delivered or handed over.
struct Reserved {
    id: i64,
    cents: i64,
}

/// MSG-1, NUM-5: sends `form` from `number` for `user` (who holds it and is not suspended, as
/// the caller checked); the sender's side of the message.
pub async fn send(
    state: &AppState,
    user: &SessionUser,
    number: &OwnNumber,
    form: &SendMessage,
) -> Result<MessageView, ApiError> {
    let sender = Sender {
        home: number.country,
        e164: &number.e164,
        credits_allowed: number.calls_with_credits,
    };
    let draft = Draft {
        to: &form.to,
        body: &form.body,
        has_attachment: form.attachment_id.is_some(),
    };
    let outgoing = message::validate_message(&sender, &draft)?;
    super::webapp::ensure_offered(
        state,
        &Service::for_message(form.attachment_id.is_some(), outgoing.class),
    )
    .await?;
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
    let reserved = reserve_credits(state, number, &outgoing).await?;
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
                release_credits(state, number.company_id, reserved).await;
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
        None => hand_to_carrier(state, &number.e164, &sent).await,
    };
    // The Credits are settled before anything else can fail: due once the message went out.
    if let Some(reserved) = &reserved {
        match handover {
            Handover::Accepted => {
                let kind = match form.attachment_id {
                    Some(_) => "MMS",
                    None => "SMS",
                };
                commit_credits(state, number, user.user_id, &outgoing, kind, reserved).await;
            }
            Handover::Refused { .. } => {
                release_credits(state, number.company_id, reserved).await;
            }
        }
    }
    if hosted.is_some() {
        return Ok(sent);
    }
    record_handover(state, user.user_id, &sent, handover).await?;
    Ok(messages::view(&state.db, sent.id).await?.unwrap_or(sent))
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
        other => other.into(),
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
