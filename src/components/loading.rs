//! Data a page loads: "Loading…" until the first answer, the previous answer while a newer one
//! loads (`Transition`), and a failed load as an alert (`ErrorBoundary`): children render
//! `Result`s, and an `Err` lands here.

use leptos::prelude::*;

#[component]
pub fn Loading(children: ChildrenFn) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <LoadFailed errors /> }>{children()}</ErrorBoundary>
        </Transition>
    }
}

/// What went wrong, as the person reads it (the `ApiError`'s sentence).
#[component]
fn LoadFailed(errors: ArcRwSignal<Errors>) -> impl IntoView {
    move || {
        errors.with(|errors| {
            errors
                .iter()
                .map(|(_, error)| view! { <p class="alert" role="alert">{error.to_string()}</p> })
                .collect_view()
        })
    }
}
