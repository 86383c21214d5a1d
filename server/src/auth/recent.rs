//! The sessions this process checked a moment ago (issue 18): a read (`GET`, `HEAD`) with a
//! session checked less than [`FRESH`] ago takes that check instead of asking the database
//! again, which halves the queries of most console pages.
//!
//! Only on SQLite, whose database one process owns, so that it sees every change made to
//! sessions, Users, Companies and second factors: each request that may write (any other
//! method) forgets every check when it ends ([`forget_after_writes`]). What the scheduler
//! changes (Users blocked after the Contract, TERM-3) and a session's expiry reach reads within
//! [`FRESH`]. PostgreSQL serves several instances, none of which sees the others' changes:
//! there, every request asks the database. A check is remembered only if nothing may have
//! changed since it began ([`RecentSessions::generation`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, TimeDelta, Utc};

use crate::db::Backend;
use crate::state::AppState;
use crate::store::sessions::SessionUser;

/// How long a check answers for a session, on the server's clock (a clock moved forward, as
/// the demo clock and the tests do, makes every check stale).
pub const FRESH: TimeDelta = TimeDelta::seconds(1);
/// Beyond this many sessions remembered, they are all forgotten (a bound, not a goal).
const MOST: usize = 10_000;

pub struct RecentSessions {
    enabled: bool,
    /// Moves on each possible change: a check begun before it is not remembered.
    generation: AtomicU64,
    checks: Mutex<HashMap<String, Check>>,
}

struct Check {
    user: SessionUser,
    at: DateTime<Utc>,
    generation: u64,
}

impl RecentSessions {
    pub fn new(backend: Backend) -> Self {
        RecentSessions {
            enabled: backend == Backend::Sqlite,
            generation: AtomicU64::new(0),
            checks: Mutex::default(),
        }
    }

    /// Taken before asking the database; passed to [`RecentSessions::remember`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The user of `token`'s session as checked less than [`FRESH`] before `now`, with nothing
    /// changed since.
    pub fn get(&self, token: &str, now: DateTime<Utc>) -> Option<SessionUser> {
        if !self.enabled {
            return None;
        }
        let generation = self.generation();
        let checks = self
            .checks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        checks
            .get(token)
            .filter(|check| {
                check.generation == generation && check.at <= now && now - check.at < FRESH
            })
            .map(|check| check.user.clone())
    }

    /// Remembers a check made at `now` that began at `generation`, unless something may have
    /// changed since.
    pub fn remember(&self, token: &str, user: &SessionUser, now: DateTime<Utc>, generation: u64) {
        if !self.enabled {
            return;
        }
        let mut checks = self
            .checks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if self.generation() != generation {
            return;
        }
        if checks.len() >= MOST {
            checks.clear();
        }
        checks.insert(
            token.to_owned(),
            Check {
                user: user.clone(),
                at: now,
                generation,
            },
        );
    }

    /// Something may have changed a session, a User, a Company or a second factor.
    pub fn forget_all(&self) {
        let mut checks = self
            .checks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        checks.clear();
    }
}

/// A request that may have written makes every check forgotten once it is answered (its writes
/// are committed by then).
pub async fn forget_after_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let reads = is_read(request.method());
    let response = next.run(request).await;
    if !reads {
        state.recent_sessions.forget_all();
    }
    response
}

pub fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> SessionUser {
        SessionUser {
            user_id: 1,
            company_id: 2,
            is_manager: true,
            two_factor_setup_needed: false,
        }
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn a_check_answers_until_something_changes() {
        let recent = RecentSessions::new(Backend::Sqlite);
        let generation = recent.generation();
        recent.remember("abc", &user(), at(0), generation);
        assert_eq!(recent.get("abc", at(0)), Some(user()));
        assert_eq!(recent.get("abd", at(0)), None);
        recent.forget_all();
        assert_eq!(recent.get("abc", at(0)), None);
    }

    #[test]
    fn a_check_answers_for_less_than_a_second_of_the_servers_clock() {
        let recent = RecentSessions::new(Backend::Sqlite);
        recent.remember("abc", &user(), at(10), recent.generation());
        assert_eq!(recent.get("abc", at(10)), Some(user()));
        assert_eq!(recent.get("abc", at(11)), None);
        assert_eq!(recent.get("abc", at(9)), None, "a clock moved back");
        assert_eq!(
            recent.get("abc", at(14 * 86_400)),
            None,
            "a clock moved forward"
        );
    }

    #[test]
    fn a_check_begun_before_a_change_is_not_remembered() {
        let recent = RecentSessions::new(Backend::Sqlite);
        let generation = recent.generation();
        recent.forget_all();
        recent.remember("abc", &user(), at(0), generation);
        assert_eq!(recent.get("abc", at(0)), None);
    }

    #[test]
    fn postgres_always_asks_the_database() {
        let recent = RecentSessions::new(Backend::Postgres);
        recent.remember("abc", &user(), at(0), recent.generation());
        assert_eq!(recent.get("abc", at(0)), None);
    }
}
