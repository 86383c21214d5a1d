//! NOTICE-3 (GTCS 6.2.1): the Services the provider discontinues, and, for administrators, a new
//! discontinuation: the earliest day it may take effect is computed in the browser by
//! `domain::service::discontinuation`, the rule the server applies again.

use chrono::NaiveDate;
use domain::order::long_date as long;
use domain::service::{Service, discontinuation};
use leptos::prelude::*;
use protocol::discontinuations::{DiscontinuationForm, Discontinuations};

use crate::api;
use crate::components::{FormAlert, FormErrors, Loading};

#[component]
pub fn ServiceDiscontinuations(may_announce: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let listed = LocalResource::new(move || {
        reload.track();
        api::discontinuations()
    });
    view! {
        <section>
            <h2>"Services discontinued (NOTICE-3)"</h2>
            <Loading>
                {move || listed.get().map(|answer| answer.map(|listed| view! {
                    <Announced listed=listed.clone() />
                    {may_announce.then(|| view! { <Announce listed reload /> })}
                }))}
            </Loading>
        </section>
    }
}

#[component]
fn Announced(listed: Discontinuations) -> impl IntoView {
    if listed.announced.is_empty() {
        return view! { <p class="empty">"Every Service is offered."</p> }.into_any();
    }
    view! {
        <ul class="discontinuations">
            {listed.announced.into_iter().map(|announced| view! {
                <li>{format!(
                    "{}: announced on {}, stops from {}. {}",
                    announced.label,
                    long(announced.notified_on),
                    long(announced.effective),
                    announced.reason
                )}</li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The form of a new discontinuation, for the Services not discontinued yet.
#[component]
fn Announce(listed: Discontinuations, reload: RwSignal<u32>) -> impl IntoView {
    let offered: Vec<Service> = Service::ALL
        .into_iter()
        .filter(|service| listed.announced.iter().all(|old| old.service != *service))
        .collect();
    let Some(first) = offered.first().copied() else {
        return ().into_any();
    };
    let today = listed.today;
    let service = RwSignal::new(first.as_str().to_owned());
    let effective = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let send = Action::new_local(|form: &DiscontinuationForm| {
        let form = form.clone();
        async move { api::discontinue(&form).await }
    });
    super::reload_after(send, errors, reload);
    let day = move || effective.get().parse::<NaiveDate>().ok();
    let verdict = move || {
        let check = discontinuation(today, day()?).ok()?;
        Some(if check.valid {
            Ok(check.earliest_effective)
        } else {
            Err(check.earliest_effective)
        })
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let (Some(service), Some(effective)) = (Service::parse(&service.get()), day()) else {
            return;
        };
        send.dispatch(DiscontinuationForm {
            service,
            effective,
            reason: reason.get(),
        });
    };
    view! {
        <form class="card" on:submit=on_submit novalidate>
            <div class="field">
                <label for="discontinued-service">"Service"</label>
                <select id="discontinued-service" bind:value=service>
                    {offered.into_iter().map(|service| view! {
                        <option value=service.as_str()>{service.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="discontinued-from">"No longer offered from"</label>
                <input id="discontinued-from" type="date" name="effective" bind:value=effective />
                <p class="error" role="alert">{move || errors.of("effective")}</p>
            </div>
            <div class="field">
                <label for="discontinued-reason">"Reason the Companies are told"</label>
                <textarea id="discontinued-reason" name="reason" bind:value=reason></textarea>
                <p class="error" role="alert">{move || errors.of("reason")}</p>
            </div>
            <p class="hint" role="status">{move || match verdict() {
                Some(Ok(_)) => "Possible: the Managers of every Company with a Licence in force are emailed today.".to_owned(),
                Some(Err(earliest)) => format!(
                    "Too soon: two weeks' notice at least, so from {} at the earliest.",
                    long(earliest)
                ),
                None => format!(
                    "Announced today, a Service may stop from {} at the earliest.",
                    discontinuation(today, today).map(|check| long(check.earliest_effective)).unwrap_or_default()
                ),
            }}</p>
            <FormAlert errors />
            <button
                type="submit"
                disabled=move || send.pending().get() || !matches!(verdict(), Some(Ok(_)))
            >"Announce the discontinuation"</button>
        </form>
    }
    .into_any()
}
