//! `/backoffice/companies/:id`: one Company as the provider sees it: its figures, Licences,
//! invoices, notices naming a breach, terminations and proof log; and the contract actions on
//! it: the notice of 8 days naming a breach (GTCS 6.2.2 (ii)) and the termination for fault on a
//! ground chosen from TERM-2's list, checked in the browser by the rule the server applies again
//! (`domain::fault::fault_termination_allowed`) so the operator sees a refusal before sending.

use chrono::{NaiveDate, TimeDelta};
use domain::fault::{FaultGround, FaultPrerequisite, FaultRefusal, fault_termination_allowed};
use domain::order::long_date as long;
use leptos::prelude::*;
use protocol::backoffice::{BackOfficeAction, CompanyDetail, OperatorMe};
use protocol::terminations::{FaultNoticeForm, FaultTerminationForm};

use crate::api;
use crate::components::{FormAlert, FormErrors, Loading};
use crate::params::use_id;

#[component]
pub fn CompanyPage(me: OperatorMe) -> impl IntoView {
    let id = use_id();
    let reload = RwSignal::new(0u32);
    let detail = LocalResource::new(move || {
        reload.track();
        let id = id.get();
        async move {
            match id {
                Some(id) => api::company_detail(id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let may_act = me.role.may(BackOfficeAction::TerminateForFault);
    view! {
        <main>
            <p><a href="/backoffice">"← Back office"</a></p>
            <Loading>
                {move || detail.get().map(|answer| answer.map(|detail| match detail {
                    Some(detail) => view! { <CompanyView detail may_act reload /> }.into_any(),
                    None => view! { <h1>"There is no such Company."</h1> }.into_any(),
                }))}
            </Loading>
        </main>
    }
}

#[component]
fn CompanyView(detail: CompanyDetail, may_act: bool, reload: RwSignal<u32>) -> impl IntoView {
    let company = detail.company.clone();
    let active: Vec<i64> = detail
        .licences
        .iter()
        .filter(|licence| licence.status == "active")
        .map(|licence| licence.id)
        .collect();
    let detail = StoredValue::new(detail);
    view! {
        <h1>{company.legal_name.clone()}</h1>
        <dl class="facts">
            <dt>"Registration number"</dt><dd>{company.registration_number.clone()}</dd>
            <dt>"Licences in force"</dt><dd>{company.licences_in_force}</dd>
            <dt>"Overdue"</dt><dd>{format!("EUR {}", company.overdue)}</dd>
            <dt>"Suspensions in force"</dt><dd>{company.suspensions}</dd>
        </dl>
        {may_act.then(|| view! {
            {(!active.is_empty()).then(|| view! { <FaultTermination detail active=active.clone() reload /> })}
            <FaultNotice company_id=company.id reload />
        })}
        <Licences detail />
        <Invoices detail />
        <Notices detail />
        <Activity detail />
    }
}

/// Whether a termination on `ground` is possible on the server's today, as a sentence.
fn check(detail: &CompanyDetail, ground: FaultGround) -> Result<(), String> {
    let sent = match ground.prerequisite() {
        FaultPrerequisite::None => None,
        FaultPrerequisite::FormalNoticeToPay => detail.unpaid_notice_sent_on,
        FaultPrerequisite::EightDaysNotice => detail
            .fault_notices
            .iter()
            .find(|notice| notice.ground == ground)
            .map(|notice| notice.sent_on),
    };
    fault_termination_allowed(ground, sent, detail.today).map_err(|refusal| match refusal {
        FaultRefusal::NoticeRunning { deadline } => format!(
            "The notice runs until {}: the termination is possible from {}.",
            long(deadline),
            long(deadline + TimeDelta::days(1))
        ),
        FaultRefusal::FormalNoticeMissing => {
            "This ground needs a formal notice to pay, unpaid 8 days later: none is waiting (send it from the overdue queue).".to_owned()
        }
        FaultRefusal::NoticeMissing => {
            "This ground needs a notice naming the breach, 8 days before: send it below first.".to_owned()
        }
    })
}

/// TERM-1, TERM-2: ends a Licence in force on a ground of the list, with the facts the Company
/// is told; the button stays disabled, with the reason, until the ground's notice has run.
#[component]
fn FaultTermination(
    detail: StoredValue<CompanyDetail>,
    active: Vec<i64>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let licence = RwSignal::new(active.first().map(ToString::to_string).unwrap_or_default());
    let ground = RwSignal::new(FaultGround::Unpaid.as_str().to_owned());
    let facts = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let chosen = move || FaultGround::parse(&ground.get());
    let verdict = move || chosen().map(|ground| detail.with_value(|detail| check(detail, ground)));
    let send = Action::new_local(|(licence, form): &(i64, FaultTerminationForm)| {
        let (licence, form) = (*licence, form.clone());
        async move { api::terminate_for_fault(licence, &form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(_)) => reload.update(|n| *n += 1),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let (Some(ground), Ok(licence)) = (chosen(), licence.get().parse::<i64>()) else {
            return;
        };
        send.dispatch((
            licence,
            FaultTerminationForm {
                ground,
                reason: facts.get(),
            },
        ));
    };
    view! {
        <section>
            <h2>"Terminate for fault"</h2>
            <form class="card" on:submit=on_submit novalidate>
                <div class="field">
                    <label for="fault-licence">"Licence"</label>
                    <select id="fault-licence" bind:value=licence>
                        {active.into_iter().map(|id| view! {
                            <option value=id.to_string()>{format!("Licence #{id}")}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="fault-ground">"Ground (GTCS 5.3, 6.2.2)"</label>
                    <select id="fault-ground" bind:value=ground>
                        {FaultGround::ALL.into_iter().map(|ground| view! {
                            <option value=ground.as_str()>{ground.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="fault-facts">"Facts the Company is told"</label>
                    <textarea id="fault-facts" name="reason" bind:value=facts></textarea>
                    <p class="error" role="alert">{move || errors.of("reason")}</p>
                </div>
                <p class="hint" role="status">{move || match verdict() {
                    Some(Ok(())) => "Possible today: the Licence ends today and its remaining instalments fall due at once, increased by 20 %.".to_owned(),
                    Some(Err(reason)) => reason,
                    None => String::new(),
                }}</p>
                <FormAlert errors />
                <button
                    type="submit"
                    disabled=move || send.pending().get() || !matches!(verdict(), Some(Ok(())))
                >"Terminate for fault"</button>
            </form>
        </section>
    }
}

/// GTCS 6.2.2 (ii): the notice naming a breach, emailed to the Managers.
#[component]
fn FaultNotice(company_id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let noticed: Vec<FaultGround> = FaultGround::ALL
        .into_iter()
        .filter(|ground| ground.prerequisite() == FaultPrerequisite::EightDaysNotice)
        .collect();
    let ground = RwSignal::new(noticed[0].as_str().to_owned());
    let facts = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let send = Action::new_local(move |form: &FaultNoticeForm| {
        let form = form.clone();
        async move { api::send_fault_notice(company_id, &form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(_)) => reload.update(|n| *n += 1),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let Some(ground) = FaultGround::parse(&ground.get()) else {
            return;
        };
        send.dispatch(FaultNoticeForm {
            ground,
            reason: facts.get(),
        });
    };
    view! {
        <section>
            <h2>"Notice naming a breach (8 days)"</h2>
            <form class="card" on:submit=on_submit novalidate>
                <div class="field">
                    <label for="notice-ground">"Breach (GTCS 6.2.2 (ii))"</label>
                    <select id="notice-ground" bind:value=ground>
                        {noticed.into_iter().map(|ground| view! {
                            <option value=ground.as_str()>{ground.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="notice-facts">"Facts the Company is told"</label>
                    <textarea id="notice-facts" name="reason" bind:value=facts></textarea>
                    <p class="error" role="alert">{move || errors.of("reason")}</p>
                </div>
                <FormAlert errors />
                <button type="submit" disabled=move || send.pending().get()>"Send the notice"</button>
            </form>
        </section>
    }
}

#[component]
fn Licences(detail: StoredValue<CompanyDetail>) -> impl IntoView {
    let licences = detail.with_value(|detail| detail.licences.clone());
    view! {
        <section>
            <h2>"Licences"</h2>
            <table class="licences">
                <thead><tr><th>"Licence"</th><th>"Numbers"</th><th>"Term"</th><th>"Since"</th><th>"Status"</th></tr></thead>
                <tbody>
                    {licences.into_iter().map(|licence| view! {
                        <tr>
                            <td>{format!("#{}", licence.id)}</td>
                            <td>{licence.numbers}</td>
                            <td>{format!("{} months", licence.term.get())}</td>
                            <td>{long(licence.anchor)}</td>
                            <td>{licence.status}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Invoices(detail: StoredValue<CompanyDetail>) -> impl IntoView {
    let invoices = detail.with_value(|detail| detail.invoices.clone());
    view! {
        <section>
            <h2>"Invoices"</h2>
            <table class="invoices">
                <thead><tr><th>"Invoice"</th><th>"Kind"</th><th>"Issued"</th><th>"Due"</th><th>"Status"</th><th>"Total"</th></tr></thead>
                <tbody>
                    {invoices.into_iter().map(|invoice| view! {
                        <tr>
                            <td>{invoice.number}</td>
                            <td>{invoice.kind.as_str()}</td>
                            <td>{long(invoice.issue_date)}</td>
                            <td>{long(invoice.due_date)}</td>
                            <td>{invoice.status.label()}</td>
                            <td>{format!("EUR {}", invoice.total)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The notices naming a breach and the terminations for fault, as the Company was told.
#[component]
fn Notices(detail: StoredValue<CompanyDetail>) -> impl IntoView {
    let (notices, terminations) =
        detail.with_value(|detail| (detail.fault_notices.clone(), detail.terminations.clone()));
    let remedy_by = |deadline: NaiveDate| format!("remedy by {}", long(deadline));
    view! {
        <section>
            <h2>"Notices and terminations"</h2>
            <ul class="notices">
                {notices.into_iter().map(|notice| view! {
                    <li>{format!(
                        "Notice sent on {}: {} ({}; {})",
                        long(notice.sent_on),
                        notice.ground.label(),
                        notice.reason,
                        remedy_by(notice.deadline)
                    )}</li>
                }).collect_view()}
                {terminations.into_iter().map(|termination| view! {
                    <li>{format!(
                        "Licence #{} terminated on {}{}{}",
                        termination.licence_id,
                        long(termination.service_last_day),
                        termination.ground.map(|ground| format!(" for fault: {}", ground.label())).unwrap_or_default(),
                        termination.invoice_number.map(|number| format!(", billed on invoice {number}")).unwrap_or_default(),
                    )}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The newest entries of the Company's proof log, with their authors.
#[component]
fn Activity(detail: StoredValue<CompanyDetail>) -> impl IntoView {
    let entries = detail.with_value(|detail| detail.activity.entries.clone());
    view! {
        <section>
            <h2>"Proof log"</h2>
            <table class="activity">
                <thead><tr><th>"#"</th><th>"When (UTC)"</th><th>"Who"</th><th>"What"</th><th>"On"</th></tr></thead>
                <tbody>
                    {entries.into_iter().map(|entry| view! {
                        <tr>
                            <td>{entry.seq}</td>
                            <td>{entry.at.get(..16).unwrap_or(&entry.at).replace('T', " ")}</td>
                            <td>{entry.author.unwrap_or_else(|| "System".to_owned())}</td>
                            <td>{entry.action}</td>
                            <td>{entry.subject}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
