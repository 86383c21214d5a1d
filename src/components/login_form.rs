//! The log-in form: email and password, checked by `domain::signup::validate_login` before they
//! are sent, then a code for an account with two-factor authentication. Used by `/login`; what
//! happens once signed in is the page's `on_success`.

use domain::signup::validate_login;
use leptos::prelude::*;
use protocol::{LoginReply, Me};

use super::{FormAlert, FormErrors, SecondFactorForm, TextField};
use crate::api;

#[component]
pub fn LoginForm(on_success: Callback<Me>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = FormErrors::new();
    // Set once the password was right for an account with two-factor authentication.
    let challenge = RwSignal::new(None::<String>);
    let form = move || protocol::LoginForm {
        email: email.get(),
        password: password.get(),
    };

    let send = Action::new_local(|form: &protocol::LoginForm| {
        let form = form.clone();
        async move { api::login(&form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(LoginReply::SignedIn(me))) => on_success.run(me),
        Some(Ok(LoginReply::SecondFactor(second))) => challenge.set(Some(second.challenge)),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match validate_login(&form()) {
            Ok(_) => {
                errors.clear();
                send.dispatch(form());
            }
            Err(found) => errors.show_validation(&found),
        }
    };
    let label = |text: &str| Signal::stored(text.to_owned());
    move || {
        match challenge.get() {
        Some(challenge) => view! { <SecondFactorForm challenge on_success /> }.into_any(),
        None => view! {
            <form class="card" on:submit=on_submit novalidate>
                <TextField label=label("Email") name="email" kind="email" value=email errors autocomplete="username" />
                <TextField
                    label=label("Password")
                    name="password"
                    kind="password"
                    value=password
                    errors
                    autocomplete="current-password"
                />
                <FormAlert errors />
                <button type="submit" disabled=move || send.pending().get()>"Log in"</button>
            </form>
        }
        .into_any(),
    }
    }
}
