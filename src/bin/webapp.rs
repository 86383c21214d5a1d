//! The WebApp's bundle (see `console::bundle`): everything under `/app`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(console::WebAppRoot);
}
