//! `/backoffice/companies/:id`: one Company as the provider sees it: its figures, suspensions,
//! Licences, invoices, notices naming a breach, terminations and proof log; and the contract
//! actions on it, each offered to the role whose business it is: suspension and its lifting
//! (SUSP-1) and a trial (TRIAL-1) for support; the notice of 8 days naming a breach (GTCS 6.2.2
//! (ii)) and the termination for fault on a ground chosen from TERM-2's list for billing; the
//! termination without reason (NOTICE-2) for administrators. Each deadline is computed in the
//! browser by the rule the server applies again (`fault_termination_allowed`,
//! `provider_termination`), so the operator sees a refusal or a last day before sending.

use chrono::{NaiveDate, TimeDelta};
use domain::fault::{FaultGround, FaultPrerequisite, FaultRefusal, fault_termination_allowed};
use domain::licence::Licence;
use domain::notice::provider_termination;
use domain::order::long_date as long;
use domain::suspension::SuspensionReason;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::backoffice::{BackOfficeAction, CompanyDetail, OperatorMe, UserFound};
use protocol::late_payment::SuspendForm;
use protocol::licences::LicenceView;
use protocol::terminations::{FaultNoticeForm, FaultTerminationForm};
use protocol::trials::TrialForm;

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
    let may_support = me.role.may(BackOfficeAction::Suspend);
    let may_end = me.role.may(BackOfficeAction::TerminateWithoutReason);
    view! {
        <main>
            <p><a href="/backoffice">"← Back office"</a></p>
            <Loading>
                {move || detail.get().map(|answer| answer.map(|detail| match detail {
                    Some(detail) => view! { <CompanyView detail may_act may_support may_end reload /> }.into_any(),
                    None => view! { <h1>"There is no such Company."</h1> }.into_any(),
                }))}
            </Loading>
        </main>
    }
}

#[component]
fn CompanyView(
    detail: CompanyDetail,
    may_act: bool,
    may_support: bool,
    may_end: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
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
            <dt>"Status"</dt><dd>{company.status.label()}</dd>
            <dt>"Promotional messages (PROMO-1)"</dt><dd>{if company.promotions_opt_out { "Refused" } else { "Accepted" }}</dd>
            <dt>"Licences in force"</dt><dd>{company.licences_in_force}</dd>
            <dt>"Overdue"</dt><dd>{format!("EUR {}", company.overdue)}</dd>
            <dt>"Suspensions in force"</dt><dd>{company.suspensions}</dd>
        </dl>
        <Suspensions detail may_support reload />
        {may_support.then(|| view! { <Trial company_id=company.id reload /> })}
        {may_act.then(|| view! {
            {(!active.is_empty()).then(|| view! { <FaultTermination detail active=active.clone() reload /> })}
            <FaultNotice company_id=company.id reload />
        })}
        <Licences detail may_end reload />
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
    super::reload_after(send, errors, reload);
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
    super::reload_after(send, errors, reload);
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

/// SUSP-1: what is suspended, each lifted by support; the Company or one of its Users (found by
/// name or email) suspended for a reason of the list; and, NUM-3, the Users whose Numbers no
/// longer meet NUM-2, each suspended for that reason in one click. Fees stay due meanwhile.
#[component]
fn Suspensions(
    detail: StoredValue<CompanyDetail>,
    may_support: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let (company_id, suspensions, out_of_territory) = detail.with_value(|detail| {
        (
            detail.company.id,
            detail.suspensions.clone(),
            detail.out_of_territory.clone(),
        )
    });
    let failure = RwSignal::new(None::<String>);
    let done = move |outcome: Result<(), api::ApiError>| match outcome {
        Ok(()) => reload.update(|n| *n += 1),
        Err(error) => failure.set(Some(error.to_string())),
    };
    let reason = RwSignal::new(SuspensionReason::NonPayment.as_str().to_owned());
    let details = RwSignal::new(String::new());
    let company_suspended = suspensions.company.is_some();
    let suspended_users: Vec<i64> = suspensions
        .users
        .iter()
        .filter_map(|suspension| suspension.user_id)
        .collect();
    let in_force: Vec<_> = suspensions
        .company
        .into_iter()
        .chain(suspensions.users)
        .collect();
    let suspend = move |user_id: Option<i64>, reason: SuspensionReason, details: String| {
        failure.set(None);
        let form = SuspendForm { reason, details };
        spawn_local(async move { done(api::suspend(company_id, user_id, &form).await) });
    };
    let chosen = move || SuspensionReason::parse(&reason.get());
    let suspend_company = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(reason) = chosen() {
            suspend(None, reason, details.get());
        }
    };
    let who = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<UserFound>>);
    let find = move |_| {
        failure.set(None);
        let text = who.get();
        spawn_local(async move {
            match api::find_users(company_id, &text).await {
                Ok(users) => found.set(Some(users)),
                Err(error) => failure.set(Some(error.to_string())),
            }
        });
    };
    view! {
        <section>
            <h2>"Suspensions"</h2>
            {move || failure.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            {in_force.is_empty().then(|| view! { <p class="empty">"Nothing is suspended."</p> })}
            <ul class="suspensions">
                {in_force.into_iter().map(|suspension| {
                    let user_id = suspension.user_id;
                    let who = suspension.user_name.clone().unwrap_or_else(|| "The Company".to_owned());
                    view! {
                        <li>
                            {format!(
                                "{who}, since {}: {}{}",
                                long(suspension.suspended_on),
                                suspension.reason_label,
                                if suspension.details.is_empty() { String::new() } else { format!(" ({})", suspension.details) }
                            )}
                            {may_support.then(|| view! {
                                <button type="button" class="secondary" on:click=move |_| {
                                    spawn_local(async move { done(api::lift_suspension(company_id, user_id).await) });
                                }>{format!("Lift: {who}")}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(!out_of_territory.is_empty()).then(|| view! {
                <h3>"Numbers outside their territory (NUM-3)"</h3>
                <ul class="territory">
                    {out_of_territory.into_iter().map(|held| {
                        let numbers: Vec<String> = held.numbers.iter().map(|number| number.e164.clone()).collect();
                        let numbers = numbers.join(", ");
                        let user = held.user;
                        let already = suspended_users.contains(&user.id);
                        let label = format!("Suspend {}: territory no longer met", user.name);
                        let details = format!("Numbers no longer meeting NUM-2: {numbers}");
                        view! {
                            <li>
                                {format!("{} ({}) holds {numbers}", user.name, user.email)}
                                {(may_support && !already).then(|| view! {
                                    <button type="button" class="secondary" on:click=move |_| {
                                        suspend(Some(user.id), SuspensionReason::TerritoryNoLongerMet, details.clone());
                                    }>{label}</button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {may_support.then(|| view! {
                <form class="card" on:submit=suspend_company>
                    <div class="field">
                        <label for="suspension-reason">"Reason (SUSP-1)"</label>
                        <select id="suspension-reason" bind:value=reason>
                            {SuspensionReason::ALL.into_iter().map(|reason| view! {
                                <option value=reason.as_str()>{reason.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="suspension-details">"Details the Company is told"</label>
                        <input id="suspension-details" type="text" bind:value=details />
                    </div>
                    {(!company_suspended).then(|| view! {
                        <button type="submit">"Suspend the Company"</button>
                    })}
                    <div class="field">
                        <label for="suspension-user">"Or one User: part of their name or email"</label>
                        <input id="suspension-user" type="search" bind:value=who />
                    </div>
                    <button type="button" class="secondary" on:click=find>"Find the User"</button>
                    {move || found.get().map(|users| if users.is_empty() {
                        view! { <p class="empty">"No User of this Company matches."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="found">
                                {users.into_iter().map(|user| {
                                    let label = format!("Suspend {}", user.name);
                                    view! {
                                        <li>
                                            {format!("{} ({})", user.name, user.email)}
                                            <button type="button" class="secondary" on:click=move |_| {
                                                if let Some(reason) = chosen() {
                                                    suspend(Some(user.id), reason, details.get());
                                                }
                                            }>{label}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                </form>
            })}
        </section>
    }
}

/// TRIAL-1: a trial offered to the Company until its last day, converting or not.
#[component]
fn Trial(company_id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let last_day = RwSignal::new(String::new());
    let converts = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let offer = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(trial_end) = last_day.get().parse::<NaiveDate>() else {
            outcome.set(Some(Err("Choose the trial's last day.".to_owned())));
            return;
        };
        let form = TrialForm {
            trial_end,
            auto_commit: converts.get(),
        };
        spawn_local(async move {
            let sent = api::offer_trial(company_id, &form).await;
            if sent.is_ok() {
                reload.update(|n| *n += 1);
            }
            outcome.set(Some(sent.map_err(|error| error.to_string())));
        });
    };
    view! {
        <section>
            <h2>"Trial offer"</h2>
            <form class="card" on:submit=offer>
                <div class="field">
                    <label for="trial-end">"Trial's last day"</label>
                    <input id="trial-end" type="date" bind:value=last_day />
                </div>
                <div class="field checkbox">
                    <input id="trial-converts" type="checkbox" bind:checked=converts />
                    <label for="trial-converts">"Converts into a firm commitment unless cancelled"</label>
                </div>
                <button type="submit">"Offer a trial"</button>
                {move || outcome.get().map(|sent| match sent {
                    Ok(()) => view! { <p class="success" role="status">"The trial is offered: the Company's next Order placed as a trial takes it."</p> }.into_any(),
                    Err(message) => view! { <p class="alert" role="alert">{message}</p> }.into_any(),
                })}
            </form>
        </section>
    }
}

/// The Licences, with how each ends: a notice given (the Company's, NOTICE-1, or the
/// provider's, NOTICE-2), or, for administrators, the provider's termination without reason
/// with the last day `termination.provider` gives for today, shown before it is sent.
#[component]
fn Licences(
    detail: StoredValue<CompanyDetail>,
    may_end: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let (licences, today) = detail.with_value(|detail| (detail.licences.clone(), detail.today));
    let failure = RwSignal::new(None::<String>);
    let end = move |licence_id: i64| {
        spawn_local(async move {
            match api::terminate_without_reason(licence_id).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(error) => failure.set(Some(error.to_string())),
            }
        });
    };
    let ending = move |licence: &LicenceView| match &licence.notice {
        Some(notice) => format!(
            "Ends after {} ({})",
            long(notice.service_last_day),
            if notice.by_provider {
                "the provider's termination"
            } else {
                "the Company's notice"
            }
        )
        .into_any(),
        None if licence.status != "active" => "Ended".into_any(),
        None if may_end => {
            let id = licence.id;
            let last_day = provider_termination(&Licence::new(licence.anchor, licence.term), today)
                .map(|termination| long(termination.service_last_day))
                .unwrap_or_default();
            view! {
                <button type="button" class="secondary" on:click=move |_| end(id)>
                    {format!("End #{id} without reason, after {last_day}")}
                </button>
            }
            .into_any()
        }
        None => "Renews tacitly".into_any(),
    };
    view! {
        <section>
            <h2>"Licences"</h2>
            {move || failure.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            <table class="licences">
                <thead><tr><th>"Licence"</th><th>"Numbers"</th><th>"Term"</th><th>"Since"</th><th>"Status"</th><th>"End"</th></tr></thead>
                <tbody>
                    {licences.into_iter().map(|licence| view! {
                        <tr>
                            <td>{format!("#{}", licence.id)}</td>
                            <td>{licence.numbers}</td>
                            <td>{format!("{} months", licence.term.get())}</td>
                            <td>{long(licence.anchor)}</td>
                            <td>{licence.status.clone()}</td>
                            <td>{ending(&licence)}</td>
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
