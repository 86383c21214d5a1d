//! `/console/outbox`: the emails the console sent (kept here; no SMTP yet), newest first.

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
                                    view! {
                                        <li class="card email">
                                            <p class="eyebrow">{format!("To {} · {}", email.recipient, email.created_at)}</p>
                                            <h2>{email.subject}</h2>
                                            <EmailBody body=email.body />
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

/// The body's text, with the invitation link made clickable.
#[component]
fn EmailBody(body: String) -> impl IntoView {
    body.lines()
        .map(|line| match line.split_once("/invitation/") {
            Some((before, token)) => {
                let href = format!("/invitation/{}", token.trim());
                view! { <p>{before.to_owned()} <a href=href.clone()>{href.clone()}</a></p> }
                    .into_any()
            }
            None => view! { <p>{line.to_owned()}</p> }.into_any(),
        })
        .collect_view()
}
