//! A person's password: "Forgot your password?" (`/password-reset`) sends a link by email, the
//! link (`/password-reset/:token`) sets a new one; `/account` changes it with the current one,
//! leads to two-factor authentication and logs out everywhere. Every password is checked by `domain::signup::new_password` before it
//! is sent (the server checks again).

use domain::email::Email;
use domain::field::FieldError;
use domain::signup::new_password;
use leptos::prelude::*;
use protocol::{PasswordChange, PasswordResetRequest};

use crate::api;
use crate::bundle::{GoTo, account, login, use_go, use_part};
use crate::components::{FormAlert, FormErrors, NewPasswordForm, TextField};
use crate::params::use_token;
use crate::session::{Session, use_session};

fn label(text: &str) -> Signal<String> {
    Signal::stored(text.to_owned())
}

/// `/password-reset`: asks for the account's address and sends it a link.
#[component]
pub fn PasswordResetRequestPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let send = Action::new_local(|email: &String| {
        let form = PasswordResetRequest {
            email: email.clone(),
        };
        async move { api::request_password_reset(&form).await }
    });
    Effect::new(move || {
        if let Some(Err(error)) = send.value().get() {
            errors.show_api_error(&error);
        }
    });
    let sent = move || matches!(send.value().get(), Some(Ok(())));
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match Email::parse(&email.get()) {
            Ok(_) => {
                errors.clear();
                send.dispatch(email.get());
            }
            Err(problem) => errors.show_validation(&[FieldError {
                field: "email",
                problem,
            }]),
        }
    };
    view! {
        <main class="narrow">
            <h1>"Forgot your password?"</h1>
            <Show
                when=sent
                fallback=move || view! {
                    <p>"Give the email address of your account: we send it a link to choose a new password."</p>
                    <form class="card" on:submit=on_submit novalidate>
                        <TextField label=label("Email") name="email" kind="email" value=email errors autocomplete="username" />
                        <FormAlert errors />
                        <button type="submit" disabled=move || send.pending().get()>"Send me a link"</button>
                    </form>
                }
            >
                <p class="notice" role="status">
                    "If an account uses this address, a link to choose a new password is on its way. It works once, for an hour."
                </p>
            </Show>
            <p><a href="/login">"Back to the log-in page"</a></p>
        </main>
    }
}

/// `/password-reset/:token`: the link of the email; sets the new password and signs in.
#[component]
pub fn PasswordResetPage() -> impl IntoView {
    let token = use_token();
    let link = LocalResource::new(move || {
        let token = token.get();
        async move { api::check_password_reset(&token).await }
    });
    view! {
        <main class="narrow">
            {move || match link.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! {
                    <h1>"This link cannot be used"</h1>
                    <p class="alert" role="alert">{error.to_string()}</p>
                    <p><a href="/password-reset">"Ask for a new link"</a></p>
                }
                .into_any(),
                Some(Ok(())) => view! {
                    <h1>"Choose a new password"</h1>
                    <p>"Your other sessions end when it is set."</p>
                    <NewPasswordForm
                        token=token.get_untracked()
                        send=|token: String, password: String| async move {
                            api::reset_password(&token, password).await
                        }
                        label="New password"
                        button="Set my new password"
                    />
                }
                .into_any(),
            }}
        </main>
    }
}

/// `/account`: the signed-in person changes their password, downloads their data (DATA-1), or
/// logs out everywhere.
#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    let part = use_part();
    let go = use_go();
    let current = RwSignal::new(String::new());
    let chosen = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let change = Action::new_local(|form: &PasswordChange| {
        let form = form.clone();
        async move { api::change_password(&form).await }
    });
    Effect::new(move || {
        if let Some(Err(error)) = change.value().get() {
            errors.show_api_error(&error);
        }
    });
    let changed = move || matches!(change.value().get(), Some(Ok(())));
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match new_password(&chosen.get()) {
            Ok(new_password) => {
                errors.clear();
                change.dispatch(PasswordChange {
                    current_password: current.get(),
                    new_password,
                });
            }
            Err(problem) => errors.show_validation(&[FieldError {
                field: "new_password",
                problem,
            }]),
        }
    };
    let everywhere = Action::new_local(|_: &()| api::log_out_everywhere());
    Effect::new(move || {
        if let Some(Ok(())) = everywhere.value().get() {
            session.set(Session::SignedOut);
            go(login(part));
        }
    });
    let failed = move || match everywhere.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    let signed_out = move || matches!(session.get(), Session::SignedOut);
    let enabled = move || match session.get() {
        Session::SignedIn(me) => me.two_factor.enabled,
        Session::Loading | Session::SignedOut => false,
    };
    let two_factor = move || match enabled() {
        true => "On: each log-in asks for a code from your authenticator app.",
        false => "Off: your password alone signs you in.",
    };
    let manage = move || match enabled() {
        true => "Manage two-factor authentication",
        false => "Set up two-factor authentication",
    };
    view! {
        <Show when=signed_out>
            <GoTo path=login(use_part()) />
        </Show>
        <main class="narrow">
            <h1>"Your account"</h1>
            <h2>"Change your password"</h2>
            <form class="card" on:submit=on_submit novalidate>
                <TextField
                    label=label("Current password")
                    name="current_password"
                    kind="password"
                    value=current
                    errors
                    autocomplete="current-password"
                />
                <TextField
                    label=label("New password")
                    name="new_password"
                    kind="password"
                    value=chosen
                    errors
                    autocomplete="new-password"
                    hint="At least 10 characters. Your other sessions end when it is set."
                />
                <FormAlert errors />
                <Show when=changed>
                    <p class="notice" role="status">"Your password was changed; your other sessions ended."</p>
                </Show>
                <button type="submit" disabled=move || change.pending().get()>"Change my password"</button>
            </form>
            <h2>"Two-factor authentication"</h2>
            <p>{two_factor}</p>
            <p><a href=account(part, "/two-factor")>{manage}</a></p>
            <h2>"Your data"</h2>
            <p>
                "Everything this service keeps about you, in one ZIP archive: your account, your messages and "
                "calls (CSV), the voicemails left for you (audio files) and what you did in the console, each file described in its README."
            </p>
            <p><a href=api::MY_DATA_EXPORT download>"Download my data"</a></p>
            <p>
                "Correct your profile, or ask to erase, limit or stop the processing of your data: "
                <a href=account(part, "/data")>"Your data and your requests"</a>
            </p>
            <h2>"Sessions"</h2>
            <p>"Logged in on a computer or phone you no longer use? End every session, this one included."</p>
            <button
                type="button"
                class="secondary"
                on:click=move |_| { everywhere.dispatch(()); }
                disabled=move || everywhere.pending().get()
            >
                "Log out everywhere"
            </button>
            {move || failed().map(|reason| view! { <p class="alert" role="alert">{reason}</p> })}
        </main>
    }
}
