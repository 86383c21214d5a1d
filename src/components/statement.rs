//! A statement of communications as a table (PAY-3): the Communications page and each invoice's
//! statement show their lines with it.

use leptos::prelude::*;
use protocol::webapp::{CommunicationLine, Direction, Settlement};

use super::eur;

/// The lines, one row each: date and time, User, Number, correspondent, direction, kind,
/// duration or parts, included or charged, and the amount.
#[component]
pub fn StatementTable(lines: Signal<Vec<CommunicationLine>>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="communications-table">
                <thead>
                    <tr>
                        <th>"When (UTC)"</th>
                        <th>"User"</th>
                        <th>"Number"</th>
                        <th>"Correspondent"</th>
                        <th>"Direction"</th>
                        <th>"Type"</th>
                        <th>"Duration or parts"</th>
                        <th>"Included or charged"</th>
                        <th>"Amount"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        lines
                            .get()
                            .into_iter()
                            .map(|line| view! { <Row line /> })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Row(line: CommunicationLine) -> impl IntoView {
    let amount = match line.settlement {
        Settlement::Charged => eur(line.amount),
        Settlement::Credits => format!("{} (Credits)", eur(line.credits)),
        _ => "—".to_owned(),
    };
    view! {
        <tr class=format!("communication {}", line.kind)>
            <td class="when">{when(&line.at)}</td>
            <td>{line.user_name.unwrap_or_else(|| "—".to_owned())}</td>
            <td>{line.number}</td>
            <td>{line.correspondent}</td>
            <td>{direction_name(line.direction)}</td>
            <td>{kind_name(&line.kind)}</td>
            <td>{extent(line.duration_seconds, line.segments)}</td>
            <td class="settlement">{settlement(line.settlement, line.units_beyond, &line.kind)}</td>
            <td class="amount">{amount}</td>
        </tr>
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

/// "Included", "Charged: 3 minutes beyond the plan", …
fn settlement(settlement: Settlement, beyond: u32, kind: &str) -> String {
    let unit = match (kind, beyond) {
        ("call", 1) => "minute",
        ("call", _) => "minutes",
        _ => "SMS",
    };
    match settlement {
        Settlement::Included => "Included".to_owned(),
        Settlement::Charged => format!("Charged: {beyond} {unit} beyond the plan"),
        Settlement::NotPriced => format!("{beyond} {unit} beyond the plan, not charged"),
        Settlement::Credits => "Paid with Credits".to_owned(),
        Settlement::Free => "—".to_owned(),
    }
}
