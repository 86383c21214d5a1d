//! `/console/licences`: each Licence's term, anchor, current period, renewal date and last day to
//! give notice of non-renewal (RENEW-1, NOTICE-1), computed here with `domain` for the server's
//! today; the notice of non-renewal, previewed before it is sent; and a trial's end, with its
//! cancellation (TRIAL-1).

use domain::licence::{Licence, status_on};
use domain::notice::{Termination, non_renewal_notice};
use leptos::prelude::*;
use protocol::Me;
use protocol::licences::LicenceView;

use crate::api;
use crate::components::Loading;
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
    let give_notice = Action::new_local(|licence_id: &i64| api::give_notice(*licence_id));
    // TRIAL-1: the trial cancelled and the server's answer.
    let cancellation = Action::new_local(|licence_id: &i64| {
        let licence_id = *licence_id;
        async move { (licence_id, api::cancel_trial(licence_id).await) }
    });
    // Each notice given or trial cancelled reloads the table.
    let (notices, cancellations) = (give_notice.version(), cancellation.version());
    let licences = LocalResource::new(move || {
        notices.track();
        cancellations.track();
        api::licences()
    });
    // The Licence whose notice is being prepared.
    let preparing = RwSignal::new(None::<LicenceView>);
    let sending = give_notice.pending();
    let receipt = move || match give_notice.value().get() {
        Some(Ok(recorded)) => Some(recorded),
        _ => None,
    };
    let failure = move || match give_notice.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    Effect::new(move || {
        if let Some(Ok(_)) = give_notice.value().get() {
            preparing.set(None);
        }
    });
    let confirm = move |licence_id: i64| {
        give_notice.clear();
        give_notice.dispatch(licence_id);
    };
    // "Give notice" on a row: the panel for that Licence, any earlier receipt gone.
    let prepare = Callback::new(move |licence: LicenceView| {
        give_notice.clear();
        preparing.set(Some(licence));
    });

    let trial_message = move || {
        cancellation.value().get().map(|(licence_id, answer)| match answer {
            Ok(recorded) => (
                true,
                format!(
                    "The trial of Licence #{licence_id} is cancelled (received on {}): it ends with the trial.",
                    recorded.received_on
                ),
            ),
            Err(error) => (false, error.to_string()),
        })
    };
    let cancel_trial = Callback::new(move |licence_id: i64| {
        cancellation.clear();
        cancellation.dispatch(licence_id);
    });

    let me_for_table = StoredValue::new(me.clone());
    let rows = move || {
        licences.get().map(|answer| {
            answer.map(|list| {
                if list.is_empty() {
                    view! { <p class="empty">"No Licence yet: an Order creates one."</p> }
                        .into_any()
                } else {
                    view! { <LicenceTable list me=me_for_table.get_value() prepare cancel_trial /> }
                        .into_any()
                }
            })
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
                    {move || failure().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
                </div>
            }
        })
    };

    let recorded = move || {
        receipt().map(|receipt| {
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
            {move || trial_message().map(|(done, message)| if done {
                view! { <p class="notice-receipt" role="status">{message}</p> }.into_any()
            } else {
                view! { <p class="alert" role="alert">{message}</p> }.into_any()
            })}
            <crate::components::TerminationsSection />
            <Loading>{rows}</Loading>
        </section>
    }
}

#[component]
fn LicenceTable(
    list: Vec<LicenceView>,
    me: Me,
    prepare: Callback<LicenceView>,
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
                Some(notice) if notice.by_provider => view! {
                    <span class="notice-given">
                        {format!(
                            "Terminated by the provider without reason on {} (GTCS 6.2.1); last day of service {}",
                            notice.received_on, notice.service_last_day
                        )}
                    </span>
                }
                .into_any(),
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
                            on:click=move |_| prepare.run(chosen.clone())
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
