//! `/login`: a Manager (to the console) or another User (to the WebApp) signs in with email and
//! password.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use protocol::Me;

use crate::components::LoginForm;
use crate::session::{Session, landing, use_session};

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let on_success = Callback::new(move |me: Me| {
        let landing = landing(&me);
        session.set(Session::SignedIn(me));
        navigate(landing, Default::default());
    });
    view! {
        <main class="narrow">
            <h1>"Log in to the Management Console"</h1>
            <p>"New here? " <a href="/signup">"Create your Company Account"</a></p>
            <LoginForm on_success />
            <p><a href="/password-reset">"Forgot your password?"</a></p>
        </main>
    }
}
