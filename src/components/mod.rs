//! Pieces reused by several pages.

mod field;
mod format;
mod layout;

pub use field::{Checkbox, FormAlert, FormErrors, TextField};
pub use format::eur;
pub use layout::{ConsoleLayout, Header, RequireManager};
