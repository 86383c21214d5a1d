//! The back office bundle (see `console::bundle`): the provider's operators' pages (issue 14).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(console::backoffice::BackOfficeRoot);
}
