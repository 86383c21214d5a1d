//! `/console/credits`: the Company's Credits balance, its latest movements, and a top-up form
//! checked with `domain::credits::validate_top_up` before it is sent (the server checks again).
//! Each top-up carries its idempotency key (`app_state::intent`), so resending one whose answer
//! was lost never tops up twice.

use crate::components::eur;

use app_state::intent::IntentKey;
use domain::credits::{TopUpForm, validate_top_up};
use leptos::prelude::*;
use protocol::credits::CreditsView;

use crate::api;
use crate::components::{FormAlert, FormErrors, Loading, TextField};

#[component]
pub fn CreditsPage() -> impl IntoView {
    let amount = RwSignal::new(String::new());
    let errors = FormErrors::new();
    // Issue 13: one idempotency key per top-up, sent again when its answer was lost.
    let intent = StoredValue::new(IntentKey::default());
    let top_up = Action::new_local(move |form: &TopUpForm| {
        let form = form.clone();
        async move {
            let answer = api::top_up_credits(&form).await;
            let lost = answer.as_ref().is_err_and(api::ApiError::answer_lost);
            intent.update_value(|intent| intent.answered(lost));
            answer
        }
    });
    let sending = top_up.pending();
    // Each top-up done reloads the balance and its movements.
    let topped_up = top_up.version();
    let credits = LocalResource::new(move || {
        topped_up.track();
        api::credits()
    });
    Effect::new(move || match top_up.value().get() {
        Some(Ok(_)) => amount.set(String::new()),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let done = move || match top_up.value().get() {
        Some(Ok(done)) if done.paid => Some(format!(
            "Credits topped up: the balance is now EUR {}. Invoice {} was issued for it.",
            done.credits.balance, done.invoice_number
        )),
        Some(Ok(done)) => Some(format!(
            "Invoice {} was issued for this top-up but is not paid yet: the Credits are added once it is (see the invoice and the Company's payment methods).",
            done.invoice_number
        )),
        _ => None,
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        top_up.clear();
        let mut form = TopUpForm {
            amount: amount.get_untracked(),
            idempotency_key: String::new(),
        };
        let amount_cents = match validate_top_up(&form) {
            Ok(cents) => cents,
            Err(found) => {
                errors.show_validation(&found);
                return;
            }
        };
        errors.clear();
        form.idempotency_key = intent
            .try_update_value(|intent| {
                intent.key_for(&amount_cents.to_string(), || {
                    api::new_idempotency_key("top-up")
                })
            })
            .unwrap_or_default();
        top_up.dispatch_local(form);
    };

    let summary = move || {
        credits
            .get()
            .map(|answer| answer.map(|view| view! { <Balance view /> }))
    };

    view! {
        <section class="credits">
            <h1>"Credits"</h1>
            <p class="hint">
                "Credits pay for SMS abroad and for calls your Call Plans do not include. A debit never takes the balance below zero."
            </p>
            <Loading>{summary}</Loading>
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
                {move || done().map(|text| view! { <p class="notice-receipt" role="status">{text}</p> })}
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
