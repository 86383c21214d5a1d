//! "Import users from a CSV file": the browser reads the file, checks every row with the domain
//! (`domain::user::ImportCheck`, as the server will) in chunks, showing its progress and yielding
//! to the browser between chunks, lists each rejected row and why, then sends the rows. The
//! server checks them again and answers its own report.

use domain::user::{ImportCheck, ImportRow, RejectedRow, parse_csv};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::users::{ImportMode, ImportRequest};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, js_sys};

use crate::api;

/// Rows checked between two pauses that let the browser draw the progress.
const CHUNK: usize = 500;
/// Rejected rows listed on screen; the rest are counted.
const LISTED: usize = 100;

/// Lets the browser draw and handle input before the next chunk (a `setTimeout(0)`).
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(&resolve);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The text of the file chosen in `input`.
async fn read_file(input: &web_sys::HtmlInputElement) -> Option<(String, String)> {
    let file = input.files()?.get(0)?;
    let text = JsFuture::from(file.text()).await.ok()?.as_string()?;
    Some((file.name(), text))
}

/// What the browser found in the file.
#[derive(Debug, Clone, PartialEq)]
struct Checked {
    file: String,
    rows: Vec<ImportRow>,
    rejected: Vec<RejectedRow>,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Idle,
    Reading,
    Checking { done: usize, total: usize },
    Checked(Checked),
    Failed(String),
}

#[component]
pub fn ImportUsers(existing_emails: Signal<Vec<String>>, on_done: Callback<()>) -> impl IntoView {
    let mode = RwSignal::new(ImportMode::ValidRowsOnly);
    let step = RwSignal::new(Step::Idle);
    let import = Action::new_local(|request: &ImportRequest| {
        let request = request.clone();
        async move { api::import_users(&request).await }
    });
    let sending = import.pending();
    Effect::new(move || {
        if import
            .value()
            .with(|answer| matches!(answer, Some(Ok(report)) if report.created > 0))
        {
            untrack(|| on_done.run(()));
        }
    });
    // Each file gets a number; a slower check of an older file stops when a newer one is chosen.
    let generation = StoredValue::new(0u32);

    let on_change = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        generation.update_value(|n| *n += 1);
        let this = generation.get_value();
        import.clear();
        step.set(Step::Reading);
        let existing = existing_emails.get_untracked();
        spawn_local(async move {
            let Some((file, text)) = read_file(&input).await else {
                step.set(Step::Failed("The file could not be read.".into()));
                return;
            };
            let rows = match parse_csv(&text) {
                Ok(rows) => rows,
                Err(error) => {
                    step.set(Step::Failed(error.to_string()));
                    return;
                }
            };
            let total = rows.len();
            let mut check = ImportCheck::new(existing);
            let mut rejected = Vec::new();
            for (index, chunk) in rows.chunks(CHUNK).enumerate() {
                rejected.extend(chunk.iter().filter_map(|row| check.check(row).err()));
                step.set(Step::Checking {
                    done: (index * CHUNK + chunk.len()).min(total),
                    total,
                });
                yield_to_browser().await;
                if generation.get_value() != this {
                    return;
                }
            }
            step.set(Step::Checked(Checked {
                file,
                rows,
                rejected,
            }));
        });
    };

    let send = move |_| {
        let Step::Checked(checked) = step.get_untracked() else {
            return;
        };
        let request = ImportRequest {
            mode: mode.get_untracked(),
            rows: checked.rows,
        };
        import.dispatch(request);
    };

    let progress = move || match step.get() {
        Step::Idle => ().into_any(),
        Step::Reading => view! { <p class="loading">"Reading the file…"</p> }.into_any(),
        Step::Checking { done, total } => view! {
            <div class="progress">
                <progress max=total value=done></progress>
                <p role="status">{format!("Checked {done} of {total} rows…")}</p>
            </div>
        }
        .into_any(),
        Step::Failed(message) => view! { <p class="alert" role="alert">{message}</p> }.into_any(),
        Step::Checked(checked) => {
            let total = checked.rows.len();
            let rejected = checked.rejected.len();
            let blocked = move || mode.get() == ImportMode::AllOrNothing && rejected > 0;
            let nothing = total == rejected;
            view! {
                <div class="checked">
                    <p role="status">
                        {format!(
                            "{}: {} rows, {} ready to import, {} rejected.",
                            checked.file,
                            total,
                            total - rejected,
                            rejected
                        )}
                    </p>
                    <RejectedRows title="Rejected rows" rows=checked.rejected.clone() />
                    {move || {
                        blocked()
                            .then(|| {
                                view! {
                                    <p class="hint">
                                        "All or nothing: correct the rejected rows and choose the file again, or import only the valid rows."
                                    </p>
                                }
                            })
                    }}
                    <button
                        type="button"
                        on:click=send
                        disabled=move || blocked() || nothing || sending.get() || import.value().with(Option::is_some)
                    >
                        {move || if sending.get() { "Importing…" } else { "Import the users" }}
                    </button>
                </div>
            }
            .into_any()
        }
    };

    let outcome = move || {
        import.value().get().map(|answer| match answer {
            Ok(report) => view! {
                <div class="report">
                    <p role="status" class="notice">
                        {format!("Import done: {} users created and invited.", report.created)}
                    </p>
                    <RejectedRows title="Rows the server rejected" rows=report.rejected />
                </div>
            }
            .into_any(),
            Err(error) => {
                view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any()
            }
        })
    };

    let radio = move |value: ImportMode, id: &'static str, text: &'static str| {
        view! {
            <div class="field checkbox">
                <input
                    type="radio"
                    id=id
                    name="import_mode"
                    prop:checked=move || mode.get() == value
                    on:change=move |_| mode.set(value)
                />
                <label for=id>{text}</label>
            </div>
        }
    };

    view! {
        <section class="card import-users">
            <h2>"Import users from a CSV file"</h2>
            <p class="hint">
                "The first line names the columns: first_name, last_name, email, mobile, residence_country, stable_links (country codes separated by ; or spaces)."
            </p>
            <fieldset>
                <legend>"If some rows are rejected"</legend>
                {radio(ImportMode::ValidRowsOnly, "import-valid-rows", "Import only the valid rows")}
                {radio(ImportMode::AllOrNothing, "import-all-or-nothing", "Import nothing (all or nothing)")}
            </fieldset>
            <div class="field">
                <label for="import-file">"CSV file"</label>
                <input id="import-file" type="file" accept=".csv,text/csv" on:change=on_change />
            </div>
            {progress}
            {outcome}
        </section>
    }
}

/// A list of rejected rows with their reasons (the first [`LISTED`], then a count).
#[component]
fn RejectedRows(title: &'static str, rows: Vec<RejectedRow>) -> impl IntoView {
    if rows.is_empty() {
        return ().into_any();
    }
    let more = rows.len().saturating_sub(LISTED);
    view! {
        <div class="rejected">
            <h3>{title}</h3>
            <ul>
                {rows
                    .into_iter()
                    .take(LISTED)
                    .map(|row| {
                        view! {
                            <li>
                                <strong>{format!("Row {}: ", row.row)}</strong>
                                {row.reasons.join(" ")}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(more > 0).then(|| view! { <p class="hint">{format!("…and {more} more rejected rows.")}</p> })}
        </div>
    }
    .into_any()
}
