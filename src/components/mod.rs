//! Pieces reused by several pages, and the sections the console's frame or several pages show.
//! Nothing here imports a page: pages use components, components use [`crate::api`].

mod disputes;
mod field;
mod format;
mod late_payment;
mod layout;
mod loading;
mod login_form;
mod new_password_form;
mod second_factor_form;
mod signup_form;
mod statement;
mod terminations;

pub use disputes::DisputesSection;
pub use field::{Checkbox, FormAlert, FormErrors, TextField};
pub use format::eur;
pub use late_payment::{LatePaymentSection, SuspendedBadge, SuspensionBanner, provide_suspensions};
pub use layout::{ConsoleLayout, Header, RequireManager};
pub use loading::Loading;
pub use login_form::LoginForm;
pub use new_password_form::NewPasswordForm;
pub use second_factor_form::SecondFactorForm;
pub use signup_form::SignupForm;
pub use statement::StatementTable;
pub use terminations::TerminationsSection;
