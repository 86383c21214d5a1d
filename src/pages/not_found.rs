use leptos::prelude::*;

use crate::bundle::{link_rel, use_bundle};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <main class="narrow">
            <h1>"Page not found"</h1>
            <p>
                "There is nothing at this address. "
                <a href="/" rel=link_rel(use_bundle(), "/")>"Go to the console"</a>
            </p>
        </main>
    }
}
