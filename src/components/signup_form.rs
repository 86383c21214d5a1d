//! The sign-up form of `/signup`: the Company and its first Manager.

use domain::country::CountryCode;
use domain::signup::validate_signup;
use leptos::prelude::*;
use protocol::{Gtcs, Me};

use super::{Checkbox, FormAlert, FormErrors, TextField};
use crate::api;

/// The sign-up form. Every field is checked by `domain::signup::validate_signup` before the
/// request is sent; the server's refusals land next to the field they concern.
#[component]
pub fn SignupForm(gtcs: Gtcs, on_success: Callback<Me>) -> impl IntoView {
    let legal_name = RwSignal::new(String::new());
    let registration_number = RwSignal::new(String::new());
    let billing_country = RwSignal::new(CountryCode::FRANCE.to_string());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let accepted = RwSignal::new(false);
    let errors = FormErrors::new();
    let attempted = RwSignal::new(false);
    let version = StoredValue::new(gtcs.version.clone());

    let form = move || protocol::SignupForm {
        legal_name: legal_name.get(),
        registration_number: registration_number.get(),
        billing_country: billing_country.get(),
        first_name: first_name.get(),
        last_name: last_name.get(),
        email: email.get(),
        password: password.get(),
        accepted_gtcs_version: accepted.get().then(|| version.get_value()),
    };
    let check = move || validate_signup(&form(), &version.get_value());

    // Once the person has tried to submit, messages follow their typing.
    Effect::new(move || {
        if attempted.get() {
            match check() {
                Ok(_) => errors.clear(),
                Err(found) => errors.show_validation(&found),
            }
        }
    });

    let send = Action::new_local(|form: &protocol::SignupForm| {
        let form = form.clone();
        async move { api::signup(&form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(me)) => on_success.run(me),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        attempted.set(true);
        match check() {
            Ok(_) => {
                send.dispatch(form());
            }
            Err(found) => errors.show_validation(&found),
        }
    };

    let siren_label = Signal::derive(move || {
        if billing_country.get() == CountryCode::FRANCE.as_str() {
            "SIREN".to_owned()
        } else {
            "Company registration number".to_owned()
        }
    });
    let label = |text: &str| Signal::stored(text.to_owned());

    view! {
        <form class="card" on:submit=on_submit novalidate>
            <fieldset>
                <legend>"Company"</legend>
                <TextField label=label("Legal name") name="legal_name" value=legal_name errors autocomplete="organization" />
                <div class="field" class:invalid=move || errors.of("billing_country").is_some()>
                    <label for="billing_country">"Billing country"</label>
                    <select id="billing_country" name="billing_country" bind:value=billing_country>
                        {CountryCode::all()
                            .map(|(code, name)| {
                                // Set on each option: the select's own value is bound before its options exist.
                                let selected = move || billing_country.get() == code.as_str();
                                view! { <option value=code.to_string() selected=selected>{name}</option> }
                            })
                            .collect_view()}
                    </select>
                    <p class="error" role="alert">{move || errors.of("billing_country")}</p>
                </div>
                <TextField label=siren_label name="registration_number" value=registration_number errors />
            </fieldset>
            <fieldset>
                <legend>"First Manager"</legend>
                <TextField label=label("First name") name="first_name" value=first_name errors autocomplete="given-name" />
                <TextField label=label("Last name") name="last_name" value=last_name errors autocomplete="family-name" />
                <TextField label=label("Email") name="email" kind="email" value=email errors autocomplete="email" />
                <TextField
                    label=label("Password")
                    name="password"
                    kind="password"
                    value=password
                    errors
                    autocomplete="new-password"
                    hint="At least 10 characters."
                />
            </fieldset>
            <Checkbox name="accepted_gtcs_version" checked=accepted errors>
                "I accept the "
                <a href=gtcs.url.clone() target="_blank" rel="noopener">"General Terms and Conditions of Sale"</a>
                " (version " {gtcs.version.clone()} ")"
            </Checkbox>
            <FormAlert errors />
            <button type="submit" disabled=move || send.pending().get()>
                {move || if send.pending().get() { "Creating the account…" } else { "Create the Company Account" }}
            </button>
        </form>
    }
}
