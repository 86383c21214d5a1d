//! `/console`: the Management Console's home for a signed-in Manager.

use domain::country::CountryCode;
use leptos::prelude::*;
use protocol::Me;

use crate::session::{use_session, Session};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = use_session();
    move || match session.get() {
        Session::SignedIn(me) => view! { <Dashboard me /> }.into_any(),
        _ => ().into_any(),
    }
}

#[component]
fn Dashboard(me: Me) -> impl IntoView {
    let country = me
        .company
        .billing_country
        .parse::<CountryCode>()
        .map(|code| code.name().to_owned())
        .unwrap_or_else(|_| me.company.billing_country.clone());
    // Marks the moment the dashboard shows its data: the measuring script reads it.
    Effect::new(|| {
        if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
            let _ = performance.mark("dashboard-interactive");
        }
    });
    view! {
        <section class="dashboard">
            <p class="eyebrow">"Management Console"</p>
            <h1>{me.company.legal_name.clone()}</h1>
            <dl class="facts">
                <dt>"Registration number"</dt>
                <dd>{me.company.registration_number.clone()}</dd>
                <dt>"Billing country"</dt>
                <dd>{country}</dd>
                <dt>"Signed in as"</dt>
                <dd>{format!("{} {} ({})", me.user.first_name, me.user.last_name, me.user.email)}</dd>
            </dl>
        </section>
    }
}
