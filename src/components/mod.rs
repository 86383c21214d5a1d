//! Pieces reused by several pages.

mod field;
mod layout;

pub use field::{Checkbox, FormAlert, FormErrors, TextField};
pub use layout::{ConsoleLayout, Header, RequireManager};
