//! `/app/numbers/{id}/calls`: the dialler and the call history of one of the User's Numbers.
//!
//! The dialler classifies the number as it is typed with `domain` (NUM-5, the same functions the
//! server runs): emergency numbers are refused with the instruction to use the phone's operator
//! line, special and international numbers need a Call Plan with Credits, national numbers count
//! against the included minutes. The server decides again, and checks the Credits. The history
//! follows the live events, with each voicemail playable where it was left.

use app_state::call::{CallState, duration_text};
use chrono::NaiveDate;
use domain::call::{CallRefusal, Charging, charging, dial_class, rate_for};
use domain::country::CountryCode;
use domain::dial::{DialClass, to_e164};
use domain::field::without_separators;
use domain::money::Money;
use domain::order::cents;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::webapp::{AppEvent, CallRates, CallStatus, CallView, Direction};
use wasm_bindgen::JsValue;
use web_sys::js_sys::Date;

use super::call_panel::desk;
use super::frame::use_webapp;
use super::home::minutes;
use super::live;
use super::voicemail::VoicemailPlayer;
use crate::api;
use crate::components::eur;
use crate::params::use_id;
use crate::session::{Session, use_session};

/// What the page can show for the Number in its path.
#[derive(Debug, Clone, PartialEq)]
enum Shown {
    Loading,
    Mine(i64),
    /// Not one of the User's Numbers (or no Number at all): shown exactly like a missing one.
    Nothing,
    Failed(String),
}

#[component]
pub fn CallsPage() -> impl IntoView {
    let app = use_webapp();
    let id = use_id();
    let shown = Memo::new(move |_| {
        let Some(id) = id.get() else {
            return Shown::Nothing;
        };
        match app.home() {
            None => Shown::Loading,
            Some(Err(error)) => Shown::Failed(error.to_string()),
            Some(Ok(home)) if home.numbers.iter().any(|number| number.id == id) => Shown::Mine(id),
            Some(Ok(_)) => Shown::Nothing,
        }
    });
    move || match shown.get() {
        Shown::Loading => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Shown::Nothing => view! {
            <section class="calls">
                <h1>"Calls"</h1>
                <p class="empty">"There is nothing here."</p>
            </section>
        }
        .into_any(),
        Shown::Failed(message) => view! { <p class="alert" role="alert">{message}</p> }.into_any(),
        Shown::Mine(number_id) => view! { <NumberCalls number_id /> }.into_any(),
    }
}

/// The dialler and the history of the User's Number `number_id`.
#[component]
fn NumberCalls(number_id: i64) -> impl IntoView {
    let app = use_webapp();
    let to = RwSignal::new(String::new());
    let e164 = move || {
        app.number(number_id)
            .map(|number| number.e164)
            .unwrap_or_default()
    };
    view! {
        <section class="calls">
            <h1>"Calls"</h1>
            <p class="hint">{move || format!("From {}", e164())}</p>
            <Dialler number_id to />
            <h2>"History"</h2>
            <History number_id to />
        </section>
    }
}

/// What the dialler says about the number typed so far, and whether "Call" may be pressed.
#[derive(Debug, Clone, PartialEq)]
struct Verdict {
    class: &'static str,
    line: String,
    allowed: bool,
}

/// What a call paid with Credits is priced with: the Company's available Credits, the rates
/// and the day (the server's today).
struct Pricing<'a> {
    available: Money,
    rates: &'a CallRates,
    today: NaiveDate,
}

/// NUM-5 in the browser, with the server's own functions: the class of `typed` for a Number of
/// `home`, whether the plan allows it, and for a call paid with Credits its rate per started
/// minute and whether the Credits cover the first minute. The server decides again.
fn verdict(
    home: CountryCode,
    typed: &str,
    calls_with_credits: bool,
    included: &str,
    pricing: &Pricing,
) -> Verdict {
    let refused = |class, line: String| Verdict {
        class,
        line,
        allowed: false,
    };
    let class = match dial_class(home, typed) {
        Ok(class) => class,
        Err(refusal) => return refused("invalid", refusal.sentence()),
    };
    let (css, name) = match class {
        DialClass::National => {
            return Verdict {
                class: "national",
                line: format!(
                    "National number: counts against your plan's included minutes. {included}."
                ),
                allowed: true,
            };
        }
        DialClass::Emergency => {
            return refused(
                "emergency",
                "Emergency number: call it from your phone's operator line, not from the WebApp."
                    .to_owned(),
            );
        }
        DialClass::Invalid => return refused("invalid", CallRefusal::Invalid.sentence()),
        DialClass::Special => ("special", "Special number"),
        DialClass::International => ("international", "International number"),
    };
    let destination = to_e164(home, typed)
        .map(|number| number.as_str().to_owned())
        .unwrap_or_else(|| without_separators(typed));
    let rate =
        rate_for(pricing.rates.of(class), &destination, pricing.today).map(|rate| rate.cents);
    let available_cents = cents(pricing.available).unwrap_or(0);
    match charging(class, calls_with_credits, rate, available_cents) {
        Ok(Charging::Credits { cents_per_minute }) => Verdict {
            class: css,
            line: format!(
                "{name}: {} per started minute, paid with your Company's Credits ({} available).",
                eur(Money::from_cents(cents_per_minute)),
                eur(pricing.available)
            ),
            allowed: true,
        },
        Ok(Charging::IncludedMinutes) => Verdict {
            class: css,
            line: format!("{name}: counts against your plan's included minutes. {included}."),
            allowed: true,
        },
        Err(refusal) => refused(css, refusal.sentence()),
    }
}

#[component]
fn Dialler(number_id: i64, to: RwSignal<String>) -> impl IntoView {
    let app = use_webapp();
    let state = desk().state();
    let in_call = move || state.with(CallState::in_call);
    // Placing the call: the desk shows it in the panel; a refusal is said here.
    let place = Action::new_local(move |dialled: &String| {
        let dialled = dialled.clone();
        async move { desk().dial(number_id, dialled).await }
    });
    let placing = place.pending();
    let failure = move || match place.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };

    let session = use_session();
    let verdict = Memo::new(move |_| {
        let typed = to.get();
        if typed.trim().is_empty() {
            return None;
        }
        let number = app.number(number_id)?;
        let home = app.home().and_then(Result::ok)?;
        let pricing = Pricing {
            available: home.credits_available,
            rates: &home.call_rates,
            today: session.with_untracked(Session::today)?,
        };
        Some(verdict(
            number.country,
            &typed,
            number.calls_with_credits,
            &minutes(&number.usage),
            &pricing,
        ))
    });
    let can_call = move || {
        verdict.with(|verdict| verdict.as_ref().is_some_and(|verdict| verdict.allowed))
            && !placing.get()
            && !in_call()
            && app.suspended().is_none()
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if !can_call() {
            return;
        }
        place.clear();
        place.dispatch_local(to.get_untracked().trim().to_owned());
    };

    let line = move || {
        verdict.get().map(|verdict| {
            let refused = if verdict.allowed { "" } else { " refused" };
            let class = format!("dial-class {}{refused}", verdict.class);
            view! { <p class=class id="dial-class" aria-live="polite">{verdict.line}</p> }
        })
    };
    view! {
        <form class="card dialler" on:submit=submit novalidate=true>
            <div class="field">
                <label for="dial-to">"Number to call"</label>
                <input
                    id="dial-to"
                    name="to"
                    type="tel"
                    inputmode="tel"
                    autocomplete="off"
                    aria-describedby="dial-class"
                    on:input=move |_| place.clear()
                    bind:value=to
                />
                {line}
            </div>
            {move || failure().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            <div class="actions">
                <button type="submit" class="call" disabled=move || !can_call()>"Call"</button>
            </div>
        </form>
    }
}

/// The Number's calls, latest first, kept current by the live events.
#[component]
fn History(number_id: i64, to: RwSignal<String>) -> impl IntoView {
    let calls = RwSignal::new(None::<Result<Vec<CallView>, String>>);
    let load = move || {
        spawn_local(async move {
            let loaded = api::call_history(number_id)
                .await
                .map_err(|error| error.to_string());
            // A failed reload keeps the list already shown.
            if loaded.is_ok() || !matches!(calls.get_untracked(), Some(Ok(_))) {
                calls.set(Some(loaded));
            }
        });
    };
    load();
    let subscriptions = [
        live::subscribe(move |event| {
            if let AppEvent::Call { call } = event
                && call.number_id == number_id
            {
                calls.update(|list| {
                    if let Some(Ok(list)) = list {
                        upsert(list, call.clone());
                    }
                });
            }
        }),
        // Events pushed while the socket was closed are lost: read the history again.
        live::on_connected(load),
    ];
    on_cleanup(move || drop(subscriptions));

    move || {
        match calls.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Err(message)) => view! { <p class="alert" role="alert">{message}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="empty call-history">"No call yet."</p> }.into_any()
        }
        Some(Ok(list)) => view! {
            <ul class="call-history">
                <For each=move || list.clone() key=|call| (call.id, call.status, call.voicemail.is_some()) let:call>
                    <CallRow call to />
                </For>
            </ul>
        }
        .into_any(),
    }
    }
}

/// Puts `call` in `list` (latest first): replaces the row of the same call, or adds it on top.
fn upsert(list: &mut Vec<CallView>, call: CallView) {
    match list.iter_mut().find(|each| each.id == call.id) {
        Some(each) => *each = call,
        None => list.insert(0, call),
    }
}

#[component]
fn CallRow(call: CallView, to: RwSignal<String>) -> impl IntoView {
    let missed = call.status == CallStatus::Missed;
    let direction = match call.direction {
        Direction::Outgoing => "Outgoing",
        Direction::Incoming => "Incoming",
    };
    let status = status_word(call.status);
    let extent = call
        .duration_seconds
        .filter(|_| call.answered_at.is_some())
        .map(duration_text);
    let credits = (call.credits > Money::ZERO).then(|| format!("Credits: {}", eur(call.credits)));
    let correspondent = call.correspondent.clone();
    let call_back = move |_| to.set(correspondent.clone());
    view! {
        <li class="call-row" class:missed=missed class:incoming=call.direction == Direction::Incoming>
            <div class="call-main">
                <span class="call-correspondent">{call.correspondent.clone()}</span>
                <span class="call-meta">
                    {direction} " · " <span class="call-state">{status}</span> " · " {local_time(&call.started_at)}
                </span>
            </div>
            <div class="call-figures">
                {extent.map(|extent| view! { <span class="call-duration">{extent}</span> })}
                {credits.map(|credits| view! { <span class="call-cost">{credits}</span> })}
                <button type="button" class="secondary call-back" on:click=call_back>"Call back"</button>
            </div>
            {call.voicemail.map(|voicemail| view! { <VoicemailPlayer voicemail /> })}
        </li>
    }
}

fn status_word(status: CallStatus) -> &'static str {
    match status {
        CallStatus::Ringing => "Ringing",
        CallStatus::Connected => "In progress",
        CallStatus::Ended => "Answered",
        CallStatus::Missed => "Missed",
        CallStatus::Declined => "Declined",
        CallStatus::Failed => "Failed",
    }
}

/// An RFC 3339 instant in the browser's time zone: `2026-05-04 14:03`.
fn local_time(at: &str) -> String {
    let date = Date::new(&JsValue::from_str(at));
    if date.get_time().is_nan() {
        return at.to_owned();
    }
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn rates() -> CallRates {
        let rate = |prefix: &str, cents| domain::call::Rate {
            prefix: prefix.into(),
            cents,
            valid_from: "2026-01-01".parse().unwrap(),
        };
        CallRates {
            special: vec![rate("", 35)],
            international: vec![rate("", 60), rate("+44", 25)],
        }
    }

    fn with(typed: &str, with_credits: bool, available_cents: i64) -> Verdict {
        let rates = rates();
        let pricing = Pricing {
            available: Money::from_cents(available_cents),
            rates: &rates,
            today: "2026-11-27".parse().unwrap(),
        };
        verdict(
            CountryCode::FRANCE,
            typed,
            with_credits,
            "0 minutes used / 100 included this month",
            &pricing,
        )
    }

    fn fr(typed: &str, with_credits: bool) -> Verdict {
        with(typed, with_credits, 1000)
    }

    #[wasm_bindgen_test]
    fn num_5_a_call_abroad_is_priced_and_needs_its_first_minute() {
        let uk = with("+44 20 7946 0958", true, 1000);
        assert!(uk.allowed, "{}", uk.line);
        assert!(
            uk.line.contains("EUR 0.25 per started minute"),
            "{}",
            uk.line
        );
        let short = with("+1 212 555 0100", true, 50);
        assert!(!short.allowed);
        assert!(short.line.contains("top up"), "{}", short.line);
    }

    #[wasm_bindgen_test]
    fn num_5_emergency_numbers_send_to_the_operator_line() {
        let verdict = fr("112", true);
        assert!(!verdict.allowed);
        assert!(verdict.line.contains("operator line"), "{}", verdict.line);
    }

    #[wasm_bindgen_test]
    fn num_5_abroad_needs_a_plan_with_credits() {
        assert!(!fr("+44 20 7946 0958", false).allowed);
        let paid = fr("+44 20 7946 0958", true);
        assert!(
            paid.allowed && paid.line.contains("Credits"),
            "{}",
            paid.line
        );
        assert!(fr("06 12 34 56 78", false).allowed);
        assert!(!fr("06 12", false).allowed);
    }

    #[wasm_bindgen_test]
    fn the_history_replaces_a_call_or_adds_it_on_top() {
        let call = |id, status| CallView {
            id,
            number_id: 1,
            correspondent: "+33612345678".into(),
            direction: Direction::Outgoing,
            class: DialClass::National,
            hosted: true,
            status,
            started_at: "2026-05-04T12:00:00Z".into(),
            answered_at: None,
            ended_at: None,
            duration_seconds: None,
            billed_minutes: 0,
            credits: Money::ZERO,
            voicemail: None,
        };
        let mut list = vec![call(1, CallStatus::Ended)];
        upsert(&mut list, call(2, CallStatus::Ringing));
        upsert(&mut list, call(2, CallStatus::Missed));
        assert_eq!(
            list.iter()
                .map(|call| (call.id, call.status))
                .collect::<Vec<_>>(),
            [(2, CallStatus::Missed), (1, CallStatus::Ended)]
        );
    }
}
