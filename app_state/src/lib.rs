//! The app's state machines as plain Rust types: what a piece of the app shows and what it must
//! do next, as data, with transitions as methods. The Leptos components in the root crate keep
//! one of these in a signal and run the effects (requests, timers, the browser's media) that the
//! transitions return.
//!
//! This crate depends on no browser API and no Leptos, so `cargo test -p app_state` runs its unit
//! tests natively in seconds, without compiling the app for the host.

pub mod call;
pub mod intent;
