//! `/console/communications`: the Company's statement of communications, newest first: every
//! call and message of its Numbers made from the WebApp, who held the Number, how long or how
//! many parts, and the Credits each one cost.

use leptos::prelude::*;
use protocol::webapp::{CommunicationLine, Direction};

use crate::api;
use crate::components::eur;

#[component]
pub fn CommunicationsPage() -> impl IntoView {
    let lines = LocalResource::new(api::communications);
    let statement = move || {
        lines.get().map(|answer| match answer {
            Err(error) => {
                view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any()
            }
            Ok(lines) if lines.is_empty() => {
                view! { <p class="empty">"No call or message yet."</p> }.into_any()
            }
            Ok(lines) => view! { <Statement lines /> }.into_any(),
        })
    };
    view! {
        <section class="communications">
            <h1>"Communications"</h1>
            <p class="hint">
                "Calls and messages of the Company's Numbers from the WebApp. National calls and SMS count against each Call Plan's included minutes and SMS; calls and SMS paid with Credits show what they cost."
            </p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>{statement}</Transition>
        </section>
    }
}

#[component]
fn Statement(lines: Vec<CommunicationLine>) -> impl IntoView {
    let rows = lines
        .into_iter()
        .map(|line| {
            view! {
                <tr class=format!("communication {}", line.kind)>
                    <td class="when">{when(&line.at)}</td>
                    <td>{kind_name(&line.kind)}</td>
                    <td>{line.number}</td>
                    <td>{line.user_name.unwrap_or_else(|| "—".to_owned())}</td>
                    <td>{direction_name(line.direction)}</td>
                    <td>{line.correspondent}</td>
                    <td>{extent(line.duration_seconds, line.segments)}</td>
                    <td>{eur(line.credits)}</td>
                    <td>{status_name(&line.status)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="communications-table">
                <thead>
                    <tr>
                        <th>"When (UTC)"</th>
                        <th>"Type"</th>
                        <th>"Number"</th>
                        <th>"User"</th>
                        <th>"Direction"</th>
                        <th>"Correspondent"</th>
                        <th>"Duration or parts"</th>
                        <th>"Credits"</th>
                        <th>"Status"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// `2026-11-15T10:32:05.123456Z` as `2026-11-15 10:32`.
fn when(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time}"),
        _ => at.to_owned(),
    }
}

fn kind_name(kind: &str) -> String {
    match kind {
        "call" => "Call".to_owned(),
        "sms" => "SMS".to_owned(),
        "mms" => "MMS".to_owned(),
        other => other.to_owned(),
    }
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Outgoing => "Outgoing",
        Direction::Incoming => "Incoming",
    }
}

/// A call's duration (`m:ss`) or a message's parts.
fn extent(duration_seconds: Option<u32>, segments: Option<u32>) -> String {
    match (duration_seconds, segments) {
        (Some(seconds), _) => format!("{}:{:02}", seconds / 60, seconds % 60),
        (None, Some(1)) => "1 part".to_owned(),
        (None, Some(parts)) => format!("{parts} parts"),
        (None, None) => "—".to_owned(),
    }
}

/// The wire status (`ended`, `delivered`, …) as a word with a capital.
fn status_name(status: &str) -> String {
    let mut letters = status.chars();
    match letters.next() {
        Some(first) => first.to_uppercase().chain(letters).collect(),
        None => String::new(),
    }
}
