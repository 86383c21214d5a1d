//! The Management Console and the WebApp (under `/app`, [`webapp`]), a Leptos single-page app
//! compiled to WebAssembly.
//!
//! Forms validate with `domain` before anything is sent; [`api`] talks to the server; the pages
//! under [`pages`] are one route each, built from the pieces in [`components`].

pub mod api;
mod app;
pub mod backoffice;
pub mod bundle;
pub mod components;
pub mod marks;
pub mod pages;
pub mod params;
pub mod session;
pub mod webapp;

pub use app::{ConsoleRoot, SignInRoot, WebAppRoot};
