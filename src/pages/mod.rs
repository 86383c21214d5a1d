//! One module per route.

mod activity;
mod communications;
mod company;
mod credits;
mod dashboard;
mod disputes;
mod invoices;
mod late_payment;
mod licences;
mod login;
mod not_found;
mod numbers;
mod order;
mod orders;
mod price_changes;
mod signup;
mod terminations;
mod users;

pub use activity::ActivityPage;
pub use communications::CommunicationsPage;
pub use company::CompanyPage;
pub use credits::CreditsPage;
pub use dashboard::DashboardPage;
pub use disputes::DisputesSection;
pub use invoices::{InvoiceDetailPage, InvoicesPage};
pub use late_payment::{LatePaymentSection, SuspendedBadge, SuspensionBanner, provide_suspensions};
pub use licences::LicencesPage;
pub use login::{LoginForm, LoginPage};
pub use not_found::NotFoundPage;
pub use numbers::NumbersPage;
pub use order::OrderPage;
pub use orders::{OrderDetailPage, OrdersPage};
pub use price_changes::PriceChangesPage;
pub use signup::{SignupForm, SignupPage};
pub use terminations::TerminationsSection;
pub use users::{InvitationPage, OutboxPage, UserPage, UsersPage};
