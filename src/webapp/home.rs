//! `/app`: the User's Numbers, each with its Call Plan and this month's usage against what the
//! plan includes, and the Company's Credits that calls and messages abroad can spend.

use leptos::prelude::*;
use leptos_router::components::A;
use protocol::webapp::{AppHome, MyNumber, Usage};

use super::frame::use_webapp;
use crate::components::eur;

#[component]
pub fn AppHomePage() -> impl IntoView {
    let app = use_webapp();
    view! {
        <section class="app-home">
            <h1>"Your Numbers"</h1>
            {move || match app.home() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any(),
                Some(Ok(home)) => view! { <Numbers home /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Numbers(home: AppHome) -> impl IntoView {
    let abroad = home.numbers.iter().any(|number| number.calls_with_credits);
    let credits = if abroad {
        "Calls and messages abroad, and calls to special numbers, are paid with these Credits."
    } else {
        "Your Call Plan does not include calls or messages paid with Credits."
    };
    view! {
        {if home.numbers.is_empty() {
            view! { <p class="empty">"No Number is assigned to you yet. Ask your Manager for one."</p> }
                .into_any()
        } else {
            view! {
                <ul class="my-numbers">
                    {home.numbers.into_iter().map(|number| view! { <NumberCard number /> }).collect_view()}
                </ul>
            }
                .into_any()
        }}
        <div class="card credits-available">
            <p class="figure">{eur(home.credits_available)}</p>
            <p class="label">"Company Credits available"</p>
            <p class="hint">{credits}</p>
        </div>
    }
}

#[component]
fn NumberCard(number: MyNumber) -> impl IntoView {
    let messages = format!("/app/numbers/{}/messages", number.id);
    let calls = format!("/app/numbers/{}/calls", number.id);
    view! {
        <li class="card my-number">
            <h2 class="e164">{number.e164}</h2>
            <p class="plan">{format!("{} plan", number.plan_name)}</p>
            <dl class="usage">
                <dt>"Calls"</dt>
                <dd class="minutes">{minutes(&number.usage)}</dd>
                <dt>"SMS"</dt>
                <dd class="sms">{sms(&number.usage)}</dd>
            </dl>
            <p class="usage-left">{left(&number.usage)}</p>
            {beyond(&number.usage).map(|text| view! { <p class="usage-beyond">{text}</p> })}
            <p class="actions">
                <A href=messages>"Messages"</A>
                <A href=calls>"Calls"</A>
            </p>
        </li>
    }
}

/// "12 minutes used / 1000 included this month"; unlimited plans say so.
pub fn minutes(usage: &Usage) -> String {
    let unit = if usage.minutes_used == 1 {
        "minute"
    } else {
        "minutes"
    };
    match usage.minutes_included {
        Some(included) => format!(
            "{} {unit} used / {included} included this month",
            usage.minutes_used
        ),
        None => format!("{} {unit} used this month (unlimited)", usage.minutes_used),
    }
}

/// "3 SMS used / 500 included this month"; unlimited plans say so.
pub fn sms(usage: &Usage) -> String {
    match usage.sms_included {
        Some(included) => format!(
            "{} SMS used / {included} included this month",
            usage.sms_used
        ),
        None => format!("{} SMS used this month (unlimited)", usage.sms_used),
    }
}

/// PAY-1: "Left this month: 88 minutes and 500 SMS."; unlimited plans say so.
pub fn left(usage: &Usage) -> String {
    let minutes = match usage.minutes_left {
        Some(1) => "1 minute".to_owned(),
        Some(left) => format!("{left} minutes"),
        None => "unlimited minutes".to_owned(),
    };
    let sms = match usage.sms_left {
        Some(left) => format!("{left} SMS"),
        None => "unlimited SMS".to_owned(),
    };
    format!("Left this month: {minutes} and {sms}.")
}

/// PAY-1: what went beyond the plan so far and what it comes to, if anything did: charged on
/// the usage invoice of the first day of next month where the plan prices it.
pub fn beyond(usage: &Usage) -> Option<String> {
    if usage.minutes_beyond == 0 && usage.sms_beyond == 0 {
        return None;
    }
    let mut parts = Vec::new();
    if usage.minutes_beyond > 0 {
        parts.push(match usage.price_per_minute {
            Some(price) => format!("{} minutes at {} each", usage.minutes_beyond, eur(price)),
            None => format!("{} minutes (not charged)", usage.minutes_beyond),
        });
    }
    if usage.sms_beyond > 0 {
        parts.push(match usage.price_per_sms {
            Some(price) => format!("{} SMS at {} each", usage.sms_beyond, eur(price)),
            None => format!("{} SMS (not charged)", usage.sms_beyond),
        });
    }
    Some(format!(
        "Beyond your plan so far: {}; {} excluding VAT, invoiced to your Company on {}.",
        parts.join(" and "),
        eur(usage.charged_so_far),
        usage.period_end
    ))
}
