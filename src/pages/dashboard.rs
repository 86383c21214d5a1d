//! `/console`: the Management Console's home for a signed-in Manager: users, Numbers and
//! Licences at a glance, the next renewal (RENEW-1) and notice deadline (NOTICE-1), and what
//! needs the Manager's attention.

use leptos::prelude::*;
use leptos_router::components::A;
use protocol::Me;
use protocol::dashboard::{Dashboard, Deadline};

use crate::api;
use crate::session::{Session, use_session};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = use_session();
    move || match session.get() {
        Session::SignedIn(me) => view! { <DashboardView me /> }.into_any(),
        _ => ().into_any(),
    }
}

#[component]
fn DashboardView(me: Me) -> impl IntoView {
    let data = LocalResource::new(api::dashboard);
    let content = move || {
        data.get().map(|answer| match answer {
            Ok(figures) => view! { <Figures figures /> }.into_any(),
            Err(error) => {
                view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any()
            }
        })
    };
    view! {
        <section class="dashboard">
            <p class="eyebrow">"Management Console"</p>
            <h1>{me.company.legal_name.clone()}</h1>
            <dl class="facts company-facts">
                <dt>"Registration number"</dt>
                <dd>{me.company.registration_number.clone()}</dd>
                <dt>"Signed in as"</dt>
                <dd>{format!("{} {} ({})", me.user.first_name, me.user.last_name, me.user.email)}</dd>
                <dt>"Today"</dt>
                <dd>{me.today.to_string()}</dd>
            </dl>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>{content}</Transition>
        </section>
    }
}

fn deadline_text(deadline: Option<&Deadline>, none: &'static str) -> String {
    match deadline {
        Some(deadline) => format!(
            "{} (Licence #{}, {} days left)",
            deadline.date, deadline.licence_id, deadline.days_left
        ),
        None => none.to_owned(),
    }
}

#[component]
fn Figures(figures: Dashboard) -> impl IntoView {
    // Marks the moment the dashboard shows its data: the measuring script reads it. An effect
    // runs after this component is mounted, that is once the figures are on the page.
    Effect::new(|| crate::marks::mark("dashboard-interactive"));
    let attention = if figures.attention.is_empty() {
        view! { <p class="all-clear">"Nothing needs your attention."</p> }.into_any()
    } else {
        let items = figures
            .attention
            .iter()
            .map(|item| {
                view! {
                    <li class=format!("attention-{}", item.kind)>
                        {item.message.clone()}
                        {(!item.link.is_empty()).then(|| view! { " " <A href=item.link.clone()>"Open"</A> })}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="attention-list">{items}</ul> }.into_any()
    };
    view! {
        <div class="glance">
            <div class="tile">
                <p class="figure">{figures.users}</p>
                <p class="label">{format!("Users ({} active)", figures.active_users)}</p>
            </div>
            <div class="tile">
                <p class="figure">{figures.numbers}</p>
                <p class="label">{format!("Numbers ({} assigned)", figures.assigned_numbers)}</p>
            </div>
            <div class="tile">
                <p class="figure">{figures.licences}</p>
                <p class="label">"Active Licences"</p>
            </div>
        </div>
        <dl class="facts">
            <dt>"Next renewal"</dt>
            <dd>{deadline_text(figures.next_renewal.as_ref(), "No Licence renews")}</dd>
            <dt>"Next notice deadline"</dt>
            <dd>{deadline_text(figures.next_notice_deadline.as_ref(), "No notice deadline ahead")}</dd>
        </dl>
        <h2>"Needs your attention"</h2>
        {attention}
    }
}
