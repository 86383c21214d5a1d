//! One module per route; each exports its page components only (shared pieces live in
//! [`crate::components`]).

mod activity;
mod communications;
mod company;
mod complaints;
mod credits;
mod dashboard;
mod invoices;
mod licences;
mod login;
mod not_found;
mod numbers;
mod order;
mod orders;
mod password;
mod price_changes;
mod privacy;
mod signup;
mod two_factor;
mod users;

pub use activity::ActivityPage;
pub use communications::CommunicationsPage;
pub use company::CompanyPage;
pub use complaints::ComplaintsPage;
pub use credits::CreditsPage;
pub use dashboard::DashboardPage;
pub use invoices::{InvoiceDetailPage, InvoicesPage};
pub use licences::LicencesPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use numbers::NumbersPage;
pub use order::OrderPage;
pub use orders::{OrderDetailPage, OrdersPage};
pub use password::{AccountPage, PasswordResetPage, PasswordResetRequestPage};
pub use price_changes::PriceChangesPage;
pub use privacy::{PrivacyRequestsPage, YourDataPage};
pub use signup::SignupPage;
pub use two_factor::TwoFactorPage;
pub use users::{InvitationPage, OutboxPage, UserPage, UsersPage};
