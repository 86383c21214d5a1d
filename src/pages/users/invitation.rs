//! `/invitation/:token`: an invited User chooses a password, outside the console. A Manager then
//! lands on the console, another User in the WebApp.

use leptos::prelude::*;
use protocol::users::Invitation;

use crate::api;
use crate::components::NewPasswordForm;
use crate::params::use_token;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let token = use_token();
    let invitation = LocalResource::new(move || {
        let token = token.get();
        async move { api::invitation(&token).await }
    });
    view! {
        <main class="narrow">
            {move || match invitation.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! {
                    <h1>"This invitation cannot be used"</h1>
                    <p class="alert" role="alert">{error.to_string()}</p>
                    <p><a href="/login">"Log in"</a></p>
                }
                .into_any(),
                Some(Ok(invitation)) => view! { <ChoosePassword invitation token=token.get_untracked() /> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn ChoosePassword(invitation: Invitation, token: String) -> impl IntoView {
    let welcome = format!(
        "Welcome, {} {}",
        invitation.first_name, invitation.last_name
    );
    let company = format!(
        "{} invited you ({}). Choose your password.",
        invitation.company, invitation.email
    );
    view! {
        <h1>{welcome}</h1>
        <p>{company}</p>
        <NewPasswordForm
            token
            send=|token: String, password: String| async move {
                api::accept_invitation(&token, password)
                    .await
                    .map(protocol::LoginReply::SignedIn)
            }
            label="Password"
            button="Set my password"
        />
    }
}
