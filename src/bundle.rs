//! The app ships as four bundles built from this one library (`protocol::bundle` says which
//! serves which path): the sign-in pages (`src/bin/signin.rs`), the Management Console
//! (`src/main.rs`), the WebApp (`src/bin/webapp.rs`) and the provider's back office
//! (`src/bin/backoffice.rs`). Each root component provides its
//! [`Bundle`]; a path of another bundle is reached with a full page load, since the router of
//! this one does not know it: [`use_go`] and [`GoTo`] pick the right way, and links to another
//! bundle carry `rel="external"` ([`link_rel`]).
//!
//! The log-in and account pages exist for both parts of the product ([`Part`]): `/login` and
//! `/account…` for the console, `/app/login` and `/app/account…` for the WebApp. The sign-in
//! bundle serves all of them.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
pub use protocol::bundle::Bundle;

/// The part of the product a person came for, whichever bundle serves the page: it picks the
/// log-in page, the account pages and the way back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Console,
    WebApp,
}

impl Part {
    /// The part `path` belongs to: the WebApp's paths are under `/app`.
    pub fn of(path: &str) -> Self {
        match path.strip_prefix("/app") {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => Part::WebApp,
            _ => Part::Console,
        }
    }
}

/// The part of the product the current page belongs to.
pub fn use_part() -> Part {
    Part::of(&use_location().pathname.get_untracked())
}

/// The bundle running, provided by the root component of each.
pub fn use_bundle() -> Bundle {
    use_context::<Bundle>().unwrap_or(Bundle::Console)
}

/// `rel="external"` for a link from `bundle` to a path another bundle serves, so that the router
/// lets the browser load it instead of looking for it among its own routes.
pub fn link_rel(bundle: Bundle, path: &str) -> Option<&'static str> {
    (Bundle::serving(path) != bundle).then_some("external")
}

/// The log-in page of `part`.
pub fn login(part: Part) -> &'static str {
    match part {
        Part::WebApp => "/app/login",
        Part::Console => "/login",
    }
}

/// "Your account" for `part`: `suffix` is `""`, `"/two-factor"` or `"/data"`. The pages are the
/// same (in the sign-in bundle); the WebApp's keep its paths, so that the way back leads there.
pub fn account(part: Part, suffix: &str) -> String {
    match part {
        Part::WebApp => format!("/app/account{suffix}"),
        Part::Console => format!("/account{suffix}"),
    }
}

/// Goes to `path`: through the router within this bundle, by loading the page otherwise.
pub fn use_go() -> impl Fn(&str) + Clone + 'static {
    let bundle = use_bundle();
    let navigate = use_navigate();
    move |path: &str| {
        if Bundle::serving(path) == bundle {
            navigate(path, Default::default());
        } else if let Err(error) = window().location().assign(path) {
            leptos::logging::error!("could not open {path}: {error:?}");
        }
    }
}

/// Sends the browser to `path` once shown (the router's `Redirect`, across bundles too).
#[component]
pub fn GoTo(#[prop(into)] path: String) -> impl IntoView {
    let go = use_go();
    Effect::new(move || go(&path));
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn links_to_another_bundle_are_external() {
        assert_eq!(link_rel(Bundle::WebApp, "/console"), Some("external"));
        assert_eq!(link_rel(Bundle::WebApp, "/app/account"), Some("external"));
        assert_eq!(link_rel(Bundle::WebApp, "/app/numbers/1/calls"), None);
        assert_eq!(link_rel(Bundle::WebApp, "/app/login"), Some("external"));
        assert_eq!(link_rel(Bundle::Console, "/app"), Some("external"));
        assert_eq!(link_rel(Bundle::Console, "/login"), Some("external"));
        assert_eq!(link_rel(Bundle::SignIn, "/signup"), None);
        assert_eq!(link_rel(Bundle::SignIn, "/app/account/data"), None);
    }

    #[wasm_bindgen_test]
    fn the_part_comes_from_the_path() {
        assert_eq!(Part::of("/app"), Part::WebApp);
        assert_eq!(Part::of("/app/account/two-factor"), Part::WebApp);
        assert_eq!(Part::of("/app/login"), Part::WebApp);
        assert_eq!(Part::of("/apps"), Part::Console);
        assert_eq!(Part::of("/account"), Part::Console);
        assert_eq!(Part::of("/login"), Part::Console);
        assert_eq!(account(Part::WebApp, "/data"), "/app/account/data");
        assert_eq!(login(Part::Console), "/login");
    }
}
