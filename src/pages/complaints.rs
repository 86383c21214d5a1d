//! `/console/complaints`: the Company's complaints to the provider's support (DISPUTE-4, GTCS
//! 11). A Manager writes about one of the Company's invoices, one of its Numbers or anything
//! else, and reads, before sending, the day the answer is due (30 working days, computed here by
//! `complaint.answer_due` as the server does again); then each complaint's answer.

use domain::order::long_date as long;
use domain::working_days::complaint_answer_due;
use leptos::prelude::*;
use protocol::complaints::{ComplaintForm, ComplaintView};

use crate::api;
use crate::components::{FormAlert, FormErrors, Loading};
use crate::session::{Session, use_session};

/// Where a complaint stands, in words.
fn standing(complaint: &ComplaintView) -> String {
    match (&complaint.answer, complaint.answered_on) {
        (Some(answer), Some(on)) => format!("Answered on {}: {answer}", long(on)),
        _ => format!(
            "Waiting for the answer, due by {}.",
            long(complaint.answer_due)
        ),
    }
}

#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let open = Action::new_local(|form: &ComplaintForm| {
        let form = form.clone();
        async move { api::open_complaint(&form).await }
    });
    let sent = open.version();
    let complaints = LocalResource::new(move || {
        sent.track();
        api::complaints()
    });
    view! {
        <main>
            <h1>"Support"</h1>
            <p>
                "Write to the provider's support about an invoice, a Number or anything else. The provider answers within 30 working days (GTCS 11)."
            </p>
            <ComplaintFormSection open />
            <section>
                <h2>"Your complaints"</h2>
                <Loading>
                    {move || complaints.get().map(|answer| answer.map(|list| if list.is_empty() {
                        view! { <p class="empty">"No complaint yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="complaints">
                                {list.into_iter().map(|complaint| view! {
                                    <li class="card">
                                        <h3>{format!("{}, written on {}", complaint.about, long(complaint.received_on))}</h3>
                                        <p><q>{complaint.text.clone()}</q></p>
                                        <p class="status">{standing(&complaint)}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }))}
                </Loading>
            </section>
        </main>
    }
}

#[component]
fn ComplaintFormSection(
    open: Action<ComplaintForm, Result<ComplaintView, api::ApiError>>,
) -> impl IntoView {
    let session = use_session();
    let invoices = LocalResource::new(api::invoices);
    let numbers = LocalResource::new(api::numbers);
    let about = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let errors = FormErrors::new();
    Effect::new(move || match open.value().get() {
        Some(Ok(_)) => {
            text.set(String::new());
            about.set(String::new());
        }
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let due = move || match session.get() {
        Session::SignedIn(me) => complaint_answer_due(me.today).ok(),
        _ => None,
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let chosen = about.get_untracked();
        let id_of = |prefix: &str| chosen.strip_prefix(prefix).and_then(|id| id.parse().ok());
        match domain::dispute::validate_complaint_text(&text.get_untracked()) {
            Err(problems) => errors.show_validation(&problems),
            Ok(text) => {
                open.dispatch(ComplaintForm {
                    invoice_id: id_of("invoice:"),
                    number_id: id_of("number:"),
                    text,
                });
            }
        }
    };
    view! {
        <form class="card complaint-form" on:submit=on_submit novalidate>
            <h2>"Write to support"</h2>
            <div class="field">
                <label for="complaint-about">"About"</label>
                <select id="complaint-about" bind:value=about>
                    <option value="">"Anything else"</option>
                    {move || invoices.get().and_then(Result::ok).map(|list| list.into_iter().map(|invoice| view! {
                        <option value=format!("invoice:{}", invoice.id)>{format!("Invoice {}", invoice.number)}</option>
                    }).collect_view())}
                    {move || numbers.get().and_then(Result::ok).map(|list| list.into_iter().map(|number| view! {
                        <option value=format!("number:{}", number.id)>{format!("Number {}", number.e164)}</option>
                    }).collect_view())}
                </select>
            </div>
            <div class="field">
                <label for="complaint-text">"What happened?"</label>
                <textarea id="complaint-text" name="text" rows="4" bind:value=text></textarea>
                <p class="error" id="complaint-text-error" role="alert">{move || errors.of("text")}</p>
            </div>
            <p class="hint">{move || due().map(|due| format!(
                "Sent today, it is answered by {} at the latest.",
                long(due)
            ))}</p>
            <FormAlert errors />
            <button type="submit" class="primary" disabled=move || open.pending().get()>"Send to support"</button>
        </form>
    }
}
