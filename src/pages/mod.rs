//! One module per route.

mod activity;
mod company;
mod dashboard;
mod licences;
mod login;
mod not_found;
mod numbers;
mod order;
mod orders;
mod signup;
mod users;

pub use activity::ActivityPage;
pub use company::CompanyPage;
pub use dashboard::DashboardPage;
pub use licences::LicencesPage;
pub use login::{LoginForm, LoginPage};
pub use not_found::NotFoundPage;
pub use numbers::NumbersPage;
pub use order::OrderPage;
pub use orders::{OrderDetailPage, OrdersPage};
pub use signup::{SignupForm, SignupPage};
pub use users::{InvitationPage, OutboxPage, UserPage, UsersPage};
