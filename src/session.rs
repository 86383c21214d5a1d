//! Who is signed in, shared by every page through Leptos context.

use leptos::prelude::*;
use protocol::Me;

use crate::api;
use crate::bundle::{Part, account, login, use_go, use_part};

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

    /// The country the signed-in person's Company is billed in: where the forms that ask for a
    /// country start (issue 16).
    pub fn billing_country(&self) -> Option<String> {
        match self {
            Session::SignedIn(me) => Some(me.company.billing_country.clone()),
            Session::Loading | Session::SignedOut => None,
        }
    }
}

/// The session signal, provided by the root component of each bundle.
pub fn use_session() -> RwSignal<Session> {
    expect_context::<RwSignal<Session>>()
}

/// Where a person lands once signed in (log-in, invitation, `/`) who came for `part` of the
/// product (the console or the WebApp): anyone who must turn two-factor authentication on
/// first on the page that does it; Managers who came for the console on the console; everyone
/// else in the WebApp.
pub fn landing(me: &Me, part: Part) -> String {
    if me.two_factor.setup_needed() {
        account(part, "/two-factor")
    } else if me.user.is_manager && part == Part::Console {
        "/console".to_owned()
    } else {
        "/app".to_owned()
    }
}

/// "Log out": whatever the server answers, the session is forgotten here (the server ends it if
/// it can) and the log-in page of this part of the product shown.
pub fn use_log_out() -> Action<(), ()> {
    let session = use_session();
    let login = login(use_part());
    let go = use_go();
    Action::new_local(move |_: &()| {
        let go = go.clone();
        async move {
            let _ = api::logout().await;
            session.set(Session::SignedOut);
            go(login);
        }
    })
}
