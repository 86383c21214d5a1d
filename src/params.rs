//! The typed params of the routes declared in `app.rs`, each read with `use_params::<T>()`: a
//! param that is missing or does not parse reads as `None`, and the page says there is nothing
//! there.

use leptos::prelude::*;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

/// `:id` in `/console/users/:id`, `/console/orders/:id`, `/console/invoices/:id` and
/// `/app/numbers/:id/…`.
#[derive(leptos::Params, Debug, Clone, PartialEq)]
pub struct IdParams {
    pub id: i64,
}

/// `:token` in `/invitation/:token` and `/password-reset/:token`.
#[derive(leptos::Params, Debug, Clone, PartialEq)]
pub struct TokenParams {
    pub token: String,
}

/// `:correspondent` in `/app/numbers/:id/messages/:correspondent`.
#[derive(leptos::Params, Debug, Clone, PartialEq)]
pub struct CorrespondentParams {
    pub correspondent: String,
}

/// The current route's `:id`, `None` when it is not a number.
pub fn use_id() -> Memo<Option<i64>> {
    let params = use_params::<IdParams>();
    Memo::new(move |_| params.with(|params| params.as_ref().ok().map(|params| params.id)))
}

/// The current route's `:token` (empty when there is none).
pub fn use_token() -> Memo<String> {
    let params = use_params::<TokenParams>();
    Memo::new(move |_| {
        params.with(|params| {
            params
                .as_ref()
                .map(|params| params.token.clone())
                .unwrap_or_default()
        })
    })
}
