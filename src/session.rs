//! Who is signed in, shared by every page through Leptos context.

use leptos::prelude::*;
use protocol::Me;

#[derive(Debug, Clone, PartialEq)]
pub enum Session {
    /// Asking the server (on first load).
    Loading,
    SignedOut,
    SignedIn(Me),
}

/// The session signal, provided by [`crate::App`].
pub fn use_session() -> RwSignal<Session> {
    expect_context::<RwSignal<Session>>()
}
