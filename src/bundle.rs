//! The app ships as three bundles built from this one library (`protocol::bundle` says which
//! serves which path): the sign-in pages (`src/bin/signin.rs`), the Management Console
//! (`src/main.rs`) and the WebApp (`src/bin/webapp.rs`). Each root component provides its
//! [`Bundle`]; a path of another bundle is reached with a full page load, since the router of
//! this one does not know it: [`use_go`] and [`GoTo`] pick the right way, and links to another
//! bundle carry `rel="external"` ([`link_rel`]).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
pub use protocol::bundle::Bundle;

/// The bundle running, provided by the root component of each.
pub fn use_bundle() -> Bundle {
    use_context::<Bundle>().unwrap_or(Bundle::Console)
}

/// `rel="external"` for a link from `bundle` to a path another bundle serves, so that the router
/// lets the browser load it instead of looking for it among its own routes.
pub fn link_rel(bundle: Bundle, path: &str) -> Option<&'static str> {
    (Bundle::serving(path) != bundle).then_some("external")
}

/// The log-in page for the part of the product `bundle` belongs to.
pub fn login(bundle: Bundle) -> &'static str {
    match bundle {
        Bundle::WebApp => "/app/login",
        Bundle::SignIn | Bundle::Console => "/login",
    }
}

/// "Your account" in `bundle`: `suffix` is `""`, `"/two-factor"` or `"/data"`. The WebApp has
/// its own copy of the account pages, so that employees never download the console.
pub fn account(bundle: Bundle, suffix: &str) -> String {
    match bundle {
        Bundle::WebApp => format!("/app/account{suffix}"),
        Bundle::SignIn | Bundle::Console => format!("/account{suffix}"),
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
        assert_eq!(link_rel(Bundle::WebApp, "/app/account"), None);
        assert_eq!(link_rel(Bundle::WebApp, "/app/login"), Some("external"));
        assert_eq!(link_rel(Bundle::Console, "/app"), Some("external"));
        assert_eq!(link_rel(Bundle::Console, "/login"), Some("external"));
        assert_eq!(link_rel(Bundle::SignIn, "/signup"), None);
    }
}
