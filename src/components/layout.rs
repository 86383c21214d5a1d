//! The frame around every page, and the guard of the console's pages.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;

use crate::bundle::{Bundle, GoTo, Part, account, link_rel, use_bundle, use_part};
use crate::session::{Session, use_log_out, use_session};

/// The top bar: the product's name and, when signed in, the way to the other part of the
/// product, the account and a log-out button (not on the sign-in pages). The WebApp's pages have a
/// bar of their own: this one shows on the console's pages and on the sign-in bundle's, where its
/// links follow the part of the product (console or WebApp) the page belongs to.
#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    let log_out = use_log_out();
    let leaving = log_out.pending();
    let bundle = use_bundle();
    let part = use_part();
    let location = use_location();
    let signing_in = move || {
        bundle == Bundle::SignIn
            && location
                .pathname
                .with(|path| !path.starts_with(&account(part, "")))
    };
    let (brand, home, other, other_name) = match part {
        Part::WebApp => ("Numbers", "/app", "/console", "Console"),
        Part::Console => ("Numbers Console", "/", "/app", "WebApp"),
    };
    let your_account = account(part, "");
    let account_rel = link_rel(bundle, &your_account);
    view! {
        <header class="topbar">
            <a class="brand" href=home rel=link_rel(bundle, home)>{brand}</a>
            {move || match session.get() {
                Session::SignedIn(me) if !signing_in() => {
                    view! {
                        <nav>
                            <span class="who">{me.user.first_name} " " {me.user.last_name}</span>
                            {me.user.is_manager.then(|| view! { <a href=other rel="external">{other_name}</a> })}
                            <a href=your_account.clone() rel=account_rel>"Your account"</a>
                            <button
                                type="button"
                                class="secondary"
                                disabled=move || leaving.get()
                                on:click=move |_| {
                                    log_out.dispatch_local(());
                                }
                            >
                                "Log out"
                            </button>
                        </nav>
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
        </header>
    }
}

/// Who may see the console, derived from the session: pages re-render when this changes, not
/// when the signed-in person's details do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Loading,
    Manager,
    NotManager,
    /// A Manager whose Company requires two-factor authentication, still off for them.
    TwoFactorFirst,
    SignedOut,
}

/// Shows `page` to a signed-in Manager; anyone else goes to the log-in page (or, for a Manager
/// who must turn two-factor authentication on, to the page that does it).
#[component]
pub fn RequireManager<F, V>(page: F) -> impl IntoView
where
    F: Fn() -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let session = use_session();
    let access = Memo::new(move |_| match session.get() {
        Session::Loading => Access::Loading,
        Session::SignedIn(me) if me.two_factor.setup_needed() => Access::TwoFactorFirst,
        Session::SignedIn(me) if me.user.is_manager => Access::Manager,
        Session::SignedIn(_) => Access::NotManager,
        Session::SignedOut => Access::SignedOut,
    });
    move || {
        match access.get() {
        Access::Loading => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Access::Manager => page().into_view().into_any(),
        Access::NotManager => view! {
            <p class="alert">"Only Managers of the Company Account can use the Management Console."</p>
            <p><a href="/app" rel="external">"Go to the WebApp"</a></p>
        }
        .into_any(),
        Access::TwoFactorFirst => {
            view! { <GoTo path=account(Part::Console, "/two-factor") /> }.into_any()
        }
        Access::SignedOut => view! { <GoTo path="/login" /> }.into_any(),
    }
    }
}

/// The Management Console's frame: the sections on the side, the current page beside them.
/// Every `/console/…` route is a child of this one (see `app.rs`), so all of them are guarded.
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    const SECTIONS: [(&str, &str); 14] = [
        ("/console", "Dashboard"),
        ("/console/company", "Company Account"),
        ("/console/users", "Users"),
        ("/console/numbers", "Numbers"),
        ("/console/order", "Order"),
        ("/console/orders", "Orders"),
        ("/console/invoices", "Invoices"),
        ("/console/licences", "Licences"),
        ("/console/price-changes", "Price changes"),
        ("/console/credits", "Credits"),
        ("/console/communications", "Communications"),
        ("/console/activity", "Activity"),
        ("/console/privacy", "Privacy requests"),
        ("/console/complaints", "Support"),
    ];
    view! {
        <RequireManager page=|| {
            super::provide_suspensions();
            view! {
                <div class="console">
                    <nav class="sections" aria-label="Console sections">
                        {SECTIONS
                            .into_iter()
                            .map(|(href, name)| view! { <A href=href exact=true>{name}</A> })
                            .collect_view()}
                    </nav>
                    <div class="page">
                        <super::SuspensionBanner />
                        <Outlet />
                    </div>
                </div>
            }
        } />
    }
}
