//! Writing a message: the text with its live SMS counter (MSG-1, computed here with
//! `domain::sms::sms_size`), an optional image (MMS), and for a new conversation the recipient.
//! Everything is checked with `domain::message` before anything is sent, as the server checks it
//! again; problems show next to their field, the server's refusals through [`FormErrors`].

use std::cell::Cell;

use domain::message::{Draft, Sender, validate_attachment, validate_message};
use domain::money::Money;
use domain::sms::{SmsEncoding, sms_size};
use leptos::html::Input;
use leptos::prelude::*;
use protocol::webapp::{DeliveryStatus, Direction, MessageView, SendMessage};
use web_sys::File;
use web_sys::js_sys::Date;

use crate::api;
use crate::components::{FormAlert, FormErrors, TextField};
use crate::webapp::frame::use_webapp;

/// What the composer tells the page showing the thread.
#[derive(Debug, Clone)]
pub(super) enum Outcome {
    /// Accepted by the checks and on its way: shown as "Sending…" under a temporary negative id.
    Pending(MessageView),
    /// The server took it: `message` replaces the pending one.
    Sent {
        pending_id: i64,
        message: MessageView,
    },
    /// The server refused it (the reason shows in the composer): the pending one goes away.
    Refused { pending_id: i64 },
}

thread_local! {
    static LAST_PENDING: Cell<i64> = const { Cell::new(0) };
}

/// A message on its way: its temporary id, the image to upload first, the message itself.
#[derive(Clone)]
struct Outgoing {
    pending_id: i64,
    image: Option<File>,
    message: SendMessage,
}

/// A temporary id for a message being sent, below zero so it never meets a real one.
fn pending_id() -> i64 {
    LAST_PENDING.with(|last| {
        last.set(last.get() - 1);
        last.get()
    })
}

/// The counter under the text: "2 SMS · 170 characters (GSM-7)", or for UCS-2
/// "1 SMS · 12 characters (Unicode, because of “ç”)"; with an image, "1 MMS · 12 characters".
/// The parts are those of `sms.segments` (MSG-1); the characters are as the person counts them.
pub fn counter_text(body: &str, has_image: bool) -> String {
    let size = sms_size(body);
    let characters = match domain::sms::characters(body) {
        1 => "1 character".to_owned(),
        n => format!("{n} characters"),
    };
    if has_image {
        return format!("1 MMS · {characters}");
    }
    let encoding = match (size.encoding, size.forced_ucs2_by) {
        (SmsEncoding::Gsm7, _) => "GSM-7".to_owned(),
        (SmsEncoding::Ucs2, Some(c)) => format!("Unicode, because of “{c}”"),
        (SmsEncoding::Ucs2, None) => "Unicode".to_owned(),
    };
    let over = if size.segments > domain::message::MAX_PARTS {
        format!(" · at most {} SMS", domain::message::MAX_PARTS)
    } else {
        String::new()
    };
    format!("{} SMS · {characters} ({encoding}){over}", size.segments)
}

/// The live counter of SMS parts and characters (`.sms-counter`).
#[component]
pub fn SmsCounter(
    #[prop(into)] body: Signal<String>,
    #[prop(into)] has_image: Signal<bool>,
    #[prop(default = "sms-counter")] id: &'static str,
) -> impl IntoView {
    let text = move || body.with(|body| counter_text(body, has_image.get()));
    let over = move || body.with(|body| sms_size(body).segments > domain::message::MAX_PARTS);
    view! { <p class="sms-counter" class:over=over id=id aria-live="polite">{text}</p> }
}

/// The composer of a thread (`to` is its correspondent) or of a new conversation (`to` is
/// `None`: a "To" field asks for the recipient).
#[component]
pub(super) fn Composer(
    number_id: i64,
    to: Option<String>,
    on_outcome: Callback<Outcome>,
) -> impl IntoView {
    let app = use_webapp();
    let fixed_to = StoredValue::new(to);
    let recipient = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let image = RwSignal::new_local(None::<File>);
    let image_problem = RwSignal::new(None::<String>);
    let file_input = NodeRef::<Input>::new();
    let errors = FormErrors::new();
    // Sending: the image first if there is one, then the message; the temporary id comes back
    // with the server's answer.
    let send = Action::new_local(move |outgoing: &Outgoing| {
        let Outgoing {
            pending_id,
            image,
            message,
        } = outgoing.clone();
        async move {
            let attachment_id = match image {
                None => Ok(None),
                Some(file) => api::upload_attachment(number_id, &file)
                    .await
                    .map(|attachment| Some(attachment.id)),
            };
            let sent = match attachment_id {
                Ok(attachment_id) => {
                    let message = SendMessage {
                        attachment_id,
                        ..message
                    };
                    api::send_message(number_id, &message).await
                }
                Err(error) => Err(error),
            };
            (pending_id, sent)
        }
    });
    let sending = send.pending();
    Effect::new(move || {
        let Some((pending_id, sent)) = send.value().get() else {
            return;
        };
        untrack(|| match sent {
            Ok(message) => {
                body.set(String::new());
                recipient.set(String::new());
                image.set(None);
                if let Some(input) = file_input.get_untracked() {
                    input.set_value("");
                }
                on_outcome.run(Outcome::Sent {
                    pending_id,
                    message,
                });
            }
            Err(error) => {
                errors.show_api_error(&error);
                on_outcome.run(Outcome::Refused { pending_id });
            }
        });
    });
    let suspended = move || app.suspended().is_some();

    let on_file = move |_| {
        let Some(input) = file_input.get_untracked() else {
            return;
        };
        let chosen = input.files().and_then(|files| files.get(0));
        image_problem.set(None);
        match chosen {
            None => image.set(None),
            Some(file) => match validate_attachment(&file.type_(), file.size() as u64) {
                Ok(_) => image.set(Some(file)),
                Err(problem) => {
                    image.set(None);
                    input.set_value("");
                    image_problem.set(Some(problem.to_string()));
                }
            },
        }
    };
    let remove_image = move |_| {
        image.set(None);
        image_problem.set(None);
        if let Some(input) = file_input.get_untracked() {
            input.set_value("");
        }
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if sending.get_untracked() {
            return;
        }
        let Some(number) = app.number(number_id) else {
            return;
        };
        let to = fixed_to
            .get_value()
            .unwrap_or_else(|| recipient.get_untracked());
        let text = body.get_untracked();
        let chosen = image.get_untracked();
        let sender = Sender {
            home: number.country,
            e164: &number.e164,
            credits_allowed: number.calls_with_credits,
        };
        let draft = Draft {
            to: &to,
            body: &text,
            has_attachment: chosen.is_some(),
        };
        let outgoing = match validate_message(&sender, &draft) {
            Ok(outgoing) => outgoing,
            Err(found) => {
                errors.show_validation(&found);
                return;
            }
        };
        errors.clear();
        let pending_id = pending_id();
        let to = outgoing.to.as_str().to_owned();
        on_outcome.run(Outcome::Pending(MessageView {
            id: pending_id,
            number_id,
            correspondent: to.clone(),
            direction: Direction::Outgoing,
            body: text.clone(),
            attachment: None,
            status: DeliveryStatus::Queued,
            failure: None,
            encoding: outgoing.size.encoding,
            segments: outgoing.parts,
            credits: Money::ZERO,
            sent_at: String::from(Date::new_0().to_iso_string()),
        }));
        send.dispatch_local(Outgoing {
            pending_id,
            image: chosen,
            message: SendMessage {
                to,
                body: text,
                attachment_id: None,
            },
        });
    };

    let has_image = Signal::derive(move || image.with(Option::is_some));
    let body_invalid = move || errors.of("body").is_some();
    // In a thread there is no "To" field: a problem with the recipient shows above the form.
    let recipient_problem = move || {
        fixed_to
            .with_value(Option::is_some)
            .then(|| errors.of("to"))
            .flatten()
    };
    let image_message = move || {
        image_problem
            .get()
            .or_else(|| errors.of("attachment"))
            .or_else(|| errors.of("attachment_id"))
    };
    let chosen_image = move || {
        image.with(|image| {
            image.as_ref().map(|file| {
                format!(
                    "{} ({} KiB)",
                    file.name(),
                    (file.size() / 1024.0).ceil() as u64
                )
            })
        })
    };

    view! {
        <form class="composer" on:submit=submit novalidate>
            {fixed_to
                .with_value(Option::is_none)
                .then(|| {
                    view! {
                        <TextField
                            label=Signal::stored("To".to_owned())
                            name="to"
                            kind="tel"
                            value=recipient
                            errors
                            autocomplete="tel"
                            hint="A French number such as 06 12 34 56 78, or + and the country code."
                        />
                    }
                })}
            {move || recipient_problem().map(|problem| view! { <p class="alert" role="alert">{problem}</p> })}
            <div class="field message-field" class:invalid=body_invalid>
                // A chat box: the label is read out, the placeholder shows.
                <label for="body" class="visually-hidden">"Message"</label>
                <textarea
                    id="body"
                    name="body"
                    rows="2"
                    placeholder="Write a message"
                    aria-invalid=move || body_invalid().to_string()
                    aria-describedby="sms-counter body-error"
                    bind:value=body
                ></textarea>
                <SmsCounter body has_image />
                <p class="error" id="body-error" role="alert">{move || errors.of("body")}</p>
            </div>
            <div class="composer-actions">
                <div class="attach" class:invalid=move || image_message().is_some()>
                    <input
                        id="attachment"
                        name="attachment"
                        type="file"
                        class="visually-hidden"
                        accept="image/jpeg,image/png,image/gif,image/webp"
                        aria-describedby="attachment-hint attachment-error"
                        node_ref=file_input
                        on:change=on_file
                    />
                    <label for="attachment" class="attach-button" title="JPEG, PNG, GIF or WebP, at most 1 MiB">
                        "Attach an image"
                    </label>
                    <span class="visually-hidden" id="attachment-hint">
                        "JPEG, PNG, GIF or WebP, at most 1 MiB: sent as one MMS."
                    </span>
                    {move || {
                        chosen_image()
                            .map(|chosen| {
                                view! {
                                    <span class="chosen-image">{chosen}</span>
                                    <button type="button" class="secondary small" on:click=remove_image>"Remove the image"</button>
                                }
                            })
                    }}
                </div>
                <button type="submit" disabled=move || sending.get() || suspended() || app.number(number_id).is_none()>
                    "Send"
                </button>
            </div>
            <p class="error" id="attachment-error" role="alert">{image_message}</p>
            <FormAlert errors />
            {move || suspended().then(|| view! { <p class="hint">"Sending is unavailable while the account is suspended."</p> })}
        </form>
    }
}
