//! Queries, one module per aggregate. Handlers never write SQL; these functions never see HTTP.

/// A Licence's last day of service, in SQL over `licences l LEFT JOIN licence_terminations t`:
/// the earlier of the one its notice of non-renewal set (NOTICE-1) and the one a termination
/// set (after a price increase, PRICE-5, or for fault, TERM-1); NULL while it renews.
macro_rules! last_day_of_service {
    () => {
        "CASE WHEN t.service_last_day IS NOT NULL AND (l.service_last_day IS NULL \
         OR t.service_last_day < l.service_last_day) THEN t.service_last_day \
         ELSE l.service_last_day END"
    };
}

pub mod accounts;
pub mod activity;
pub mod audit;
pub mod calls;
pub mod catalogue;
pub mod catalogue_admin;
pub mod codec;
pub mod communications;
pub mod company;
pub mod complaints;
pub mod credits;
pub mod dashboard;
pub mod demo_clock;
pub mod discontinuations;
pub mod disputes;
pub mod export;
pub mod idempotency;
pub mod invoices;
pub mod late_payment;
pub mod late_rates;
pub mod licences;
pub mod messages;
pub mod numbers;
pub mod operators;
pub mod orders;
pub mod outbox;
pub mod passwords;
pub mod payment_defaults;
pub mod price_changes;
pub mod privacy;
pub mod provider_charges;
pub mod queues;
pub mod refunds;
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

use crate::db::{Backend, WriteTransaction};

/// The `VALUES` rows of a multi-row `INSERT` of `rows` rows of `columns` values each, numbered
/// from `$1`: `($1, $2), ($3, $4)` for 2 rows of 2.
pub(crate) fn values_rows(rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * columns + column + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// Locks a Company's row for the rest of the transaction (on PostgreSQL; SQLite's write
/// transactions already exclude other writers, so there it sends nothing), so that writes that
/// must see each other for one Company (roles, Orders with one idempotency key) queue up
/// instead of racing.
pub async fn lock_company(tx: &mut WriteTransaction, company_id: i64) -> Result<(), sqlx::Error> {
    if tx.backend() == Backend::Sqlite {
        return Ok(());
    }
    sqlx::query("UPDATE companies SET audit_seq = audit_seq WHERE id = $1")
        .bind(company_id)
        .execute(&mut **tx)
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_rows_number_every_value_once() {
        assert_eq!(super::values_rows(2, 2), "($1, $2), ($3, $4)");
        assert_eq!(super::values_rows(1, 3), "($1, $2, $3)");
    }
}
