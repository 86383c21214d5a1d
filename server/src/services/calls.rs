//! The life of a call after it is placed (NUM-5): the ring timer that turns an unanswered call
//! into a missed one, the minute ticker that debits a call paid with Credits while it runs, the
//! endings (answered or not), and the events each change sends to both parties.
//!
//! Everything that changes one call runs under that call's lock ([`CallLocks`]): a PostgreSQL
//! advisory lock, so that instances sharing the database serialise too (an in-process lock on
//! SQLite, which serves one instance); a hang-up, the ring timer and the minute ticker never
//! interleave their Credits steps, and the store's conditional `UPDATE`s are the backstop. A
//! call's timers run on the instance holding its lease (issue 17): the one that placed or
//! answered it, or, when that one stops renewing its leases (it died), the instance whose
//! supervisor ([`spawn_supervisor`]) takes them over within [`LEASE`]. Time is always
//! `state.clock.now()`: shifting the clock makes the ticker act within a second, and [`settle`]
//! applies what is due at once; leases follow the real time.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use domain::call::{billed_minutes, credits_cents};
use domain::money::Money;
use protocol::webapp::{AppEvent, CallStatus, CallView, Direction, VoicemailView};
use sqlx::Any;
use sqlx::pool::PoolConnection;
use tokio::sync::OwnedMutexGuard;

use crate::db::{Backend, Database};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::calls::{self, Call, Ending};
use crate::store::credits::CreditsError;
use crate::store::{credits, stamp};

/// How long a call's lease lasts unrenewed: an instance that dies loses its calls this long
/// after its last renewal.
pub const LEASE: Duration = Duration::from_secs(5);
/// How often each instance renews its leases and looks for calls whose instance died.
pub const RENEW_EVERY: Duration = Duration::from_secs(1);
/// Advisory-lock keys of calls: the call's id in a space of its own ("CALL" in the high bits).
const LOCK_SPACE: i64 = 0x4341_4c4c << 32;

/// The per-call locks, and the calls whose timers run in this instance.
#[derive(Default)]
pub struct CallLocks {
    /// SQLite's (one instance): entries are weak, so a call nobody is working on holds no lock.
    locks: Mutex<HashMap<i64, Weak<tokio::sync::Mutex<()>>>>,
    /// Calls with a timer running here (so that the supervisor does not start a second one).
    running: Mutex<HashSet<i64>>,
}

/// Exclusive access to one call, until dropped.
pub enum CallGuard {
    Memory(OwnedMutexGuard<()>),
    /// The connection holding the advisory lock; dropping the guard unlocks it.
    Advisory {
        connection: Option<PoolConnection<Any>>,
        key: i64,
    },
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        let CallGuard::Advisory { connection, key } = self else {
            return;
        };
        let (Some(mut connection), key) = (connection.take(), *key) else {
            return;
        };
        tokio::spawn(async move {
            let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(key)
                .execute(&mut *connection)
                .await;
            if let Err(error) = unlocked {
                // Never hand a connection that may still hold the lock back to the pool.
                tracing::error!(%error, key, "a call's lock could not be released; closing its connection");
                let _ = connection.close().await;
            }
        });
    }
}

impl CallLocks {
    /// Waits for exclusive access to `call_id`, across every instance sharing `db`.
    pub async fn lock(&self, db: &Database, call_id: i64) -> Result<CallGuard, sqlx::Error> {
        if db.backend == Backend::Postgres {
            let key = LOCK_SPACE | call_id;
            let mut connection = db.pool.acquire().await?;
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(key)
                .execute(&mut *connection)
                .await?;
            return Ok(CallGuard::Advisory {
                connection: Some(connection),
                key,
            });
        }
        let lock = {
            let mut locks = self.locks.lock().expect("call locks");
            match locks.get(&call_id).and_then(Weak::upgrade) {
                Some(lock) => lock,
                None => {
                    locks.retain(|_, lock| lock.strong_count() > 0);
                    let lock = Arc::new(tokio::sync::Mutex::new(()));
                    locks.insert(call_id, Arc::downgrade(&lock));
                    lock
                }
            }
        };
        Ok(CallGuard::Memory(lock.lock_owned().await))
    }

    /// Marks a timer of `call_id` as running here; false when one already is.
    fn start(&self, call_id: i64) -> bool {
        self.running.lock().expect("running calls").insert(call_id)
    }

    fn stop(&self, call_id: i64) {
        self.running.lock().expect("running calls").remove(&call_id);
    }

    fn runs(&self, call_id: i64) -> bool {
        self.running
            .lock()
            .expect("running calls")
            .contains(&call_id)
    }
}

/// The end of this instance's lease if it renewed it now.
fn lease_end() -> DateTime<Utc> {
    Utc::now() + TimeDelta::from_std(LEASE).unwrap_or(TimeDelta::seconds(5))
}

/// Takes `call_id`'s lease for this instance, which is about to run its timers.
async fn claim(state: &AppState, call_id: i64) -> Result<(), sqlx::Error> {
    calls::claim_lease(&state.db, call_id, &state.telephony.instance, lease_end()).await
}

/// Whether this instance still runs `call_id`'s timers (another may have taken them over).
async fn still_ours(state: &AppState, call_id: i64) -> bool {
    match calls::holds_lease(&state.db, call_id, &state.telephony.instance).await {
        Ok(held) => held,
        // A database hiccup: keep going, the next check decides.
        Err(error) => {
            tracing::warn!(%error, call_id, "cannot check a call's lease");
            true
        }
    }
}

/// `call` as seen from one side: the caller's (`Outgoing`) or the callee's (`Incoming`). The
/// minutes and Credits are the caller's to pay, so the callee's side shows none.
pub fn view(call: &Call, side: Direction) -> CallView {
    let (number_id, correspondent, billed_minutes, credits) = match side {
        Direction::Outgoing => (
            call.caller_number_id,
            call.dialled.clone(),
            call.billed_minutes,
            call.credits_cents,
        ),
        Direction::Incoming => (
            call.callee_number_id.unwrap_or_default(),
            call.caller_e164.clone(),
            0,
            0,
        ),
    };
    CallView {
        id: call.id,
        number_id,
        correspondent,
        direction: side,
        class: call.class,
        hosted: call.hosted(),
        status: call.status,
        started_at: stamp(call.started_at),
        answered_at: call.answered_at.map(stamp),
        ended_at: call.ended_at.map(stamp),
        duration_seconds: call.duration_seconds,
        billed_minutes,
        credits: Money::from_cents(credits),
        voicemail: call.voicemail.as_ref().map(|voicemail| VoicemailView {
            id: voicemail.id,
            content_type: voicemail.content_type.clone(),
            size_bytes: voicemail.size_bytes,
            duration_seconds: voicemail.duration_seconds,
        }),
    }
}

/// Sends the call, each side its own view, to the caller's and the callee's open tabs.
pub fn publish(state: &AppState, call: &Call) {
    let hub = &state.telephony.hub;
    hub.publish(
        call.caller_user_id,
        &AppEvent::Call {
            call: view(call, Direction::Outgoing),
        },
    );
    if let Some(callee) = call.callee_user_id {
        hub.publish(
            callee,
            &AppEvent::Call {
                call: view(call, Direction::Incoming),
            },
        );
    }
}

/// Tells the caller's tabs what their Company's Credits are now.
pub async fn publish_credits(state: &AppState, call: &Call) -> Result<(), ApiError> {
    let balance = credits::balance(&state.db, call.company_id).await?;
    state.telephony.hub.publish(
        call.caller_user_id,
        &AppEvent::Credits {
            available: Money::from_cents(balance.available_cents()),
        },
    );
    Ok(())
}

/// The call as stored now; an internal error if it vanished.
async fn reload(state: &AppState, call_id: i64) -> Result<Call, ApiError> {
    calls::find(&state.db, call_id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("call {call_id} vanished")))
}

/// Ends a ringing call unanswered (`missed`, `declined` or `failed`), gives its Credits
/// reservation back and tells both sides. The caller holds the call's lock. `None` when the call
/// was no longer ringing.
pub async fn close_unanswered(
    state: &AppState,
    call: &Call,
    status: CallStatus,
) -> Result<Option<Call>, ApiError> {
    if !calls::close_unanswered(&state.db, call.id, status, state.clock.now()).await? {
        return Ok(None);
    }
    if let Some(reservation) = call.reservation_id {
        credits::release(&state.db, call.company_id, reservation, state.clock.now()).await?;
        publish_credits(state, call).await?;
    }
    let closed = reload(state, call.id).await?;
    publish(state, &closed);
    Ok(Some(closed))
}

/// Answers a ringing call now: connected, and, when it is paid with Credits, its minute ticker
/// starts. The caller holds the call's lock. `None` when the call was no longer ringing.
pub async fn connect(state: &AppState, call: &Call) -> Result<Option<Call>, ApiError> {
    if !calls::connect(&state.db, call.id, state.clock.now()).await? {
        return Ok(None);
    }
    let connected = reload(state, call.id).await?;
    if connected.rate_cents.is_some() {
        claim(state, connected.id).await?;
        spawn_minute_ticker(state.clone(), connected.id);
    }
    publish(state, &connected);
    Ok(Some(connected))
}

/// After the ring timeout, a call still ringing is missed (nobody answered, or the callee's
/// Number has no User or the User has no tab open). This instance takes the call's lease.
pub async fn start_ring_timer(state: &AppState, call_id: i64) -> Result<(), ApiError> {
    claim(state, call_id).await?;
    spawn_ring_timer_after(state.clone(), call_id, state.telephony.ring_timeout);
    Ok(())
}

fn spawn_ring_timer_after(state: AppState, call_id: i64, delay: Duration) {
    if !state.telephony.calls.start(call_id) {
        return;
    }
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let outcome = ring_out(&state, call_id).await;
        state.telephony.calls.stop(call_id);
        if let Err(error) = outcome {
            tracing::error!(%error, call_id, "the ring timer could not close a call");
        }
    });
}

/// The ring timeout of `call_id`: missed if it still rings and this instance still runs it.
async fn ring_out(state: &AppState, call_id: i64) -> Result<(), ApiError> {
    let _lock = state.telephony.calls.lock(&state.db, call_id).await?;
    if !still_ours(state, call_id).await {
        return Ok(());
    }
    match calls::find(&state.db, call_id).await? {
        Some(call) if call.status == CallStatus::Ringing => {
            close_unanswered(state, &call, CallStatus::Missed)
                .await
                .map(drop)
        }
        _ => Ok(()),
    }
}

/// The instant the minute in progress of a connected Credits call ends.
fn next_boundary(call: &Call) -> Option<DateTime<Utc>> {
    let answered = call.answered_at?;
    call.rate_cents?;
    Some(answered + TimeDelta::minutes(i64::from(call.billed_minutes) + 1))
}

/// While a Credits call is connected, settles it at each minute boundary (by the server's
/// clock, checked every second so that a shifted clock is followed), as long as this instance
/// holds the call's lease.
fn spawn_minute_ticker(state: AppState, call_id: i64) {
    if !state.telephony.calls.start(call_id) {
        return;
    }
    tokio::spawn(async move {
        tick_minutes(&state, call_id).await;
        state.telephony.calls.stop(call_id);
    });
}

async fn tick_minutes(state: &AppState, call_id: i64) {
    loop {
        let boundary = match calls::find(&state.db, call_id).await {
            Ok(Some(call)) if call.status == CallStatus::Connected => match next_boundary(&call) {
                Some(boundary) => boundary,
                None => return,
            },
            Ok(_) => return,
            Err(error) => {
                tracing::error!(%error, call_id, "the minute ticker cannot read its call");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        // Waits for the boundary a second at a time, stopping once another instance runs it.
        loop {
            if !still_ours(state, call_id).await {
                return;
            }
            let now = state.clock.now();
            if now >= boundary {
                break;
            }
            let wait = (boundary - now)
                .to_std()
                .unwrap_or_default()
                .min(Duration::from_secs(1));
            tokio::time::sleep(wait).await;
        }
        if let Err(error) = settle(state, call_id).await {
            tracing::error!(%error, call_id, "the minute ticker could not settle a call");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// NUM-5: applies every minute boundary a connected Credits call has passed by now: each
/// completed minute is debited (its reservation committed), and the next one reserved; when the
/// next minute cannot be reserved the call ends at that boundary, so the Credits never go below
/// zero. Nothing to do for other calls. The call as it is afterwards (`None`: no such call).
pub async fn settle(state: &AppState, call_id: i64) -> Result<Option<Call>, ApiError> {
    let _lock = state.telephony.calls.lock(&state.db, call_id).await?;
    settle_locked(state, call_id, state.clock.now()).await
}

/// [`settle`] for a caller that holds the call's lock.
async fn settle_locked(
    state: &AppState,
    call_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Call>, ApiError> {
    loop {
        let Some(call) = calls::find(&state.db, call_id).await? else {
            return Ok(None);
        };
        let (Some(rate), Some(boundary)) = (call.rate_cents, next_boundary(&call)) else {
            return Ok(Some(call));
        };
        if call.status != CallStatus::Connected || now < boundary {
            return Ok(Some(call));
        }
        let reservation = call.reservation_id.ok_or_else(|| {
            ApiError::Internal(format!(
                "connected Credits call {call_id} holds no reservation"
            ))
        })?;
        let minute = call.billed_minutes + 1;
        let description = format!("Call to {}, minute {minute}", call.dialled);
        credits::commit(
            &state.db,
            call.company_id,
            reservation,
            rate,
            &description,
            boundary,
        )
        .await?;
        let purpose = format!("call {call_id}, minute {}", minute + 1);
        let next =
            match credits::reserve(&state.db, call.company_id, rate, &purpose, boundary).await {
                Ok(id) => Some(id),
                Err(CreditsError::Insufficient { .. }) => None,
                Err(error) => return Err(error.into()),
            };
        calls::minute_paid(&state.db, call_id, rate, next).await?;
        publish_credits(state, &call).await?;
        if next.is_none() {
            // The Credits ran out: the call ends at the boundary it could not pass.
            let ending = Ending {
                ended_at: boundary,
                duration_seconds: minute.saturating_mul(60),
                billed_minutes: minute,
                credits_cents: call.credits_cents.saturating_add(rate),
            };
            return finish(state, &call, ending).await.map(Some);
        }
    }
}

/// Ends a connected call with `ending`, hangs the carrier's leg up for an outside call, and tells
/// both sides.
async fn finish(state: &AppState, call: &Call, ending: Ending) -> Result<Call, ApiError> {
    calls::end(&state.db, call.id, ending).await?;
    if !call.hosted() {
        state.telephony.voice.hang_up(&call.id.to_string()).await;
    }
    let ended = reload(state, call.id).await?;
    publish(state, &ended);
    Ok(ended)
}

/// Hangs a connected call up now. Due minutes are settled first; the minute in progress is
/// billed as started (NUM-5), paid from its reservation: never more than was reserved. `None`
/// when the call was not connected (anymore). The caller holds the call's lock.
pub async fn hang_up_connected(state: &AppState, call_id: i64) -> Result<Option<Call>, ApiError> {
    let now = state.clock.now();
    let Some(call) = settle_locked(state, call_id, now).await? else {
        return Ok(None);
    };
    if call.status != CallStatus::Connected {
        return Ok(None);
    }
    let answered = call.answered_at.unwrap_or(call.started_at);
    let duration_seconds = u32::try_from((now - answered).num_seconds().max(0)).unwrap_or(u32::MAX);
    let mut ending = Ending {
        ended_at: now,
        duration_seconds,
        billed_minutes: billed_minutes(duration_seconds),
        credits_cents: call.credits_cents,
    };
    if let (Some(rate), Some(reservation)) = (call.rate_cents, call.reservation_id) {
        let due = credits_cents(ending.billed_minutes, rate)
            .unwrap_or(i64::MAX)
            .saturating_sub(call.credits_cents);
        let charge = due.clamp(0, rate);
        if charge > 0 {
            let minute = call.billed_minutes + 1;
            let description = format!("Call to {}, minute {minute}", call.dialled);
            credits::commit(
                &state.db,
                call.company_id,
                reservation,
                charge,
                &description,
                now,
            )
            .await?;
        } else {
            credits::release(&state.db, call.company_id, reservation, now).await?;
        }
        ending.billed_minutes = call.billed_minutes + u32::from(charge > 0);
        ending.credits_cents = call.credits_cents.saturating_add(charge);
        publish_credits(state, &call).await?;
    }
    finish(state, &call, ending).await.map(Some)
}

/// Runs the timers of every call in progress this instance holds the lease of and runs no timer
/// for yet: after a restart, or once it took the calls of an instance that died. A ringing call
/// rings for what is left of its ring time; a connected Credits call is debited on (the audio of
/// a hosted call goes browser to browser, so it may well have gone on meanwhile).
async fn resume_held(state: &AppState, held: &[i64]) {
    for &call_id in held {
        if state.telephony.calls.runs(call_id) {
            continue;
        }
        let call = match calls::find(&state.db, call_id).await {
            Ok(Some(call)) => call,
            Ok(None) => continue,
            Err(error) => {
                tracing::error!(%error, call_id, "a call in progress could not be resumed");
                continue;
            }
        };
        match call.status {
            CallStatus::Ringing => {
                let elapsed = (state.clock.now() - call.started_at)
                    .to_std()
                    .unwrap_or_default();
                let left = state.telephony.ring_timeout.saturating_sub(elapsed);
                spawn_ring_timer_after(state.clone(), call.id, left);
            }
            CallStatus::Connected if call.rate_cents.is_some() => {
                spawn_minute_ticker(state.clone(), call.id);
            }
            _ => {}
        }
    }
}

/// One pass of the supervisor: renews this instance's leases, takes those of dead instances,
/// and runs the timers of the calls it now holds.
pub async fn resume(state: &AppState) {
    let held = calls::renew_and_take_leases(
        &state.db,
        &state.telephony.instance,
        Utc::now(),
        lease_end(),
    )
    .await;
    match held {
        Ok(held) => resume_held(state, &held).await,
        Err(error) => tracing::error!(%error, "the calls' leases could not be renewed"),
    }
}

/// Starts the supervisor of this instance's calls: [`resume`] at once, then every
/// [`RENEW_EVERY`].
pub fn spawn_supervisor(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            resume(&state).await;
            tokio::time::sleep(RENEW_EVERY).await;
        }
    })
}
