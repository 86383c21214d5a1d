//! The server as the browser sees it, in one test binary: every route in-process, on SQLite and
//! on PostgreSQL, plus the isolation walk, the crash test and the schema comparison.
//!
//! Each API test is written once, as `async fn name(backend: Backend)`, and run on both databases
//! by `on_both_databases!` (`<area>::sqlite::name` and `<area>::postgres::name`). PostgreSQL
//! comes from `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`); each
//! test gets a fresh database there, dropped afterwards. Under `CI=true` an unreachable
//! PostgreSQL fails the tests instead of skipping them.
//!
//! The shared fixtures live in `support/`: the app and its client (`mod.rs`), Companies, Orders
//! and request bodies made through the API (`fixtures.rs`), rows written straight into the
//! database (`rows.rs`). A new area is a file here and a `mod` line below.

#[macro_use]
mod support;

mod acceptance;
mod accounts;
mod backoffice;
mod billing;
mod calls;
mod catalogue_admin;
mod collection;
mod company;
mod complaints;
mod crash;
mod credits;
mod discontinuations;
mod disputes;
mod export;
mod instances;
mod isolation;
mod late;
mod licences;
mod mail;
mod messages;
mod numbers;
mod orders;
mod payment_default;
mod price_changes;
mod privacy;
mod proof;
mod schema;
mod security;
mod terminations;
mod territory;
mod trials;
mod two_factor;
mod usage;
mod users;
mod vat;
mod webapp;
