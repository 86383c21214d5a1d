//! The form that sets a password through a personal link (an invitation, a password reset): the
//! password is checked by `domain::signup::new_password` before it is sent; once the server
//! accepts it the person is signed in and lands where they belong (console or WebApp).

use std::future::Future;

use domain::field::FieldError;
use domain::signup::new_password;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use protocol::Me;

use super::{FormAlert, FormErrors, TextField};
use crate::api::ApiError;
use crate::session::{Session, landing, use_session};

#[component]
pub fn NewPasswordForm<F, Fut>(
    /// The link's token.
    token: String,
    /// Sends the token and the chosen password; answers who is now signed in.
    send: F,
    label: &'static str,
    button: &'static str,
) -> impl IntoView
where
    F: Fn(String, String) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<Me, ApiError>> + 'static,
{
    let session = use_session();
    let navigate = use_navigate();
    let password = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let token = StoredValue::new(token);
    let submit =
        Action::new_local(move |password: &String| send(token.get_value(), password.clone()));
    Effect::new(move || match submit.value().get() {
        Some(Ok(me)) => {
            let landing = landing(&me);
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
                submit.dispatch(chosen);
            }
            Err(problem) => errors.show_validation(&[FieldError {
                field: "password",
                problem,
            }]),
        }
    };
    view! {
        <form class="card" on:submit=on_submit novalidate>
            <TextField
                label=Signal::stored(label.to_owned())
                name="password"
                kind="password"
                value=password
                errors
                autocomplete="new-password"
                hint="At least 10 characters."
            />
            <FormAlert errors />
            <button type="submit" disabled=move || submit.pending().get()>{button}</button>
        </form>
    }
}
