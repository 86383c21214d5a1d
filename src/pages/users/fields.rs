//! The fields of a User Account, shared by the "Add a user" form and a user's page.

use domain::country::CountryCode;
use domain::user::split_country_list;
use leptos::prelude::*;
use protocol::users::{UserForm, UserRow};

use crate::components::{FormErrors, TextField};

/// What the person has typed in the user fields.
#[derive(Debug, Clone, Copy)]
pub struct UserFormState {
    pub first_name: RwSignal<String>,
    pub last_name: RwSignal<String>,
    pub email: RwSignal<String>,
    pub mobile: RwSignal<String>,
    pub residence_country: RwSignal<String>,
    /// Country codes as typed: "DE, ES".
    pub stable_links: RwSignal<String>,
}

impl UserFormState {
    pub fn new() -> Self {
        Self {
            first_name: RwSignal::new(String::new()),
            last_name: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            mobile: RwSignal::new(String::new()),
            residence_country: RwSignal::new(String::new()),
            stable_links: RwSignal::new(String::new()),
        }
    }

    pub fn fill(&self, user: &UserRow) {
        self.first_name.set(user.first_name.clone());
        self.last_name.set(user.last_name.clone());
        self.email.set(user.email.clone());
        self.mobile.set(user.mobile.clone().unwrap_or_default());
        self.residence_country
            .set(user.residence_country.clone().unwrap_or_default());
        self.stable_links.set(user.stable_links.join(", "));
    }

    pub fn clear(&self) {
        for field in [
            self.first_name,
            self.last_name,
            self.email,
            self.mobile,
            self.residence_country,
            self.stable_links,
        ] {
            field.set(String::new());
        }
    }

    /// The form as the domain and the server read it (reactive).
    pub fn form(&self) -> UserForm {
        UserForm {
            first_name: self.first_name.get(),
            last_name: self.last_name.get(),
            email: self.email.get(),
            mobile: self.mobile.get(),
            residence_country: self.residence_country.get(),
            stable_links: split_country_list(&self.stable_links.get()),
        }
    }
}

/// The labelled inputs, each with its message.
#[component]
pub fn UserFields(state: UserFormState, errors: FormErrors) -> impl IntoView {
    let label = |text: &str| Signal::stored(text.to_owned());
    let residence = state.residence_country;
    view! {
        <TextField label=label("First name") name="first_name" value=state.first_name errors />
        <TextField label=label("Last name") name="last_name" value=state.last_name errors />
        <TextField label=label("Email") name="email" kind="email" value=state.email errors />
        <TextField
            label=label("Mobile number")
            name="mobile"
            kind="tel"
            value=state.mobile
            errors
            hint="The operator mobile number, in international form: +33 6 12 34 56 78."
        />
        <div class="field" class:invalid=move || errors.of("residence_country").is_some()>
            <label for="residence_country">"Country of residence"</label>
            <select id="residence_country" name="residence_country" bind:value=residence>
                <option value="" selected=move || residence.get().is_empty()>"Choose a country"</option>
                {CountryCode::all()
                    .map(|(code, name)| {
                        let selected = move || residence.get().eq_ignore_ascii_case(code.as_str());
                        view! { <option value=code.to_string() selected=selected>{name}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="error" id="residence_country-error" role="alert">{move || errors.of("residence_country")}</p>
        </div>
        <TextField
            label=label("Countries of stable links")
            name="stable_links"
            value=state.stable_links
            errors
            hint="Two-letter codes separated by commas, like DE, ES. Leave empty if none."
        />
    }
}
