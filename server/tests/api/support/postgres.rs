//! PostgreSQL for the tests: where it is, whether it answers (CI requires it), and a database
//! made for one test and dropped when it ends.
#![allow(dead_code)] // the browser tests include this file too, and take what they need

use std::io::Write;
use std::time::Duration;

use rand::RngCore;
use sqlx::Connection;

/// The PostgreSQL server the tests create their databases on.
pub fn postgres_base_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// True when PostgreSQL answers. When it does not: under CI (`CI=true`) the test fails, elsewhere
/// it is skipped with a loud line on stderr.
pub async fn postgres_reachable() -> bool {
    sqlx::any::install_default_drivers();
    let url = postgres_base_url();
    let outcome =
        tokio::time::timeout(Duration::from_secs(5), sqlx::AnyConnection::connect(&url)).await;
    let problem = match outcome {
        Ok(Ok(connection)) => {
            let _ = connection.close().await;
            return true;
        }
        Ok(Err(error)) => error.to_string(),
        Err(_) => "no answer within 5 s".to_owned(),
    };
    let in_ci =
        std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true") || value == "1");
    if in_ci {
        panic!(
            "PostgreSQL not reachable at {url} ({problem}); CI requires it (set TEST_DATABASE_URL)"
        );
    }
    // Straight to stderr, past the test harness's capture, so that the skip is seen.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: PostgreSQL not reachable at {url} ({problem}); set TEST_DATABASE_URL or start PostgreSQL"
    );
    false
}

/// `base` with its database name replaced by `name` (any query string is kept).
fn with_database(base: &str, name: &str) -> String {
    let (without_query, query) = match base.split_once('?') {
        Some((url, query)) => (url, format!("?{query}")),
        None => (base, String::new()),
    };
    let (scheme, rest) = without_query
        .split_once("://")
        .expect("TEST_DATABASE_URL is a postgres:// URL");
    let authority = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{authority}/{name}{query}")
}

/// A PostgreSQL database made for one test, dropped when the test ends (even by a panic).
pub struct ScratchPostgres {
    base_url: String,
    name: String,
}

impl ScratchPostgres {
    pub async fn create() -> (Self, String) {
        sqlx::any::install_default_drivers();
        let base_url = postgres_base_url();
        let mut random = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut random);
        let name = format!("console_test_{}", hex::encode(random));
        let mut connection = sqlx::AnyConnection::connect(&base_url)
            .await
            .unwrap_or_else(|error| panic!("connecting to {base_url}: {error}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut connection)
            .await
            .unwrap_or_else(|error| panic!("creating database {name}: {error}"));
        let _ = connection.close().await;
        let url = with_database(&base_url, &name);
        (ScratchPostgres { base_url, name }, url)
    }
}

impl Drop for ScratchPostgres {
    fn drop(&mut self) {
        // Best effort, on a thread of its own: the test's runtime may be gone or panicking.
        let base_url = self.base_url.clone();
        let name = self.name.clone();
        let dropping = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut connection = sqlx::AnyConnection::connect(&base_url).await.ok()?;
                let force = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                if sqlx::raw_sql(sqlx::AssertSqlSafe(force))
                    .execute(&mut connection)
                    .await
                    .is_err()
                {
                    let plain = format!("DROP DATABASE IF EXISTS \"{name}\"");
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(plain))
                        .execute(&mut connection)
                        .await;
                }
                connection.close().await.ok()
            })
        });
        let _ = dropping.join();
    }
}
