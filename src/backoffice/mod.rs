//! The provider's back office (issue 14), its own bundle (`src/bin/backoffice.rs`): Company
//! Users never download it. For now: an operator's set-up through their one-time link and
//! their sign-in with a password and a code from their authenticator app.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use protocol::backoffice::{OperatorMe, OperatorSetup, OperatorSetupForm, OperatorSignIn};

use crate::api;
use crate::bundle::Bundle;
use crate::components::{FormAlert, FormErrors, TextField};
use crate::params::use_token;

/// Who is signed in to the back office.
#[derive(Debug, Clone, PartialEq)]
enum OperatorSession {
    Loading,
    SignedOut,
    SignedIn(OperatorMe),
}

#[component]
pub fn BackOfficeRoot() -> impl IntoView {
    provide_context(Bundle::BackOffice);
    let session = RwSignal::new(OperatorSession::Loading);
    provide_context(session);
    spawn_local(async move {
        let me = api::operator().await.ok().flatten();
        session.set(me.map_or(OperatorSession::SignedOut, OperatorSession::SignedIn));
    });
    view! {
        <Router>
            <header class="topbar">
                <a class="brand" href="/backoffice">"Numbers back office"</a>
                {move || match session.get() {
                    OperatorSession::SignedIn(me) => view! {
                        <nav>
                            <span class="who">{format!("{} ({})", me.email, me.role.as_str())}</span>
                            <button type="button" class="secondary" on:click=move |_| {
                                spawn_local(async move {
                                    if api::operator_sign_out().await.is_ok() {
                                        session.set(OperatorSession::SignedOut);
                                    }
                                });
                            }>"Sign out"</button>
                        </nav>
                    }
                        .into_any(),
                    _ => ().into_any(),
                }}
            </header>
            <Routes fallback=|| view! { <main class="narrow"><h1>"Page not found"</h1></main> }>
                <Route path=path!("/backoffice") view=Home />
                <Route path=path!("/backoffice/setup/:token") view=SetupPage />
            </Routes>
        </Router>
    }
}

fn use_operator_session() -> RwSignal<OperatorSession> {
    expect_context::<RwSignal<OperatorSession>>()
}

/// `/backoffice`: the sign-in, then who is signed in.
#[component]
fn Home() -> impl IntoView {
    let session = use_operator_session();
    move || match session.get() {
        OperatorSession::Loading => {
            view! { <main class="narrow"><p class="loading">"Loading…"</p></main> }.into_any()
        }
        OperatorSession::SignedOut => view! { <SignInPage /> }.into_any(),
        OperatorSession::SignedIn(me) => view! {
            <main>
                <h1>"Back office"</h1>
                <p>{format!("Signed in as {}, of the {} role.", me.email, me.role.as_str())}</p>
            </main>
        }
        .into_any(),
    }
}

#[component]
fn SignInPage() -> impl IntoView {
    let session = use_operator_session();
    let (email, password, code) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let errors = FormErrors::new();
    let send = Action::new_local(|form: &OperatorSignIn| {
        let form = form.clone();
        async move { api::operator_sign_in(&form).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(me)) => session.set(OperatorSession::SignedIn(me)),
        Some(Err(error)) => errors.show_api_error(&error),
        None => {}
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        send.dispatch(OperatorSignIn {
            email: email.get(),
            password: password.get(),
            code: code.get(),
        });
    };
    view! {
        <main class="narrow">
            <h1>"Sign in to the back office"</h1>
            <form class="card" on:submit=on_submit novalidate>
                <TextField label=Signal::stored("Email".to_owned()) name="email" value=email errors kind="email" autocomplete="username" />
                <TextField label=Signal::stored("Password".to_owned()) name="password" value=password errors kind="password" autocomplete="current-password" />
                <TextField
                    label=Signal::stored("Code from your authenticator app".to_owned())
                    name="code"
                    value=code
                    errors
                    autocomplete="one-time-code"
                    hint="The six digits your app shows now."
                />
                <FormAlert errors />
                <button type="submit" disabled=move || send.pending().get()>"Sign in"</button>
            </form>
        </main>
    }
}

/// `/backoffice/setup/:token`: a new operator's authenticator and password.
#[component]
fn SetupPage() -> impl IntoView {
    let token = use_token();
    let setup = LocalResource::new(move || {
        let token = token.get();
        async move { api::operator_setup(&token).await }
    });
    move || match setup.get() {
        None => view! { <main class="narrow"><p class="loading">"Loading…"</p></main> }.into_any(),
        Some(Err(error)) => view! {
            <main class="narrow">
                <h1>"Set up your access"</h1>
                <p class="alert" role="alert">{error.to_string()}</p>
            </main>
        }
        .into_any(),
        Some(Ok(found)) => {
            view! { <SetupForm token=token.get_untracked() setup=found /> }.into_any()
        }
    }
}

#[component]
fn SetupForm(token: String, setup: OperatorSetup) -> impl IntoView {
    let (password, code) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = FormErrors::new();
    let token = StoredValue::new(token);
    let send = Action::new_local(move |form: &OperatorSetupForm| {
        let form = form.clone();
        async move { api::complete_operator_setup(&token.get_value(), &form).await }
    });
    Effect::new(move || {
        if let Some(Err(error)) = send.value().get() {
            errors.show_api_error(&error);
        }
    });
    let done = move || matches!(send.value().get(), Some(Ok(())));
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        send.dispatch(OperatorSetupForm {
            password: password.get(),
            code: code.get(),
        });
    };
    view! {
        <main class="narrow">
            <h1>"Set up your access"</h1>
            <p>{format!("{}, operator of the {} role.", setup.email, setup.role.as_str())}</p>
            {move || if done() {
                view! {
                    <p class="success" role="status">"Your access is set up."</p>
                    <p><a href="/backoffice">"Sign in"</a></p>
                }
                    .into_any()
            } else {
                view! {
                    <form class="card" on:submit=on_submit novalidate>
                        <p>"Add this account to your authenticator app: scan the code, or type the secret."</p>
                        <img class="qr" src=setup.qr_code.clone() alt="QR code of your authenticator's secret" width="200" height="200" />
                        <p class="secret"><code>{setup.secret.clone()}</code></p>
                        <TextField label=Signal::stored("Password".to_owned()) name="password" value=password errors kind="password" autocomplete="new-password" hint="At least 10 characters." />
                        <TextField
                            label=Signal::stored("Code from your authenticator app".to_owned())
                            name="code"
                            value=code
                            errors
                            autocomplete="one-time-code"
                        />
                        <FormAlert errors />
                        <button type="submit" disabled=move || send.pending().get()>"Set up"</button>
                    </form>
                }
                    .into_any()
            }}
        </main>
    }
}
