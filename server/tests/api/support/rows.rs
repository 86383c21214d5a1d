//! Rows written straight into the database and read back from it: Licences, Numbers and Users
//! for the licence and number tests (Orders and the Users API are other areas' work: these
//! fixtures only need their rows), and the emails as they leave the server.
#![allow(dead_code)] // the browser tests include this file too, and take what they need

use chrono::NaiveDate;
use server::db::Database;

const AT: &str = "2026-01-01T00:00:00.000000Z";

/// The Company and its first Manager for a signed-in Manager's email.
pub async fn company_of(db: &Database, manager_email: &str) -> (i64, i64) {
    sqlx::query_as("SELECT company_id, id FROM users WHERE email = $1")
        .bind(manager_email)
        .fetch_one(&db.pool)
        .await
        .expect("the Manager exists")
}

/// A Call Plan named `name` (its code derived from it).
pub async fn call_plan(db: &Database, name: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO call_plans (code, name, included_minutes, included_sms, international_with_credits)
         VALUES ($1, $2, NULL, NULL, 0) RETURNING id",
    )
    .bind(format!("FIXTURE-{}", name.to_uppercase().replace(' ', "-")))
    .bind(name)
    .fetch_one(&db.pool)
    .await
    .expect("inserting a call plan")
}

/// An Order placed by `manager_id`, and its Licence of `term_months` anchored on `anchor`.
pub async fn licence(
    db: &Database,
    company_id: i64,
    manager_id: i64,
    term_months: i64,
    anchor: NaiveDate,
) -> i64 {
    let key = format!(
        "fixture-{company_id}-{term_months}-{anchor}-{}",
        rand_suffix()
    );
    let order_id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (company_id, placed_by, placed_at, idempotency_key, billing, vat_rate,
                             subtotal_cents, vat_cents, total_cents, gtcs_version)
         VALUES ($1, $2, $3, $4, $5, '20', 1000, 200, 1200, '2026-11') RETURNING id",
    )
    .bind(company_id)
    .bind(manager_id)
    .bind(AT)
    .bind(key)
    .bind(if term_months >= 12 {
        "annual"
    } else {
        "monthly"
    })
    .fetch_one(&db.pool)
    .await
    .expect("inserting an order");
    sqlx::query_scalar(
        "INSERT INTO licences (company_id, order_id, term_months, anchor, status)
         VALUES ($1, $2, $3, $4, 'active') RETURNING id",
    )
    .bind(company_id)
    .bind(order_id)
    .bind(term_months)
    .bind(anchor.to_string())
    .fetch_one(&db.pool)
    .await
    .expect("inserting a licence")
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A Number of `country` held by the Company within `licence_id`, on `plan_id`: taken from the
/// provider's pool when it holds that Number, else added.
pub async fn number(
    db: &Database,
    company_id: i64,
    licence_id: i64,
    plan_id: i64,
    e164: &str,
    country: &str,
) -> i64 {
    let from_pool: Option<i64> = sqlx::query_scalar(
        "UPDATE numbers SET company_id = $1, licence_id = $2, plan_id = $3
         WHERE e164 = $4 AND company_id IS NULL RETURNING id",
    )
    .bind(company_id)
    .bind(licence_id)
    .bind(plan_id)
    .bind(e164)
    .fetch_optional(&db.pool)
    .await
    .expect("taking a number from the pool");
    if let Some(id) = from_pool {
        return id;
    }
    sqlx::query_scalar(
        "INSERT INTO numbers (e164, country, company_id, licence_id, plan_id)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(e164)
    .bind(country)
    .bind(company_id)
    .bind(licence_id)
    .bind(plan_id)
    .fetch_one(&db.pool)
    .await
    .expect("inserting a number")
}

/// A User (not a Manager) residing in `residence`, with stable links to `links`.
pub async fn user(
    db: &Database,
    company_id: i64,
    first_name: &str,
    last_name: &str,
    residence: Option<&str>,
    links: &[&str],
) -> i64 {
    let email = format!(
        "{}.{}.{}@example.com",
        first_name.to_lowercase(),
        last_name.to_lowercase(),
        rand_suffix()
    );
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (company_id, first_name, last_name, email, role, created_at, residence_country, status)
         VALUES ($1, $2, $3, $4, 'user', $5, $6, 'active') RETURNING id",
    )
    .bind(company_id)
    .bind(first_name)
    .bind(last_name)
    .bind(email)
    .bind(AT)
    .bind(residence)
    .fetch_one(&db.pool)
    .await
    .expect("inserting a user");
    for country in links {
        sqlx::query("INSERT INTO user_stable_links (user_id, country) VALUES ($1, $2)")
            .bind(id)
            .bind(*country)
            .execute(&db.pool)
            .await
            .expect("inserting a stable link");
    }
    id
}

pub async fn deactivate(db: &Database, user_id: i64) {
    sqlx::query("UPDATE users SET status = 'deactivated' WHERE id = $1")
        .bind(user_id)
        .execute(&db.pool)
        .await
        .expect("deactivating a user");
}

/// The proof log's actions for the Company, oldest first.
pub async fn logged_actions(db: &Database, company_id: i64) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE company_id = $1 ORDER BY seq")
        .bind(company_id)
        .fetch_all(&db.pool)
        .await
        .expect("reading the proof log")
}

/// The newest link starting with `path` (`/invitation/`, `/password-reset/`) in an email to
/// `recipient`, as the email leaves the server (the outbox row the dispatcher sends): only its
/// recipient gets it.
pub async fn emailed_link(db: &Database, recipient: &str, path: &str) -> String {
    let body: String =
        sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1")
            .bind(recipient)
            .fetch_optional(&db.pool)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no email to {recipient}"));
    let start = body
        .find(path)
        .unwrap_or_else(|| panic!("no {path} link in the email to {recipient}: {body}"));
    body[start..].split_whitespace().next().unwrap().to_owned()
}
