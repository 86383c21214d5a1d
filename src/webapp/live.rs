//! The WebApp's live events: one WebSocket per tab to `GET /api/app/events`, held open by the
//! frame ([`open`] gives a [`Connection`]; the socket closes when the last one is dropped, e.g. on
//! leaving the WebApp or logging out), and reopened with a growing delay whenever it drops.
//!
//! How to use it (messages, calls, WebRTC signalling):
//!
//! - [`subscribe`] registers a handler for every [`AppEvent`] the server pushes. Handlers run
//!   synchronously, one after the other in the order they subscribed, for each frame in the order
//!   frames arrive: nothing is coalesced, so a burst of ICE candidates reaches the handler one by
//!   one. Keep the returned [`Subscription`] for as long as the handler should run (for a
//!   component: `on_cleanup(move || drop(subscription))`); dropping it unsubscribes.
//! - [`on_connected`] runs a handler each time the socket opens, the first time included: events
//!   pushed while it was closed are lost, so a page reloads its lists then.
//! - [`on_disconnected`] runs a handler each time an open socket is lost.
//! - [`send`] sends a [`ClientEvent`] (WebRTC signalling) if the socket is open right now.
//!
//! A handler may subscribe, unsubscribe or send; a handler unsubscribed by an earlier one during
//! the same event is not called for it. Handlers run outside any reactive owner: they may set
//! signals but should not create reactive values.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::{TimeoutHandle, set_timeout, set_timeout_with_handle};
use protocol::webapp::{AppEvent, ClientEvent};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

/// The WebSocket's path on the server that served the app.
const PATH: &str = "/api/app/events";
/// The first delay before reopening a lost socket; doubled at each failed attempt.
const FIRST_RETRY: Duration = Duration::from_millis(500);
/// The longest delay between two attempts.
const LONGEST_RETRY: Duration = Duration::from_secs(30);

type EventHandler = Rc<dyn Fn(&AppEvent)>;
type NoticeHandler = Rc<dyn Fn()>;

thread_local! {
    static LIVE: RefCell<Live> = RefCell::new(Live::default());
}

/// The tab's connection and its listeners. The browser runs the app on one thread, so a
/// thread-local is the tab's single instance.
#[derive(Default)]
struct Live {
    /// The [`Connection`]s alive: while there is one, a lost socket is reopened.
    holders: u32,
    /// There are holders: the socket should be open.
    wanted: bool,
    /// The current socket, open or opening.
    socket: Option<Socket>,
    /// The current socket has opened (and not closed since).
    open: bool,
    /// Attempts that failed in a row since the last socket opened, for the backoff.
    failures: u32,
    /// The pending reopening, if any.
    retry: Option<TimeoutHandle>,
    /// Tells a socket's callbacks apart from those of an earlier, replaced socket.
    generation: u64,
    next_id: u64,
    events: Vec<(u64, EventHandler)>,
    connected: Vec<(u64, NoticeHandler)>,
    disconnected: Vec<(u64, NoticeHandler)>,
}

/// A socket with the callbacks the browser holds on to.
struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    /// Detaches the callbacks, closes the socket and drops it on the next turn of the event
    /// loop: it may be retired from inside one of its own callbacks, which must not be freed
    /// while they run.
    fn retire(self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
        set_timeout(move || drop(self), Duration::ZERO);
    }
}

/// A registered handler; dropping it unsubscribes the handler.
#[must_use = "dropping a Subscription unsubscribes its handler at once"]
#[derive(Debug)]
pub struct Subscription {
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let id = self.id;
        // `try_with`: nothing to do if the tab is being torn down.
        let _ = LIVE.try_with(|live| {
            if let Ok(mut live) = live.try_borrow_mut() {
                live.events.retain(|(each, _)| *each != id);
                live.connected.retain(|(each, _)| *each != id);
                live.disconnected.retain(|(each, _)| *each != id);
            }
        });
    }
}

/// Runs `handler` for every event the server pushes, until the [`Subscription`] is dropped.
pub fn subscribe(handler: impl Fn(&AppEvent) + 'static) -> Subscription {
    LIVE.with_borrow_mut(|live| {
        let id = live.new_id();
        live.events.push((id, Rc::new(handler)));
        Subscription { id }
    })
}

/// Runs `handler` each time the socket opens (the first time too), until the [`Subscription`]
/// is dropped. Events pushed while the socket was closed are lost: reload what they would have
/// changed.
pub fn on_connected(handler: impl Fn() + 'static) -> Subscription {
    LIVE.with_borrow_mut(|live| {
        let id = live.new_id();
        live.connected.push((id, Rc::new(handler)));
        Subscription { id }
    })
}

/// Runs `handler` each time an open socket is lost, until the [`Subscription`] is dropped.
pub fn on_disconnected(handler: impl Fn() + 'static) -> Subscription {
    LIVE.with_borrow_mut(|live| {
        let id = live.new_id();
        live.disconnected.push((id, Rc::new(handler)));
        Subscription { id }
    })
}

/// Sends `event` to the server now. `false` when the socket is not open (nothing was sent and
/// nothing is queued: signalling for a call is only meaningful while it is current).
pub fn send(event: &ClientEvent) -> bool {
    let Ok(text) = serde_json::to_string(event) else {
        return false;
    };
    LIVE.with_borrow(|live| match &live.socket {
        Some(socket) if live.open => socket.ws.send_with_str(&text).is_ok(),
        _ => false,
    })
}

/// Whether the socket is open right now.
pub fn is_open() -> bool {
    LIVE.with_borrow(|live| live.open)
}

/// Keeps the socket open while it lives (the frame holds one); the socket closes when the last
/// one is dropped.
#[must_use = "the socket closes when the Connection is dropped"]
#[derive(Debug)]
pub struct Connection(());

impl Drop for Connection {
    fn drop(&mut self) {
        let last = LIVE
            .try_with(|live| {
                let mut live = live.try_borrow_mut().ok()?;
                live.holders = live.holders.saturating_sub(1);
                Some(live.holders == 0)
            })
            .ok()
            .flatten();
        if last == Some(true) {
            shut();
        }
    }
}

/// Opens the socket if it is not already, and keeps it open while the [`Connection`] lives.
pub fn open() -> Connection {
    let first = LIVE.with_borrow_mut(|live| {
        live.holders += 1;
        !std::mem::replace(&mut live.wanted, true)
    });
    if first {
        connect();
    }
    Connection(())
}

/// Closes the socket and stops reopening it. Subscriptions stay registered and hear events
/// again after the next [`open`].
fn shut() {
    let (socket, was_open) = LIVE.with_borrow_mut(|live| {
        live.wanted = false;
        live.failures = 0;
        live.generation += 1;
        if let Some(retry) = live.retry.take() {
            retry.clear();
        }
        (live.socket.take(), std::mem::replace(&mut live.open, false))
    });
    if let Some(socket) = socket {
        socket.retire();
    }
    if was_open {
        notify(|live| &live.disconnected);
    }
}

impl Live {
    fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

/// `ws://` or `wss://` to [`PATH`] on the host that served the page.
fn url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = match location.protocol().ok()?.as_str() {
        "https:" => "wss",
        _ => "ws",
    };
    Some(format!("{scheme}://{}{PATH}", location.host().ok()?))
}

/// Opens a new socket (replacing any other) with callbacks tied to its generation.
fn connect() {
    let generation = LIVE.with_borrow_mut(|live| {
        live.retry = None;
        live.generation += 1;
        live.generation
    });
    let socket = url().and_then(|url| WebSocket::new(&url).ok());
    let Some(ws) = socket else {
        schedule_retry(generation);
        return;
    };
    let on_open = Closure::<dyn FnMut(Event)>::new(move |_| opened(generation));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
        if current(generation)
            && let Some(text) = message.data().as_string()
        {
            dispatch(&text);
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_| closed(generation));
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let replaced = LIVE.with_borrow_mut(|live| {
        live.open = false;
        live.socket.replace(Socket {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    });
    if let Some(replaced) = replaced {
        replaced.retire();
    }
}

fn current(generation: u64) -> bool {
    LIVE.with_borrow(|live| live.wanted && live.generation == generation)
}

fn opened(generation: u64) {
    if !current(generation) {
        return;
    }
    LIVE.with_borrow_mut(|live| {
        live.open = true;
        live.failures = 0;
    });
    notify(|live| &live.connected);
}

/// The socket closed or never opened (a failed handshake also ends here): try again later.
fn closed(generation: u64) {
    if !current(generation) {
        return;
    }
    let (socket, was_open) =
        LIVE.with_borrow_mut(|live| (live.socket.take(), std::mem::replace(&mut live.open, false)));
    if let Some(socket) = socket {
        socket.retire();
    }
    if was_open {
        notify(|live| &live.disconnected);
    }
    schedule_retry(generation);
}

/// Reopens after 0.5 s, 1 s, 2 s… up to 30 s, each delay shortened by up to a fifth at random
/// so that many tabs dropped at once by a restarting server do not all come back together.
fn schedule_retry(generation: u64) {
    let delay = LIVE.with_borrow_mut(|live| {
        let delay = FIRST_RETRY
            .saturating_mul(1 << live.failures.min(8))
            .min(LONGEST_RETRY);
        live.failures = live.failures.saturating_add(1);
        delay
    });
    let jitter = 1.0 - web_sys::js_sys::Math::random() / 5.0;
    let handle = set_timeout_with_handle(
        move || {
            if current(generation) {
                connect();
            }
        },
        delay.mul_f64(jitter),
    );
    if let Ok(handle) = handle {
        LIVE.with_borrow_mut(|live| live.retry = Some(handle));
    }
}

/// Runs every event handler on one frame from the server, in subscription order.
fn dispatch(text: &str) {
    let event = match serde_json::from_str::<AppEvent>(text) {
        Ok(event) => event,
        Err(error) => {
            leptos::logging::warn!("an unreadable live event ({error}): {text}");
            return;
        }
    };
    let handlers: Vec<(u64, EventHandler)> = LIVE.with_borrow(|live| live.events.clone());
    for (id, handler) in handlers {
        if LIVE.with_borrow(|live| live.events.iter().any(|(each, _)| *each == id)) {
            handler(&event);
        }
    }
}

/// Runs the notice handlers picked by `which`, skipping any unsubscribed meanwhile.
fn notify(which: fn(&Live) -> &Vec<(u64, NoticeHandler)>) {
    let handlers: Vec<(u64, NoticeHandler)> = LIVE.with_borrow(|live| which(live).clone());
    for (id, handler) in handlers {
        if LIVE.with_borrow(|live| which(live).iter().any(|(each, _)| *each == id)) {
            handler();
        }
    }
}
