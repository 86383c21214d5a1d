//! Live events for the WebApp: every open WebSocket of a User (one per tab) subscribes here, and
//! handlers publish to a User by id. Each event is serialised once, whatever the number of tabs.
//! Nothing is stored: an event for a User with no open tab is dropped (the app reloads its lists
//! when it connects).
//!
//! On PostgreSQL several server instances may share the database, each holding some of the
//! sockets: there every event goes through `NOTIFY` on [`CHANNEL`], in the order it was
//! published, and each instance's listener hands it to the sockets it holds (its own events
//! included). An event too large for a notification is stored in `live_events` and notified by
//! reference. On SQLite (one instance) events go straight to the sockets.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use chrono::Utc;
use protocol::webapp::AppEvent;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

use crate::db::{Backend, Database};
use crate::store::stamp;

/// The PostgreSQL channel live events travel on between instances.
pub const CHANNEL: &str = "console_live_events";
/// PostgreSQL refuses notifications of 8000 bytes or more: larger events go by reference.
const NOTIFY_LIMIT: usize = 7_000;
/// Events stored by reference are deleted after this long (every listener has read them).
const STORED_FOR: Duration = Duration::from_secs(300);

/// What a notification carries: the User and the event, or the row holding the event.
#[derive(Debug, Serialize, Deserialize)]
struct Notice {
    user: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    frame: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stored: Option<i64>,
}

/// One serialised event, shared by every tab it goes to.
pub type Frame = Arc<str>;

/// An open socket: its number and where its frames go.
type Socket = (u64, mpsc::UnboundedSender<Frame>);

#[derive(Default)]
pub struct Hub {
    next_socket: AtomicU64,
    /// The open sockets of each User, by User id.
    sockets: Mutex<HashMap<i64, Vec<Socket>>>,
    /// Where events go first when instances share the database (PostgreSQL): the task that
    /// notifies them, in order. `None`: straight to this instance's sockets.
    relay: Option<mpsc::UnboundedSender<(i64, Frame)>>,
    /// Dropped with the hub, which stops its listener (and closes the listener's connection).
    _listening: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A User's subscription; dropping it unsubscribes.
pub struct Subscription {
    hub: Arc<Hub>,
    user_id: i64,
    socket: u64,
    pub frames: mpsc::UnboundedReceiver<Frame>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut sockets = self.hub.sockets.lock().expect("hub lock");
        if let Some(list) = sockets.get_mut(&self.user_id) {
            list.retain(|(socket, _)| *socket != self.socket);
            if list.is_empty() {
                sockets.remove(&self.user_id);
            }
        }
    }
}

impl Hub {
    /// The hub for `db`: this instance's sockets only on SQLite; on PostgreSQL, every instance's
    /// through `LISTEN`/`NOTIFY` (listening before this returns, so no event is missed).
    pub async fn for_database(db: &Database) -> Result<Arc<Hub>, sqlx::Error> {
        if db.backend != Backend::Postgres {
            return Ok(Arc::new(Hub::default()));
        }
        let mut listener = PgListener::connect(db.url()).await?;
        listener.listen(CHANNEL).await?;
        let (relay, events) = mpsc::unbounded_channel();
        let (listening, stop) = tokio::sync::oneshot::channel();
        let hub = Arc::new(Hub {
            relay: Some(relay),
            _listening: Some(listening),
            ..Hub::default()
        });
        tokio::spawn(notify(db.clone(), events));
        tokio::spawn(listen(db.clone(), listener, Arc::downgrade(&hub), stop));
        Ok(hub)
    }

    pub fn subscribe(self: &Arc<Self>, user_id: i64) -> Subscription {
        let socket = self.next_socket.fetch_add(1, Ordering::Relaxed);
        let (sender, frames) = mpsc::unbounded_channel();
        self.sockets
            .lock()
            .expect("hub lock")
            .entry(user_id)
            .or_default()
            .push((socket, sender));
        Subscription {
            hub: Arc::clone(self),
            user_id,
            socket,
            frames,
        }
    }

    /// Sends `event` to every open tab of `user_id` (on every instance).
    pub fn publish(&self, user_id: i64, event: &AppEvent) {
        if self.relay.is_none() && !self.is_online(user_id) {
            return;
        }
        let frame: Frame = match serde_json::to_string(event) {
            Ok(text) => text.into(),
            Err(error) => {
                tracing::error!(%error, "an app event does not serialise");
                return;
            }
        };
        match &self.relay {
            Some(relay) => {
                if relay.send((user_id, frame)).is_err() {
                    tracing::error!(user_id, "the live-event relay stopped; an event is lost");
                }
            }
            None => self.deliver(user_id, frame),
        }
    }

    /// Hands `frame` to this instance's open tabs of `user_id`.
    fn deliver(&self, user_id: i64, frame: Frame) {
        let sockets = self.sockets.lock().expect("hub lock");
        let Some(list) = sockets.get(&user_id) else {
            return;
        };
        for (_, sender) in list {
            // A closed socket unsubscribes itself when its task ends.
            let _ = sender.send(Arc::clone(&frame));
        }
    }

    /// Whether `user_id` has the WebApp open on this instance.
    pub fn is_online(&self, user_id: i64) -> bool {
        self.sockets
            .lock()
            .expect("hub lock")
            .get(&user_id)
            .is_some_and(|list| !list.is_empty())
    }
}

/// Notifies the events published on this instance, one after the other (so each User gets
/// them in order), the large ones by reference.
async fn notify(db: Database, mut events: mpsc::UnboundedReceiver<(i64, Frame)>) {
    let mut last_cleanup = std::time::Instant::now();
    while let Some((user, frame)) = events.recv().await {
        let notice = if frame.len() <= NOTIFY_LIMIT {
            Ok(Notice {
                user,
                frame: Some(frame.to_string()),
                stored: None,
            })
        } else {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO live_events (body, created_at) VALUES ($1, $2) RETURNING id",
            )
            .bind(frame.as_ref())
            .bind(stamp(Utc::now()))
            .fetch_one(&db.pool)
            .await
            .map(|id| Notice {
                user,
                frame: None,
                stored: Some(id),
            })
        };
        let sent = match notice {
            Ok(notice) => {
                let payload = serde_json::to_string(&notice).unwrap_or_default();
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(payload)
                    .execute(&db.pool)
                    .await
                    .map(drop)
            }
            Err(error) => Err(error),
        };
        if let Err(error) = sent {
            tracing::error!(%error, user, "a live event could not be notified");
        }
        if last_cleanup.elapsed() > STORED_FOR {
            last_cleanup = std::time::Instant::now();
            let cleaned = sqlx::query("DELETE FROM live_events WHERE created_at < $1")
                .bind(stamp(Utc::now() - STORED_FOR))
                .execute(&db.pool)
                .await;
            if let Err(error) = cleaned {
                tracing::warn!(%error, "old live events could not be deleted");
            }
        }
    }
}

/// Hands every notified event to this instance's sockets, until the hub is dropped. The
/// listener reconnects by itself when its connection drops (events sent meanwhile are lost:
/// the app reloads its lists when its socket reconnects).
async fn listen(
    db: Database,
    mut listener: PgListener,
    hub: Weak<Hub>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    loop {
        let received = tokio::select! {
            received = listener.recv() => received,
            _ = &mut stop => return,
        };
        let notification = match received {
            Ok(notification) => notification,
            Err(error) => {
                tracing::warn!(%error, "the live-event listener lost its connection; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let Some(hub) = hub.upgrade() else { return };
        let notice: Notice = match serde_json::from_str(notification.payload()) {
            Ok(notice) => notice,
            Err(error) => {
                tracing::error!(%error, "a live-event notification is malformed");
                continue;
            }
        };
        let frame = match (notice.frame, notice.stored) {
            (Some(frame), _) => frame,
            (None, Some(id)) => {
                let body =
                    sqlx::query_scalar::<_, String>("SELECT body FROM live_events WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&db.pool)
                        .await;
                match body {
                    Ok(Some(body)) => body,
                    Ok(None) => continue,
                    Err(error) => {
                        tracing::error!(%error, id, "a stored live event cannot be read");
                        continue;
                    }
                }
            }
            (None, None) => continue,
        };
        hub.deliver(notice.user, frame.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::money::Money;

    fn credits(cents: i64) -> AppEvent {
        AppEvent::Credits {
            available: Money::from_cents(cents),
        }
    }

    #[tokio::test]
    async fn events_reach_every_tab_of_their_user_only() {
        let hub = Arc::new(Hub::default());
        let mut first_tab = hub.subscribe(1);
        let mut second_tab = hub.subscribe(1);
        let mut other_user = hub.subscribe(2);
        hub.publish(1, &credits(500));
        for tab in [&mut first_tab, &mut second_tab] {
            let frame = tab.frames.recv().await.unwrap();
            let event: AppEvent = serde_json::from_str(&frame).unwrap();
            assert_eq!(event, credits(500));
        }
        assert!(other_user.frames.try_recv().is_err());
    }

    #[test]
    fn a_closed_tab_unsubscribes() {
        let hub = Arc::new(Hub::default());
        let tab = hub.subscribe(7);
        assert!(hub.is_online(7));
        drop(tab);
        assert!(!hub.is_online(7));
        hub.publish(7, &credits(1));
    }
}
