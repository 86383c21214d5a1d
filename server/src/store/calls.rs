//! Calls from the WebApp (NUM-5): one row per call, the caller's side always a Number hosted
//! here, the callee's side too for a hosted call. Every change of a call's status is a
//! conditional `UPDATE` on the status it leaves, so two requests (an answer and the ring timer,
//! a hang-up and the minute ticker) can never both move the same call. Voicemails and the
//! Credits rates live here too; the Company's communications are listed in `communications`.

use chrono::{DateTime, NaiveDate, Utc};
use domain::call::Rate;
use domain::dial::DialClass;
use protocol::webapp::{CallStatus, Direction};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::codec::corrupt;
use super::stamp;
use super::webapp::HostedNumber;
use crate::db::Database;

/// A call as stored, with the caller's E.164 and its voicemail, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub id: i64,
    pub company_id: i64,
    pub caller_number_id: i64,
    pub caller_user_id: i64,
    pub caller_e164: String,
    /// E.164, or as dialled (without separators) for special and short numbers.
    pub dialled: String,
    pub class: DialClass,
    pub callee_company_id: Option<i64>,
    pub callee_number_id: Option<i64>,
    pub callee_user_id: Option<i64>,
    pub status: CallStatus,
    pub started_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration_seconds: Option<u32>,
    /// Minutes billed; while a Credits call is connected, the minutes already paid.
    pub billed_minutes: u32,
    /// Credits debited; while a Credits call is connected, what was committed so far.
    pub credits_cents: i64,
    /// The rate per started minute of a call paid with Credits.
    pub rate_cents: Option<i64>,
    /// The Credits reservation held for the minute in progress (or, while ringing, the first).
    pub reservation_id: Option<i64>,
    pub voicemail: Option<Voicemail>,
}

impl Call {
    /// Both ends are hosted here: audio browser to browser.
    pub fn hosted(&self) -> bool {
        self.callee_number_id.is_some()
    }

    /// The side of `user_id` in this call: outgoing when they placed it (checked first).
    pub fn side_of(&self, user_id: i64) -> Option<Direction> {
        if self.caller_user_id == user_id {
            Some(Direction::Outgoing)
        } else if self.callee_user_id == Some(user_id) {
            Some(Direction::Incoming)
        } else {
            None
        }
    }
}

/// A voicemail's description (its bytes are read apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voicemail {
    pub id: i64,
    pub content_type: String,
    pub size_bytes: u32,
    pub duration_seconds: u32,
}

pub fn status_str(status: CallStatus) -> &'static str {
    match status {
        CallStatus::Ringing => "ringing",
        CallStatus::Connected => "connected",
        CallStatus::Ended => "ended",
        CallStatus::Missed => "missed",
        CallStatus::Declined => "declined",
        CallStatus::Failed => "failed",
    }
}

fn parse_status(raw: &str) -> Result<CallStatus, sqlx::Error> {
    [
        CallStatus::Ringing,
        CallStatus::Connected,
        CallStatus::Ended,
        CallStatus::Missed,
        CallStatus::Declined,
        CallStatus::Failed,
    ]
    .into_iter()
    .find(|status| status_str(*status) == raw)
    .ok_or_else(|| corrupt("status", raw))
}

fn parse_class(raw: &str) -> Result<DialClass, sqlx::Error> {
    [
        DialClass::National,
        DialClass::Special,
        DialClass::International,
    ]
    .into_iter()
    .find(|class| class.as_str() == raw)
    .ok_or_else(|| corrupt("class", raw))
}

fn parse_instant(raw: &str) -> Result<DateTime<Utc>, sqlx::Error> {
    DateTime::parse_from_rfc3339(raw)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| corrupt("instant", raw))
}

fn small(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// Columns of [`Call`], for `FROM calls c JOIN numbers cn … LEFT JOIN voicemails v …`.
macro_rules! select_calls {
    () => {
        "SELECT c.id, c.company_id, c.caller_number_id, c.caller_user_id, cn.e164 AS caller_e164,
                c.dialled, c.class, c.callee_company_id, c.callee_number_id, c.callee_user_id,
                c.status, c.started_at, c.answered_at, c.ended_at, c.duration_seconds,
                c.billed_minutes, c.credits_cents, c.credits_rate_cents, c.reservation_id,
                v.id AS voicemail_id, v.content_type AS voicemail_type,
                v.size_bytes AS voicemail_size, v.duration_seconds AS voicemail_seconds
         FROM calls c
         JOIN numbers cn ON cn.id = c.caller_number_id
         LEFT JOIN voicemails v ON v.call_id = c.id"
    };
}

fn from_row(row: &AnyRow) -> Result<Call, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let class: String = row.try_get("class")?;
    let started_at: String = row.try_get("started_at")?;
    let answered_at: Option<String> = row.try_get("answered_at")?;
    let ended_at: Option<String> = row.try_get("ended_at")?;
    let duration: Option<i64> = row.try_get("duration_seconds")?;
    let billed: i64 = row.try_get("billed_minutes")?;
    let voicemail_id: Option<i64> = row.try_get("voicemail_id")?;
    let voicemail = match voicemail_id {
        Some(id) => {
            let size: i64 = row.try_get("voicemail_size")?;
            let seconds: i64 = row.try_get("voicemail_seconds")?;
            Some(Voicemail {
                id,
                content_type: row.try_get("voicemail_type")?,
                size_bytes: small(size),
                duration_seconds: small(seconds),
            })
        }
        None => None,
    };
    Ok(Call {
        id: row.try_get("id")?,
        company_id: row.try_get("company_id")?,
        caller_number_id: row.try_get("caller_number_id")?,
        caller_user_id: row.try_get("caller_user_id")?,
        caller_e164: row.try_get("caller_e164")?,
        dialled: row.try_get("dialled")?,
        class: parse_class(&class)?,
        callee_company_id: row.try_get("callee_company_id")?,
        callee_number_id: row.try_get("callee_number_id")?,
        callee_user_id: row.try_get("callee_user_id")?,
        status: parse_status(&status)?,
        started_at: parse_instant(&started_at)?,
        answered_at: answered_at.as_deref().map(parse_instant).transpose()?,
        ended_at: ended_at.as_deref().map(parse_instant).transpose()?,
        duration_seconds: duration.map(small),
        billed_minutes: small(billed),
        credits_cents: row.try_get("credits_cents")?,
        rate_cents: row.try_get("credits_rate_cents")?,
        reservation_id: row.try_get("reservation_id")?,
        voicemail,
    })
}

/// The Credits rates of `kind` (`call` or `sms`) for `class`, every version (PRICE-6).
pub async fn rates(db: &Database, kind: &str, class: DialClass) -> Result<Vec<Rate>, sqlx::Error> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT prefix, cents, valid_from FROM communication_rates
         WHERE kind = $1 AND class = $2 ORDER BY id",
    )
    .bind(kind)
    .bind(class.as_str())
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|(prefix, cents, valid_from)| {
            let valid_from: NaiveDate = valid_from
                .parse()
                .map_err(|_| corrupt("rate date", &valid_from))?;
            Ok(Rate {
                prefix,
                cents,
                valid_from,
            })
        })
        .collect()
}

/// A call about to ring.
#[derive(Debug, Clone)]
pub struct NewCall<'a> {
    pub company_id: i64,
    pub caller_number_id: i64,
    pub caller_user_id: i64,
    pub dialled: &'a str,
    pub class: DialClass,
    pub callee: Option<&'a HostedNumber>,
    pub rate_cents: Option<i64>,
    pub reservation_id: Option<i64>,
}

/// Records a ringing call started `at`; its id.
pub async fn create(
    db: &Database,
    call: &NewCall<'_>,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO calls (company_id, caller_number_id, caller_user_id, dialled, class,
             callee_company_id, callee_number_id, callee_user_id, status, started_at,
             credits_rate_cents, reservation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ringing', $9, $10, $11) RETURNING id",
    )
    .bind(call.company_id)
    .bind(call.caller_number_id)
    .bind(call.caller_user_id)
    .bind(call.dialled)
    .bind(call.class.as_str())
    .bind(call.callee.map(|callee| callee.company_id))
    .bind(call.callee.map(|callee| callee.id))
    .bind(call.callee.and_then(|callee| callee.user_id))
    .bind(stamp(at))
    .bind(call.rate_cents)
    .bind(call.reservation_id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The call `call_id`, whoever's it is (for the server's own tasks).
pub async fn find(db: &Database, call_id: i64) -> Result<Option<Call>, sqlx::Error> {
    let row = sqlx::query(concat!(select_calls!(), " WHERE c.id = $1"))
        .bind(call_id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The call `call_id` when `user_id` is its caller or its callee; `None` otherwise.
pub async fn find_for_party(
    db: &Database,
    call_id: i64,
    user_id: i64,
) -> Result<Option<Call>, sqlx::Error> {
    let row = sqlx::query(concat!(
        select_calls!(),
        " WHERE c.id = $1 AND (c.caller_user_id = $2 OR c.callee_user_id = $2)"
    ))
    .bind(call_id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The calls of `number_id` while `user_id` held it, both directions, newest first.
pub async fn history(
    db: &Database,
    number_id: i64,
    user_id: i64,
    limit: i64,
) -> Result<Vec<Call>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        select_calls!(),
        " WHERE (c.caller_number_id = $1 AND c.caller_user_id = $2)
             OR (c.callee_number_id = $1 AND c.callee_user_id = $2)
          ORDER BY c.id DESC LIMIT $3"
    ))
    .bind(number_id)
    .bind(user_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Every call still ringing or connected (after a restart, to pick their timers up again).
pub async fn in_progress(db: &Database) -> Result<Vec<Call>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        select_calls!(),
        " WHERE c.status IN ('ringing', 'connected') ORDER BY c.id"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Runs one conditional `UPDATE` in a write transaction; whether it moved a row.
async fn update(
    db: &Database,
    query: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let moved = query.execute(&mut *tx).await?.rows_affected() == 1;
    tx.commit().await?;
    Ok(moved)
}

/// A ringing call is answered `at`; false when it was no longer ringing.
pub async fn connect(db: &Database, call_id: i64, at: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    update(
        db,
        sqlx::query(
            "UPDATE calls SET status = 'connected', answered_at = $1
             WHERE id = $2 AND status = 'ringing'",
        )
        .bind(stamp(at))
        .bind(call_id),
    )
    .await
}

/// A ringing call ends unanswered (`missed`, `declined` or `failed`) `at`, its reservation let
/// go; false when it was no longer ringing.
pub async fn close_unanswered(
    db: &Database,
    call_id: i64,
    status: CallStatus,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    update(
        db,
        sqlx::query(
            "UPDATE calls SET status = $1, ended_at = $2, reservation_id = NULL
             WHERE id = $3 AND status = 'ringing'",
        )
        .bind(status_str(status))
        .bind(stamp(at))
        .bind(call_id),
    )
    .await
}

/// One more minute of a connected Credits call was paid (`cents`); `next` is the reservation
/// held for the minute now in progress. False when the call is no longer connected.
pub async fn minute_paid(
    db: &Database,
    call_id: i64,
    cents: i64,
    next: Option<i64>,
) -> Result<bool, sqlx::Error> {
    update(
        db,
        sqlx::query(
            "UPDATE calls SET billed_minutes = billed_minutes + 1,
                 credits_cents = credits_cents + $1, reservation_id = $2
             WHERE id = $3 AND status = 'connected'",
        )
        .bind(cents)
        .bind(next)
        .bind(call_id),
    )
    .await
}

/// How a connected call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ending {
    pub ended_at: DateTime<Utc>,
    pub duration_seconds: u32,
    pub billed_minutes: u32,
    /// All the Credits the call cost.
    pub credits_cents: i64,
}

/// A connected call ends; false when it was not connected.
pub async fn end(db: &Database, call_id: i64, ending: Ending) -> Result<bool, sqlx::Error> {
    update(
        db,
        sqlx::query(
            "UPDATE calls SET status = 'ended', ended_at = $1, duration_seconds = $2,
                 billed_minutes = $3, credits_cents = $4, reservation_id = NULL
             WHERE id = $5 AND status = 'connected'",
        )
        .bind(stamp(ending.ended_at))
        .bind(i64::from(ending.duration_seconds))
        .bind(i64::from(ending.billed_minutes))
        .bind(ending.credits_cents)
        .bind(call_id),
    )
    .await
}

/// A recorded voicemail to store.
#[derive(Debug, Clone)]
pub struct NewVoicemail<'a> {
    pub content_type: &'a str,
    pub duration_seconds: u32,
    pub bytes: &'a [u8],
}

/// Stores the voicemail of `call_id`; `None` when the call already has one.
pub async fn leave_voicemail(
    db: &Database,
    call_id: i64,
    voicemail: &NewVoicemail<'_>,
    at: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let size = i64::try_from(voicemail.bytes.len()).unwrap_or(i64::MAX);
    let mut tx = db.write().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO voicemails (call_id, content_type, size_bytes, duration_seconds, bytes,
             created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (call_id) DO NOTHING RETURNING id",
    )
    .bind(call_id)
    .bind(voicemail.content_type)
    .bind(size)
    .bind(i64::from(voicemail.duration_seconds))
    .bind(voicemail.bytes.to_vec())
    .bind(stamp(at))
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A voicemail's type and bytes, when `user_id` is the caller or the callee of its call.
pub async fn voicemail_audio(
    db: &Database,
    voicemail_id: i64,
    user_id: i64,
) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row: Option<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT v.content_type, v.bytes FROM voicemails v JOIN calls c ON c.id = v.call_id
         WHERE v.id = $1 AND (c.caller_user_id = $2 OR c.callee_user_id = $2)",
    )
    .bind(voicemail_id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row)
}

/// Issue 17: `owner` (a server instance) runs the timers of `call_id` until `until`, whoever
/// held it before.
pub async fn claim_lease(
    db: &Database,
    call_id: i64,
    owner: &str,
    until: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    update(
        db,
        sqlx::query("UPDATE calls SET lease_owner = $1, lease_until = $2 WHERE id = $3")
            .bind(owner)
            .bind(stamp(until))
            .bind(call_id),
    )
    .await
    .map(drop)
}

/// Issue 17: renews `owner`'s leases on the calls in progress until `until`, and takes those
/// with no lease or whose lease ran out before `now` (their instance stopped renewing it: it
/// died). The calls in progress `owner` holds afterwards.
pub async fn renew_and_take_leases(
    db: &Database,
    owner: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE calls SET lease_until = $1
         WHERE lease_owner = $2 AND status IN ('ringing', 'connected')",
    )
    .bind(stamp(until))
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    // One by one, each conditional: two instances taking the same call get one success.
    let orphans: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM calls WHERE status IN ('ringing', 'connected')
           AND (lease_owner IS NULL OR (lease_owner <> $1 AND lease_until < $2))
         ORDER BY id",
    )
    .bind(owner)
    .bind(stamp(now))
    .fetch_all(&mut *tx)
    .await?;
    for id in orphans {
        sqlx::query(
            "UPDATE calls SET lease_owner = $1, lease_until = $2
             WHERE id = $3 AND (lease_owner IS NULL OR (lease_owner <> $1 AND lease_until < $4))",
        )
        .bind(owner)
        .bind(stamp(until))
        .bind(id)
        .bind(stamp(now))
        .execute(&mut *tx)
        .await?;
    }
    let held = sqlx::query_scalar(
        "SELECT id FROM calls WHERE lease_owner = $1 AND status IN ('ringing', 'connected')
         ORDER BY id",
    )
    .bind(owner)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(held)
}

/// Whether `owner` holds the lease of `call_id`.
pub async fn holds_lease(db: &Database, call_id: i64, owner: &str) -> Result<bool, sqlx::Error> {
    let held: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM calls WHERE id = $1 AND lease_owner = $2")
            .bind(call_id)
            .bind(owner)
            .fetch_one(&db.pool)
            .await?;
    Ok(held > 0)
}
