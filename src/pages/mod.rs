//! One module per route.

mod dashboard;
mod login;
mod not_found;
mod signup;

pub use dashboard::DashboardPage;
pub use login::{LoginForm, LoginPage};
pub use not_found::NotFoundPage;
pub use signup::{SignupForm, SignupPage};
