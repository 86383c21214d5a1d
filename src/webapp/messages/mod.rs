//! `/app/numbers/:id/messages/…`: the conversations of one of the User's Numbers beside the open
//! one (one at a time on a phone), kept current by the live events.
//!
//! - `messages`: the list ([`list`]) and, on a desktop, a prompt to pick one;
//! - `messages/new`: a new conversation ([`composer`], with its "To" field);
//! - `messages/:correspondent`: one thread ([`thread`]), the correspondent as E.164 (`%2B33…`).

mod composer;
mod list;
mod thread;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate};
use protocol::webapp::{DeliveryStatus, MessageView};
use web_sys::js_sys::{Date, encode_uri_component};

use composer::{Composer, Outcome};
pub use composer::{SmsCounter, counter_text};
use list::{ConversationList, Conversations};
pub use thread::ThreadPage;

use super::frame::use_webapp;
use crate::params::use_id;

/// The thread with `correspondent` of the User's Number `number_id`.
pub fn thread_href(number_id: i64, correspondent: &str) -> String {
    format!(
        "/app/numbers/{number_id}/messages/{}",
        String::from(encode_uri_component(correspondent))
    )
}

/// How a message's delivery status reads (`.delivery-status`).
pub fn status_label(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Queued => "Sending…",
        DeliveryStatus::Sent => "Sent",
        DeliveryStatus::Delivered => "Delivered",
        DeliveryStatus::Failed => "Failed",
        DeliveryStatus::Received => "Received",
    }
}

/// How far along a status is: a reload never takes a message back to an earlier one than a live
/// event already showed.
fn progress(status: DeliveryStatus) -> u8 {
    match status {
        DeliveryStatus::Queued => 0,
        DeliveryStatus::Sent => 1,
        DeliveryStatus::Delivered | DeliveryStatus::Failed | DeliveryStatus::Received => 2,
    }
}

/// A message's time as the person reads it: "14:05" today, "27 Nov 14:05" another day, in the
/// browser's time zone.
pub fn when(sent_at: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = Date::new(&sent_at.into());
    if date.get_time().is_nan() {
        return sent_at.to_owned();
    }
    let time = format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
    let today = Date::new_0();
    let same_day = date.get_full_year() == today.get_full_year()
        && date.get_month() == today.get_month()
        && date.get_date() == today.get_date();
    if same_day {
        time
    } else {
        let month = MONTHS.get(date.get_month() as usize).copied().unwrap_or("");
        format!("{} {month} {time}", date.get_date())
    }
}

/// Shown for a Number, conversation or thread that is not the User's (or does not exist): the
/// same for both, as the server answers.
#[component]
pub fn NothingHere() -> impl IntoView {
    view! {
        <div class="not-found">
            <p class="empty">"There is nothing here."</p>
            <p><a href="/app">"Back to your Numbers"</a></p>
        </div>
    }
}

/// The correspondent of the thread open under `path`, if one is.
fn open_thread(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/app/numbers/")?;
    let (_, rest) = rest.split_once("/messages/")?;
    let segment = rest
        .split('/')
        .next()
        .filter(|segment| !segment.is_empty())?;
    (segment != "new").then(|| {
        web_sys::js_sys::decode_uri_component(segment)
            .map(String::from)
            .unwrap_or_else(|_| segment.to_owned())
    })
}

/// What the pages under one Number's messages share: its id and its conversation list.
#[derive(Debug, Clone, Copy)]
struct MessagesOf {
    number_id: i64,
    conversations: Conversations,
}

fn use_messages() -> MessagesOf {
    expect_context::<MessagesOf>()
}

/// `/app/numbers/:id/messages`, parent of its three pages.
#[component]
pub fn MessagesLayout() -> impl IntoView {
    let number_id = use_id();
    let app = use_webapp();
    // A memo, so that reloading the home (after each message sent) does not rebuild the pages.
    let shown = Memo::new(move |_| number_id.get().filter(|id| !app.is_foreign(*id)));
    move || match shown.get() {
        Some(id) => view! { <Messages number_id=id /> }.into_any(),
        None => view! { <NothingHere /> }.into_any(),
    }
}

#[component]
fn Messages(number_id: i64) -> impl IntoView {
    let location = use_location();
    let open = Memo::new(move |_| location.pathname.with(|path| open_thread(path)));
    // A thread or a new message is on screen: a phone shows it instead of the list.
    let child_open = Memo::new(move |_| {
        location
            .pathname
            .with(|path| !path.trim_end_matches('/').ends_with("/messages"))
    });
    let conversations = Conversations::new(number_id, open);
    provide_context(MessagesOf {
        number_id,
        conversations,
    });
    view! {
        <div class="messages" class:child-open=move || child_open.get()>
            <section class="conversations" aria-labelledby="conversations-title">
                <header class="pane-head">
                    <h1 id="conversations-title">"Messages"</h1>
                    <a class="button" href=format!("/app/numbers/{number_id}/messages/new")>"New message"</a>
                </header>
                <ConversationList conversations />
            </section>
            <div class="conversation-pane">
                <Outlet />
            </div>
        </div>
    }
}

/// `/app/numbers/:id/messages` on a desktop: the pane beside the list.
#[component]
pub fn NoConversation() -> impl IntoView {
    view! { <p class="empty pick">"Choose a conversation, or start a new message."</p> }
}

/// `/app/numbers/:id/messages/new`: a message to anyone; once sent, its thread opens.
#[component]
pub fn NewMessagePage() -> impl IntoView {
    let MessagesOf {
        number_id,
        conversations,
    } = use_messages();
    let navigate = use_navigate();
    let on_outcome = Callback::new(move |outcome: Outcome| {
        if let Outcome::Sent { message, .. } = outcome {
            conversations.show(&message);
            navigate(
                &thread_href(number_id, &message.correspondent),
                Default::default(),
            );
        }
    });
    view! {
        <section class="thread-pane new-message">
            <header class="pane-head">
                <a class="back" href=format!("/app/numbers/{number_id}/messages")>"‹ Conversations"</a>
                <h2>"New message"</h2>
            </header>
            <Composer number_id to=None on_outcome />
        </section>
    }
}

/// Adds `message` to `messages` or updates the one with its id, keeping the furthest status;
/// messages stay oldest first, those still being sent (negative ids) last.
fn upsert(messages: &mut Vec<MessageView>, message: MessageView) {
    match messages.iter_mut().find(|shown| shown.id == message.id) {
        Some(shown) => {
            let status = if progress(shown.status) > progress(message.status) {
                shown.status
            } else {
                message.status
            };
            *shown = MessageView { status, ..message };
        }
        None => messages.push(message),
    }
    messages.sort_by(|a, b| {
        (a.id < 0)
            .cmp(&(b.id < 0))
            .then_with(|| a.sent_at.cmp(&b.sent_at))
            .then_with(|| a.id.cmp(&b.id))
    });
}
