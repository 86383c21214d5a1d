//! Messages (MSG-1): one row per side. The sending Number gets an `outgoing` row; a recipient
//! Number hosted here gets an `incoming` row of its own, in its own Company, so each side reads
//! only its rows. Every row belongs to the Number *and* the User who held it then: a User reads
//! the conversations of their own Numbers made while they held them, never a predecessor's.
//! MMS images live in `attachments`, readable by who uploaded them and by the Users whose
//! messages carry them.

use chrono::{DateTime, NaiveDate, Utc};
use domain::dial::DialClass;
use domain::money::Money;
use domain::sms::SmsEncoding;
use protocol::webapp::{AttachmentView, DeliveryStatus, Direction, MessageView};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::codec::corrupt;
use super::stamp;
use crate::db::Database;

fn status_name(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Queued => "queued",
        DeliveryStatus::Sent => "sent",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Failed => "failed",
        DeliveryStatus::Received => "received",
    }
}

fn status_from(name: &str) -> Result<DeliveryStatus, sqlx::Error> {
    Ok(match name {
        "queued" => DeliveryStatus::Queued,
        "sent" => DeliveryStatus::Sent,
        "delivered" => DeliveryStatus::Delivered,
        "failed" => DeliveryStatus::Failed,
        "received" => DeliveryStatus::Received,
        other => return Err(corrupt("status", other)),
    })
}

fn encoding_name(encoding: SmsEncoding) -> &'static str {
    match encoding {
        SmsEncoding::Gsm7 => "gsm7",
        SmsEncoding::Ucs2 => "ucs2",
    }
}

fn clamp(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// The columns [`view_from_row`] reads; `m` is the message, `a` its attachment (left-joined in
/// [`from_views!`]).
macro_rules! view_columns {
    () => {
        "SELECT m.id, m.number_id, m.correspondent, m.direction, m.body, m.attachment_id,
                a.content_type, a.size_bytes, m.status, m.failure_reason, m.encoding, m.segments,
                m.credits_cents, m.sent_at"
    };
}

macro_rules! from_views {
    () => {
        " FROM messages m LEFT JOIN attachments a ON a.id = m.attachment_id"
    };
}

/// Every column [`view_from_row`] reads, from every message.
macro_rules! select_views {
    () => {
        concat!(view_columns!(), from_views!())
    };
}

fn view_from_row(row: &AnyRow) -> Result<MessageView, sqlx::Error> {
    let direction: String = row.try_get("direction")?;
    let encoding: String = row.try_get("encoding")?;
    let status: String = row.try_get("status")?;
    let attachment_id: Option<i64> = row.try_get("attachment_id")?;
    let attachment = match attachment_id {
        Some(id) => Some(AttachmentView {
            id,
            content_type: row.try_get("content_type")?,
            size_bytes: clamp(row.try_get("size_bytes")?),
        }),
        None => None,
    };
    Ok(MessageView {
        id: row.try_get("id")?,
        number_id: row.try_get("number_id")?,
        correspondent: row.try_get("correspondent")?,
        direction: match direction.as_str() {
            "outgoing" => Direction::Outgoing,
            "incoming" => Direction::Incoming,
            other => return Err(corrupt("direction", other)),
        },
        body: row.try_get("body")?,
        attachment,
        status: status_from(&status)?,
        failure: row.try_get("failure_reason")?,
        encoding: match encoding.as_str() {
            "gsm7" => SmsEncoding::Gsm7,
            "ucs2" => SmsEncoding::Ucs2,
            other => return Err(corrupt("encoding", other)),
        },
        segments: clamp(row.try_get("segments")?),
        credits: Money::from_cents(row.try_get("credits_cents")?),
        sent_at: row.try_get("sent_at")?,
    })
}

/// One conversation's latest message and how many received messages are still unread.
pub struct Conversation {
    pub last: MessageView,
    pub unread: u32,
}

/// The conversations of `number_id` while `user_id` holds it: the latest message with each
/// correspondent, latest first.
pub async fn conversations(
    db: &Database,
    number_id: i64,
    user_id: i64,
) -> Result<Vec<Conversation>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        view_columns!(),
        ", (SELECT COUNT(*) FROM messages u
            WHERE u.number_id = m.number_id AND u.user_id = m.user_id
              AND u.correspondent = m.correspondent AND u.direction = 'incoming'
              AND u.read_at IS NULL) AS unread",
        from_views!(),
        " WHERE m.number_id = $1 AND m.user_id = $2
           AND m.id = (SELECT MAX(l.id) FROM messages l
                       WHERE l.number_id = m.number_id AND l.user_id = m.user_id
                         AND l.correspondent = m.correspondent)
         ORDER BY m.id DESC"
    ))
    .bind(number_id)
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Conversation {
                last: view_from_row(row)?,
                unread: clamp(row.try_get("unread")?),
            })
        })
        .collect()
}

/// The messages of `number_id` (held by `user_id`) with `correspondent`, oldest first; the
/// received ones are marked read at `now`.
pub async fn conversation(
    db: &Database,
    number_id: i64,
    user_id: i64,
    correspondent: &str,
    now: DateTime<Utc>,
) -> Result<Vec<MessageView>, sqlx::Error> {
    sqlx::query(
        "UPDATE messages SET read_at = $1
         WHERE number_id = $2 AND user_id = $3 AND correspondent = $4
           AND direction = 'incoming' AND read_at IS NULL",
    )
    .bind(stamp(now))
    .bind(number_id)
    .bind(user_id)
    .bind(correspondent)
    .execute(&db.pool)
    .await?;
    let rows = sqlx::query(concat!(
        select_views!(),
        " WHERE m.number_id = $1 AND m.user_id = $2 AND m.correspondent = $3 ORDER BY m.id"
    ))
    .bind(number_id)
    .bind(user_id)
    .bind(correspondent)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(view_from_row).collect()
}

/// One message by id (either side).
pub async fn view(db: &Database, message_id: i64) -> Result<Option<MessageView>, sqlx::Error> {
    let row = sqlx::query(concat!(select_views!(), " WHERE m.id = $1"))
        .bind(message_id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(view_from_row).transpose()
}

/// MSG-1: the Credits price of one SMS part to `e164` of `class` on `today`, in cents: the rate
/// with the longest matching prefix, then the latest in force (PRICE-6); `None` when no rate is
/// published for it.
pub async fn sms_rate_cents(
    db: &Database,
    class: DialClass,
    e164: &str,
    today: NaiveDate,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT cents FROM communication_rates
         WHERE kind = 'sms' AND class = $1 AND valid_from <= $2
           AND SUBSTR($3, 1, LENGTH(prefix)) = prefix
         ORDER BY LENGTH(prefix) DESC, valid_from DESC LIMIT 1",
    )
    .bind(class.as_str())
    .bind(today.to_string())
    .bind(e164)
    .fetch_optional(&db.pool)
    .await
}

/// A Number at one end of a message: its Company and the User holding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Party<'a> {
    pub company_id: i64,
    pub number_id: i64,
    pub user_id: i64,
    pub e164: &'a str,
}

/// A message to write: the sender's side, and the recipient's when it is a Number hosted here
/// with a User.
pub struct NewMessage<'a> {
    pub from: Party<'a>,
    /// The recipient's E.164.
    pub to: &'a str,
    pub recipient: Option<Party<'a>>,
    pub body: &'a str,
    pub attachment: Option<&'a AttachmentView>,
    pub encoding: SmsEncoding,
    pub segments: u32,
    /// Credits debited for it (MSG-1: messages abroad); 0 otherwise.
    pub credits_cents: i64,
    /// The sender's side starts `queued` (for the carrier) or `delivered` (hosted here).
    pub status: DeliveryStatus,
    pub at: DateTime<Utc>,
}

/// Both sides of a message as written: the sender's, and the recipient's if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub outgoing: MessageView,
    pub incoming: Option<MessageView>,
}

/// One row of a message: whose side it is and how it stands there.
struct Side<'a> {
    party: Party<'a>,
    correspondent: &'a str,
    direction: Direction,
    status: DeliveryStatus,
    credits_cents: i64,
}

/// Inserts `side`'s row of `message`; its id.
async fn insert_side(
    connection: &mut AnyConnection,
    message: &NewMessage<'_>,
    side: &Side<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO messages (company_id, number_id, user_id, correspondent, direction, body,
             attachment_id, status, encoding, segments, credits_cents, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(side.party.company_id)
    .bind(side.party.number_id)
    .bind(side.party.user_id)
    .bind(side.correspondent)
    .bind(match side.direction {
        Direction::Outgoing => "outgoing",
        Direction::Incoming => "incoming",
    })
    .bind(message.body)
    .bind(message.attachment.map(|attachment| attachment.id))
    .bind(status_name(side.status))
    .bind(encoding_name(message.encoding))
    .bind(i64::from(message.segments))
    .bind(side.credits_cents)
    .bind(stamp(message.at))
    .fetch_one(connection)
    .await
}

/// `side`'s view of `message`, written as row `id`: what reading the row back would give.
fn written(message: &NewMessage<'_>, id: i64, side: &Side<'_>) -> MessageView {
    MessageView {
        id,
        number_id: side.party.number_id,
        correspondent: side.correspondent.to_owned(),
        direction: side.direction,
        body: message.body.to_owned(),
        attachment: message.attachment.cloned(),
        status: side.status,
        failure: None,
        encoding: message.encoding,
        segments: message.segments,
        credits: Money::from_cents(side.credits_cents),
        sent_at: stamp(message.at),
    }
}

/// Writes both sides of `message` in one transaction: both rows or neither. Their views come
/// back without reading them again.
pub async fn record(db: &Database, message: &NewMessage<'_>) -> Result<Recorded, sqlx::Error> {
    let sender = Side {
        party: message.from,
        correspondent: message.to,
        direction: Direction::Outgoing,
        status: message.status,
        credits_cents: message.credits_cents,
    };
    let recipient = message.recipient.map(|party| Side {
        party,
        correspondent: message.from.e164,
        direction: Direction::Incoming,
        status: DeliveryStatus::Received,
        credits_cents: 0,
    });
    let mut tx = db.write().await?;
    let id = insert_side(&mut tx, message, &sender).await?;
    let outgoing = written(message, id, &sender);
    let incoming = match &recipient {
        Some(side) => {
            let id = insert_side(&mut tx, message, side).await?;
            Some(written(message, id, side))
        }
        None => None,
    };
    tx.commit().await?;
    Ok(Recorded { outgoing, incoming })
}

/// The carrier took the message: `queued` becomes `sent`. False when its receipt came first
/// (it is then already `delivered` or `failed`).
pub async fn mark_sent(db: &Database, message_id: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE messages SET status = 'sent' WHERE id = $1 AND status = 'queued'")
            .bind(message_id)
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The carrier refused the message: it failed for `reason` and costs nothing.
pub async fn mark_refused(db: &Database, message_id: i64, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE messages SET status = 'failed', failure_reason = $1, credits_cents = 0
         WHERE id = $2 AND status IN ('queued', 'sent')",
    )
    .bind(reason)
    .bind(message_id)
    .execute(&db.pool)
    .await
    .map(drop)
}

/// The sender's side of a message whose status a delivery receipt changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    pub number_id: i64,
    pub user_id: i64,
    pub status: DeliveryStatus,
}

/// What the WebApp shows when the carrier reports a message undeliverable.
pub const UNDELIVERABLE: &str = "The network could not deliver this message to the recipient.";

/// Applies a delivery receipt to an outgoing message still on its way; `None` when there is no
/// such message or it already has its final status (receipts may repeat).
pub async fn apply_receipt(
    db: &Database,
    message_id: i64,
    delivered: bool,
) -> Result<Option<StatusChange>, sqlx::Error> {
    let status = if delivered {
        DeliveryStatus::Delivered
    } else {
        DeliveryStatus::Failed
    };
    let row: Option<(i64, i64)> = sqlx::query_as(
        "UPDATE messages SET status = $1, failure_reason = $2
         WHERE id = $3 AND direction = 'outgoing' AND status IN ('queued', 'sent')
         RETURNING number_id, user_id",
    )
    .bind(status_name(status))
    .bind((!delivered).then_some(UNDELIVERABLE))
    .bind(message_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(number_id, user_id)| StatusChange {
        number_id,
        user_id,
        status,
    }))
}

/// An MMS image to store.
pub struct NewAttachment<'a> {
    pub company_id: i64,
    pub number_id: i64,
    pub user_id: i64,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    pub at: DateTime<Utc>,
}

/// Stores an uploaded image; its view.
pub async fn add_attachment(
    db: &Database,
    attachment: &NewAttachment<'_>,
) -> Result<AttachmentView, sqlx::Error> {
    let size_bytes = i64::try_from(attachment.bytes.len()).unwrap_or(i64::MAX);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO attachments (company_id, number_id, user_id, content_type, size_bytes, bytes,
             created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(attachment.company_id)
    .bind(attachment.number_id)
    .bind(attachment.user_id)
    .bind(attachment.content_type)
    .bind(size_bytes)
    .bind(attachment.bytes)
    .bind(stamp(attachment.at))
    .fetch_one(&db.pool)
    .await?;
    Ok(AttachmentView {
        id,
        content_type: attachment.content_type.to_owned(),
        size_bytes: clamp(size_bytes),
    })
}

/// An image `user_id` uploaded for `number_id`, which a message from that Number may carry.
pub async fn attachment_for_sending(
    db: &Database,
    attachment_id: i64,
    number_id: i64,
    user_id: i64,
) -> Result<Option<AttachmentView>, sqlx::Error> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT content_type, size_bytes FROM attachments
         WHERE id = $1 AND number_id = $2 AND user_id = $3",
    )
    .bind(attachment_id)
    .bind(number_id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(content_type, size_bytes)| AttachmentView {
        id: attachment_id,
        content_type,
        size_bytes: clamp(size_bytes),
    }))
}

/// An image's type and bytes, when `user_id` uploaded it or one of their messages (either side)
/// carries it; `None` otherwise, as for an image that does not exist.
pub async fn readable_attachment(
    db: &Database,
    attachment_id: i64,
    user_id: i64,
) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.content_type, a.bytes FROM attachments a
         WHERE a.id = $1
           AND (a.user_id = $2 OR EXISTS (SELECT 1 FROM messages m
                                          WHERE m.attachment_id = a.id AND m.user_id = $2))",
    )
    .bind(attachment_id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await
}
