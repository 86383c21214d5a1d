//! `/console/users/:id`: one user's page: edit the fields, grant or revoke the Manager role,
//! deactivate or reactivate, send a new invitation, delete (after a confirmation). The server's
//! refusals (the last Manager, Numbers still assigned) are shown as it words them.

use domain::user::validate_user;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use protocol::users::{UserDetail, UserRow};

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

#[component]
fn UserEditor(detail: UserDetail) -> impl IntoView {
    let navigate = use_navigate();
    let user = RwSignal::new(detail.user.clone());
    let id = detail.user.id;
    let state = UserFormState::new();
    state.fill(&detail.user);
    let errors = FormErrors::new();
    let saved = RwSignal::new(None::<String>);
    // Refusals and outcomes of the actions beside the form.
    let notice = RwSignal::new(None::<Result<String, String>>);
    let confirming = RwSignal::new(false);

    let save = Action::new_local(move |form: &protocol::users::UserForm| {
        let form = form.clone();
        async move { api::update_user(id, &form).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(row)) => {
            user.set(row);
            errors.clear();
            saved.set(Some("The changes are saved.".into()));
        }
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        saved.set(None);
        match validate_user(&state.form()) {
            Ok(_) => {
                save.dispatch(state.form());
            }
            Err(found) => errors.show_validation(&found),
        }
    };

    // Runs one of the actions and shows its outcome.
    let act = move |call: std::pin::Pin<Box<dyn Future<Output = Result<UserRow, ApiError>>>>,
                    done: &'static str| {
        notice.set(None);
        spawn_local(async move {
            match call.await {
                Ok(row) => {
                    user.set(row);
                    notice.set(Some(Ok(done.to_owned())));
                }
                Err(error) => notice.set(Some(Err(error.to_string()))),
            }
        });
    };
    let toggle_role = move |_| {
        let grant = !user.get_untracked().is_manager;
        let done = if grant {
            "The user is now a Manager."
        } else {
            "The user is no longer a Manager."
        };
        act(Box::pin(api::set_user_role(id, grant)), done);
    };
    let toggle_status = move |_| {
        let activate = !user.get_untracked().active;
        let done = if activate {
            "The user is active again."
        } else {
            "The user is deactivated and logged out."
        };
        act(Box::pin(api::set_user_status(id, activate)), done);
    };
    let reinvite = move |_| {
        notice.set(None);
        spawn_local(async move {
            notice.set(Some(
                api::reinvite_user(id)
                    .await
                    .map(|()| "A new invitation was sent (see the outbox).".to_owned())
                    .map_err(|error| error.to_string()),
            ));
        });
    };
    let delete = move |_| {
        let navigate = navigate.clone();
        notice.set(None);
        spawn_local(async move {
            match api::delete_user(id).await {
                Ok(()) => navigate("/console/users", Default::default()),
                Err(error) => {
                    confirming.set(false);
                    notice.set(Some(Err(error.to_string())));
                }
            }
        });
    };

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
                    let delete = delete.clone();
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
            notice
                .get()
                .map(|outcome| match outcome {
                    Ok(message) => view! { <p class="notice" role="status">{message}</p> }.into_any(),
                    Err(message) => view! { <p class="alert" role="alert">{message}</p> }.into_any(),
                })
        }}
        <form class="card" on:submit=on_submit novalidate>
            <h2>"Details"</h2>
            <UserFields state errors />
            <FormAlert errors />
            {move || saved.get().map(|message| view! { <p class="notice" role="status">{message}</p> })}
            <button type="submit" disabled=move || save.pending().get()>"Save the changes"</button>
        </form>
    }
}
