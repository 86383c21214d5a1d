//! `/console/users`: every User Account of the Company. The compact list is loaded once; search,
//! sort and pages are computed in the browser with memos, and only the visible page is drawn,
//! so the table stays smooth with 10,000 users.

use domain::user::validate_user;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::users::UserRow;

use super::fields::{UserFields, UserFormState};
use super::import::ImportUsers;
use crate::api;
use crate::components::{FormAlert, FormErrors};
use crate::marks::mark;
use crate::session::{Session, use_session};

/// Rows per page.
const PAGE_SIZE: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Email,
    Mobile,
    Residence,
    Links,
    Role,
    Status,
}

impl Column {
    const ALL: [(Column, &'static str); 7] = [
        (Column::Name, "Name"),
        (Column::Email, "Email"),
        (Column::Mobile, "Mobile"),
        (Column::Residence, "Residence"),
        (Column::Links, "Stable links"),
        (Column::Role, "Role"),
        (Column::Status, "Status"),
    ];

    /// What the column sorts by, lower-cased so that "dupont" and "Dupont" sit together.
    fn key(self, user: &UserRow) -> String {
        match self {
            Column::Name => format!("{}\u{0}{}", user.last_name, user.first_name).to_lowercase(),
            Column::Email => user.email.clone(),
            Column::Mobile => user.mobile.clone().unwrap_or_default(),
            Column::Residence => user.residence_country.clone().unwrap_or_default(),
            Column::Links => user.stable_links.join(","),
            Column::Role => role(user).to_owned(),
            Column::Status => status(user).to_owned(),
        }
    }
}

fn role(user: &UserRow) -> &'static str {
    if user.is_manager { "Manager" } else { "User" }
}

fn status(user: &UserRow) -> &'static str {
    match (user.active, user.has_password) {
        (false, _) => "Deactivated",
        (true, false) => "Invited",
        (true, true) => "Active",
    }
}

/// "10,000".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Loaded,
    Failed(String),
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let users = RwSignal::new(Vec::<UserRow>::new());
    let load = RwSignal::new(Load::Loading);
    let reload = move || {
        spawn_local(async move {
            match api::users().await {
                Ok(list) => {
                    mark("users-loaded");
                    users.set(list);
                    load.set(Load::Loaded);
                }
                Err(error) => load.set(Load::Failed(error.to_string())),
            }
        })
    };
    reload();

    let query = RwSignal::new(String::new());
    let sort = RwSignal::new((Column::Name, true));
    let page = RwSignal::new(0usize);

    // What a search matches, per user: computed once per list, not per keystroke.
    let haystacks = Memo::new(move |_| {
        users.with(|users| {
            users
                .iter()
                .map(|u| format!("{} {} {}", u.first_name, u.last_name, u.email).to_lowercase())
                .collect::<Vec<_>>()
        })
    });
    // Indices of the users in the chosen order: recomputed only when the list or the sort changes.
    let sorted = Memo::new(move |_| {
        let (column, ascending) = sort.get();
        users.with(|users| {
            let mut order: Vec<usize> = (0..users.len()).collect();
            order.sort_by_cached_key(|&index| column.key(&users[index]));
            if !ascending {
                order.reverse();
            }
            order
        })
    });
    // Indices matching the search, in order: one pass over precomputed text per keystroke.
    let matching = Memo::new(move |_| {
        let words: Vec<String> = query.with(|q| {
            q.to_lowercase()
                .split_whitespace()
                .map(str::to_owned)
                .collect()
        });
        let order = sorted.get();
        if words.is_empty() {
            return order;
        }
        haystacks.with(|texts| {
            order
                .into_iter()
                .filter(|&index| {
                    words
                        .iter()
                        .all(|word| texts[index].contains(word.as_str()))
                })
                .collect()
        })
    });
    let pages = Memo::new(move |_| matching.with(Vec::len).div_ceil(PAGE_SIZE).max(1));
    let current = Memo::new(move |_| page.get().min(pages.get() - 1));
    let visible = Memo::new(move |_| {
        let start = current.get() * PAGE_SIZE;
        matching.with(|order| {
            users.with(|users| {
                order
                    .iter()
                    .skip(start)
                    .take(PAGE_SIZE)
                    .map(|&index| users[index].clone())
                    .collect::<Vec<_>>()
            })
        })
    });

    let summary = move || {
        let total = users.with(Vec::len);
        let found = matching.with(Vec::len);
        if query.with(|q| q.trim().is_empty()) {
            format!(
                "{} {}",
                thousands(total),
                if total == 1 { "user" } else { "users" }
            )
        } else {
            format!(
                "{} of {} users match “{}”",
                thousands(found),
                thousands(total),
                query.get().trim()
            )
        }
    };

    // Marks the moment the first page of a loaded list is on screen: the measuring script reads it.
    let marked = StoredValue::new(false);
    Effect::new(move || {
        if load.get() == Load::Loaded && !visible.with(Vec::is_empty) && !marked.get_value() {
            marked.set_value(true);
            mark("users-rendered");
        }
    });

    let header = move |(column, name): (Column, &'static str)| {
        let aria = move || match sort.get() {
            (sorted_by, true) if sorted_by == column => "ascending",
            (sorted_by, false) if sorted_by == column => "descending",
            _ => "none",
        };
        let on_click = move |_| {
            sort.update(|(by, ascending)| {
                if *by == column {
                    *ascending = !*ascending;
                } else {
                    *by = column;
                    *ascending = true;
                }
            });
            page.set(0);
        };
        view! {
            <th aria-sort=aria>
                <button type="button" class="sort" on:click=on_click>{name}</button>
            </th>
        }
    };

    let existing_emails =
        Signal::derive(move || users.with(|users| users.iter().map(|u| u.email.clone()).collect()));
    let on_added = Callback::new(move |user: UserRow| {
        users.update(|users| users.push(user));
    });

    view! {
        <section class="users">
            <h1>"Users"</h1>
            <p class="hint">
                "Each new user gets an invitation email to choose a password. "
                <a href="/console/outbox">"See the outbox"</a>
            </p>
            {move || match load.get() {
                Load::Loading => view! { <p class="loading">"Loading the users…"</p> }.into_any(),
                Load::Failed(message) => view! { <p class="alert" role="alert">{message}</p> }.into_any(),
                Load::Loaded => ().into_any(),
            }}
            <div class="toolbar">
                <div class="field search">
                    <label for="user-search">"Search users"</label>
                    <input
                        id="user-search"
                        type="search"
                        placeholder="Name or email"
                        autocomplete="off"
                        prop:value=move || query.get()
                        on:input=move |event| {
                            query.set(event_target_value(&event));
                            page.set(0);
                        }
                    />
                </div>
                <p class="summary" aria-live="polite">{summary}</p>
            </div>
            <div class="table-scroll">
                <table class="users-table">
                    <thead>
                        <tr>{Column::ALL.into_iter().map(header).collect_view()}</tr>
                    </thead>
                    <tbody>
                        {move || {
                            visible
                                .get()
                                .into_iter()
                                .map(|user| {
                                    let href = format!("/console/users/{}", user.id);
                                    view! {
                                        <tr class:inactive=!user.active>
                                            <td>
                                                <a href=href>{format!("{} {}", user.first_name, user.last_name)}</a>
                                                <crate::components::SuspendedBadge user_id=user.id />
                                            </td>
                                            <td>{user.email.clone()}</td>
                                            <td>{user.mobile.clone().unwrap_or_default()}</td>
                                            <td>{user.residence_country.clone().unwrap_or_default()}</td>
                                            <td>{user.stable_links.join(", ")}</td>
                                            <td>{role(&user)}</td>
                                            <td>{status(&user)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
            <nav class="pager" aria-label="Pages">
                <button
                    type="button"
                    class="secondary"
                    disabled=move || current.get() == 0
                    on:click=move |_| page.set(current.get().saturating_sub(1))
                >
                    "Previous page"
                </button>
                <span>{move || format!("Page {} of {}", current.get() + 1, pages.get())}</span>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || { current.get() + 1 >= pages.get() }
                    on:click=move |_| page.set(current.get() + 1)
                >
                    "Next page"
                </button>
            </nav>
            <AddUser on_added />
            <ImportUsers existing_emails on_done=Callback::new(move |()| reload()) />
        </section>
    }
}

/// "Add a user": checked by `domain::user::validate_user` before sending.
#[component]
fn AddUser(on_added: Callback<UserRow>) -> impl IntoView {
    let state = UserFormState::new();
    // New Users most often live where the Company is billed: the form starts there.
    let home = use_session()
        .with_untracked(Session::billing_country)
        .unwrap_or_default();
    let reset = move || {
        state.clear();
        state.residence_country.set(home.clone());
    };
    reset();
    let errors = FormErrors::new();
    let attempted = RwSignal::new(false);
    let added = RwSignal::new(None::<String>);
    Effect::new(move || {
        if attempted.get() {
            match validate_user(&state.form()) {
                Ok(_) => errors.clear(),
                Err(found) => errors.show_validation(&found),
            }
        }
    });
    let send = Action::new_local(|form: &protocol::users::UserForm| {
        let form = form.clone();
        async move { api::create_user(&form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(user)) => {
            added.set(Some(format!(
                "{} {} was added and invited by email.",
                user.first_name, user.last_name
            )));
            attempted.set(false);
            reset();
            errors.clear();
            on_added.run(user);
        }
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        attempted.set(true);
        added.set(None);
        match validate_user(&state.form()) {
            Ok(_) => {
                send.dispatch(state.form());
            }
            Err(found) => errors.show_validation(&found),
        }
    };
    view! {
        <form class="card add-user" on:submit=on_submit novalidate>
            <h2>"Add a user"</h2>
            <UserFields state errors />
            <FormAlert errors />
            {move || added.get().map(|message| view! { <p class="notice" role="status">{message}</p> })}
            <button type="submit" disabled=move || send.pending().get()>
                {move || if send.pending().get() { "Adding…" } else { "Add the user" }}
            </button>
        </form>
    }
}
