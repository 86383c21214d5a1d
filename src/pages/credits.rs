//! `/console/credits`: the Company's Credits balance, its latest movements, and a top-up form
//! checked with `domain::credits::validate_top_up` before it is sent (the server checks again).

use crate::components::eur;

use domain::credits::{TopUpForm, validate_top_up};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::credits::CreditsView;

use crate::api;
use crate::components::{FormAlert, FormErrors, TextField};

#[component]
pub fn CreditsPage() -> impl IntoView {
    let credits = LocalResource::new(api::credits);
    let amount = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let sending = RwSignal::new(false);
    let done = RwSignal::new(None::<String>);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        done.set(None);
        let form = TopUpForm {
            amount: amount.get_untracked(),
        };
        if let Err(found) = validate_top_up(&form) {
            errors.show_validation(&found);
            return;
        }
        errors.clear();
        sending.set(true);
        spawn_local(async move {
            match api::top_up_credits(&form).await {
                Ok(done_now) => {
                    done.set(Some(format!(
                        "Credits topped up: the balance is now EUR {}. Invoice {} was issued for it.",
                        done_now.credits.balance, done_now.invoice_number
                    )));
                    amount.set(String::new());
                    credits.refetch();
                }
                Err(error) => errors.show_api_error(&error),
            }
            sending.set(false);
        });
    };

    let summary = move || {
        credits.get().map(|answer| match answer {
            Err(error) => {
                view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any()
            }
            Ok(view) => view! { <Balance view /> }.into_any(),
        })
    };

    view! {
        <section class="credits">
            <h1>"Credits"</h1>
            <p class="hint">
                "Credits pay for SMS abroad and for calls your Call Plans do not include. A debit never takes the balance below zero."
            </p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>{summary}</Transition>
            <form class="card" on:submit=submit novalidate=true>
                <h2>"Top up"</h2>
                <TextField
                    label=Signal::stored("Amount (EUR)".to_owned())
                    name="amount"
                    value=amount
                    errors
                    hint="From EUR 5.00 to EUR 5,000.00."
                />
                <FormAlert errors />
                <div class="actions">
                    <button type="submit" disabled=move || sending.get()>"Top up Credits"</button>
                </div>
                {move || done.get().map(|text| view! { <p class="notice-receipt" role="status">{text}</p> })}
            </form>
        </section>
    }
}

#[component]
fn Balance(view: CreditsView) -> impl IntoView {
    let rows = view
        .movements
        .iter()
        .map(|movement| {
            view! {
                <tr>
                    <td>{movement.at.get(..10).unwrap_or(&movement.at).to_owned()}</td>
                    <td>{movement.description.clone()}</td>
                    <td>{eur(movement.amount)}</td>
                    <td>{eur(movement.balance_after)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <dl class="facts">
            <dt>"Balance"</dt>
            <dd>{eur(view.balance)}</dd>
            <dt>"Held by debits in progress"</dt>
            <dd>{eur(view.reserved)}</dd>
            <dt>"Available"</dt>
            <dd>{eur(view.available)}</dd>
        </dl>
        {if view.movements.is_empty() {
            view! { <p class="empty">"No movement yet."</p> }.into_any()
        } else {
            view! {
                <table>
                    <thead><tr><th>"Date"</th><th>"What"</th><th>"Amount"</th><th>"Balance after"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }}
    }
}
