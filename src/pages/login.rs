//! `/login` and `/app/login` (in the sign-in bundle): a Manager (to the console, or the WebApp
//! when they came for it) or another User (to the WebApp) signs in with email and password.

use leptos::prelude::*;
use protocol::Me;

use crate::bundle::{Part, use_go, use_part};
use crate::components::LoginForm;
use crate::session::{Session, landing, use_session};

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    // The part of the product the person came for.
    let part = use_part();
    let go = use_go();
    let on_success = Callback::new(move |me: Me| {
        let landing = landing(&me, part);
        session.set(Session::SignedIn(me));
        go(&landing);
    });
    let (title, signup) = match part {
        Part::WebApp => ("Log in to the WebApp", false),
        Part::Console => ("Log in to the Management Console", true),
    };
    view! {
        <main class="narrow">
            <h1>{title}</h1>
            {signup.then(|| view! {
                <p>"New here? " <a href="/signup">"Create your Company Account"</a></p>
            })}
            <LoginForm on_success />
            <p><a href="/password-reset">"Forgot your password?"</a></p>
        </main>
    }
}
