//! Queries, one module per aggregate. Handlers never write SQL; these functions never see HTTP.

pub mod accounts;
pub mod activity;
pub mod audit;
pub mod calls;
pub mod catalogue;
pub mod codec;
pub mod company;
pub mod credits;
pub mod dashboard;
pub mod demo_clock;
pub mod disputes;
pub mod export;
pub mod idempotency;
pub mod invoices;
pub mod late_payment;
pub mod late_rates;
pub mod licences;
pub mod messages;
pub mod numbers;
pub mod orders;
pub mod outbox;
pub mod passwords;
pub mod price_changes;
pub mod privacy;
pub mod scheduler;
pub mod sessions;
pub mod suspensions;
pub mod terminations;
pub mod terms;
pub mod throttle;
pub mod trials;
pub mod two_factor;
pub mod users;
pub mod vies;
pub mod webapp;

pub use codec::stamp;

/// Locks a Company's row for the rest of the transaction (on PostgreSQL; SQLite's write
/// transactions already exclude other writers), so that writes that must see each other for one
/// Company (roles, Orders with one idempotency key) queue up instead of racing.
pub async fn lock_company(
    connection: &mut sqlx::AnyConnection,
    company_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE companies SET audit_seq = audit_seq WHERE id = $1")
        .bind(company_id)
        .execute(connection)
        .await
        .map(drop)
}
