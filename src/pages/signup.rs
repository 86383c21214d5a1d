//! `/signup`: a visitor creates the Company Account and becomes its first Manager.

use leptos::prelude::*;
use protocol::Me;

use crate::api;
use crate::bundle::use_go;
use crate::components::SignupForm;
use crate::session::{Session, use_session};

#[component]
pub fn SignupPage() -> impl IntoView {
    let session = use_session();
    let go = use_go();
    let gtcs = LocalResource::new(api::gtcs);
    let on_success = Callback::new(move |me: Me| {
        session.set(Session::SignedIn(me));
        go("/console");
    });
    view! {
        <main class="narrow">
            <h1>"Create your Company Account"</h1>
            <p>"Already have an account? " <a href="/login">"Log in"</a></p>
            {move || match gtcs.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Ok(gtcs)) => view! { <SignupForm gtcs on_success /> }.into_any(),
                Some(Err(error)) => view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any(),
            }}
        </main>
    }
}
