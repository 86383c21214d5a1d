//! Live events for the WebApp: every open WebSocket of a User (one per tab) subscribes here, and
//! handlers publish to a User by id. Each event is serialised once, whatever the number of tabs.
//! Nothing is stored: an event for a User with no open tab is dropped (the app reloads its lists
//! when it connects).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use protocol::webapp::AppEvent;
use tokio::sync::mpsc;

/// One serialised event, shared by every tab it goes to.
pub type Frame = Arc<str>;

/// An open socket: its number and where its frames go.
type Socket = (u64, mpsc::UnboundedSender<Frame>);

#[derive(Default)]
pub struct Hub {
    next_socket: AtomicU64,
    /// The open sockets of each User, by User id.
    sockets: Mutex<HashMap<i64, Vec<Socket>>>,
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

    /// Sends `event` to every open tab of `user_id`.
    pub fn publish(&self, user_id: i64, event: &AppEvent) {
        let sockets = self.sockets.lock().expect("hub lock");
        let Some(list) = sockets.get(&user_id) else {
            return;
        };
        let frame: Frame = match serde_json::to_string(event) {
            Ok(text) => text.into(),
            Err(error) => {
                tracing::error!(%error, "an app event does not serialise");
                return;
            }
        };
        for (_, sender) in list {
            // A closed socket unsubscribes itself when its task ends.
            let _ = sender.send(Arc::clone(&frame));
        }
    }

    /// Whether `user_id` has the WebApp open somewhere (an incoming call can ring there).
    pub fn is_online(&self, user_id: i64) -> bool {
        self.sockets
            .lock()
            .expect("hub lock")
            .get(&user_id)
            .is_some_and(|list| !list.is_empty())
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
