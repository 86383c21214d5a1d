//! The form that sets a password through a personal link (an invitation, a password reset): the
//! password is checked by `domain::signup::new_password` before it is sent; once the server
//! accepts it the person is signed in (after their second factor, if they have one) and lands
//! where they belong.

use std::future::Future;

use domain::field::FieldError;
use domain::signup::new_password;
use leptos::prelude::*;
use protocol::{LoginReply, Me};

use super::{FormAlert, FormErrors, SecondFactorForm, TextField};
use crate::api::ApiError;
use crate::bundle::{Part, use_go};
use crate::session::{Session, landing, use_session};

#[component]
pub fn NewPasswordForm<F, Fut>(
    /// The link's token.
    token: String,
    /// Sends the token and the chosen password; answers who is now signed in, or the challenge
    /// of their second factor.
    send: F,
    label: &'static str,
    button: &'static str,
) -> impl IntoView
where
    F: Fn(String, String) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<LoginReply, ApiError>> + 'static,
{
    let session = use_session();
    let go = use_go();
    let password = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let token = StoredValue::new(token);
    let challenge = RwSignal::new(None::<String>);
    let land = Callback::new(move |me: Me| {
        let landing = landing(&me, Part::Console);
        session.set(Session::SignedIn(me));
        go(&landing);
    });
    let submit =
        Action::new_local(move |password: &String| send(token.get_value(), password.clone()));
    Effect::new(move || match submit.value().get() {
        Some(Ok(LoginReply::SignedIn(me))) => land.run(me),
        Some(Ok(LoginReply::SecondFactor(second))) => challenge.set(Some(second.challenge)),
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
    move || match challenge.get() {
        Some(challenge) => view! {
            <p class="notice" role="status">"Your new password is set."</p>
            <SecondFactorForm challenge on_success=land />
        }
        .into_any(),
        None => view! {
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
        .into_any(),
    }
}
