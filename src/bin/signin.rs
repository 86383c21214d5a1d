//! The sign-in bundle (see `console::bundle`): sign-up, log-in, invitations, password resets.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(console::SignInRoot);
}
