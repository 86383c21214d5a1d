//! `/invitation/:token`: an invited User chooses a password, outside the console. A Manager then
//! lands on the console, another User in the WebApp.

use domain::field::FieldError;
use domain::signup::new_password;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params};
use protocol::users::Invitation;

use crate::api;
use crate::components::{FormAlert, FormErrors, TextField};
use crate::params::TokenParams;
use crate::session::{Session, use_session};

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params::<TokenParams>();
    let token = move || {
        params.with(|params| {
            params
                .as_ref()
                .map(|params| params.token.clone())
                .unwrap_or_default()
        })
    };
    let invitation = LocalResource::new(move || {
        let token = token();
        async move { api::invitation(&token).await }
    });
    view! {
        <main class="narrow">
            {move || match invitation.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! {
                    <h1>"This invitation cannot be used"</h1>
                    <p class="alert" role="alert">{error.to_string()}</p>
                    <p><a href="/login">"Log in"</a></p>
                }
                .into_any(),
                Some(Ok(invitation)) => view! { <ChoosePassword invitation token=token() /> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn ChoosePassword(invitation: Invitation, token: String) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let password = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let token = StoredValue::new(token);
    let send = Action::new_local(move |password: &String| {
        let password = password.clone();
        let token = token.get_value();
        async move { api::accept_invitation(&token, password).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(me)) => {
            let landing = crate::session::landing(&me);
            session.set(Session::SignedIn(me));
            navigate(landing, Default::default());
        }
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match new_password(&password.get()) {
            Ok(chosen) => {
                errors.clear();
                send.dispatch(chosen);
            }
            Err(problem) => errors.show_validation(&[FieldError {
                field: "password",
                problem,
            }]),
        }
    };
    let welcome = format!(
        "Welcome, {} {}",
        invitation.first_name, invitation.last_name
    );
    let company = format!(
        "{} invited you ({}). Choose your password.",
        invitation.company, invitation.email
    );
    view! {
        <h1>{welcome}</h1>
        <p>{company}</p>
        <form class="card" on:submit=on_submit novalidate>
            <TextField
                label=Signal::stored("Password".to_owned())
                name="password"
                kind="password"
                value=password
                errors
                autocomplete="new-password"
                hint="At least 10 characters."
            />
            <FormAlert errors />
            <button type="submit" disabled=move || send.pending().get()>"Set my password"</button>
        </form>
    }
}
