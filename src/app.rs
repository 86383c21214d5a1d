//! The root components, one per bundle (see [`crate::bundle`]): the session, the frame and the
//! routes of the sign-in pages ([`SignInRoot`]), the Management Console ([`ConsoleRoot`]) and
//! the WebApp ([`WebAppRoot`]).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::api;
use crate::bundle::{Bundle, Part, use_go};
use crate::components::{ConsoleLayout, Header};
use crate::pages::{
    AccountPage, ActivityPage, CompanyPage, DashboardPage, LoginPage, NotFoundPage, SignupPage,
    TwoFactorPage, YourDataPage,
};
use crate::session::{Session, use_session};

/// Asks the server who is signed in and shares the answer with every page.
fn provide_session(bundle: Bundle) {
    crate::marks::mark("app-start");
    provide_context(bundle);
    let session = RwSignal::new(Session::Loading);
    provide_context(session);
    spawn_local(async move {
        // A failed check counts as signed out: the log-in page will say if the server is down.
        let me = api::me().await.ok().flatten();
        session.set(me.map_or(Session::SignedOut, Session::SignedIn));
    });
}

/// The sign-in bundle: what a person sees before being signed in, and their own account (for the
/// console under `/account`, for the WebApp under `/app/account`).
#[component]
pub fn SignInRoot() -> impl IntoView {
    provide_session(Bundle::SignIn);
    view! {
        <Router>
            <Header />
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=Home />
                <Route path=path!("/signup") view=SignupPage />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/app/login") view=LoginPage />
                <Route path=path!("/invitation/:token") view=crate::pages::InvitationPage />
                <Route path=path!("/password-reset") view=crate::pages::PasswordResetRequestPage />
                <Route path=path!("/password-reset/:token") view=crate::pages::PasswordResetPage />
                <Route path=path!("/account") view=AccountPage />
                <Route path=path!("/account/two-factor") view=TwoFactorPage />
                <Route path=path!("/account/data") view=YourDataPage />
                <Route path=path!("/app/account") view=AccountPage />
                <Route path=path!("/app/account/two-factor") view=TwoFactorPage />
                <Route path=path!("/app/account/data") view=YourDataPage />
            </Routes>
        </Router>
    }
}

/// The Management Console's bundle: `/console…`.
#[component]
pub fn ConsoleRoot() -> impl IntoView {
    provide_session(Bundle::Console);
    view! {
        <Router>
            <Header />
            <Routes fallback=NotFoundPage>
                // Every console page: guarded by the layout, one child route per page.
                <ParentRoute path=path!("/console") view=ConsoleLayout>
                    <Route path=path!("") view=DashboardPage />
                    <Route path=path!("users") view=crate::pages::UsersPage />
                    <Route path=path!("users/:id") view=crate::pages::UserPage />
                    <Route path=path!("outbox") view=crate::pages::OutboxPage />
                    <Route path=path!("licences") view=crate::pages::LicencesPage />
                    <Route path=path!("price-changes") view=crate::pages::PriceChangesPage />
                    <Route path=path!("credits") view=crate::pages::CreditsPage />
                    <Route path=path!("communications") view=crate::pages::CommunicationsPage />
                    <Route path=path!("numbers") view=crate::pages::NumbersPage />
                    <Route path=path!("order") view=crate::pages::OrderPage />
                    <Route path=path!("orders") view=crate::pages::OrdersPage />
                    <Route path=path!("orders/:id") view=crate::pages::OrderDetailPage />
                    <Route path=path!("invoices") view=crate::pages::InvoicesPage />
                    <Route path=path!("invoices/:id") view=crate::pages::InvoiceDetailPage />
                    <Route path=path!("company") view=CompanyPage />
                    <Route path=path!("activity") view=ActivityPage />
                    <Route path=path!("privacy") view=crate::pages::PrivacyRequestsPage />
                    <Route path=path!("complaints") view=crate::pages::ComplaintsPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The WebApp's bundle: everything under `/app` but its log-in and account pages.
#[component]
pub fn WebAppRoot() -> impl IntoView {
    provide_session(Bundle::WebApp);
    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                // Every page of the WebApp: guarded by its frame, for any signed-in User.
                <ParentRoute path=path!("/app") view=crate::webapp::WebAppFrame>
                    <Route path=path!("") view=crate::webapp::AppHomePage />
                    <ParentRoute path=path!("numbers/:id/messages") view=crate::webapp::MessagesLayout>
                        <Route path=path!("") view=crate::webapp::NoConversation />
                        // Before ":correspondent", which would match "new" too.
                        <Route path=path!("new") view=crate::webapp::NewMessagePage />
                        <Route path=path!(":correspondent") view=crate::webapp::ThreadPage />
                    </ParentRoute>
                    <Route path=path!("numbers/:id/calls") view=crate::webapp::CallsPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// `/`: the console for a signed-in Manager, the WebApp for another User, the log-in page for
/// anyone else.
#[component]
fn Home() -> impl IntoView {
    let session = use_session();
    let go = use_go();
    Effect::new(move || match session.get() {
        Session::Loading => {}
        Session::SignedIn(me) => go(&crate::session::landing(&me, Part::Console)),
        Session::SignedOut => go("/login"),
    });
    view! { <p class="loading">"Loading…"</p> }
}
