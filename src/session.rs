//! Who is signed in, shared by every page through Leptos context.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use protocol::Me;

use crate::api;

#[derive(Debug, Clone, PartialEq)]
pub enum Session {
    /// Asking the server (on first load).
    Loading,
    SignedOut,
    SignedIn(Me),
}

impl Session {
    /// The server's today (Europe/Paris), once signed in: the day the rules are computed for.
    pub fn today(&self) -> Option<chrono::NaiveDate> {
        match self {
            Session::SignedIn(me) => Some(me.today),
            Session::Loading | Session::SignedOut => None,
        }
    }
}

/// The session signal, provided by [`crate::App`].
pub fn use_session() -> RwSignal<Session> {
    expect_context::<RwSignal<Session>>()
}

/// Where a Manager goes while the two-factor authentication their Company requires is off.
pub const TWO_FACTOR_PAGE: &str = "/account/two-factor";

/// Where a person lands once signed in (log-in, invitation, `/`): Managers on the console,
/// other Users in the WebApp, and anyone who must turn two-factor authentication on first on
/// the page that does it.
pub fn landing(me: &protocol::Me) -> &'static str {
    if me.two_factor.setup_needed() {
        TWO_FACTOR_PAGE
    } else if me.user.is_manager {
        "/console"
    } else {
        "/app"
    }
}

/// "Log out": whatever the server answers, the session is forgotten here (the server ends it if
/// it can) and the log-in page shown.
pub fn use_log_out() -> Action<(), ()> {
    let session = use_session();
    let navigate = use_navigate();
    Action::new_local(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            let _ = api::logout().await;
            session.set(Session::SignedOut);
            navigate("/login", Default::default());
        }
    })
}
