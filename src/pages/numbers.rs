//! `/console/numbers`: the Company's Numbers, who holds each (NUM-1), a User picker that says
//! before sending when a User cannot take a Number (NUM-2, with `domain`), and releasing a Number
//! once its Licence has ended (NUM-4, decided by the server).

use domain::number::{check_assignable_to, refusal_reason, territory_hint};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::numbers::{AssignableUser, NumberView};

use crate::api;

#[component]
pub fn NumbersPage() -> impl IntoView {
    let numbers = LocalResource::new(api::numbers);
    let users = LocalResource::new(api::assignable_users);
    let refresh = Callback::new(move |()| numbers.refetch());
    let table = move || match (numbers.get(), users.get()) {
        (Some(Err(error)), _) | (_, Some(Err(error))) => {
            Some(view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any())
        }
        (Some(Ok(list)), Some(Ok(_))) if list.is_empty() => {
            Some(view! { <p class="empty">"No Number yet: order some first."</p> }.into_any())
        }
        (Some(Ok(list)), Some(Ok(users))) => {
            let users = StoredValue::new(users);
            let rows = list
                .into_iter()
                .map(|number| view! { <NumberRow number users refresh /> })
                .collect_view();
            Some(
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
                .into_any(),
            )
        }
        _ => None,
    };
    view! {
        <section class="numbers">
            <h1>"Numbers"</h1>
            <p class="hint">
                "A Number goes to one User at a time, who resides in the Number's country or can show stable links there (GTCS 3.2). It follows its Licence's term and can be released once the Licence has ended."
            </p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>{table}</Transition>
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
    refresh: Callback<()>,
) -> impl IntoView {
    let id = number.id;
    let field = format!("number-{id}-user");
    let holder = number.user.as_ref().map(|user| user.id);
    let choice = RwSignal::new(holder.map(|id| id.to_string()).unwrap_or_default());
    let server_message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let number = StoredValue::new(number);

    let chosen_user = move || {
        let chosen = choice.get().parse::<i64>().ok()?;
        users.with_value(|users| users.iter().find(|user| user.id == chosen).cloned())
    };
    let preview = Memo::new(move |_| {
        chosen_user().and_then(|user| number.with_value(|number| refusal(number, &user)))
    });
    let message = move || server_message.get().or_else(|| preview.get());
    let can_assign = move || {
        !busy.get()
            && preview.get().is_none()
            && chosen_user().is_some_and(|user| Some(user.id) != holder)
    };

    let run = move |call: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), api::ApiError>>>,
    >| {
        busy.set(true);
        server_message.set(None);
        spawn_local(async move {
            match call.await {
                Ok(()) => refresh.run(()),
                Err(error) => server_message.set(Some(error.to_string())),
            }
            busy.set(false);
        });
    };
    let assign = move |_| {
        if let Some(user) = chosen_user() {
            run(Box::pin(async move {
                api::assign_number(id, user.id).await.map(drop)
            }));
        }
    };
    let unassign = move |_| {
        run(Box::pin(
            async move { api::unassign_number(id).await.map(drop) },
        ))
    };
    let release = move |_| run(Box::pin(api::release_number(id)));

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
                            server_message.set(None);
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
