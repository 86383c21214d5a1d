//! `/console/licences`: each Licence's term, anchor, current period, renewal date and last day to
//! give notice of non-renewal (RENEW-1, NOTICE-1), computed here with `domain` for the server's
//! today; the notice of non-renewal, previewed before it is sent; and a trial's end, with its
//! cancellation (TRIAL-1).

use domain::licence::{Licence, status_on};
use domain::notice::{Termination, non_renewal_notice};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::Me;
use protocol::licences::{LicenceView, NoticeReceipt};

use crate::api;
use crate::session::{Session, use_session};

#[component]
pub fn LicencesPage() -> impl IntoView {
    let session = use_session();
    move || match session.get() {
        Session::SignedIn(me) => view! { <Licences me /> }.into_any(),
        _ => ().into_any(),
    }
}

/// What a notice given on `me.today` would do (NOTICE-1), as the browser computes it.
fn preview(licence: &LicenceView, me: &Me) -> Result<Termination, String> {
    non_renewal_notice(&Licence::new(licence.anchor, licence.term), me.today)
        .map_err(|error| error.to_string())
}

#[component]
fn Licences(me: Me) -> impl IntoView {
    let today = me.today;
    let licences = LocalResource::new(api::licences);
    // The Licence whose notice is being prepared, and what the server recorded.
    let preparing = RwSignal::new(None::<LicenceView>);
    let receipt = RwSignal::new(None::<NoticeReceipt>);
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);

    let confirm = move |licence_id: i64| {
        sending.set(true);
        failure.set(None);
        spawn_local(async move {
            match api::give_notice(licence_id).await {
                Ok(recorded) => {
                    receipt.set(Some(recorded));
                    preparing.set(None);
                    licences.refetch();
                }
                Err(error) => failure.set(Some(error.to_string())),
            }
            sending.set(false);
        });
    };

    // TRIAL-1: the outcome of a trial cancellation, as the server answered it.
    let trial_message = RwSignal::new(None::<(bool, String)>);
    let cancel_trial = Callback::new(move |licence_id: i64| {
        trial_message.set(None);
        spawn_local(async move {
            match api::cancel_trial(licence_id).await {
                Ok(recorded) => {
                    trial_message.set(Some((
                        true,
                        format!(
                            "The trial of Licence #{licence_id} is cancelled (received on {}): it ends with the trial.",
                            recorded.received_on
                        ),
                    )));
                    licences.refetch();
                }
                Err(error) => trial_message.set(Some((false, error.to_string()))),
            }
        });
    });

    let me_for_table = me.clone();
    let rows = move || {
        licences.get().map(|answer| match answer {
            Err(error) => {
                view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any()
            }
            Ok(list) if list.is_empty() => {
                view! { <p class="empty">"No Licence yet: an Order creates one."</p> }.into_any()
            }
            Ok(list) => {
                view! { <LicenceTable list me=me_for_table.clone() preparing receipt cancel_trial /> }.into_any()
            }
        })
    };

    let me_for_panel = me.clone();
    let panel = move || {
        preparing.get().map(|licence| {
            let id = licence.id;
            let outcome = match preview(&licence, &me_for_panel) {
                Ok(termination) if termination.on_time => format!(
                    "Given today ({today}), this notice is on time: the last day of service will be {}.",
                    termination.service_last_day
                ),
                Ok(termination) => format!(
                    "Given today ({today}), this notice is late (the last day was {}): the Licence renews once more and the last day of service will be {}.",
                    termination.notice_last_day, termination.service_last_day
                ),
                Err(reason) => reason,
            };
            view! {
                <div class="card notice-panel" role="region" aria-label="Notice of non-renewal">
                    <h2>{format!("Notice of non-renewal for Licence #{id}")}</h2>
                    <p class="notice-preview">{outcome}</p>
                    <p class="hint">"A notice cannot be withdrawn or given twice."</p>
                    <div class="actions">
                        <button type="button" disabled=move || sending.get() on:click=move |_| confirm(id)>
                            "Confirm notice"
                        </button>
                        <button type="button" class="secondary" on:click=move |_| preparing.set(None)>
                            "Cancel"
                        </button>
                    </div>
                    {move || failure.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
                </div>
            }
        })
    };

    let recorded = move || {
        receipt.get().map(|receipt| {
            view! {
                <div class="card notice-receipt" role="status">
                    <h2>{format!("Notice recorded for Licence #{}", receipt.licence_id)}</h2>
                    <dl class="facts">
                        <dt>"Received"</dt>
                        <dd>{format!("{} (on {})", receipt.received_at, receipt.received_on)}</dd>
                        <dt>"On time"</dt>
                        <dd>{if receipt.on_time { "Yes" } else { "No: the Licence renews once more" }}</dd>
                        <dt>"Last day of service"</dt>
                        <dd>{receipt.service_last_day.to_string()}</dd>
                    </dl>
                </div>
            }
        })
    };

    view! {
        <section class="licences">
            <h1>"Licences"</h1>
            <p class="hint">
                {format!("Dates as of {today}. Each Licence renews tacitly for the same term unless notice of non-renewal is received by the last day shown (GTCS 6.1).")}
            </p>
            {recorded}
            {panel}
            {move || trial_message.get().map(|(done, message)| if done {
                view! { <p class="notice-receipt" role="status">{message}</p> }.into_any()
            } else {
                view! { <p class="alert" role="alert">{message}</p> }.into_any()
            })}
            <crate::components::TerminationsSection />
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>{rows}</Transition>
        </section>
    }
}

#[component]
fn LicenceTable(
    list: Vec<LicenceView>,
    me: Me,
    preparing: RwSignal<Option<LicenceView>>,
    receipt: RwSignal<Option<NoticeReceipt>>,
    cancel_trial: Callback<i64>,
) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|licence| {
            let schedule = status_on(licence.anchor, licence.term, me.today);
            let (first, last, renewal, notice_last) = match &schedule {
                Ok(status) => (
                    status.current_period.first_day().to_string(),
                    status.current_period.last_day().to_string(),
                    status.renewal_date.to_string(),
                    if status.notice_on_time {
                        status.notice_last_day.to_string()
                    } else {
                        format!(
                            "{} (passed; next: {})",
                            status.notice_last_day, status.next_notice_deadline
                        )
                    },
                ),
                Err(error) => (
                    error.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
            };
            let notice = match &licence.notice {
                Some(notice) => view! {
                    <span class="notice-given">
                        {format!(
                            "Given on {} ({}); last day of service {}",
                            notice.received_on,
                            if notice.on_time { "on time" } else { "late" },
                            notice.service_last_day
                        )}
                    </span>
                }
                .into_any(),
                None if licence.status == "active" => {
                    let chosen = licence.clone();
                    view! {
                        <button
                            type="button"
                            class="secondary"
                            on:click=move |_| {
                                receipt.set(None);
                                preparing.set(Some(chosen.clone()));
                            }
                        >
                            "Give notice"
                        </button>
                    }
                    .into_any()
                }
                None => view! { <span>"Ended"</span> }.into_any(),
            };
            // TRIAL-1: a cancellation counts until the trial's last day included.
            let trial = match &licence.trial {
                None => view! { <span>"No"</span> }.into_any(),
                Some(trial) => {
                    let terms = if trial.auto_commit {
                        "becomes a firm commitment unless cancelled"
                    } else {
                        "ends without commitment"
                    };
                    let summary = format!("Until {} ({terms})", trial.trial_end);
                    match trial.cancelled_on {
                        Some(on) => view! {
                            <span>{format!("{summary}; cancelled on {on}")}</span>
                        }
                        .into_any(),
                        None if licence.status == "active" && me.today <= trial.trial_end => {
                            let id = licence.id;
                            view! {
                                <span>{summary}</span>
                                " "
                                <button type="button" class="secondary" on:click=move |_| cancel_trial.run(id)>
                                    "Cancel the trial"
                                </button>
                            }
                            .into_any()
                        }
                        None => view! { <span>{summary}</span> }.into_any(),
                    }
                }
            };
            view! {
                <tr>
                    <td>{format!("#{}", licence.id)}</td>
                    <td>{licence.term.to_string()}</td>
                    <td>{licence.anchor.to_string()}</td>
                    <td>{first}</td>
                    <td>{last}</td>
                    <td>{renewal}</td>
                    <td>{notice_last}</td>
                    <td>{licence.numbers}</td>
                    <td>{licence.status.clone()}</td>
                    <td>{notice}</td>
                    <td>{trial}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="licence-table">
            <thead>
                <tr>
                    <th>"Licence"</th>
                    <th>"Term"</th>
                    <th>"Anchor date"</th>
                    <th>"Period's first day"</th>
                    <th>"Period's last day"</th>
                    <th>"Renewal date"</th>
                    <th>"Last day to give notice"</th>
                    <th>"Numbers"</th>
                    <th>"Status"</th>
                    <th>"Notice of non-renewal"</th>
                    <th>"Trial"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
