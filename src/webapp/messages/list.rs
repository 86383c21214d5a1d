//! The conversation list of one Number: each correspondent with the last message and the count
//! of unread ones, latest first. Loaded from the server, then moved along by the live events
//! (and reloaded whenever the live connection comes back, as events may have been missed).

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::webapp::{AppEvent, ConversationSummary, DeliveryStatus, Direction, MessageView};

use super::{NothingHere, thread_href, when};
use crate::api::{self, ApiError};
use crate::webapp::live;

/// The list as loaded and kept current; shared with the thread so that what it sends or reads
/// shows at once.
#[derive(Debug, Clone, Copy)]
pub(super) struct Conversations {
    number_id: i64,
    list: RwSignal<Option<Result<Vec<ConversationSummary>, ApiError>>>,
    /// The correspondent whose thread is open: their new messages are read as they come.
    open: Memo<Option<String>>,
}

impl Conversations {
    /// Loads the list and follows the live events while the calling component lives.
    pub fn new(number_id: i64, open: Memo<Option<String>>) -> Self {
        let conversations = Self {
            number_id,
            list: RwSignal::new(None),
            open,
        };
        conversations.reload();
        let subscriptions = [
            live::subscribe(move |event| conversations.receive(event)),
            live::on_connected(move || conversations.reload()),
        ];
        on_cleanup(move || drop(subscriptions));
        // Opening a thread reads it.
        Effect::new(move || {
            if let Some(correspondent) = open.get() {
                conversations.read(&correspondent);
            }
        });
        conversations
    }

    fn reload(&self) {
        let (list, number_id) = (self.list, self.number_id);
        spawn_local(async move {
            let loaded = api::conversations(number_id).await;
            list.update(|list| match loaded {
                Ok(loaded) => *list = Some(Ok(loaded)),
                // A passing failure keeps the list on screen.
                Err(error) if !matches!(list, Some(Ok(_))) => *list = Some(Err(error)),
                Err(_) => {}
            });
        });
    }

    /// Puts `message` at the top of its conversation (it may already be there: sent from this
    /// tab, it comes back as an event too).
    pub fn show(&self, message: &MessageView) {
        if message.number_id != self.number_id || message.id < 0 {
            return;
        }
        let open = self.open.get_untracked();
        self.list.update(|list| {
            if let Some(Ok(list)) = list {
                put_first(list, message, open.as_deref());
            }
        });
    }

    /// The thread with `correspondent` is on screen: nothing in it is unread any more.
    pub fn read(&self, correspondent: &str) {
        self.list.update(|list| {
            if let Some(Ok(list)) = list {
                for conversation in list.iter_mut() {
                    if conversation.correspondent == correspondent {
                        conversation.unread = 0;
                    }
                }
            }
        });
    }

    fn receive(&self, event: &AppEvent) {
        match event {
            AppEvent::Message { message } => self.show(message),
            AppEvent::MessageStatus {
                number_id,
                message_id,
                status,
            } if *number_id == self.number_id => self.set_status(*message_id, *status),
            _ => {}
        }
    }

    fn set_status(&self, message_id: i64, status: DeliveryStatus) {
        self.list.update(|list| {
            if let Some(Ok(list)) = list {
                for conversation in list.iter_mut() {
                    if conversation.last.id == message_id {
                        conversation.last.status = status;
                    }
                }
            }
        });
    }
}

/// Moves `message`'s conversation first, with `message` as its last unless a later one is
/// already shown, and counts it unread if it is new, incoming and its thread is not open.
fn put_first(list: &mut Vec<ConversationSummary>, message: &MessageView, open: Option<&str>) {
    let found = list
        .iter()
        .position(|conversation| conversation.correspondent == message.correspondent);
    let mut conversation = match found {
        Some(index) => list.remove(index),
        None => ConversationSummary {
            correspondent: message.correspondent.clone(),
            last: message.clone(),
            unread: 0,
        },
    };
    let is_new = found.is_none() || message.id > conversation.last.id;
    if is_new || message.id == conversation.last.id {
        conversation.last = message.clone();
    }
    if is_new
        && message.direction == Direction::Incoming
        && open != Some(message.correspondent.as_str())
    {
        conversation.unread += 1;
    }
    list.insert(0, conversation);
}

#[component]
pub(super) fn ConversationList(conversations: Conversations) -> impl IntoView {
    let number_id = conversations.number_id;
    let open = conversations.open;
    move || match conversations.list.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Err(error)) if error.status() == Some(404) => view! { <NothingHere /> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any()
        }
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="empty">"No conversation yet."</p> }.into_any()
        }
        Some(Ok(list)) => view! {
            <ul class="conversation-list">
                {list
                    .into_iter()
                    .map(|conversation| view! { <ConversationRow number_id conversation open /> })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    }
}

#[component]
fn ConversationRow(
    number_id: i64,
    conversation: ConversationSummary,
    open: Memo<Option<String>>,
) -> impl IntoView {
    let href = thread_href(number_id, &conversation.correspondent);
    let correspondent = conversation.correspondent.clone();
    let is_open = move || open.with(|open| open.as_deref() == Some(correspondent.as_str()));
    let last = &conversation.last;
    let preview = match (&last.attachment, last.body.is_empty()) {
        (Some(_), true) => "Image".to_owned(),
        (Some(_), false) => format!("Image · {}", last.body),
        (None, _) => last.body.clone(),
    };
    let preview = match last.direction {
        Direction::Outgoing => format!("You: {preview}"),
        Direction::Incoming => preview,
    };
    let unread = conversation.unread;
    view! {
        <li class="conversation" class:unread={unread > 0}>
            <a href=href aria-current=move || is_open().then_some("page")>
                <span class="correspondent e164">{conversation.correspondent.clone()}</span>
                <time class="when" datetime=last.sent_at.clone()>{when(&last.sent_at)}</time>
                <span class="preview">{preview}</span>
                {(unread > 0)
                    .then(|| {
                        let label = if unread == 1 {
                            "1 unread message".to_owned()
                        } else {
                            format!("{unread} unread messages")
                        };
                        view! { <span class="unread-count" aria-label=label>{unread}</span> }
                    })}
            </a>
        </li>
    }
}
