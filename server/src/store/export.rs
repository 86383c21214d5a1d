//! What the data archives read (issue 15, DATA-1): everything the product holds about one person
//! (their account, their messages, calls and voicemails, what they did) and what a Company's
//! archive needs beyond the other stores' lists (its credit notes, its creation). Read-only: the
//! archives are built in `services::export`. Values that are shown as stored (instants as UTC
//! RFC 3339 text, statuses by their wire names) stay text here; nothing is parsed.

use chrono::{DateTime, Utc};
use domain::money::Money;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::codec::Columns;
use super::stamp;
use crate::db::Database;

/// A person's account as stored, without anything secret (no password hash, no token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub company_id: i64,
    pub company_name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub mobile: Option<String>,
    pub role: String,
    pub residence_country: Option<String>,
    pub status: String,
    pub created_at: String,
    pub deleted_at: Option<String>,
}

/// The person `user_id`, or `None` when there is no such account.
pub async fn person(db: &Database, user_id: i64) -> Result<Option<Person>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.id, u.company_id, c.legal_name, u.first_name, u.last_name, u.email, u.mobile,
                u.role, u.residence_country, u.status, u.created_at, u.deleted_at
         FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(Person {
            id: row.try_get("id")?,
            company_id: row.try_get("company_id")?,
            company_name: row.try_get("legal_name")?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            email: row.try_get("email")?,
            mobile: row.try_get("mobile")?,
            role: row.try_get("role")?,
            residence_country: row.try_get("residence_country")?,
            status: row.try_get("status")?,
            created_at: row.try_get("created_at")?,
            deleted_at: row.try_get("deleted_at")?,
        })
    })
    .transpose()
}

/// The countries where the person declared stable links (NUM-2), in order.
pub async fn stable_links(db: &Database, user_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT country FROM user_stable_links WHERE user_id = $1 ORDER BY country")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await
}

/// One acceptance of the terms by the person (ACCEPT-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    /// `GTCS`, `GCU` or `privacy notice`.
    pub document: String,
    pub version: String,
    pub accepted_at: String,
    pub occasion: String,
}

/// The versions of the GTCS (at sign-up and with each Order), the GCU and the privacy notice
/// (in the WebApp) the person accepted, oldest first.
pub async fn acceptances(db: &Database, user_id: i64) -> Result<Vec<Acceptance>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT 'GTCS' AS document, gtcs_version AS version, accepted_at, occasion
         FROM gtcs_acceptances WHERE user_id = $1
         UNION ALL
         SELECT CASE WHEN document = 'gcu' THEN 'GCU' ELSE 'privacy notice' END,
                version, accepted_at, occasion
         FROM terms_acceptances WHERE user_id = $1
         ORDER BY accepted_at, document",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Acceptance {
                document: row.try_get("document")?,
                version: row.try_get("version")?,
                accepted_at: row.try_get("accepted_at")?,
                occasion: row.try_get("occasion")?,
            })
        })
        .collect()
}

/// The E.164 of the Numbers the person holds now, in order.
pub async fn numbers_held(db: &Database, user_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT e164 FROM numbers WHERE user_id = $1 ORDER BY e164")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await
}

/// A change of who holds one of the Company's Numbers, as the proof log recorded it
/// (`number.assign`, `number.unassign`, `number.release`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderChange {
    pub at: String,
    pub e164: String,
    /// Who held it before, and after (`None`: nobody).
    pub from_user: Option<i64>,
    pub to_user: Option<i64>,
}

/// The `user_id` and `e164` recorded in a proof-log entry's JSON (`before_json`, `after_json`).
fn holder_in(
    column: &str,
    json: Option<&str>,
) -> Result<(Option<i64>, Option<String>), sqlx::Error> {
    let Some(raw) = json else {
        return Ok((None, None));
    };
    let value: serde_json::Value =
        serde_json::from_str(raw).map_err(|_| super::codec::corrupt(column, raw))?;
    Ok((
        value["user_id"].as_i64(),
        value["e164"].as_str().map(str::to_owned),
    ))
}

/// Every change of holder of the Company's Numbers, in the order of its proof log.
pub async fn holder_changes(
    db: &Database,
    company_id: i64,
) -> Result<Vec<HolderChange>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, before_json, after_json FROM audit_log
         WHERE company_id = $1 AND action IN ('number.assign', 'number.unassign', 'number.release')
         ORDER BY seq",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let before: Option<String> = row.try_get("before_json")?;
            let after: Option<String> = row.try_get("after_json")?;
            let (from_user, before_e164) = holder_in("before_json", before.as_deref())?;
            let (to_user, after_e164) = holder_in("after_json", after.as_deref())?;
            Ok(HolderChange {
                at: row.try_get("at")?,
                e164: before_e164.or(after_e164).unwrap_or_default(),
                from_user,
                to_user,
            })
        })
        .collect()
}

/// How many of the person's sessions are open at `now`.
pub async fn open_sessions(
    db: &Database,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND expires_at > $2")
        .bind(user_id)
        .bind(stamp(now))
        .fetch_one(&db.pool)
        .await
}

/// One side of a message, as its holder's row keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub id: i64,
    pub sent_at: String,
    /// `outgoing` (sent) or `incoming` (received).
    pub direction: String,
    /// The Number of the side this row belongs to.
    pub number: String,
    pub correspondent: String,
    pub body: String,
    pub segments: i64,
    pub encoding: String,
    pub status: String,
    pub credits: Money,
    pub attachment_id: Option<i64>,
    pub attachment_type: Option<String>,
    /// The person holding the Number when the message was written (the Company's archive).
    pub user_name: Option<String>,
}

fn message_from_row(row: &AnyRow) -> Result<MessageRow, sqlx::Error> {
    let first: Option<String> = row.try_get("first_name")?;
    let last: Option<String> = row.try_get("last_name")?;
    Ok(MessageRow {
        id: row.try_get("id")?,
        sent_at: row.try_get("sent_at")?,
        direction: row.try_get("direction")?,
        number: row.try_get("e164")?,
        correspondent: row.try_get("correspondent")?,
        body: row.try_get("body")?,
        segments: row.try_get("segments")?,
        encoding: row.try_get("encoding")?,
        status: row.try_get("status")?,
        credits: row.money("credits_cents")?,
        attachment_id: row.try_get("attachment_id")?,
        attachment_type: row.try_get("content_type")?,
        user_name: first
            .zip(last)
            .map(|(first, last)| format!("{first} {last}")),
    })
}

macro_rules! select_messages {
    () => {
        "SELECT m.id, m.sent_at, m.direction, n.e164, m.correspondent, m.body, m.segments,
                m.encoding, m.status, m.credits_cents, m.attachment_id, a.content_type,
                u.first_name, u.last_name
         FROM messages m JOIN numbers n ON n.id = m.number_id
         LEFT JOIN attachments a ON a.id = m.attachment_id
         LEFT JOIN users u ON u.id = m.user_id"
    };
}

/// Every message row of the person (their side of each exchange), oldest first.
pub async fn messages_of(db: &Database, user_id: i64) -> Result<Vec<MessageRow>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        select_messages!(),
        " WHERE m.user_id = $1 ORDER BY m.sent_at, m.id"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(message_from_row).collect()
}

/// Every message row of the Company's Numbers, oldest first.
pub async fn company_messages(
    db: &Database,
    company_id: i64,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        select_messages!(),
        " WHERE m.company_id = $1 ORDER BY m.sent_at, m.id"
    ))
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(message_from_row).collect()
}

/// An MMS image with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The images the person uploaded or that their messages carry, by id.
pub async fn attachments_of(db: &Database, user_id: i64) -> Result<Vec<Attachment>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.id, a.content_type, a.bytes FROM attachments a
         WHERE a.user_id = $1
            OR a.id IN (SELECT m.attachment_id FROM messages m
                        WHERE m.user_id = $1 AND m.attachment_id IS NOT NULL)
         ORDER BY a.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Attachment {
                id: row.try_get("id")?,
                content_type: row.try_get("content_type")?,
                bytes: row.try_get("bytes")?,
            })
        })
        .collect()
}

/// One side of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    pub id: i64,
    pub started_at: String,
    pub answered_at: Option<String>,
    pub ended_at: Option<String>,
    /// `outgoing` (placed) or `incoming` (received).
    pub direction: String,
    /// The Number of this side.
    pub number: String,
    /// The other party: the number dialled, or the caller's Number.
    pub other_party: String,
    pub status: String,
    pub duration_seconds: Option<i64>,
    pub billed_minutes: i64,
    pub credits: Money,
    /// The person on this side (the Company's archive).
    pub user_name: Option<String>,
}

/// Both sides of calls, filtered on `$1` by the `WHERE` of each side given.
macro_rules! select_call_sides {
    ($caller_where:literal, $callee_where:literal) => {
        concat!(
            "SELECT id, started_at, answered_at, ended_at, direction, number, other_party, status,
                    duration_seconds, billed_minutes, credits_cents, first_name, last_name
             FROM (
               SELECT c.id, c.started_at, c.answered_at, c.ended_at, 'outgoing' AS direction,
                      n.e164 AS number, c.dialled AS other_party, c.status, c.duration_seconds,
                      c.billed_minutes, c.credits_cents, u.first_name, u.last_name
               FROM calls c JOIN numbers n ON n.id = c.caller_number_id
               LEFT JOIN users u ON u.id = c.caller_user_id
               WHERE ",
            $caller_where,
            "
               UNION ALL
               SELECT c.id, c.started_at, c.answered_at, c.ended_at, 'incoming',
                      n.e164, cn.e164, c.status, c.duration_seconds,
                      CAST(0 AS BIGINT), CAST(0 AS BIGINT), u.first_name, u.last_name
               FROM calls c JOIN numbers n ON n.id = c.callee_number_id
               JOIN numbers cn ON cn.id = c.caller_number_id
               LEFT JOIN users u ON u.id = c.callee_user_id
               WHERE ",
            $callee_where,
            "
             ) sides ORDER BY started_at, id, direction DESC"
        )
    };
}

fn call_from_row(row: &AnyRow) -> Result<CallRow, sqlx::Error> {
    let first: Option<String> = row.try_get("first_name")?;
    let last: Option<String> = row.try_get("last_name")?;
    Ok(CallRow {
        id: row.try_get("id")?,
        started_at: row.try_get("started_at")?,
        answered_at: row.try_get("answered_at")?,
        ended_at: row.try_get("ended_at")?,
        direction: row.try_get("direction")?,
        number: row.try_get("number")?,
        other_party: row.try_get("other_party")?,
        status: row.try_get("status")?,
        duration_seconds: row.try_get("duration_seconds")?,
        billed_minutes: row.try_get("billed_minutes")?,
        credits: row.money("credits_cents")?,
        user_name: first
            .zip(last)
            .map(|(first, last)| format!("{first} {last}")),
    })
}

/// The calls the person placed or received, oldest first (a call between two of their own
/// Numbers twice, once per side).
pub async fn calls_of(db: &Database, user_id: i64) -> Result<Vec<CallRow>, sqlx::Error> {
    let rows = sqlx::query(select_call_sides!(
        "c.caller_user_id = $1",
        "c.callee_user_id = $1"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(call_from_row).collect()
}

/// The calls the Company's Numbers placed or received, oldest first.
pub async fn company_calls(db: &Database, company_id: i64) -> Result<Vec<CallRow>, sqlx::Error> {
    let rows = sqlx::query(select_call_sides!(
        "c.company_id = $1",
        "c.callee_company_id = $1"
    ))
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(call_from_row).collect()
}

/// A voicemail with its audio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voicemail {
    pub id: i64,
    pub call_id: i64,
    /// `received` (left for the person) or `left` (the person left it).
    pub side: String,
    /// Who left it (the caller's Number) and for which Number.
    pub from_number: String,
    pub to_number: String,
    pub content_type: String,
    pub duration_seconds: i64,
    pub created_at: String,
    pub listened_at: Option<String>,
    pub bytes: Vec<u8>,
}

/// The voicemails left for the person, and those they left, oldest first.
pub async fn voicemails_of(db: &Database, user_id: i64) -> Result<Vec<Voicemail>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT v.id, v.call_id, c.callee_user_id, cn.e164 AS from_number,
                tn.e164 AS to_number, v.content_type, v.duration_seconds, v.created_at,
                v.listened_at, v.bytes
         FROM voicemails v JOIN calls c ON c.id = v.call_id
         JOIN numbers cn ON cn.id = c.caller_number_id
         LEFT JOIN numbers tn ON tn.id = c.callee_number_id
         WHERE c.callee_user_id = $1 OR c.caller_user_id = $1
         ORDER BY v.created_at, v.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let callee: Option<i64> = row.try_get("callee_user_id")?;
            Ok(Voicemail {
                id: row.try_get("id")?,
                call_id: row.try_get("call_id")?,
                side: if callee == Some(user_id) {
                    "received"
                } else {
                    "left"
                }
                .to_owned(),
                from_number: row.try_get("from_number")?,
                to_number: row
                    .try_get::<Option<String>, _>("to_number")?
                    .unwrap_or_default(),
                content_type: row.try_get("content_type")?,
                duration_seconds: row.try_get("duration_seconds")?,
                created_at: row.try_get("created_at")?,
                listened_at: row.try_get("listened_at")?,
                bytes: row.try_get("bytes")?,
            })
        })
        .collect()
}

/// One proof-log entry the person authored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub seq: i64,
    pub at: String,
    pub action: String,
    pub subject: String,
}

/// The proof-log entries the person authored in their Company's log, oldest first.
pub async fn activity_of(
    db: &Database,
    company_id: i64,
    user_id: i64,
) -> Result<Vec<Activity>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, at, action, subject FROM audit_log
         WHERE company_id = $1 AND actor_user_id = $2 ORDER BY seq",
    )
    .bind(company_id)
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Activity {
                seq: row.try_get("seq")?,
                at: row.try_get("at")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
            })
        })
        .collect()
}

/// When the Company Account was created.
pub async fn company_created_at(db: &Database, company_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT created_at FROM companies WHERE id = $1")
        .bind(company_id)
        .fetch_one(&db.pool)
        .await
}

/// A credit note of the Company (DISPUTE-2), with the invoice it credits and the dispute behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNote {
    pub id: i64,
    pub number: String,
    pub invoice_number: String,
    pub amount: Money,
    pub remaining: Money,
    pub issued_on: String,
    pub dispute_justification: String,
    pub decision_reason: Option<String>,
}

/// The Company's credit notes, oldest first.
pub async fn credit_notes(db: &Database, company_id: i64) -> Result<Vec<CreditNote>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT cn.id, cn.number, i.number AS invoice_number, cn.amount_cents,
                cn.remaining_cents, cn.issued_on,
                COALESCE(d.justification, rc.reason) AS justification,
                COALESCE(d.decision_reason, rc.decision_reason) AS decision_reason
         FROM credit_notes cn JOIN invoices i ON i.id = cn.invoice_id
         LEFT JOIN invoice_disputes d ON d.id = cn.dispute_id
         LEFT JOIN restitution_claims rc ON rc.id = cn.restitution_claim_id
         WHERE cn.company_id = $1 ORDER BY cn.id",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CreditNote {
                id: row.try_get("id")?,
                number: row.try_get("number")?,
                invoice_number: row.try_get("invoice_number")?,
                amount: row.money("amount_cents")?,
                remaining: row.money("remaining_cents")?,
                issued_on: row.try_get("issued_on")?,
                dispute_justification: row.try_get("justification")?,
                decision_reason: row.try_get("decision_reason")?,
            })
        })
        .collect()
}
