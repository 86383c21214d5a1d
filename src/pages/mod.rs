//! One module per route.

mod dashboard;
mod licences;
mod numbers;
mod login;
mod not_found;
mod signup;

pub use dashboard::DashboardPage;
pub use licences::LicencesPage;
pub use numbers::NumbersPage;
pub use login::{LoginForm, LoginPage};
pub use not_found::NotFoundPage;
pub use signup::{SignupForm, SignupPage};
