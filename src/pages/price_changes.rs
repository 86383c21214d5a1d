//! `/console/price-changes`: the price increases announced for the Company's Call Plans
//! (PRICE-4, PRICE-5) with their effective date; for a non-indexed increase, the termination
//! right and its last day, and the termination, checked here with `domain` before it is sent.

use crate::components::eur;

use domain::price_change::{IncreaseTermination, terminate_after_increase};
use leptos::prelude::*;
use protocol::Me;
use protocol::price_changes::{NoticeKind, PriceChangeView};

use crate::api;
use crate::components::Loading;
use crate::session::{Session, use_session};

#[component]
pub fn PriceChangesPage() -> impl IntoView {
    let session = use_session();
    move || match session.get() {
        Session::SignedIn(me) => view! { <PriceChanges me /> }.into_any(),
        _ => ().into_any(),
    }
}

/// What a termination given on `me.today` does, as the server will judge it (PRICE-4, PRICE-5).
fn termination_today(notice: &PriceChangeView, me: &Me) -> Result<IncreaseTermination, String> {
    terminate_after_increase(
        notice.kind.with_previous(notice.previous_indexation),
        notice.informed_on,
        notice.effective_on,
        me.today,
    )
    .map_err(|error| error.to_string())
}

#[component]
fn PriceChanges(me: Me) -> impl IntoView {
    let today = me.today;
    let terminate_now =
        Action::new_local(|notice_id: &i64| api::terminate_after_price_change(*notice_id));
    let sending = terminate_now.pending();
    // Each termination answered reloads the notices.
    let terminated = terminate_now.version();
    let notices = LocalResource::new(move || {
        terminated.track();
        api::price_changes()
    });
    // Why the browser did not send the termination (the same rules as the server's).
    let refused = RwSignal::new(None::<String>);
    let message = move || {
        if let Some(reason) = refused.get() {
            return Some((false, reason));
        }
        terminate_now.value().get().map(|answer| match answer {
            Ok(done) => {
                let last_day = done
                    .termination
                    .map(|termination| termination.service_last_day.to_string())
                    .unwrap_or_default();
                (true, format!(
                    "Termination recorded: the Licences concerned end on {last_day}, before the new price applies."
                ))
            }
            Err(error) => (false, error.to_string()),
        })
    };

    let terminate = move |notice: PriceChangeView, me: Me| {
        terminate_now.clear();
        let refusal = match termination_today(&notice, &me) {
            Ok(IncreaseTermination::OnTime { .. }) => None,
            Ok(IncreaseTermination::TooLate { last_day }) => Some(format!(
                "Too late: the last day to terminate before this increase was {last_day} (10 days before the new price applies, GTCS 5.1)."
            )),
            Ok(IncreaseTermination::NoRight) => {
                Some("A yearly indexation gives no right to terminate (GTCS 5.1).".into())
            }
            Err(reason) => Some(reason),
        };
        if refusal.is_none() {
            terminate_now.dispatch(notice.id);
        }
        refused.set(refusal);
    };

    let me = StoredValue::new(me);
    let list = move || {
        notices.get().map(|answer| {
            answer.map(|list| {
                if list.is_empty() {
                    return view! { <p class="empty">"No price change concerns your Licences."</p> }
                        .into_any();
                }
                list.into_iter()
                    .map(|notice| view! { <NoticeCard notice me=me.get_value() sending terminate /> })
                    .collect_view()
                    .into_any()
            })
        })
    };

    view! {
        <section class="price-changes">
            <h1>"Price changes"</h1>
            <p class="hint">
                {format!("As of {today}. A price increase is announced at least one month before it applies. For an increase not linked to the consumer price index, the Company may terminate the Licences concerned by a notice received at least 10 days before the new price applies (GTCS 5.1).")}
            </p>
            {move || message().map(|(ok, text)| {
                view! { <p class=if ok { "notice-receipt" } else { "alert" } role=if ok { "status" } else { "alert" }>{text}</p> }
            })}
            <Loading>{list}</Loading>
        </section>
    }
}

#[component]
fn NoticeCard<F>(
    notice: PriceChangeView,
    me: Me,
    sending: Memo<bool>,
    terminate: F,
) -> impl IntoView
where
    F: Fn(PriceChangeView, Me) + Copy + 'static,
{
    let kind = match notice.kind {
        NoticeKind::Indexed => "Indexation on the consumer price index",
        NoticeKind::NonIndexed => "Price increase",
    };
    let right = match (
        &notice.termination,
        notice.check.termination_notice_last_day,
    ) {
        (Some(done), _) => format!(
            "Terminated on {}: Licences {} end on {}.",
            done.received_at.get(..10).unwrap_or(&done.received_at),
            done.licence_ids
                .iter()
                .map(|id| format!("#{id}"))
                .collect::<Vec<_>>()
                .join(", "),
            done.service_last_day
        ),
        (None, Some(last_day)) if notice.check.termination_right => {
            format!("You may terminate the Licences concerned until {last_day}.")
        }
        _ => "No termination right (GTCS 5.1).".into(),
    };
    let can_terminate = notice.check.termination_right && notice.termination.is_none();
    let prices = notice
        .prices
        .iter()
        .map(|price| {
            view! {
                <tr>
                    <td>{format!("{}, from {} Number(s)", price.billing, price.min_quantity)}</td>
                    <td>{eur(price.old_unit_price)}</td>
                    <td>{eur(price.unit_price)}</td>
                </tr>
            }
        })
        .collect_view();
    let title = format!("{}: {}", notice.plan_name, kind);
    let heading = title.clone();
    let chosen = notice.clone();
    view! {
        <div class="card price-change" role="region" aria-label=title>
            <h2>{heading}</h2>
            <dl class="facts">
                <dt>"Informed on"</dt>
                <dd>{notice.informed_on.to_string()}</dd>
                <dt>"Effective on"</dt>
                <dd>{notice.effective_on.to_string()}</dd>
                <dt>"Licences concerned"</dt>
                <dd>{notice.licence_ids.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", ")}</dd>
                <dt>"Termination"</dt>
                <dd>{right}</dd>
            </dl>
            <table>
                <thead><tr><th>"Price per Number"</th><th>"Now"</th><th>"From the effective date"</th></tr></thead>
                <tbody>{prices}</tbody>
            </table>
            {can_terminate.then(|| view! {
                <div class="actions">
                    <button
                        type="button"
                        disabled=move || sending.get()
                        on:click=move |_| terminate(chosen.clone(), me.clone())
                    >
                        "Terminate"
                    </button>
                </div>
            })}
        </div>
    }
}
