//! The API's throughput through nginx with one and with two instances of the release server on
//! one PostgreSQL (issue 17): requests per second and latency of `GET /api/health` and of a
//! Manager's Users list (200 Users), measured with wrk. Prints figures; asserts nothing. Run
//! with `cargo bench -p server --bench cluster` after `trunk build --release`, with PostgreSQL
//! up (`TEST_DATABASE_URL`) and wrk installed (`make bench` does both).

#[path = "../tests/browser/harness/mod.rs"]
mod harness;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use harness::cluster::Cluster;

const USERS: usize = 200;
const SECONDS: u32 = 8;

/// One HTTP/1.0 exchange with the cluster at `port`: the status line's code, the headers and
/// the body.
fn http(port: u16, request: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the cluster answers");
    stream.write_all(request.as_bytes()).expect("sending");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("reading");
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (code, head.to_owned(), body.to_owned())
}

/// Signs a Company up through the cluster: its Manager's session token.
fn sign_up(port: u16) -> String {
    let (_, _, gtcs) = http(port, "GET /api/gtcs HTTP/1.0\r\nHost: bench\r\n\r\n");
    let version = serde_json::from_str::<serde_json::Value>(&gtcs).expect("the GTCS")["version"]
        .as_str()
        .expect("a version")
        .to_owned();
    let body = serde_json::json!({"legal_name": "Bench SAS", "registration_number": "732829320",
        "billing_country": "FR", "first_name": "Anne", "last_name": "Martin",
        "email": "anne@bench.example", "password": "correct horse battery",
        "accepted_gtcs_version": version})
    .to_string();
    let request = format!(
        "POST /api/signup HTTP/1.0\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let (code, head, reply) = http(port, &request);
    assert_eq!(code, 201, "signing up: {reply}");
    head.lines()
        .find_map(|line| line.strip_prefix("set-cookie: console_session="))
        .and_then(|cookie| cookie.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

async fn seed_users(console: &harness::Console) {
    let company_id: i64 = sqlx::query_scalar("SELECT id FROM companies")
        .fetch_one(&console.state.db.pool)
        .await
        .expect("the company");
    let mut tx = console.state.db.write().await.expect("a transaction");
    for n in 0..USERS {
        sqlx::query(
            "INSERT INTO users (company_id, first_name, last_name, email, role, created_at, mobile, residence_country, status)
             VALUES ($1, 'User', $2, $3, 'user', '2026-01-01T00:00:00.000000Z', $4, 'FR', 'active')",
        )
        .bind(company_id)
        .bind(format!("Number {n}"))
        .bind(format!("user{n}@bench.example"))
        .bind(format!("+336{n:08}"))
        .execute(&mut *tx)
        .await
        .expect("a user");
    }
    tx.commit().await.expect("committing");
}

/// wrk's requests per second and 99th percentile for `path` (with `cookie` when given).
fn wrk(url: &str, path: &str, cookie: Option<&str>) -> (f64, String) {
    let mut command = Command::new("wrk");
    command.args(["-t2", "-c32", &format!("-d{SECONDS}s"), "--latency"]);
    if let Some(token) = cookie {
        command.args(["-H", &format!("Cookie: console_session={token}")]);
    }
    let output = command
        .arg(format!("{url}{path}"))
        .output()
        .expect("wrk runs (`make bench` installs it)");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        !text.contains("Non-2xx"),
        "{path} answered errors under load:\n{text}"
    );
    let rate = text
        .lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|rate| rate.trim().parse().ok())
        .unwrap_or(0.0);
    let p99 = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("99%"))
        .map(|latency| latency.trim().to_owned())
        .unwrap_or_else(|| "?".into());
    (rate, p99)
}

#[tokio::main]
async fn main() {
    if !harness::postgres::postgres_reachable().await {
        return;
    }
    println!(
        "API throughput through nginx, release server on PostgreSQL, wrk -t2 -c32 -d{SECONDS}s, on this machine's cores:"
    );
    for instances in [1, 2] {
        let cluster = Cluster::start(instances).await;
        let port: u16 = cluster
            .url
            .rsplit(':')
            .next()
            .and_then(|port| port.parse().ok())
            .expect("nginx's port");
        let token = sign_up(port);
        let console = cluster.console().await;
        seed_users(&console).await;
        let (health, health_p99) = wrk(&cluster.url, "/api/health", None);
        let (users, users_p99) = wrk(&cluster.url, "/api/console/users", Some(&token));
        println!(
            "  {instances} instance{}: GET /api/health {health:>8.0} requests/s (p99 {health_p99}); Users list of {} {users:>7.0} requests/s (p99 {users_p99})",
            if instances == 1 { " " } else { "s" },
            USERS + 1,
        );
    }
}
