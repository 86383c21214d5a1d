//! Form fields that show their own error message next to them.

use domain::field::FieldError;
use leptos::prelude::*;

use crate::api::ApiError;

/// The messages of one form: one per field (by wire name) and one for the form as a whole.
#[derive(Debug, Clone, Copy)]
pub struct FormErrors {
    fields: RwSignal<Vec<(String, String)>>,
    form: RwSignal<Option<String>>,
}

impl Default for FormErrors {
    fn default() -> Self {
        Self::new()
    }
}

impl FormErrors {
    pub fn new() -> Self {
        Self {
            fields: RwSignal::new(Vec::new()),
            form: RwSignal::new(None),
        }
    }

    /// The message for `field`, if it has one (reactive).
    pub fn of(&self, field: &str) -> Option<String> {
        self.fields.with(|errors| {
            errors
                .iter()
                .find(|(name, _)| name == field)
                .map(|(_, message)| message.clone())
        })
    }

    pub fn form_message(&self) -> Option<String> {
        self.form.get()
    }

    /// Replaces the messages with the domain's validation result.
    pub fn show_validation(&self, errors: &[FieldError]) {
        self.form.set(None);
        self.fields.set(
            errors
                .iter()
                .map(|error| (error.field.to_owned(), error.to_string()))
                .collect(),
        );
    }

    /// Shows a server refusal next to its field, or above the form when it concerns no field.
    pub fn show_api_error(&self, error: &ApiError) {
        match error.field() {
            Some(field) => {
                self.form.set(None);
                self.fields.set(vec![(field.to_owned(), error.to_string())]);
            }
            None => {
                self.fields.set(Vec::new());
                self.form.set(Some(error.to_string()));
            }
        }
    }

    pub fn clear(&self) {
        self.fields.set(Vec::new());
        self.form.set(None);
    }
}

/// A labelled input bound to `value`, with its error message below it.
#[component]
pub fn TextField(
    /// What a person reads, e.g. "Email".
    label: Signal<String>,
    /// The field's wire name (also its id), e.g. `email`.
    name: &'static str,
    value: RwSignal<String>,
    errors: FormErrors,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let message_id = format!("{name}-error");
    let has_error = move || errors.of(name).is_some();
    view! {
        <div class="field" class:invalid=has_error>
            <label for=name>{label}</label>
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                aria-invalid=move || has_error().to_string()
                aria-describedby=message_id.clone()
                bind:value=value
            />
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <p class="error" id=message_id role="alert">{move || errors.of(name)}</p>
        </div>
    }
}

/// A labelled checkbox with its error message below it.
#[component]
pub fn Checkbox(
    name: &'static str,
    checked: RwSignal<bool>,
    errors: FormErrors,
    children: Children,
) -> impl IntoView {
    let message_id = format!("{name}-error");
    view! {
        <div class="field checkbox" class:invalid=move || errors.of(name).is_some()>
            <input id=name name=name type="checkbox" aria-describedby=message_id.clone() bind:checked=checked />
            <label for=name>{children()}</label>
            <p class="error" id=message_id role="alert">{move || errors.of(name)}</p>
        </div>
    }
}

/// The form-level message (a refusal that concerns no single field).
#[component]
pub fn FormAlert(errors: FormErrors) -> impl IntoView {
    move || {
        errors
            .form_message()
            .map(|message| view! { <p class="alert" role="alert">{message}</p> })
    }
}
