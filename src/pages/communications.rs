//! `/console/communications`: the Company's statement of communications (PAY-3) over a period,
//! newest first, 100 lines at a time: every call and message of its Numbers made from the
//! WebApp, who held the Number, how long or how many parts, and whether it was included in the
//! Call Plan, charged beyond it (PAY-1) or paid with Credits; the period downloads as CSV.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::webapp::CommunicationLine;

use crate::api;
use crate::components::StatementTable;

#[component]
pub fn CommunicationsPage() -> impl IntoView {
    // The period typed, and the one shown (applied by "Show").
    let from_input = RwSignal::new(String::new());
    let to_input = RwSignal::new(String::new());
    let period = RwSignal::new((String::new(), String::new()));
    let lines = RwSignal::new(Vec::<CommunicationLine>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let failure = RwSignal::new(None::<String>);
    // Each load is numbered: an answer for a period no longer shown is dropped.
    let generation = RwSignal::new(0_u32);
    let load = move |before: Option<String>| {
        loading.set(true);
        let (from, to) = period.get_untracked();
        let mine = generation.get_untracked();
        spawn_local(async move {
            let answer = api::communications(from, to, before.unwrap_or_default()).await;
            if generation.get_untracked() != mine {
                return;
            }
            match answer {
                Ok(page) => {
                    lines.update(|list| list.extend(page.lines));
                    next.set(page.next);
                    failure.set(None);
                }
                Err(error) => failure.set(Some(error.to_string())),
            }
            loading.set(false);
        });
    };
    load(None);
    let show = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        generation.update(|n| *n += 1);
        period.set((from_input.get_untracked(), to_input.get_untracked()));
        lines.set(Vec::new());
        next.set(None);
        load(None);
    };
    let csv = move || {
        let (from, to) = period.get();
        api::communications_csv_url(&from, &to)
    };
    view! {
        <section class="communications">
            <h1>"Communications"</h1>
            <p class="hint">
                "Calls and messages of the Company's Numbers from the WebApp. National calls and SMS count against each Call Plan's included minutes and SMS of the month; what goes beyond, where the plan prices it, is invoiced on the first day of the next month. Calls and SMS abroad are paid with Credits."
            </p>
            <form class="period-filter" on:submit=show>
                <label>
                    "From "
                    <input type="date" name="from" bind:value=from_input />
                </label>
                <label>
                    " to "
                    <input type="date" name="to" bind:value=to_input />
                </label>
                <button type="submit">"Show"</button>
                <a class="csv" href=csv download>"Download this period (CSV)"</a>
            </form>
            {move || failure.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            {move || {
                (!loading.get() && lines.with(Vec::is_empty) && failure.with(Option::is_none))
                    .then(|| view! { <p class="empty">"No call or message in this period."</p> })
            }}
            {move || {
                (!lines.with(Vec::is_empty))
                    .then(|| view! { <StatementTable lines=Signal::derive(move || lines.get()) /> })
            }}
            {move || {
                (loading.get() && lines.with(Vec::is_empty)).then(|| view! { <p class="loading">"Loading…"</p> })
            }}
            {move || {
                next.get()
                    .map(|before| {
                        view! {
                            <button
                                type="button"
                                class="secondary"
                                disabled=move || loading.get()
                                on:click=move |_| load(Some(before.clone()))
                            >
                                "Show older"
                            </button>
                        }
                    })
            }}
        </section>
    }
}
