//! The provider's back office (issue 14), its own bundle (`src/bin/backoffice.rs`): Company
//! Users never download it: an operator's set-up through their one-time link, their sign-in
//! with a password and a code from their authenticator app, and the queues of what waits for
//! the provider (overdue invoices and their formal notices, disputes and their decisions).

use domain::order::long_date as long;
use domain::privacy::Decision;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use protocol::backoffice::{
    BackOfficeAction, DataRequestItem, DisputeItem, NewOperator, OperatorMe, OperatorRole,
    OperatorSetup, OperatorSetupForm, OperatorSignIn, OverdueItem, RestitutionItem,
};
use protocol::complaints::{ComplaintAnswer, ComplaintItem};
use protocol::disputes::DisputeDecision;
use protocol::privacy::DataRequestAnswer;

mod catalogue;
mod company;
mod services;

use crate::api;
use crate::bundle::Bundle;
use crate::components::{FormAlert, FormErrors, Loading, TextField};
use crate::params::use_token;

/// Who is signed in to the back office.
#[derive(Debug, Clone, PartialEq)]
enum OperatorSession {
    Loading,
    SignedOut,
    SignedIn(OperatorMe),
}

#[component]
pub fn BackOfficeRoot() -> impl IntoView {
    provide_context(Bundle::BackOffice);
    let session = RwSignal::new(OperatorSession::Loading);
    provide_context(session);
    spawn_local(async move {
        let me = api::operator().await.ok().flatten();
        session.set(me.map_or(OperatorSession::SignedOut, OperatorSession::SignedIn));
    });
    view! {
        <Router>
            <header class="topbar">
                <a class="brand" href="/backoffice">"Numbers back office"</a>
                {move || match session.get() {
                    OperatorSession::SignedIn(me) => view! {
                        <nav>
                            <span class="who">{format!("{} ({})", me.email, me.role.as_str())}</span>
                            <button type="button" class="secondary" on:click=move |_| {
                                spawn_local(async move {
                                    if api::operator_sign_out().await.is_ok() {
                                        session.set(OperatorSession::SignedOut);
                                    }
                                });
                            }>"Sign out"</button>
                        </nav>
                    }
                        .into_any(),
                    _ => ().into_any(),
                }}
            </header>
            <Routes fallback=|| view! { <main class="narrow"><h1>"Page not found"</h1></main> }>
                <Route path=path!("/backoffice") view=Home />
                <Route path=path!("/backoffice/setup/:token") view=SetupPage />
                <Route path=path!("/backoffice/companies/:id") view=CompanyRoute />
                <Route path=path!("/backoffice/catalogue") view=CatalogueRoute />
            </Routes>
        </Router>
    }
}

/// After each answer of `action`: `reload` bumped when it succeeded, the refusal shown on the
/// form's `errors` otherwise.
fn reload_after<I, O>(
    action: Action<I, Result<O, api::ApiError>>,
    errors: FormErrors,
    reload: RwSignal<u32>,
) where
    I: 'static,
    O: Clone + 'static,
{
    Effect::new(move || match action.value().get() {
        Some(Ok(_)) => reload.update(|n| *n += 1),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
}

fn use_operator_session() -> RwSignal<OperatorSession> {
    expect_context::<RwSignal<OperatorSession>>()
}

/// `/backoffice`: the sign-in, then who is signed in.
#[component]
fn Home() -> impl IntoView {
    let session = use_operator_session();
    move || {
        match session.get() {
        OperatorSession::Loading => {
            view! { <main class="narrow"><p class="loading">"Loading…"</p></main> }.into_any()
        }
        OperatorSession::SignedOut => view! { <SignInPage /> }.into_any(),
        OperatorSession::SignedIn(me) => view! {
            <main>
                <h1>"Back office"</h1>
                <p>{format!("Signed in as {}, of the {} role.", me.email, me.role.as_str())}</p>
                <p><a href="/backoffice/catalogue">"Catalogue: prices, price index, Credits rates, late-payment rates, Numbers pool"</a></p>
                <Queues me=me.clone() />
                <Companies />
                <Proof />
                <services::ServiceDiscontinuations may_announce=me.role.may(BackOfficeAction::DiscontinueService) />
                {me.role.may(BackOfficeAction::ManageOperators).then(|| view! { <Operators /> })}
            </main>
        }
        .into_any(),
    }
    }
}

/// `/backoffice/companies/:id`: a Company's page, once signed in.
#[component]
fn CompanyRoute() -> impl IntoView {
    let session = use_operator_session();
    move || match session.get() {
        OperatorSession::Loading => {
            view! { <main class="narrow"><p class="loading">"Loading…"</p></main> }.into_any()
        }
        OperatorSession::SignedOut => view! { <SignInPage /> }.into_any(),
        OperatorSession::SignedIn(me) => view! { <company::CompanyPage me /> }.into_any(),
    }
}

/// `/backoffice/catalogue`: the catalogue as data (issue 14, point 3), once signed in.
#[component]
fn CatalogueRoute() -> impl IntoView {
    let session = use_operator_session();
    move || match session.get() {
        OperatorSession::Loading => {
            view! { <main class="narrow"><p class="loading">"Loading…"</p></main> }.into_any()
        }
        OperatorSession::SignedOut => view! { <SignInPage /> }.into_any(),
        OperatorSession::SignedIn(me) => view! { <catalogue::CataloguePage me /> }.into_any(),
    }
}

#[component]
fn SignInPage() -> impl IntoView {
    let session = use_operator_session();
    let (email, password, code) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let errors = FormErrors::new();
    let send = Action::new_local(|form: &OperatorSignIn| {
        let form = form.clone();
        async move { api::operator_sign_in(&form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(me)) => session.set(OperatorSession::SignedIn(me)),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        send.dispatch(OperatorSignIn {
            email: email.get(),
            password: password.get(),
            code: code.get(),
        });
    };
    view! {
        <main class="narrow">
            <h1>"Sign in to the back office"</h1>
            <form class="card" on:submit=on_submit novalidate>
                <TextField label=Signal::stored("Email".to_owned()) name="email" value=email errors kind="email" autocomplete="username" />
                <TextField label=Signal::stored("Password".to_owned()) name="password" value=password errors kind="password" autocomplete="current-password" />
                <TextField
                    label=Signal::stored("Code from your authenticator app".to_owned())
                    name="code"
                    value=code
                    errors
                    autocomplete="one-time-code"
                    hint="The six digits your app shows now."
                />
                <FormAlert errors />
                <button type="submit" disabled=move || send.pending().get()>"Sign in"</button>
            </form>
        </main>
    }
}

/// `/backoffice/setup/:token`: a new operator's authenticator and password.
#[component]
fn SetupPage() -> impl IntoView {
    let token = use_token();
    let setup = LocalResource::new(move || {
        let token = token.get();
        async move { api::operator_setup(&token).await }
    });
    move || match setup.get() {
        None => view! { <main class="narrow"><p class="loading">"Loading…"</p></main> }.into_any(),
        Some(Err(error)) => view! {
            <main class="narrow">
                <h1>"Set up your access"</h1>
                <p class="alert" role="alert">{error.to_string()}</p>
            </main>
        }
        .into_any(),
        Some(Ok(found)) => {
            view! { <SetupForm token=token.get_untracked() setup=found /> }.into_any()
        }
    }
}

#[component]
fn SetupForm(token: String, setup: OperatorSetup) -> impl IntoView {
    let (password, code) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = FormErrors::new();
    let token = StoredValue::new(token);
    let send = Action::new_local(move |form: &OperatorSetupForm| {
        let form = form.clone();
        async move { api::complete_operator_setup(&token.get_value(), &form).await }
    });
    Effect::new(move || {
        if let Some(Err(error)) = send.value().get() {
            errors.show_api_error(&error);
        }
    });
    let done = move || matches!(send.value().get(), Some(Ok(())));
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        send.dispatch(OperatorSetupForm {
            password: password.get(),
            code: code.get(),
        });
    };
    view! {
        <main class="narrow">
            <h1>"Set up your access"</h1>
            <p>{format!("{}, operator of the {} role.", setup.email, setup.role.as_str())}</p>
            {move || if done() {
                view! {
                    <p class="success" role="status">"Your access is set up."</p>
                    <p><a href="/backoffice">"Sign in"</a></p>
                }
                    .into_any()
            } else {
                view! {
                    <form class="card" on:submit=on_submit novalidate>
                        <p>"Add this account to your authenticator app: scan the code, or type the secret."</p>
                        <img class="qr" src=setup.qr_code.clone() alt="QR code of your authenticator's secret" width="200" height="200" />
                        <p class="secret"><code>{setup.secret.clone()}</code></p>
                        <TextField label=Signal::stored("Password".to_owned()) name="password" value=password errors kind="password" autocomplete="new-password" hint="At least 10 characters." />
                        <TextField
                            label=Signal::stored("Code from your authenticator app".to_owned())
                            name="code"
                            value=code
                            errors
                            autocomplete="one-time-code"
                        />
                        <FormAlert errors />
                        <button type="submit" disabled=move || send.pending().get()>"Set up"</button>
                    </form>
                }
                    .into_any()
            }}
        </main>
    }
}

/// What waits for the provider, oldest first: overdue invoices, disputes, complaints and
/// data-rights requests (the earliest due first) and claims for restitution. The actions an
/// operator's role does not take are not offered (the server refuses them anyway).
#[component]
fn Queues(me: OperatorMe) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let overdue = LocalResource::new(move || {
        reload.track();
        api::overdue_queue()
    });
    let disputes = LocalResource::new(move || {
        reload.track();
        api::disputes_queue()
    });
    let failure = RwSignal::new(None::<String>);
    let done = move |outcome: Result<(), api::ApiError>| match outcome {
        Ok(()) => {
            failure.set(None);
            reload.update(|n| *n += 1);
        }
        Err(error) => failure.set(Some(error.to_string())),
    };
    let complaints = LocalResource::new(move || {
        reload.track();
        api::complaints_queue()
    });
    let claims = LocalResource::new(move || {
        reload.track();
        api::restitution_queue()
    });
    let requests = LocalResource::new(move || {
        reload.track();
        api::data_requests_queue()
    });
    let may_answer_requests = me.role.may(BackOfficeAction::AnswerDataRequest);
    let may_notice = me.role.may(BackOfficeAction::SendFormalNotice);
    let may_decide = me.role.may(BackOfficeAction::DecideDispute);
    let may_answer = me.role.may(BackOfficeAction::AnswerComplaint);
    view! {
        {move || failure.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
        <QueueSection title="Overdue invoices" empty="No invoice is overdue." items=overdue list={move |items: Vec<OverdueItem>| {
            view! {
            <table class="queue overdue-queue">
                <thead><tr>
                    <th>"Company"</th><th>"Invoice"</th><th>"Due"</th><th>"Days late"</th>
                    <th>"Penalty so far"</th><th>"Formal notice"</th>
                </tr></thead>
                <tbody>
                    {items.into_iter().map(|item| {
                        let invoice = item.invoice_id;
                        let late = item.late.clone();
                        view! {
                            <tr>
                                <td><a href=format!("/backoffice/companies/{}", item.company_id)>{item.company_name.clone()}</a></td>
                                <td>{format!("{} (EUR {})", item.invoice_number, item.total)}</td>
                                <td>{long(item.due_date)}</td>
                                <td>{late.as_ref().map(|late| late.days_late.to_string())}</td>
                                <td>{late.map(|late| match late.penalty {
                                    Some(penalty) => format!("EUR {penalty} + EUR {} indemnity", late.indemnity),
                                    None => late.rates_missing.unwrap_or_default(),
                                })}</td>
                                <td>{match item.formal_notice {
                                    Some(notice) => format!(
                                        "Sent on {}; pay by {}",
                                        long(notice.sent_on),
                                        long(notice.deadline)
                                    ).into_any(),
                                    None if may_notice => view! {
                                        <button type="button" on:click=move |_| {
                                            spawn_local(async move { done(api::send_formal_notice(invoice).await) });
                                        }>"Send a formal notice"</button>
                                    }.into_any(),
                                    None => "Not sent".into_any(),
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            }.into_any()
        }} />
        <QueueSection title="Disputes" empty="No dispute waits for a decision." items=disputes list={move |items: Vec<DisputeItem>| {
            view! {
            <ul class="queue dispute-queue">
                {items.into_iter().map(|item| view! {
                    <li><DisputeCard item may_decide done /></li>
                }).collect_view()}
            </ul>
            }.into_any()
        }} />
        <QueueSection title="Complaints" empty="No complaint waits for an answer." items=complaints list={move |items: Vec<ComplaintItem>| {
            view! {
            <ul class="queue complaint-queue">
                {items.into_iter().map(|item| view! {
                    <li><ComplaintCard item may_answer done /></li>
                }).collect_view()}
            </ul>
            }.into_any()
        }} />
        <QueueSection title="Data-rights requests" empty="No data-rights request waits for its answer." items=requests list={move |items: Vec<DataRequestItem>| {
            view! {
            <ul class="queue data-request-queue">
                {items.into_iter().map(|item| view! {
                    <li><DataRequestCard item may_answer=may_answer_requests done /></li>
                }).collect_view()}
            </ul>
            }.into_any()
        }} />
        <QueueSection title="Claims for restitution" empty="No claim for restitution waits for a decision." items=claims list={move |items: Vec<RestitutionItem>| {
            view! {
            <ul class="queue restitution-queue">
                {items.into_iter().map(|item| view! {
                    <li><RestitutionCard item may_decide done /></li>
                }).collect_view()}
            </ul>
            }.into_any()
        }} />
    }
}

/// One dispute: what the Company wrote, and the decision (an amount to credit, or a reason).
#[component]
fn DisputeCard(
    item: DisputeItem,
    may_decide: bool,
    done: impl Fn(Result<(), api::ApiError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = item.dispute_id;
    let decide = move |decision: DisputeDecision| {
        spawn_local(async move { done(api::decide_dispute(id, &decision).await) });
    };
    view! {
        <article class="card">
            <h3>{format!("{}: invoice {} (EUR {})", item.company_name, item.invoice_number, item.invoice_total)}</h3>
            <p>{format!("Opened on {}: “{}”", long(item.opened_on), item.justification)}</p>
            {may_decide.then(|| view! {
                <DecisionForm key=format!("dispute-{id}") amount=item.invoice_total decide />
            })}
        </article>
    }
}

/// DISPUTE-3: one claim for restitution of a paid invoice, and its decision as a dispute's.
#[component]
fn RestitutionCard(
    item: RestitutionItem,
    may_decide: bool,
    done: impl Fn(Result<(), api::ApiError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = item.claim_id;
    let decide = move |decision: DisputeDecision| {
        spawn_local(async move { done(api::decide_restitution(id, &decision).await) });
    };
    view! {
        <article class="card">
            <h3>
                <a href=format!("/backoffice/companies/{}", item.company_id)>{item.company_name}</a>
                {format!(": invoice {} (EUR {})", item.invoice_number, item.invoice_total)}
            </h3>
            <p>{format!(
                "Paid on {}, claimed on {}: “{}”",
                item.paid_on.map(long).unwrap_or_default(),
                long(item.claimed_on),
                item.reason
            )}</p>
            {may_decide.then(|| view! {
                <DecisionForm key=format!("claim-{id}") amount=item.creditable decide />
            })}
        </article>
    }
}

/// The provider's decision on a dispute or a claim: accept with a credit note of an amount (at
/// first `amount`, the most it may be), or refuse with the reason the Manager reads.
#[component]
fn DecisionForm<F>(key: String, amount: domain::Money, decide: F) -> impl IntoView
where
    F: Fn(DisputeDecision) + Copy + Send + Sync + 'static,
{
    let amount = RwSignal::new(amount.to_string());
    let reason = RwSignal::new(String::new());
    let (amount_id, reason_id) = (format!("amount-{key}"), format!("reason-{key}"));
    view! {
        <div class="decision">
            <label for=amount_id.clone()>"Credit note (EUR, VAT included)"</label>
            <input id=amount_id type="text" inputmode="decimal" bind:value=amount />
            <button type="button" on:click=move |_| {
                let amount = amount.get().trim().parse().ok();
                decide(DisputeDecision { accept: true, amount, reason: None });
            }>"Accept"</button>
            <label for=reason_id.clone()>"Reason for refusing"</label>
            <input id=reason_id type="text" bind:value=reason />
            <button type="button" class="secondary" on:click=move |_| {
                decide(DisputeDecision { accept: false, amount: None, reason: Some(reason.get()) });
            }>"Refuse"</button>
        </div>
    }
}

/// A queue: its heading, the sentence when nothing waits, else its items as `list` shows them.
#[component]
fn QueueSection<T, L>(
    title: &'static str,
    empty: &'static str,
    items: LocalResource<Result<Vec<T>, api::ApiError>>,
    list: L,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    L: Fn(Vec<T>) -> AnyView + Copy + Send + Sync + 'static,
{
    view! {
        <section>
            <h2>{title}</h2>
            <Loading>
                {move || items.get().map(|answer| answer.map(|items| if items.is_empty() {
                    view! { <p class="empty">{empty}</p> }.into_any()
                } else {
                    list(items)
                }))}
            </Loading>
        </section>
    }
}

/// DISPUTE-4: one complaint, its due date, and the answer (support operators).
#[component]
fn ComplaintCard(
    item: ComplaintItem,
    may_answer: bool,
    done: impl Fn(Result<(), api::ApiError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let answer = RwSignal::new(String::new());
    let complaint = item.complaint;
    let id = complaint.id;
    let field = format!("answer-{id}");
    view! {
        <article class="card">
            <h3>
                <a href=format!("/backoffice/companies/{}", item.company_id)>{item.company_name}</a>
                {format!(": {}", complaint.about)}
            </h3>
            <p>{format!("Received on {}, to answer by {}: ", long(complaint.received_on), long(complaint.answer_due))}<q>{complaint.text}</q></p>
            {may_answer.then(|| view! {
                <div class="decision">
                    <label for=field.clone()>"Answer"</label>
                    <textarea id=field rows="3" bind:value=answer></textarea>
                    <button type="button" on:click=move |_| {
                        let form = ComplaintAnswer { answer: answer.get() };
                        spawn_local(async move {
                            done(api::answer_complaint(id, &form).await.map(|_| ()));
                        });
                    }>"Send the answer"</button>
                </div>
            })}
        </article>
    }
}

/// DATA-1: one request, its due date, who at the Company may answer it, and the provider's
/// answer (support operators), granting or refusing with a reason.
#[component]
fn DataRequestCard(
    item: DataRequestItem,
    may_answer: bool,
    done: impl Fn(Result<(), api::ApiError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let decision = RwSignal::new(Decision::Refused.as_str().to_owned());
    let answer = RwSignal::new(String::new());
    let request = item.request;
    let id = request.id;
    let (decision_field, answer_field) = (format!("decision-{id}"), format!("request-answer-{id}"));
    let who = match item.managers_who_may_answer {
        0 => "No other Manager may answer it: the provider does.".to_owned(),
        1 => "1 other Manager of the Company may answer it.".to_owned(),
        many => format!("{many} other Managers of the Company may answer it."),
    };
    view! {
        <article class="card">
            <h3>
                <a href=format!("/backoffice/companies/{}", item.company_id)>{item.company_name}</a>
                {format!(": {}, from {}", request.kind.label(), request.person)}
            </h3>
            <p>{format!(
                "Received on {}, to answer by {}{}. {who}",
                long(request.received_on),
                long(request.due_on),
                if item.overdue { " (overdue)" } else { "" }
            )}</p>
            {(!request.details.is_empty()).then(|| view! { <p><q>{request.details.clone()}</q></p> })}
            {may_answer.then(|| view! {
                <div class="decision">
                    <label for=decision_field.clone()>"Decision"</label>
                    <select id=decision_field bind:value=decision>
                        <option value=Decision::Refused.as_str()>"Refuse, with the reason"</option>
                        <option value=Decision::Granted.as_str()>"Grant"</option>
                    </select>
                    <label for=answer_field.clone()>"Answer to the person"</label>
                    <textarea id=answer_field rows="3" bind:value=answer></textarea>
                    <button type="button" on:click=move |_| {
                        let Some(decision) = Decision::parse(&decision.get()) else { return };
                        let form = DataRequestAnswer { decision, answer: answer.get() };
                        spawn_local(async move {
                            done(api::provider_answers_data_request(id, &form).await.map(|_| ()));
                        });
                    }>"Send the decision"</button>
                </div>
            })}
        </article>
    }
}

/// The Companies, found by name or registration number.
#[component]
fn Companies() -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let found = LocalResource::new(move || {
        let query = search.get();
        async move { api::companies(&query).await }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        search.set(typed.get());
    };
    view! {
        <section>
            <h2>"Companies"</h2>
            <form class="search" on:submit=on_submit>
                <label for="company-search">"Name or registration number"</label>
                <input id="company-search" type="search" bind:value=typed />
                <button type="submit">"Search"</button>
            </form>
            <Loading>
                {move || found.get().map(|answer| answer.map(|items| if items.is_empty() {
                    view! { <p class="empty">"No Company matches."</p> }.into_any()
                } else {
                    view! {
                    <table class="companies">
                        <thead><tr>
                            <th>"Company"</th><th>"Registration"</th><th>"Status"</th><th>"Licences in force"</th>
                            <th>"Overdue"</th><th>"Suspensions"</th><th>"Liability cap (LIAB-1)"</th>
                        </tr></thead>
                        <tbody>
                            {items.into_iter().map(|company| view! {
                                <tr>
                                    <td><a href=format!("/backoffice/companies/{}", company.id)>{company.legal_name}</a></td>
                                    <td>{company.registration_number}</td>
                                    <td>{company.status.label()}</td>
                                    <td>{company.licences_in_force}</td>
                                    <td>{format!("EUR {}", company.overdue)}</td>
                                    <td>{company.suspensions}</td>
                                    <td><LiabilityCell company_id=company.id /></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    }.into_any()
                }))}
            </Loading>
        </section>
    }
}

/// PROOF-1: every Company's proof log checked on demand, as `server verify-proof` does.
#[component]
fn Proof() -> impl IntoView {
    let check = Action::new_local(|_: &()| api::check_proof());
    view! {
        <section>
            <h2>"Proof logs"</h2>
            <button type="button" disabled=move || check.pending().get() on:click=move |_| {
                check.dispatch(());
            }>"Check every proof log"</button>
            {move || check.value().get().map(|outcome| match outcome {
                Ok(report) => view! {
                    <p class=if report.intact { "success" } else { "alert" } role="status">{report.report}</p>
                }.into_any(),
                Err(error) => view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}

/// The provider's operators, and a new one's set-up link (administrators).
#[component]
fn Operators() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let listed = LocalResource::new(move || {
        reload.track();
        api::operators()
    });
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("billing".to_owned());
    let errors = FormErrors::new();
    let add = Action::new_local(|form: &NewOperator| {
        let form = form.clone();
        async move { api::add_operator(&form).await }
    });
    reload_after(add, errors, reload);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let Some(role) = OperatorRole::parse(&role.get()) else {
            return;
        };
        add.dispatch(NewOperator {
            email: email.get(),
            role,
        });
    };
    view! {
        <section>
            <h2>"Operators"</h2>
            {move || listed.get().map(|outcome| match outcome {
                Ok(items) => view! {
                    <ul class="operators">
                        {items.into_iter().map(|operator| view! {
                            <li>{format!(
                                "{} ({}){}",
                                operator.email,
                                operator.role.as_str(),
                                if operator.set_up { "" } else { ", not set up yet" }
                            )}</li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(error) => view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            <form class="card" on:submit=on_submit novalidate>
                <TextField label=Signal::stored("New operator's email".to_owned()) name="email" value=email errors kind="email" />
                <div class="field">
                    <label for="role">"Role"</label>
                    <select id="role" bind:value=role>
                        {OperatorRole::ALL.into_iter().map(|role| view! {
                            <option value=role.as_str()>{role.as_str()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <FormAlert errors />
                <button type="submit" disabled=move || add.pending().get()>"Add the operator"</button>
            </form>
            {move || match add.value().get() {
                Some(Ok(added)) => {
                    let origin = window().location().origin().unwrap_or_default();
                    Some(view! {
                        <p class="success" role="status">
                            "Send this one-time set-up link to the new operator (valid 3 days): "
                            <code class="setup-link">{format!("{origin}{}", added.setup_link)}</code>
                        </p>
                    })
                }
                _ => None,
            }}
        </section>
    }
}

/// LIAB-1: the cap of the provider's liability for a loss the Company claims on a day, from the
/// sums it actually paid in the 6 months before.
#[component]
fn LiabilityCell(company_id: i64) -> impl IntoView {
    let day = RwSignal::new(String::new());
    let compute = Action::new_local(move |on: &String| {
        let on = on.clone();
        async move { api::liability_cap(company_id, &on).await }
    });
    let field = format!("loss-{company_id}");
    view! {
        <form class="inline" on:submit=move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            compute.dispatch(day.get());
        }>
            <label for=field.clone()>"Day of the loss"</label>
            <input id=field type="date" bind:value=day />
            <button type="submit" class="secondary">"Cap"</button>
        </form>
        {move || compute.value().get().map(|outcome| match outcome {
            Ok(found) => view! {
                <p class="liability">{format!(
                    "EUR {}: paid from {} to the day before {}",
                    found.cap,
                    long(found.window_first_day),
                    long(found.loss_date)
                )}</p>
            }.into_any(),
            Err(error) => view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any(),
        })}
    }
}
