//! The WebApp's bodies (routes under `/api/app/…`, for any signed-in User, about their own
//! Numbers only): the User's Numbers and usage, conversations and messages, calls and voicemail,
//! and the live events pushed over the WebSocket `GET /api/app/events`.

use domain::call::Rate;
use domain::country::CountryCode;
use domain::dial::DialClass;
use domain::money::Money;
use domain::sms::SmsEncoding;
pub use domain::usage::Settlement;
use serde::{Deserialize, Serialize};

/// `GET /api/app/home`: what the WebApp opens with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppHome {
    /// The User's own Numbers (a Manager's too), in the order they were assigned.
    pub numbers: Vec<MyNumber>,
    /// Why the User may not message or call (SUSP-1), as a sentence; `None` when they may.
    pub suspended: Option<String>,
    /// The Company's Credits that can still be spent (balance less reservations).
    pub credits_available: Money,
    /// The Credits rates of calls, every version (PRICE-6), so the dialler prices a call with
    /// `domain::call::rate_for` before it is placed.
    pub call_rates: CallRates,
    /// NOTICE-3: the Services the provider discontinues or discontinued, as sentences.
    #[serde(default)]
    pub discontinued: Vec<String>,
}

/// The Credits rates per started minute of the calls paid with Credits (NUM-5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallRates {
    pub special: Vec<Rate>,
    pub international: Vec<Rate>,
}

impl CallRates {
    /// The rates of `class`; none for the classes never paid with Credits.
    pub fn of(&self, class: DialClass) -> &[Rate] {
        match class {
            DialClass::Special => &self.special,
            DialClass::International => &self.international,
            DialClass::Emergency | DialClass::National | DialClass::Invalid => &[],
        }
    }
}

/// One of the User's Numbers, with its Call Plan and this period's usage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyNumber {
    pub id: i64,
    pub e164: String,
    pub country: CountryCode,
    pub plan_name: String,
    /// NUM-5: special and international numbers may be called with Credits.
    pub calls_with_credits: bool,
    pub usage: Usage,
}

/// Minutes and SMS used in the current period against what the plan includes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// The period: its first day and the day after its last (ISO dates).
    pub period_start: String,
    pub period_end: String,
    pub minutes_used: u32,
    /// `None`: unlimited.
    pub minutes_included: Option<u32>,
    pub sms_used: u32,
    pub sms_included: Option<u32>,
    /// What is left of the plan this month (PAY-1); `None`: unlimited.
    #[serde(default)]
    pub minutes_left: Option<u32>,
    #[serde(default)]
    pub sms_left: Option<u32>,
    /// Minutes and SMS parts beyond the plan so far.
    #[serde(default)]
    pub minutes_beyond: u32,
    #[serde(default)]
    pub sms_beyond: u32,
    /// The prices per minute and per SMS beyond the plan in force today; `None`: not priced
    /// (what goes beyond is not invoiced).
    #[serde(default)]
    pub price_per_minute: Option<Money>,
    #[serde(default)]
    pub price_per_sms: Option<Money>,
    /// What the month's usage invoice bills for this Number so far, excluding VAT (issued on
    /// the first day of the next month).
    #[serde(default)]
    pub charged_so_far: Money,
}

/// `GET /api/app/numbers/{id}/conversations`: one line per correspondent, latest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationSummary {
    /// The other party's number as E.164 (`+33…`).
    pub correspondent: String,
    pub last: MessageView,
    /// Received messages not yet read.
    pub unread: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Outgoing,
    Incoming,
}

/// Where a message is on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Accepted, not yet handed over.
    Queued,
    /// Handed to the carrier (or to the hosted Number).
    Sent,
    /// The carrier's delivery receipt came back, or the hosted Number received it.
    Delivered,
    Failed,
    /// An incoming message.
    Received,
}

impl DeliveryStatus {
    /// Its name on the wire (`"queued"`…), without the formatting machinery.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Received => "received",
        }
    }
}

/// One message, seen from the side of `number_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: i64,
    pub number_id: i64,
    pub correspondent: String,
    pub direction: Direction,
    pub body: String,
    pub attachment: Option<AttachmentView>,
    pub status: DeliveryStatus,
    /// Why a `failed` message was not delivered, as the carrier said it; `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    pub encoding: SmsEncoding,
    pub segments: u32,
    /// Credits debited for it (SMS abroad, MSG-1); zero otherwise.
    pub credits: Money,
    /// UTC, RFC 3339.
    pub sent_at: String,
}

/// An MMS image, uploaded with `POST /api/app/numbers/{id}/attachments` (the raw bytes, with
/// their `Content-Type`) and read with `GET /api/app/attachments/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    pub content_type: String,
    pub size_bytes: u32,
}

/// `POST /api/app/numbers/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendMessage {
    /// As typed: spaces, dots and dashes are ignored; national French numbers are accepted.
    pub to: String,
    pub body: String,
    pub attachment_id: Option<i64>,
}

/// `POST /api/app/numbers/{id}/calls`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DialRequest {
    pub to: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// Waiting for the other side to answer.
    Ringing,
    /// Answered: audio flows.
    Connected,
    /// Answered, then hung up.
    Ended,
    /// Nobody answered in time, or the caller gave up while it rang.
    Missed,
    /// The called User declined.
    Declined,
    /// The carrier could not connect it, or the Credits ran out before it was answered.
    Failed,
}

impl CallStatus {
    pub fn is_over(self) -> bool {
        !matches!(self, CallStatus::Ringing | CallStatus::Connected)
    }
}

/// One call, seen from the side of `number_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallView {
    pub id: i64,
    pub number_id: i64,
    /// The other party's number, E.164 when it has one, else as dialled (short numbers).
    pub correspondent: String,
    pub direction: Direction,
    pub class: DialClass,
    /// Both ends are Numbers hosted here: the audio goes browser to browser (WebRTC), with the
    /// signalling relayed by the server.
    pub hosted: bool,
    pub status: CallStatus,
    /// UTC, RFC 3339.
    pub started_at: String,
    pub answered_at: Option<String>,
    pub ended_at: Option<String>,
    /// Seconds between answer and hang-up.
    pub duration_seconds: Option<u32>,
    /// Minutes counted: against the plan's included minutes (national) or paid with Credits.
    pub billed_minutes: u32,
    pub credits: Money,
    pub voicemail: Option<VoicemailView>,
}

/// A message left on an unanswered hosted call, recorded in the caller's browser.
/// Audio: `GET /api/app/voicemails/{id}/audio`; left with `POST /api/app/calls/{id}/voicemail`
/// (the raw recording, `audio/webm` or `audio/ogg`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoicemailView {
    pub id: i64,
    pub content_type: String,
    pub size_bytes: u32,
    pub duration_seconds: u32,
}

/// Pushed by the server over `GET /api/app/events` (one JSON text frame each), externally
/// tagged: `{"message": {"message": {…}}}`. (An internally tagged enum would be decoded through
/// serde's buffered `Content`, which costs the WebApp about 25 KB of wasm.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppEvent {
    /// A new message in one of the User's conversations (incoming, or sent from another tab).
    Message { message: MessageView },
    /// A message's delivery status changed.
    MessageStatus {
        number_id: i64,
        message_id: i64,
        status: DeliveryStatus,
    },
    /// A call of the User's changed: an incoming call rings, the other side answered, declined
    /// or hung up, a voicemail was left.
    Call { call: CallView },
    /// WebRTC signalling from the other side of a hosted call.
    Signal { call_id: i64, signal: Signal },
    /// The Company's Credits changed (a call abroad is being debited).
    Credits { available: Money },
}

/// Sent by the app over the same WebSocket: only signalling, relayed to the other side of a call
/// the sender is part of. Externally tagged, as [`AppEvent`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientEvent {
    Signal { call_id: i64, signal: Signal },
}

/// WebRTC session descriptions and ICE candidates, as the browser gives them. Externally
/// tagged, as [`AppEvent`]: `{"offer": {"sdp": "…"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    Offer {
        sdp: String,
    },
    Answer {
        sdp: String,
    },
    Ice {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
    },
}

/// One communication on a statement of communications (PAY-3): the console's Communications
/// page and each invoice's statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunicationLine {
    /// `call` or `sms` or `mms`.
    pub kind: String,
    pub number: String,
    pub user_name: Option<String>,
    pub correspondent: String,
    pub direction: Direction,
    /// When it happened (UTC, RFC 3339).
    pub at: String,
    pub duration_seconds: Option<u32>,
    pub segments: Option<u32>,
    /// Credits it cost when it happened (special and international).
    pub credits: Money,
    pub status: String,
    /// Included in the Call Plan, charged beyond it, paid with Credits, or free.
    pub settlement: Settlement,
    /// Minutes or SMS parts beyond the plan (0 when within it).
    pub units_beyond: u32,
    /// What is charged beyond the plan on the month's usage invoice (0 otherwise).
    pub amount: Money,
}

/// `GET /api/console/communications?from=&to=&before=&limit=`: one page of the Company's
/// communications over the period (days in Europe/Paris, both included), newest first. `next`
/// is the `before` of the following page (a cursor: no line is lost or repeated when new
/// communications arrive meanwhile); `None` on the last page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunicationsPage {
    pub lines: Vec<CommunicationLine>,
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::DeliveryStatus;

    #[test]
    fn a_delivery_status_is_named_as_on_the_wire() {
        for status in [
            DeliveryStatus::Queued,
            DeliveryStatus::Sent,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
            DeliveryStatus::Received,
        ] {
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{}\"", status.as_str())
            );
        }
    }
}
