//! `/console/users/:id`: one user's page: edit the fields, grant or revoke the Manager role,
//! deactivate or reactivate, send a new invitation, delete (after a confirmation). The server's
//! refusals (the last Manager, Numbers still assigned) are shown as it words them.

use domain::user::validate_user;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use protocol::terms::{Accepted, UserTerms};
use protocol::users::UserDetail;

use super::fields::{UserFields, UserFormState};
use crate::api::{self, ApiError};
use crate::components::{FormAlert, FormErrors};
use crate::params::use_id;

#[component]
pub fn UserPage() -> impl IntoView {
    let id = use_id();
    let detail = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::user(id).await,
                None => Err(ApiError::Unexpected(404)),
            }
        }
    });
    view! {
        <section class="user-page">
            <p><a href="/console/users">"← All users"</a></p>
            {move || match detail.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) if error.status() == Some(404) => {
                    view! { <h1>"No such user"</h1><p>"This user does not exist, or was deleted."</p> }.into_any()
                }
                Some(Err(error)) => view! { <p class="alert" role="alert">{error.to_string()}</p> }.into_any(),
                Some(Ok(detail)) => view! { <UserEditor detail /> }.into_any(),
            }}
        </section>
    }
}

/// What the buttons beside the form ask for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Role { manager: bool },
    Status { active: bool },
    Reinvite,
    Delete,
}

impl Change {
    /// The sentence once the server has done it.
    fn done(self) -> &'static str {
        match self {
            Change::Role { manager: true } => "The user is now a Manager.",
            Change::Role { manager: false } => "The user is no longer a Manager.",
            Change::Status { active: true } => "The user is active again.",
            Change::Status { active: false } => "The user is deactivated and logged out.",
            Change::Reinvite => "A new invitation was sent (see the outbox).",
            Change::Delete => "The user is deleted.",
        }
    }
}

#[component]
fn UserEditor(detail: UserDetail) -> impl IntoView {
    let navigate = use_navigate();
    let user = RwSignal::new(detail.user.clone());
    let id = detail.user.id;
    let state = UserFormState::new();
    state.fill(&detail.user);
    let errors = FormErrors::new();
    let confirming = RwSignal::new(false);

    let save = Action::new_local(move |form: &protocol::users::UserForm| {
        let form = form.clone();
        async move { api::update_user(id, &form).await }
    });
    let saving = save.pending();
    // NUM-3: the Numbers the User holds that no longer meet NUM-2, as of the last answer.
    let out_of_territory = RwSignal::new(detail.numbers_out_of_territory.clone());
    Effect::new(move || match save.value().get() {
        Some(Ok(updated)) => {
            user.set(updated.user);
            out_of_territory.set(updated.numbers_out_of_territory);
            errors.clear();
        }
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let saved =
        move || matches!(save.value().get(), Some(Ok(_))).then_some("The changes are saved.");
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        save.clear();
        match validate_user(&state.form()) {
            Ok(_) => {
                save.dispatch(state.form());
            }
            Err(found) => errors.show_validation(&found),
        }
    };

    // The buttons beside the form; the user as the server answers, or why not.
    let change = Action::new_local(move |change: &Change| {
        let change = *change;
        async move {
            let answer = match change {
                Change::Role { manager } => api::set_user_role(id, manager).await.map(Some),
                Change::Status { active } => api::set_user_status(id, active).await.map(Some),
                Change::Reinvite => api::reinvite_user(id).await.map(|()| None),
                Change::Delete => api::delete_user(id).await.map(|()| None),
            };
            (change, answer)
        }
    });
    Effect::new(move || {
        let answer = change.value().get();
        untrack(|| match answer {
            Some((Change::Delete, Ok(_))) => navigate("/console/users", Default::default()),
            Some((Change::Delete, Err(_))) => confirming.set(false),
            Some((_, Ok(Some(row)))) => user.set(row),
            _ => {}
        });
    });
    // Refusals and outcomes of the buttons beside the form.
    let notice = move || {
        change.value().with(|answer| match answer {
            Some((Change::Delete, Ok(_))) | None => None,
            Some((change, Ok(_))) => Some(Ok(change.done())),
            Some((_, Err(error))) => Some(Err(error.to_string())),
        })
    };
    let send = move |asked: Change| {
        change.clear();
        change.dispatch(asked);
    };
    let toggle_role = move |_| {
        send(Change::Role {
            manager: !user.get_untracked().is_manager,
        })
    };
    let toggle_status = move |_| {
        send(Change::Status {
            active: !user.get_untracked().active,
        })
    };
    let reinvite = move |_| send(Change::Reinvite);
    let delete = move |_| send(Change::Delete);

    let name = move || user.with(|u| format!("{} {}", u.first_name, u.last_name));
    let facts = move || {
        user.with(|u| {
            let role = if u.is_manager { "Manager" } else { "User" };
            let status = match (u.active, u.has_password) {
                (false, _) => "deactivated",
                (true, false) => "invited, no password yet",
                (true, true) => "active",
            };
            format!("{role}, {status}")
        })
    };
    view! {
        <h1>{name} <crate::components::SuspendedBadge user_id=id /></h1>
        <p class="eyebrow">{facts}</p>
        <p class="hint">{format!("Numbers assigned: {}", detail.numbers)}</p>
        <p class="hint terms-acceptance">{terms_sentence(&detail.terms)}</p>
        {move || {
            out_of_territory.with(|numbers| {
                (!numbers.is_empty()).then(|| {
                    let items = numbers
                        .iter()
                        .map(|number| view! { <li>{number.message.clone()}</li> })
                        .collect_view();
                    view! {
                        <div class="alert out-of-territory" role="alert">
                            <p>"These Numbers no longer meet the territorial condition (NUM-3):"</p>
                            <ul>{items}</ul>
                        </div>
                    }
                })
            })
        }}
        <div class="user-actions">
            <button type="button" class="secondary" on:click=toggle_role>
                {move || if user.get().is_manager { "Remove the Manager role" } else { "Make Manager" }}
            </button>
            <button type="button" class="secondary" on:click=toggle_status>
                {move || if user.get().active { "Deactivate" } else { "Reactivate" }}
            </button>
            {move || {
                (!user.get().has_password)
                    .then(|| {
                        view! {
                            <button type="button" class="secondary" on:click=reinvite>
                                "Send a new invitation"
                            </button>
                        }
                    })
            }}
            <button type="button" class="secondary danger" on:click=move |_| confirming.set(true)>
                "Delete this user"
            </button>
        </div>
        {move || {
            confirming
                .get()
                .then(|| {
                    view! {
                        <div class="confirm card" role="alertdialog" aria-label="Confirm the deletion">
                            <p>{format!("Delete {} for good? This cannot be undone.", name())}</p>
                            <button type="button" class="danger" on:click=delete>"Yes, delete"</button>
                            " "
                            <button type="button" class="secondary" on:click=move |_| confirming.set(false)>
                                "Cancel"
                            </button>
                        </div>
                    }
                })
        }}
        {move || {
            notice()
                .map(|outcome| match outcome {
                    Ok(message) => view! { <p class="notice" role="status">{message}</p> }.into_any(),
                    Err(message) => view! { <p class="alert" role="alert">{message}</p> }.into_any(),
                })
        }}
        <form class="card" on:submit=on_submit novalidate>
            <h2>"Details"</h2>
            <UserFields state errors />
            <FormAlert errors />
            {move || saved().map(|message| view! { <p class="notice" role="status">{message}</p> })}
            <button type="submit" disabled=move || saving.get()>"Save the changes"</button>
        </form>
    }
}

/// What the user accepted of the WebApp's terms (ACCEPT-1), in a sentence: "Accepted the GCU
/// version X and the privacy notice version Y on <date>", or what they have not accepted yet.
fn terms_sentence(terms: &UserTerms) -> String {
    let gcu = |accepted: &Accepted| format!("the GCU version {}", accepted.version);
    let privacy = |accepted: &Accepted| format!("the privacy notice version {}", accepted.version);
    let accepted = match (&terms.gcu, &terms.privacy) {
        (Some(g), Some(p)) if g.accepted_on == p.accepted_on => Some(format!(
            "Accepted {} and {} on {}.",
            gcu(g),
            privacy(p),
            g.accepted_on
        )),
        (Some(g), Some(p)) => Some(format!(
            "Accepted {} on {} and {} on {}.",
            gcu(g),
            g.accepted_on,
            privacy(p),
            p.accepted_on
        )),
        (Some(g), None) => Some(format!("Accepted {} on {}.", gcu(g), g.accepted_on)),
        (None, Some(p)) => Some(format!("Accepted {} on {}.", privacy(p), p.accepted_on)),
        (None, None) => None,
    };
    let in_force = format!(
        "the GCU version {} and the privacy notice version {}",
        terms.in_force.gcu.version, terms.in_force.privacy.version
    );
    match accepted {
        None => format!("Has not yet accepted {in_force} (asked when they first open the WebApp)."),
        Some(accepted) if terms.up_to_date() => accepted,
        Some(accepted) => format!("{accepted} Has not yet accepted {in_force}, now in force."),
    }
}
