//! `/console/outbox`: the emails the console sent, newest first, with whether each went out.
//! Personal links (an invitation's) are the recipient's alone: the server leaves them out.

use leptos::prelude::*;

use crate::api;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let emails = LocalResource::new(api::outbox);
    view! {
        <section class="outbox">
            <h1>"Outbox"</h1>
            <p class="hint">"Emails the console sent, such as invitations. " <a href="/console/users">"Back to the users"</a></p>
            {move || match emails.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any(),
                Some(Ok(emails)) if emails.is_empty() => view! { <p>"No email was sent yet."</p> }.into_any(),
                Some(Ok(emails)) => {
                    view! {
                        <ul class="emails">
                            {emails
                                .into_iter()
                                .map(|email| {
                                    let delivered = delivery(&email);
                                    view! {
                                        <li class="card email">
                                            <p class="eyebrow">{format!("To {} · {}", email.recipient, email.created_at)}</p>
                                            <h2>{email.subject}</h2>
                                            <p class="hint">{delivered}</p>
                                            {email.body.lines().map(|line| view! { <p>{line.to_owned()}</p> }).collect_view()}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// Whether the email went out: "Sent on …", "Sending…", or why it failed.
fn delivery(email: &protocol::users::OutboxEmail) -> String {
    match (email.status.as_str(), &email.sent_at, &email.last_error) {
        ("sent", Some(at), _) => format!("Sent {at}"),
        ("failed", _, Some(reason)) => format!("Not sent: {reason}"),
        ("failed", _, None) => "Not sent".to_owned(),
        (_, _, Some(reason)) => format!("Sending (the last attempt failed: {reason})"),
        _ => "Sending…".to_owned(),
    }
}
