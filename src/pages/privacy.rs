//! Data rights (DATA-1, GTCS 9). `/account/data`, for every person: download everything the
//! product holds about them, correct their profile where they may, send a request (erase,
//! limit, object, withdraw consent) and read its due date and answer. `/console/privacy`, for
//! Managers: the Company's requests, those waiting first, granted or refused with a reason.

use domain::order::long_date as long;
use domain::privacy::{Decision, RequestKind, answer_text, request_details};
use domain::user::{ProfileForm, validate_profile};
use leptos::prelude::*;
use protocol::privacy::{DataRequest, DataRequestAnswer, DataRequestForm, Profile, RequestStatus};

use crate::api;
use crate::bundle::{account, use_part};
use crate::components::{FormAlert, FormErrors, Loading, TextField};

fn label(text: &str) -> Signal<String> {
    Signal::stored(text.to_owned())
}

/// Where a request stands, in words.
fn standing(request: &DataRequest) -> String {
    let on = request
        .answered_on
        .map(|day| format!(" on {}", long(day)))
        .unwrap_or_default();
    let by = request
        .answered_by
        .as_ref()
        .map(|name| format!(" by {name}"))
        .unwrap_or_default();
    let answer = request
        .answer
        .as_ref()
        .filter(|answer| !answer.is_empty())
        .map(|answer| format!(": {answer}"))
        .unwrap_or_default();
    match request.status {
        RequestStatus::Open => format!("Waiting for its answer, due by {}.", long(request.due_on)),
        RequestStatus::Granted => format!("Granted{on}{by}{answer}"),
        RequestStatus::Refused => format!("Refused{on}{by}{answer}"),
    }
}

/// `/account/data`.
#[component]
pub fn YourDataPage() -> impl IntoView {
    view! {
        <main class="narrow">
            <h1>"Your data"</h1>
            <p><a href=account(use_part(), "")>"Back to your account"</a></p>
            <h2>"Download your data"</h2>
            <p>
                "Everything the product holds about you, as a ZIP archive: your account, your messages and calls (CSV), the voicemails left for you and what you did in the console (JSON)."
            </p>
            <p><a class="button" href=api::MY_DATA_EXPORT download>"Download my data"</a></p>
            <ProfileSection />
            <RequestsSection />
        </main>
    }
}

#[component]
fn ProfileSection() -> impl IntoView {
    let loaded = LocalResource::new(api::profile);
    let shown = move || {
        loaded
            .get()
            .map(|answer| answer.map(|profile| view! { <ProfileForm profile /> }))
    };
    view! {
        <h2>"Your profile"</h2>
        <Loading>{shown}</Loading>
    }
}

#[component]
fn ProfileForm(profile: Profile) -> impl IntoView {
    if !profile.may_correct {
        return view! {
            <p>
                {format!(
                    "{} {}, operator mobile {}. Your Company's Managers keep your profile: ask them to correct it.",
                    profile.first_name,
                    profile.last_name,
                    profile.mobile.clone().unwrap_or_else(|| "not given".into()),
                )}
            </p>
        }
        .into_any();
    }
    let first_name = RwSignal::new(profile.first_name);
    let last_name = RwSignal::new(profile.last_name);
    let mobile = RwSignal::new(profile.mobile.unwrap_or_default());
    let errors = FormErrors::new();
    let save = Action::new_local(|form: &ProfileForm| {
        let form = form.clone();
        async move { api::correct_profile(&form).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(saved)) => {
            errors.clear();
            first_name.set(saved.first_name);
            last_name.set(saved.last_name);
            mobile.set(saved.mobile.unwrap_or_default());
        }
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let form = ProfileForm {
            first_name: first_name.get(),
            last_name: last_name.get(),
            mobile: mobile.get(),
        };
        match validate_profile(&form) {
            Ok(_) => {
                errors.clear();
                save.dispatch(form);
            }
            Err(problems) => errors.show_validation(&problems),
        }
    };
    view! {
        <form class="card" on:submit=on_submit novalidate>
            <TextField label=label("First name") name="first_name" value=first_name errors autocomplete="given-name" />
            <TextField label=label("Last name") name="last_name" value=last_name errors autocomplete="family-name" />
            <TextField
                label=label("Operator mobile number")
                name="mobile"
                value=mobile
                errors
                kind="tel"
                autocomplete="tel"
                hint="In international form, e.g. +33 6 12 34 56 78."
            />
            <FormAlert errors />
            <Show when=saved>
                <p class="notice" role="status">"Your profile was corrected."</p>
            </Show>
            <button type="submit" disabled=move || save.pending().get()>"Save my profile"</button>
        </form>
    }
    .into_any()
}

#[component]
fn RequestsSection() -> impl IntoView {
    let send = Action::new_local(|form: &DataRequestForm| {
        let form = form.clone();
        async move { api::open_data_request(&form).await }
    });
    let sent = send.version();
    let loaded = LocalResource::new(move || {
        sent.track();
        api::own_data_requests()
    });
    let kind = RwSignal::new(RequestKind::Objection.as_str().to_owned());
    let details = RwSignal::new(String::new());
    let errors = FormErrors::new();
    Effect::new(move || match send.value().get() {
        Some(Ok(_)) => {
            errors.clear();
            details.set(String::new());
        }
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(chosen) = RequestKind::parse(&kind.get()) else {
            return;
        };
        match request_details(chosen, &details.get()) {
            Ok(details) => {
                errors.clear();
                send.dispatch(DataRequestForm {
                    kind: chosen,
                    details,
                });
            }
            Err(problem) => errors.show_validation(&[problem]),
        }
    };
    let erasure = move || kind.get() == RequestKind::Erasure.as_str();
    let shown = move || {
        loaded.get().map(|answer| {
            answer.map(|requests| {
                if requests.is_empty() {
                    return view! { <p>"You have sent no request."</p> }.into_any();
                }
                view! {
                    <ul class="data-requests">
                        {requests
                            .into_iter()
                            .map(|request| view! {
                                <li>
                                    <strong>{request.kind.label()}</strong>
                                    {format!(", received on {}. ", long(request.received_on))}
                                    <span class="status">{standing(&request)}</span>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })
        })
    };
    view! {
        <h2>"Your requests"</h2>
        <Loading>{shown}</Loading>
        <h3>"Send a request"</h3>
        <form class="card" on:submit=on_submit novalidate>
            <div class="field">
                <label for="kind">"What you ask"</label>
                <select id="kind" name="kind" prop:value=move || kind.get() on:change=move |event| kind.set(event_target_value(&event))>
                    {RequestKind::ALL
                        .into_iter()
                        .map(|option| view! { <option value=option.as_str()>{option.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <Show when=erasure>
                <p class="hint">
                    "Once granted, your name, email and mobile number are replaced by a pseudonym, your own copies of messages, calls and voicemails are deleted and you can no longer log in. Invoices stay as the law requires; the people you wrote to keep their copies."
                </p>
            </Show>
            <div class="field" class:invalid=move || errors.of("details").is_some()>
                <label for="details">"Details"</label>
                <textarea
                    id="details"
                    name="details"
                    rows="3"
                    aria-describedby="details-error"
                    prop:value=move || details.get()
                    on:input=move |event| details.set(event_target_value(&event))
                ></textarea>
                <p class="error" id="details-error" role="alert">{move || errors.of("details")}</p>
            </div>
            <p class="hint">"Your Company answers within one month."</p>
            <FormAlert errors />
            <button type="submit" disabled=move || send.pending().get()>"Send the request"</button>
        </form>
    }
}

/// `/console/privacy`: the Company's data-rights requests.
#[component]
pub fn PrivacyRequestsPage() -> impl IntoView {
    let answered = RwSignal::new(0_u32);
    let loaded = LocalResource::new(move || {
        answered.track();
        api::company_data_requests()
    });
    let shown = move || {
        loaded.get().map(|answer| {
            answer.map(|requests| {
                if requests.is_empty() {
                    return view! { <p>"Nobody has sent a request."</p> }.into_any();
                }
                view! {
                    <ul class="data-requests">
                        {requests
                            .into_iter()
                            .map(|request| view! { <RequestItem request answered /> })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })
        })
    };
    view! {
        <h1>"Privacy requests"</h1>
        <p>
            "DATA-1: each request is answered within one month of its receipt. Granting an erasure erases the person's data at once: their identity becomes a pseudonym, their own copies go, invoices stay."
        </p>
        <Loading>{shown}</Loading>
    }
}

#[component]
fn RequestItem(request: DataRequest, answered: RwSignal<u32>) -> impl IntoView {
    let id = request.id;
    let text = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let send = Action::new_local(move |form: &DataRequestAnswer| {
        let form = form.clone();
        async move { api::answer_data_request(id, &form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(_)) => answered.update(|count| *count += 1),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let decide = move |decision: Decision| match answer_text(decision, &text.get()) {
        Ok(answer) => {
            errors.clear();
            send.dispatch(DataRequestAnswer { decision, answer });
        }
        Err(problem) => errors.show_validation(&[problem]),
    };
    let heading = format!(
        "{}: {}, received on {}",
        request.person,
        request.kind.label(),
        long(request.received_on)
    );
    let open = request.status == RequestStatus::Open;
    let field = format!("answer-{id}");
    view! {
        <li class="card">
            <h2>{heading}</h2>
            {(!request.details.is_empty()).then(|| view! { <p class="details">{request.details.clone()}</p> })}
            <p class="status">{standing(&request)}</p>
            {open.then(|| view! {
                <div class="field" class:invalid=move || errors.of("answer").is_some()>
                    <label for=field.clone()>"Answer (required to refuse)"</label>
                    <textarea
                        id=field.clone()
                        rows="2"
                        prop:value=move || text.get()
                        on:input=move |event| text.set(event_target_value(&event))
                    ></textarea>
                    <p class="error" role="alert">{move || errors.of("answer")}</p>
                </div>
                <FormAlert errors />
                <button type="button" on:click=move |_| decide(Decision::Granted) disabled=move || send.pending().get()>"Grant"</button>
                " "
                <button type="button" class="secondary" on:click=move |_| decide(Decision::Refused) disabled=move || send.pending().get()>"Refuse"</button>
            })}
        </li>
    }
}
