//! The WebApp's first screen for a person who has not accepted the GCU and privacy notice in
//! force (ACCEPT-1): the versions, links to read them, and "I accept". Nothing else of the
//! WebApp shows until they accept; a new version in force asks again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::ErrorCode;
use protocol::terms::{TermsAcceptance, TermsInForce};

use crate::api;
use crate::session::{Session, use_log_out, use_session};

#[component]
pub fn AcceptTerms(in_force: TermsInForce) -> impl IntoView {
    let session = use_session();
    let log_out = use_log_out();
    let checked = RwSignal::new(false);
    let acceptance = TermsAcceptance {
        gcu_version: in_force.gcu.version.clone(),
        privacy_version: in_force.privacy.version.clone(),
    };
    let accept = Action::new_local(|acceptance: &TermsAcceptance| {
        let acceptance = acceptance.clone();
        async move { api::accept_terms(&acceptance).await }
    });
    Effect::new(move || match accept.value().get() {
        Some(Ok(me)) => session.set(Session::SignedIn(me)),
        // Other versions came into force meanwhile: show them.
        Some(Err(error)) if error.code() == Some(ErrorCode::TermsNotInForce) => {
            spawn_local(async move {
                if let Ok(Some(me)) = api::me().await {
                    session.set(Session::SignedIn(me));
                }
            });
        }
        _ => {}
    });
    let refusal = move || match accept.value().get() {
        Some(Err(error)) => Some(view! { <p class="alert" role="alert">{error.to_string()}</p> }),
        _ => None,
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if checked.get_untracked() {
            accept.dispatch(acceptance.clone());
        }
    };
    let (gcu, privacy) = (in_force.gcu, in_force.privacy);
    view! {
        <main class="terms-screen">
            <form class="card" on:submit=on_submit novalidate=true>
                <h1>"Before you start"</h1>
                <p>
                    "Using the WebApp means accepting its General Conditions of Use and its privacy notice. Please read them:"
                </p>
                <ul class="terms-documents">
                    <li>
                        <a href=gcu.url.clone() target="_blank" rel="noopener">"General Conditions of Use"</a>
                        {format!(" (version {})", gcu.version)}
                    </li>
                    <li>
                        <a href=privacy.url.clone() target="_blank" rel="noopener">"Privacy notice"</a>
                        {format!(" (version {})", privacy.version)}
                    </li>
                </ul>
                <div class="field checkbox">
                    <input id="accept_terms" name="accept_terms" type="checkbox" bind:checked=checked />
                    <label for="accept_terms">
                        "I have read and I accept the General Conditions of Use and the privacy notice"
                    </label>
                </div>
                {refusal}
                <div class="actions">
                    <button type="submit" disabled=move || !checked.get() || accept.pending().get()>
                        "I accept"
                    </button>
                    <button
                        type="button"
                        class="secondary"
                        on:click=move |_| {
                            log_out.dispatch_local(());
                        }
                    >
                        "Log out"
                    </button>
                </div>
            </form>
        </main>
    }
}
