//! Which of the app's bundles serves a path: the server answers each app route with that
//! bundle's page, and the app leaves for another bundle with a full page load. Each audience so
//! downloads only its own part (issue 18): a visitor signing in or up, or anyone managing their
//! own account, the small sign-in bundle; a Manager the Management Console; an employee the
//! WebApp; the provider's operators the back office.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// What concerns a person rather than a Company: sign-up, log-in (`/login`, and `/app/login`
    /// for the WebApp), invitations, password resets, and their own account (`/account…`, and
    /// `/app/account…` when they came from the WebApp). Managers and employees alike use these
    /// pages: neither downloads the other's part for them.
    SignIn,
    /// The Management Console (`/console…`); any other path too, for its "page not found".
    Console,
    /// The WebApp: everything under `/app` but its log-in and account pages.
    WebApp,
    /// The provider's back office (`/backoffice…`, issue 14), for its operators only.
    BackOffice,
}

impl Bundle {
    /// The bundle that serves the app route `path`.
    pub fn serving(path: &str) -> Self {
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if matches!(
            path,
            "/" | "/login" | "/signup" | "/app/login" | "/password-reset"
        ) || under("/invitation")
            || under("/password-reset")
            || under("/account")
            || under("/app/account")
        {
            Bundle::SignIn
        } else if under("/app") {
            Bundle::WebApp
        } else if under("/backoffice") {
            Bundle::BackOffice
        } else {
            Bundle::Console
        }
    }

    /// Where the built bundle's page lies in the app's `dist/` folder (see the Makefile's `app`).
    pub fn page(self) -> &'static str {
        match self {
            Bundle::SignIn => "/signin/index.html",
            Bundle::Console => "/index.html",
            Bundle::WebApp => "/webapp/index.html",
            Bundle::BackOffice => "/backoffice/index.html",
        }
    }

    pub const ALL: [Bundle; 4] = [
        Bundle::SignIn,
        Bundle::Console,
        Bundle::WebApp,
        Bundle::BackOffice,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_has_its_bundle() {
        for path in [
            "/",
            "/login",
            "/signup",
            "/app/login",
            "/invitation/abc",
            "/password-reset",
            "/password-reset/abc",
            "/account",
            "/account/two-factor",
            "/app/account",
            "/app/account/data",
        ] {
            assert_eq!(Bundle::serving(path), Bundle::SignIn, "{path}");
        }
        for path in ["/backoffice", "/backoffice/setup/abc"] {
            assert_eq!(Bundle::serving(path), Bundle::BackOffice, "{path}");
        }
        assert_eq!(Bundle::serving("/backofficer"), Bundle::Console);
        for path in ["/app", "/app/", "/app/numbers/3/calls", "/app/accounts"] {
            assert_eq!(Bundle::serving(path), Bundle::WebApp, "{path}");
        }
        for path in [
            "/console",
            "/console/users/4",
            "/accounts",
            "/apps",
            "/loginx",
            "/nowhere",
        ] {
            assert_eq!(Bundle::serving(path), Bundle::Console, "{path}");
        }
    }
}
