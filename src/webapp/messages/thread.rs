//! `/app/numbers/:id/messages/:correspondent`: the messages exchanged with one correspondent,
//! oldest first, each outgoing one with its delivery status; new ones and status changes come
//! in live. The composer sits under them.

use std::time::Duration;

use domain::money::Money;
use leptos::html::Ol;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params;
use protocol::webapp::{AppEvent, DeliveryStatus, Direction, MessageView};

use super::composer::{Composer, Outcome};
use super::{MessagesOf, NothingHere, status_label, upsert, use_messages, when};
use crate::api::{self, ApiError, attachment_url};
use crate::components::eur;
use crate::params::CorrespondentParams;
use crate::webapp::live;

/// How long the thread waits after a message came in before telling the server it was read.
const READ_AFTER: Duration = Duration::from_millis(300);

#[component]
pub fn ThreadPage() -> impl IntoView {
    let params = use_params::<CorrespondentParams>();
    let correspondent =
        Memo::new(move |_| params.with(|params| Some(params.as_ref().ok()?.correspondent.clone())));
    // One thread component per correspondent: switching conversations starts afresh.
    move || {
        correspondent
            .get()
            .map(|correspondent| view! { <Thread correspondent /> })
    }
}

/// Where loading the thread stands.
#[derive(Debug, Clone, PartialEq)]
enum Loading {
    Pending,
    Done,
    Failed(ApiError),
}

#[component]
fn Thread(correspondent: String) -> impl IntoView {
    let MessagesOf {
        number_id,
        conversations,
    } = use_messages();
    let messages = RwSignal::new(Vec::<MessageView>::new());
    let loading = RwSignal::new(Loading::Pending);
    let who = StoredValue::new(correspondent.clone());
    let read_scheduled = StoredValue::new(false);

    // Loads the thread (which the server then counts as read) and merges it with what is shown.
    let load = move || {
        let correspondent = who.get_value();
        spawn_local(async move {
            match api::conversation(number_id, &correspondent).await {
                Ok(loaded) => {
                    messages.update(|shown| {
                        for message in loaded {
                            upsert(shown, message);
                        }
                    });
                    loading.set(Loading::Done);
                }
                Err(error) => loading.update(|loading| {
                    if *loading != Loading::Done || error.status() == Some(404) {
                        *loading = Loading::Failed(error);
                    }
                }),
            }
        });
    };
    load();
    // A message that came in while the thread is open is read: say so to the server, once for
    // a burst.
    let read_soon = move || {
        if read_scheduled.try_get_value() != Some(false) {
            return;
        }
        read_scheduled.set_value(true);
        set_timeout(
            move || {
                if read_scheduled.try_set_value(false).is_none() {
                    load();
                }
            },
            READ_AFTER,
        );
    };

    let subscriptions = [
        live::subscribe(move |event| match event {
            AppEvent::Message { message }
                if message.number_id == number_id
                    && who.with_value(|who| *who == message.correspondent) =>
            {
                messages.update(|shown| {
                    // Sent from this tab: the event may come before the server's answer.
                    if message.direction == Direction::Outgoing
                        && shown.iter().all(|each| each.id != message.id)
                        && let Some(index) = shown
                            .iter()
                            .position(|each| each.id < 0 && each.body == message.body)
                    {
                        shown.remove(index);
                    }
                    upsert(shown, message.clone());
                });
                if message.direction == Direction::Incoming {
                    read_soon();
                }
            }
            AppEvent::MessageStatus {
                number_id: of,
                message_id,
                status,
            } if *of == number_id => messages.update(|shown| {
                if let Some(message) = shown.iter_mut().find(|each| each.id == *message_id) {
                    message.status = *status;
                }
            }),
            _ => {}
        }),
        live::on_connected(load),
    ];
    on_cleanup(move || drop(subscriptions));

    let on_outcome = Callback::new(move |outcome: Outcome| match outcome {
        Outcome::Pending(message) => messages.update(|shown| upsert(shown, message)),
        Outcome::Sent {
            pending_id,
            message,
        } => {
            conversations.show(&message);
            messages.update(|shown| {
                shown.retain(|each| each.id != pending_id);
                upsert(shown, message);
            });
        }
        Outcome::Refused { pending_id } => {
            messages.update(|shown| shown.retain(|each| each.id != pending_id))
        }
    });

    // The latest message stays in view.
    let list = NodeRef::<Ol>::new();
    Effect::new(move || {
        messages.track();
        if let Some(list) = list.get() {
            request_animation_frame(move || list.set_scroll_top(list.scroll_height()));
        }
    });

    let back = format!("/app/numbers/{number_id}/messages");
    view! {
        {move || match loading.get() {
            Loading::Failed(error) if error.status() == Some(404) => view! { <NothingHere /> }.into_any(),
            failed => view! {
                <section class="thread-pane" aria-labelledby="thread-title">
                    <header class="pane-head">
                        <a class="back" href=back.clone()>"‹ Conversations"</a>
                        <h2 id="thread-title" class="e164">{correspondent.clone()}</h2>
                    </header>
                    {match failed {
                        Loading::Failed(error) => Some(view! { <p class="alert" role="alert">{error.to_string()}</p> }),
                        _ => None,
                    }}
                    <ol class="thread" node_ref=list aria-live="polite">
                        <For
                            each=move || messages.get()
                            key=|message| (message.id, message.status)
                            let(message)
                        >
                            <Bubble message />
                        </For>
                    </ol>
                    {move || {
                        (loading.get() == Loading::Pending && messages.with(Vec::is_empty))
                            .then(|| view! { <p class="loading">"Loading…"</p> })
                    }}
                    <Composer number_id to=Some(correspondent.clone()) on_outcome />
                </section>
            }
            .into_any(),
        }}
    }
}

/// One message: its image and text, then when, its parts and price if any, and its status.
#[component]
fn Bubble(message: MessageView) -> impl IntoView {
    let outgoing = message.direction == Direction::Outgoing;
    let image = message.attachment.as_ref().map(|attachment| {
        let alt = if outgoing {
            "Image sent"
        } else {
            "Image received"
        };
        view! { <img class="mms" src=attachment_url(attachment.id) alt=alt loading="lazy" /> }
    });
    let parts = (message.attachment.is_none() && message.segments > 1)
        .then(|| format!(" · {} SMS", message.segments));
    let credits = (message.credits != Money::ZERO).then(|| format!(" · {}", eur(message.credits)));
    let failure = (message.status == DeliveryStatus::Failed)
        .then_some(message.failure.clone())
        .flatten()
        .map(|reason| view! { <p class="failure">{reason}</p> });
    let status = message.status;
    view! {
        <li
            class="message"
            class:outgoing=outgoing
            class:incoming=!outgoing
            class:pending=message.id < 0
            class:failed=status == DeliveryStatus::Failed
        >
            {image}
            {(!message.body.is_empty()).then(|| view! { <p class="body">{message.body.clone()}</p> })}
            <p class="meta">
                <time datetime=message.sent_at.clone()>{when(&message.sent_at)}</time>
                {parts}
                {credits}
                " · "
                <span class="delivery-status" data-status=status.as_str()>
                    {status_label(status)}
                </span>
            </p>
            {failure}
        </li>
    }
}
