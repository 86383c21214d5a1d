//! `/console/activity`: the proof log (PROOF-1), newest first, 50 entries at a time: who did
//! what, when, and the values before and after; a link downloads the whole log with its signed
//! checkpoints, and the signing key's id is shown.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::company::ActivityEntry;
use serde_json::Value;

use crate::api;

#[component]
pub fn ActivityPage() -> impl IntoView {
    let entries = RwSignal::new(Vec::<ActivityEntry>::new());
    let older = RwSignal::new(None::<i64>);
    let loading = RwSignal::new(true);
    let failure = RwSignal::new(None::<String>);
    let key_id = RwSignal::new(None::<String>);
    let load = move |before: Option<i64>| {
        loading.set(true);
        spawn_local(async move {
            match api::activity(before).await {
                Ok(page) => {
                    entries.update(|list| list.extend(page.entries));
                    older.set(page.older);
                    if page.proof_key_id.is_some() {
                        key_id.set(page.proof_key_id);
                    }
                    failure.set(None);
                }
                Err(error) => failure.set(Some(error.to_string())),
            }
            loading.set(false);
        });
    };
    load(None);
    view! {
        <section class="activity">
            <h1>"Activity"</h1>
            <p class="hint">
                "Every change made through the console, with its author and time. The log cannot be altered unnoticed (GTCS 12.5)."
            </p>
            <p class="proof-export">
                <a href="/api/console/activity/export" download="proof-log.json">
                    "Download the proof log"
                </a>
                " (JSON, with its signed checkpoints and the public key, to verify outside the console)"
                {move || {
                    key_id
                        .get()
                        .map(|id| {
                            view! {
                                <span class="hint">
                                    " · signing key "
                                    <code>{id}</code>
                                </span>
                            }
                        })
                }}
            </p>
            {move || failure.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            <table class="activity-log">
                <thead>
                    <tr>
                        <th>"#"</th>
                        <th>"When (UTC)"</th>
                        <th>"Who"</th>
                        <th>"Action"</th>
                        <th>"Subject"</th>
                        <th>"Change"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || entries.get() key=|entry| entry.seq let:entry>
                        <tr>
                            <td>{entry.seq}</td>
                            <td class="when">{when(&entry.at)}</td>
                            <td>{entry.author.clone().unwrap_or_else(|| "System".to_owned())}</td>
                            <td>
                                <code>{entry.action.clone()}</code>
                            </td>
                            <td>{entry.subject.clone()}</td>
                            <td class="change">{change(entry.before.as_deref(), entry.after.as_deref())}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
            {move || {
                (loading.get() && entries.with(Vec::is_empty)).then(|| view! { <p class="loading">"Loading…"</p> })
            }}
            {move || {
                older
                    .get()
                    .map(|before| {
                        view! {
                            <button type="button" class="secondary" disabled=move || loading.get() on:click=move |_| load(Some(before))>
                                "Show older"
                            </button>
                        }
                    })
            }}
        </section>
    }
}

/// `2026-11-15T10:32:05.123456Z` as `2026-11-15 10:32:05`.
fn when(at: &str) -> String {
    match (at.get(..10), at.get(11..19)) {
        (Some(day), Some(time)) => format!("{day} {time}"),
        _ => at.to_owned(),
    }
}

/// A compact account of a change: for two objects, only the keys whose values differ
/// (`key: before → after`); otherwise the values themselves.
fn change(before: Option<&str>, after: Option<&str>) -> String {
    let parse = |text: Option<&str>| text.and_then(|text| serde_json::from_str::<Value>(text).ok());
    match (parse(before), parse(after)) {
        (Some(Value::Object(old)), Some(Value::Object(new))) => {
            let mut keys: Vec<&String> = old.keys().collect();
            keys.extend(new.keys().filter(|key| !old.contains_key(*key)));
            let parts: Vec<String> = keys
                .into_iter()
                .filter(|key| old.get(*key) != new.get(*key))
                .map(|key| format!("{key}: {} → {}", shown(old.get(key)), shown(new.get(key))))
                .collect();
            if parts.is_empty() {
                "no change".to_owned()
            } else {
                parts.join("; ")
            }
        }
        (None, Some(new)) => format!("added {}", compact(&new)),
        (Some(old), None) => format!("removed {}", compact(&old)),
        (Some(old), Some(new)) => format!("{} → {}", compact(&old), compact(&new)),
        (None, None) => String::new(),
    }
}

fn shown(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(text)) if text.is_empty() => "(empty)".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// An object as `key: value, …`; anything else as JSON.
fn compact(value: &Value) -> String {
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(key, value)| format!("{key}: {}", shown(Some(value))))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
