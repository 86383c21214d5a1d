//! `/console/numbers`: the Company's Numbers, who holds each (NUM-1), a User picker that says
//! before sending when a User cannot take a Number (NUM-2, with `domain`), and releasing a Number
//! once its Licence has ended (NUM-4, decided by the server).

use domain::number::{check_assignable_to, refusal_reason, territory_hint};
use leptos::prelude::*;
use protocol::numbers::{AssignableUser, NumberView};

use crate::api;
use crate::components::Loading;

/// What a row asks for its Number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Assign { user_id: i64 },
    Unassign,
    Release,
}

/// A change sent for a Number: the Number's id and what the server answered.
type ChangeAction = Action<(i64, Change), (i64, Result<(), api::ApiError>)>;

#[component]
pub fn NumbersPage() -> impl IntoView {
    let change: ChangeAction =
        Action::new_local(|&(number_id, change): &(i64, Change)| async move {
            let done = match change {
                Change::Assign { user_id } => {
                    api::assign_number(number_id, user_id).await.map(drop)
                }
                Change::Unassign => api::unassign_number(number_id).await.map(drop),
                Change::Release => api::release_number(number_id).await,
            };
            (number_id, done)
        });
    // Each change answered reloads the table.
    let changed = change.version();
    let numbers = LocalResource::new(move || {
        changed.track();
        api::numbers()
    });
    let users = LocalResource::new(api::assignable_users);
    let table = move || {
        let (list, users) = (numbers.get()?, users.get()?);
        let both = list.and_then(|list| users.map(|users| (list, users)));
        Some(both.map(|(list, users)| {
            if list.is_empty() {
                return view! { <p class="empty">"No Number yet: order some first."</p> }
                    .into_any();
            }
            let users = StoredValue::new(users);
            let rows = list
                .into_iter()
                .map(|number| view! { <NumberRow number users change /> })
                .collect_view();
            view! {
                <table class="number-table">
                    <thead>
                        <tr>
                            <th>"Number"</th>
                            <th>"Country"</th>
                            <th>"Call Plan"</th>
                            <th>"Licence"</th>
                            <th>"User"</th>
                            <th></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        }))
    };
    view! {
        <section class="numbers">
            <h1>"Numbers"</h1>
            <p class="hint">
                "A Number goes to one User at a time, who resides in the Number's country or can show stable links there (GTCS 3.2). It follows its Licence's term and can be released once the Licence has ended."
            </p>
            <Loading>{table}</Loading>
        </section>
    }
}

/// Why `user` cannot take `number` (NUM-2), computed in the browser; `None` when they can.
fn refusal(number: &NumberView, user: &AssignableUser) -> Option<String> {
    check_assignable_to(number.country, user.residence, &user.stable_links)
        .err()
        .map(|_| refusal_reason(number.country, &user.name))
}

#[component]
fn NumberRow(
    number: NumberView,
    users: StoredValue<Vec<AssignableUser>>,
    change: ChangeAction,
) -> impl IntoView {
    let id = number.id;
    let field = format!("number-{id}-user");
    let holder = number.user.as_ref().map(|user| user.id);
    let choice = RwSignal::new(holder.map(|id| id.to_string()).unwrap_or_default());
    // One change at a time on the page; the server's refusal shows on its row.
    let busy = change.pending();
    let server_message = move || {
        change.value().with(|answer| match answer {
            Some((number_id, Err(error))) if *number_id == id => Some(error.to_string()),
            _ => None,
        })
    };
    let number = StoredValue::new(number);

    let chosen_user = move || {
        let chosen = choice.get().parse::<i64>().ok()?;
        users.with_value(|users| users.iter().find(|user| user.id == chosen).cloned())
    };
    let preview = Memo::new(move |_| {
        chosen_user().and_then(|user| number.with_value(|number| refusal(number, &user)))
    });
    let message = move || server_message().or_else(|| preview.get());
    let can_assign = move || {
        !busy.get()
            && preview.get().is_none()
            && chosen_user().is_some_and(|user| Some(user.id) != holder)
    };

    let send = move |asked: Change| {
        change.clear();
        change.dispatch((id, asked));
    };
    let assign = move |_| {
        if let Some(user) = chosen_user() {
            send(Change::Assign { user_id: user.id });
        }
    };
    let unassign = move |_| send(Change::Unassign);
    let release = move |_| send(Change::Release);

    let (e164, country, plan, licence) = number.with_value(|number| {
        (
            number.e164.clone(),
            number.country,
            number.plan.clone().unwrap_or_default(),
            number
                .licence_id
                .map(|id| format!("#{id}"))
                .unwrap_or_default(),
        )
    });
    let options = users.with_value(|users| {
        users
            .iter()
            .map(|user| {
                let value = user.id.to_string();
                let selected = holder == Some(user.id);
                view! { <option value=value selected=selected>{user.name.clone()}</option> }
            })
            .collect_view()
    });
    let message_id = format!("{field}-error");
    view! {
        <tr>
            <td>{e164.clone()}</td>
            <td>{country.name()}</td>
            <td>{plan}</td>
            <td>{licence}</td>
            <td>
                <div class="field" class:invalid=move || message().is_some()>
                    <label for=field.clone()>{format!("User for {e164}")}</label>
                    <select
                        id=field.clone()
                        aria-describedby=message_id.clone()
                        on:change=move |event| {
                            change.clear();
                            choice.set(event_target_value(&event));
                        }
                    >
                        <option value="" selected=holder.is_none()>"No User"</option>
                        {options}
                    </select>
                    <p class="hint">{territory_hint(country)}</p>
                    <p class="error" id=message_id role="alert">{message}</p>
                </div>
            </td>
            <td class="actions">
                <button type="button" disabled=move || !can_assign() on:click=assign>"Assign"</button>
                {holder.map(|_| view! {
                    <button type="button" class="secondary" disabled=move || busy.get() on:click=unassign>"Unassign"</button>
                })}
                <button type="button" class="secondary" disabled=move || busy.get() on:click=release>"Release"</button>
            </td>
        </tr>
    }
}
