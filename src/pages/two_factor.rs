//! `/account/two-factor`: the signed-in person turns two-factor authentication on (scan the QR
//! code, confirm a code, save the recovery codes), gets new recovery codes or turns it off. A
//! Manager whose Company requires it is sent here until it is on.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::{RecoveryCodes, TwoFactorSetup, TwoFactorStatus};

use crate::api::{self, ApiError};
use crate::bundle::{GoTo, account, login, use_go, use_part};
use crate::components::{FormAlert, FormErrors, TextField};
use crate::session::{Session, landing, use_session};

/// Where the page is.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// On or off, as the session says.
    Status,
    /// A new secret to put in the app, then a code from it.
    Scan(TwoFactorSetup),
    /// Recovery codes, shown this once.
    Codes(Vec<String>),
}

fn label(text: &str) -> Signal<String> {
    Signal::stored(text.to_owned())
}

/// Reads who is signed in again, so that every page sees the new status.
fn refresh(session: RwSignal<Session>) {
    spawn_local(async move {
        if let Ok(Some(me)) = api::me().await {
            session.set(Session::SignedIn(me));
        }
    });
}

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let session = use_session();
    let stage = RwSignal::new(Stage::Status);
    let status = move || match session.get() {
        Session::SignedIn(me) => Some(me.two_factor),
        Session::Loading | Session::SignedOut => None,
    };
    let signed_out = move || matches!(session.get(), Session::SignedOut);
    view! {
        <Show when=signed_out>
            <GoTo path=login(use_part()) />
        </Show>
        <main class="narrow two-factor">
            <h1>"Two-factor authentication"</h1>
            {move || status().filter(TwoFactorStatus::setup_needed).map(|_| view! {
                <p class="alert" role="alert">
                    "Your Company requires two-factor authentication for its Managers. Turn it on to continue to the console."
                </p>
            })}
            {move || match (stage.get(), status()) {
                (_, None) => view! { <p class="loading">"Loading…"</p> }.into_any(),
                (Stage::Scan(setup), _) => view! { <Scan setup stage /> }.into_any(),
                (Stage::Codes(codes), _) => view! { <SavedCodes codes stage /> }.into_any(),
                (Stage::Status, Some(status)) if status.enabled => {
                    view! { <Enabled status stage /> }.into_any()
                }
                (Stage::Status, Some(_)) => view! { <Disabled stage /> }.into_any(),
            }}
            <p><a href=account(use_part(), "")>"Back to your account"</a></p>
        </main>
    }
}

/// Off: explains, and starts with the current password.
#[component]
fn Disabled(stage: RwSignal<Stage>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let start = Action::new_local(|password: &String| api::start_two_factor(password.clone()));
    Effect::new(move || match start.value().get() {
        Some(Ok(setup)) => stage.set(Stage::Scan(setup)),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        start.dispatch(password.get());
    };
    view! {
        <p class="status">"Two-factor authentication is off."</p>
        <p>
            "With it on, each log-in asks for your password and a code from an authenticator app on your phone \
             (such as FreeOTP, Aegis, Google Authenticator or Microsoft Authenticator), so a stolen password is not enough."
        </p>
        <form class="card" on:submit=on_submit novalidate>
            <TextField
                label=label("Current password")
                name="current_password"
                kind="password"
                value=password
                errors
                autocomplete="current-password"
            />
            <FormAlert errors />
            <button type="submit" disabled=move || start.pending().get()>"Set up two-factor authentication"</button>
        </form>
    }
}

/// The QR code and the secret, then a code from the app turns it on.
#[component]
fn Scan(setup: TwoFactorSetup, stage: RwSignal<Stage>) -> impl IntoView {
    let session = use_session();
    let code = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let confirm = Action::new_local(|code: &String| api::confirm_two_factor(code.clone()));
    Effect::new(move || match confirm.value().get() {
        Some(Ok(RecoveryCodes { codes })) => {
            refresh(session);
            stage.set(Stage::Codes(codes));
        }
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        confirm.dispatch(code.get());
    };
    view! {
        <ol class="steps">
            <li>"Scan this QR code with your authenticator app."</li>
            <li>"Enter the six digits the app then shows."</li>
        </ol>
        <img class="qr" src=setup.qr_code alt="QR code of your two-factor secret" width="200" height="200" />
        <p>"No camera? Type this key into the app instead:"</p>
        <p><code class="secret">{setup.secret}</code></p>
        <form class="card" on:submit=on_submit novalidate>
            <TextField
                label=label("Code from the app")
                name="code"
                value=code
                errors
                autocomplete="one-time-code"
            />
            <FormAlert errors />
            <button type="submit" disabled=move || confirm.pending().get()>"Turn on"</button>
        </form>
    }
}

/// The recovery codes, once: the person saves them before going on.
#[component]
fn SavedCodes(codes: Vec<String>, stage: RwSignal<Stage>) -> impl IntoView {
    let session = use_session();
    let part = use_part();
    let go = use_go();
    let done = move |_| match session.get_untracked() {
        // Sent here by the Company's requirement: on to where they were going.
        Session::SignedIn(me) if me.two_factor.required => {
            go(&landing(&me, part));
        }
        _ => stage.set(Stage::Status),
    };
    view! {
        <p class="notice" role="status">"Two-factor authentication is on."</p>
        <h2>"Your recovery codes"</h2>
        <p>
            "If you lose your phone, each of these codes replaces a code from the app once. \
             Keep them somewhere safe, such as a password manager: they are not shown again."
        </p>
        <ul class="recovery-codes">
            {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
        </ul>
        <button type="button" on:click=done>"I have saved my recovery codes"</button>
    }
}

/// On: new recovery codes, or off, each with the current password.
#[component]
fn Enabled(status: TwoFactorStatus, stage: RwSignal<Stage>) -> impl IntoView {
    let session = use_session();
    let password = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let renew = Action::new_local(|password: &String| api::new_recovery_codes(password.clone()));
    let turn_off =
        Action::new_local(|password: &String| api::turn_off_two_factor(password.clone()));
    let show = move |error: &ApiError| errors.show_api_error(error);
    Effect::new(move || match renew.value().get() {
        Some(Ok(RecoveryCodes { codes })) => {
            refresh(session);
            stage.set(Stage::Codes(codes));
        }
        Some(Err(error)) => show(&error),
        None => {}
    });
    Effect::new(move || match turn_off.value().get() {
        Some(Ok(())) => refresh(session),
        Some(Err(error)) => show(&error),
        None => {}
    });
    let busy = move || renew.pending().get() || turn_off.pending().get();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        renew.dispatch(password.get());
    };
    let left = match status.recovery_codes_left {
        1 => "1 recovery code left.".to_owned(),
        left => format!("{left} recovery codes left."),
    };
    view! {
        <p class="status">"Two-factor authentication is on. " {left}</p>
        {status.required.then(|| view! {
            <p>"Your Company requires it for its Managers: it cannot be turned off."</p>
        })}
        <form class="card" on:submit=on_submit novalidate>
            <TextField
                label=label("Current password")
                name="current_password"
                kind="password"
                value=password
                errors
                autocomplete="current-password"
                hint="Asked again before your second factor changes."
            />
            <FormAlert errors />
            <div class="actions">
                <button type="submit" disabled=busy>"Get new recovery codes"</button>
                {(!status.required).then(|| view! {
                    <button
                        type="button"
                        class="secondary danger"
                        disabled=busy
                        on:click=move |_| {
                            errors.clear();
                            turn_off.dispatch(password.get());
                        }
                    >
                        "Turn off two-factor authentication"
                    </button>
                })}
            </div>
        </form>
    }
}
