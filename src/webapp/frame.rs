//! The WebApp's frame around every `/app/…` page: who is signed in, the sections, a Number
//! switcher, the suspension banner and the call panel. A phone-sized single column on narrow
//! screens, the sections beside the page on wider ones (`style/webapp.css`).
//!
//! The frame opens the live connection ([`live`]) and shares what `GET /api/app/home` says
//! through [`WebApp`], kept fresh by the live events: pages read the User's Numbers, usage,
//! Credits and suspension from there.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::{use_location, use_navigate};
use protocol::ErrorCode;
use protocol::terms::TermsInForce;
use protocol::webapp::{AppEvent, AppHome, Direction, MyNumber};

use super::call_panel::CallPanel;
use super::live;
use super::terms::AcceptTerms;
use crate::api::{self, ApiError};
use crate::bundle::{GoTo, Part, account, login};
use crate::session::{Session, use_log_out, use_session};

/// How long the frame waits after a change of usage before reloading the home: a burst of sent
/// messages reloads it once.
const RELOAD_AFTER: Duration = Duration::from_millis(400);

/// What every WebApp page shares, provided by the frame: the home as last loaded.
#[derive(Debug, Clone, Copy)]
pub struct WebApp {
    home: RwSignal<Option<Result<AppHome, ApiError>>>,
    /// The live connection was lost and is being reopened.
    offline: RwSignal<bool>,
    /// A reload is already scheduled.
    reload_scheduled: StoredValue<bool>,
    /// Signed out when the server no longer knows the session.
    session: RwSignal<Session>,
}

/// The frame's [`WebApp`]; only inside the frame.
pub fn use_webapp() -> WebApp {
    expect_context::<WebApp>()
}

impl WebApp {
    fn new(session: RwSignal<Session>) -> Self {
        Self {
            home: RwSignal::new(None),
            offline: RwSignal::new(false),
            reload_scheduled: StoredValue::new(false),
            session,
        }
    }

    /// The home, once loaded (reactive).
    pub fn home(&self) -> Option<Result<AppHome, ApiError>> {
        self.home.get()
    }

    /// The signed-in User's Numbers; empty until loaded (reactive).
    pub fn numbers(&self) -> Vec<MyNumber> {
        self.home.with(|home| match home {
            Some(Ok(home)) => home.numbers.clone(),
            _ => Vec::new(),
        })
    }

    /// The User's Number `id`, once loaded; `None` for anyone else's (reactive).
    pub fn number(&self, id: i64) -> Option<MyNumber> {
        self.home.with(|home| match home {
            Some(Ok(home)) => home.numbers.iter().find(|number| number.id == id).cloned(),
            _ => None,
        })
    }

    /// The home is loaded and has no Number `id` (reactive).
    pub fn is_foreign(&self, id: i64) -> bool {
        self.home.with(|home| match home {
            Some(Ok(home)) => home.numbers.iter().all(|number| number.id != id),
            _ => false,
        })
    }

    /// Why the User may not message or call (SUSP-1), as the server words it (reactive).
    pub fn suspended(&self) -> Option<String> {
        self.home.with(|home| match home {
            Some(Ok(home)) => home.suspended.clone(),
            _ => None,
        })
    }

    /// NOTICE-3: the Services the provider discontinues or discontinued, as sentences.
    pub fn discontinued(&self) -> Vec<String> {
        self.home.with(|home| match home {
            Some(Ok(home)) => home.discontinued.clone(),
            _ => Vec::new(),
        })
    }

    /// Loads the home again; a failure keeps what was shown unless nothing was.
    pub fn reload(&self) {
        let (home, session) = (self.home, self.session);
        spawn_local(async move {
            match api::app_home().await {
                Ok(loaded) => home.set(Some(Ok(loaded))),
                Err(error) if error.status() == Some(401) => session.set(Session::SignedOut),
                // New terms came into force while the WebApp was open: the frame asks for them.
                Err(error) if error.code() == Some(ErrorCode::TermsAcceptanceNeeded) => {
                    if let Ok(Some(me)) = api::me().await {
                        session.set(Session::SignedIn(me));
                    }
                }
                Err(error) => home.update(|home| {
                    if !matches!(home, Some(Ok(_))) {
                        *home = Some(Err(error));
                    }
                }),
            }
        });
    }

    /// Reloads the home shortly, once for any number of calls meanwhile.
    fn reload_soon(&self) {
        if self.reload_scheduled.try_get_value() != Some(false) {
            return;
        }
        self.reload_scheduled.set_value(true);
        let app = *self;
        set_timeout(
            move || {
                if app.reload_scheduled.try_set_value(false).is_none() {
                    app.reload();
                }
            },
            RELOAD_AFTER,
        );
    }

    /// What a live event changes in the home: the Credits, and the usage after a message sent
    /// or a call ended.
    fn receive(&self, event: &AppEvent) {
        match event {
            AppEvent::Credits { available } => self.home.update(|home| {
                if let Some(Ok(home)) = home {
                    home.credits_available = *available;
                }
            }),
            AppEvent::Message { message } if message.direction == Direction::Outgoing => {
                self.reload_soon()
            }
            AppEvent::Call { call } if call.status.is_over() => self.reload_soon(),
            _ => {}
        }
    }
}

/// Who may see the WebApp: any signed-in person (Managers too, for their own Numbers) who
/// accepted its terms in force.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Access {
    Loading,
    SignedIn {
        manager: bool,
    },
    /// A Manager whose Company requires two-factor authentication, still off for them.
    TwoFactorFirst,
    /// The GCU and privacy notice in force, not accepted yet (ACCEPT-1).
    TermsFirst(TermsInForce),
    SignedOut,
}

/// `/app/…`: the frame of every WebApp page, for a signed-in person who accepted the WebApp's
/// terms in force (else the screen that asks for them); the log-in page otherwise.
#[component]
pub fn WebAppFrame() -> impl IntoView {
    let session = use_session();
    let access = Memo::new(move |_| match session.get() {
        Session::Loading => Access::Loading,
        Session::SignedIn(me) if me.two_factor.setup_needed() => Access::TwoFactorFirst,
        Session::SignedIn(me) if !me.terms.accepted => Access::TermsFirst(*me.terms.in_force),
        Session::SignedIn(me) => Access::SignedIn {
            manager: me.user.is_manager,
        },
        Session::SignedOut => Access::SignedOut,
    });
    move || match access.get() {
        Access::Loading => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Access::SignedIn { manager } => view! { <Frame manager /> }.into_any(),
        Access::TwoFactorFirst => {
            view! { <GoTo path=account(Part::WebApp, "/two-factor") /> }.into_any()
        }
        Access::TermsFirst(in_force) => view! { <AcceptTerms in_force /> }.into_any(),
        Access::SignedOut => view! { <GoTo path=login(Part::WebApp) /> }.into_any(),
    }
}

/// The `/app/numbers/{id}/…` Number and section of `path`, if it is one.
fn number_section(path: &str) -> Option<(i64, &str)> {
    let rest = path.strip_prefix("/app/numbers/")?;
    let (id, rest) = rest.split_once('/').unwrap_or((rest, ""));
    let section = rest.split('/').next().unwrap_or_default();
    Some((id.parse().ok()?, section))
}

#[component]
fn Frame(manager: bool) -> impl IntoView {
    let app = WebApp::new(use_session());
    provide_context(app);
    app.reload();
    let connection = live::open();
    let subscriptions = [
        live::on_connected(move || {
            app.offline.set(false);
            app.reload();
        }),
        live::on_disconnected(move || app.offline.set(true)),
        live::subscribe(move |event| app.receive(event)),
    ];
    on_cleanup(move || {
        drop(subscriptions);
        drop(connection);
    });

    let location = use_location();
    let current = Memo::new(move |_| {
        location
            .pathname
            .with(|path| number_section(path).map(|(id, section)| (id, section.to_owned())))
    });
    // The Number the sections lead to: the one on screen, else the User's first.
    let number_id = move || {
        current
            .get()
            .map(|(id, _)| id)
            .or_else(|| app.numbers().first().map(|number| number.id))
    };

    view! {
        <div class="webapp">
            <header class="app-bar">
                <a class="brand" href="/app">"Numbers"</a>
                <NumberSwitcher current />
                <Who manager />
            </header>
            <nav class="app-nav" aria-label="WebApp sections">
                <A href="/app" exact=true>"Home"</A>
                {move || {
                    number_id()
                        .map(|id| {
                            view! {
                                <A href=format!("/app/numbers/{id}/messages")>"Messages"</A>
                                <A href=format!("/app/numbers/{id}/calls")>"Calls"</A>
                            }
                        })
                }}
            </nav>
            <main class="app-main">
                {move || {
                    app.offline
                        .get()
                        .then(|| {
                            view! {
                                <p class="live-status" role="status">
                                    "Offline: new messages and calls will show once the connection is back."
                                </p>
                            }
                        })
                }}
                {move || {
                    app.suspended()
                        .map(|reason| view! { <p class="alert suspension-banner" role="alert">{reason}</p> })
                }}
                {move || {
                    app.discontinued()
                        .into_iter()
                        .map(|sentence| view! { <p class="notice discontinued">{sentence}</p> })
                        .collect_view()
                }}
                <Outlet />
            </main>
            <CallPanel />
        </div>
    }
}

/// A choice of Number for a User with several, on the pages of one Number: switching keeps the
/// section (messages or calls).
#[component]
fn NumberSwitcher(current: Memo<Option<(i64, String)>>) -> impl IntoView {
    let app = use_webapp();
    let navigate = use_navigate();
    let on_change = move |event: leptos::ev::Event| {
        let Ok(id) = event_target_value(&event).parse::<i64>() else {
            return;
        };
        let section = match current.get_untracked() {
            Some((_, section)) if section == "calls" => "calls",
            _ => "messages",
        };
        navigate(&format!("/app/numbers/{id}/{section}"), Default::default());
    };
    move || {
        let numbers = app.numbers();
        let (shown, _) = current.get()?;
        (numbers.len() > 1).then(|| {
            view! {
                <div class="number-switcher">
                    <label for="number-switcher">"Number"</label>
                    <select id="number-switcher" on:change=on_change.clone()>
                        {numbers
                            .into_iter()
                            .map(|number| {
                                view! {
                                    <option value=number.id.to_string() selected=number.id == shown>
                                        {format!("{} ({})", number.e164, number.plan_name)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            }
        })
    }
}

/// The signed-in person, the way back to the console for a Manager, and logging out.
#[component]
fn Who(manager: bool) -> impl IntoView {
    let session = use_session();
    // Signed out, the frame goes and with it the live connection.
    let log_out = use_log_out();
    let leaving = log_out.pending();
    let name = move || match session.get() {
        Session::SignedIn(me) => format!("{} {}", me.user.first_name, me.user.last_name),
        _ => String::new(),
    };
    view! {
        <div class="who-menu">
            <span class="who">{name}</span>
            {manager.then(|| view! { <a href="/console" rel="external">"Console"</a> })}
            <a href=account(Part::WebApp, "") rel="external">"Your account"</a>
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
        </div>
    }
}
