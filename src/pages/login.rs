//! `/login`: a Manager (to the console) or another User (to the WebApp) signs in with email and
//! password.

use domain::signup::validate_login;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use protocol::Me;

use crate::api;
use crate::components::{FormAlert, FormErrors, TextField};
use crate::session::{Session, use_session};

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let on_success = Callback::new(move |me: Me| {
        let landing = crate::webapp::landing(&me);
        session.set(Session::SignedIn(me));
        navigate(landing, Default::default());
    });
    view! {
        <main class="narrow">
            <h1>"Log in to the Management Console"</h1>
            <p>"New here? " <a href="/signup">"Create your Company Account"</a></p>
            <LoginForm on_success />
        </main>
    }
}

#[component]
pub fn LoginForm(on_success: Callback<Me>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let form = move || protocol::LoginForm {
        email: email.get(),
        password: password.get(),
    };

    let send = Action::new_local(|form: &protocol::LoginForm| {
        let form = form.clone();
        async move { api::login(&form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(me)) => on_success.run(me),
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
    view! {
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
}
