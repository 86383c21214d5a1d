//! The second step of a log-in for a person with two-factor authentication: a code from their
//! authenticator app, or one of their recovery codes. Used after the password on `/login` and
//! after a new password is set through a reset link.

use leptos::prelude::*;
use protocol::{Me, SecondFactorAnswer};

use super::{FormAlert, FormErrors, TextField};
use crate::api;

#[component]
pub fn SecondFactorForm(
    /// The challenge the right password gave.
    challenge: String,
    on_success: Callback<Me>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let challenge = StoredValue::new(challenge);
    // The password step was just sent: the cursor goes where the code is typed.
    Effect::new(move || {
        use wasm_bindgen::JsCast;
        if let Some(field) = document()
            .get_element_by_id("code")
            .and_then(|field| field.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = field.focus();
        }
    });
    let send = Action::new_local(|answer: &SecondFactorAnswer| {
        let answer = answer.clone();
        async move { api::second_factor(&answer).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(me)) => on_success.run(me),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if code.with(|code| code.trim().is_empty()) {
            errors.show_validation(&[domain::field::FieldError {
                field: "code",
                problem: domain::field::Problem::Required,
            }]);
            return;
        }
        errors.clear();
        send.dispatch(SecondFactorAnswer {
            challenge: challenge.get_value(),
            code: code.get(),
        });
    };
    view! {
        <form class="card" on:submit=on_submit novalidate>
            <p>"Your account uses two-factor authentication."</p>
            <TextField
                label=Signal::stored("Code from your authenticator app".to_owned())
                name="code"
                value=code
                errors
                autocomplete="one-time-code"
                hint="The six digits your app shows now, or one of your recovery codes."
            />
            <FormAlert errors />
            <button type="submit" disabled=move || send.pending().get()>"Verify"</button>
        </form>
    }
}
