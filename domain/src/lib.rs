//! The contract's rules and the console's value types.
//!
//! Pure Rust: no I/O, no clock reads, no async. The same code runs in the browser (wasm32) and on
//! the server, so a Manager sees what the server will decide before anything is sent. Every rule
//! cites its ID from `shared/RULES.md` in its doc comment: search for the ID to find it.

pub mod company;
pub mod country;
pub mod email;
pub mod field;
pub mod signup;
