//! The API's throughput through nginx with one and with two instances of the release server on
//! one PostgreSQL (issue 17): requests per second and latency of `GET /api/health`, of a
//! Manager's Users list (200 Users), and Orders placed per second (each a durable transaction:
//! its Licence, Number, invoice, payment and proof-log entry; one new Number each, from a pool
//! the bench seeds), measured with wrk. Prints figures; asserts nothing beyond every answer
//! being a success. Run with `cargo bench -p server --bench cluster` after `make app`,
//! with PostgreSQL up (`TEST_DATABASE_URL`) and wrk installed (`make bench` does
//! both).

#[path = "../tests/browser/harness/mod.rs"]
mod harness;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use harness::cluster::Cluster;

const USERS: usize = 200;
const SECONDS: u32 = 8;
/// Numbers seeded for the Orders: more than two threads can place in the run.
const POOL: i64 = 60_000;

/// wrk's script placing Orders: each thread takes its own slice of the pool, one Number and a
/// new idempotency key per request. `BODY` has `%d` for the key and the Number's id.
const ORDERS_SCRIPT: &str = r#"
local threads = 0
function setup(thread)
  thread:set("slice", threads)
  threads = threads + 1
end
function init(args)
  first = tonumber(args[1])
  per_thread = tonumber(args[2])
  next_one = 0
end
function request()
  local id = first + slice * per_thread + next_one
  next_one = next_one + 1
  local body = string.format(BODY, id, id)
  return wrk.format("POST", "/api/console/orders",
    {["Content-Type"] = "application/json", ["Cookie"] = COOKIE}, body)
end
"#;

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

/// Adds a SEPA mandate, then seeds [`POOL`] French Numbers: the first one's id.
async fn seed_orders(console: &harness::Console, port: u16, token: &str) -> i64 {
    let body = r#"{"kind":"sepa","label":"Main account","last4":"1234","expiry":""}"#;
    let request = format!(
        "POST /api/console/company/payment-methods HTTP/1.0\r\nHost: bench\r\nCookie: console_session={token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let (code, _, reply) = http(port, &request);
    assert_eq!(code, 201, "adding a payment method: {reply}");
    let db = &console.state.db;
    let mut tx = db.write().await.expect("a transaction");
    for n in 0..POOL {
        sqlx::query("INSERT INTO numbers (e164, country) VALUES ($1, 'FR')")
            .bind(format!("+3370{n:07}"))
            .execute(&mut *tx)
            .await
            .expect("a Number");
    }
    tx.commit().await.expect("committing");
    let (first, last): (i64, i64) =
        sqlx::query_as("SELECT MIN(id), MAX(id) FROM numbers WHERE e164 LIKE '+3370%'")
            .fetch_one(&db.pool)
            .await
            .expect("the pool");
    assert_eq!(last - first + 1, POOL, "the pool's ids follow one another");
    first
}

/// The body of an Order of one Number on BUSINESS, monthly, priced as the app prices it, with
/// `%d` for its key and its Number.
fn order_body(port: u16, token: &str) -> String {
    let request = format!(
        "GET /api/console/price-list HTTP/1.0\r\nHost: bench\r\nCookie: console_session={token}\r\n\r\n"
    );
    let (code, _, list) = http(port, &request);
    assert_eq!(code, 200, "the price list: {list}");
    let list: protocol::catalogue::PriceListView =
        serde_json::from_str(&list).expect("a price list");
    let plan = list
        .price_list
        .plans
        .iter()
        .find(|plan| plan.code == "BUSINESS")
        .expect("BUSINESS");
    let lines = [domain::order::LineRequest {
        plan_id: plan.id,
        quantity: 1,
    }];
    let billing = domain::catalogue::Billing::Monthly;
    let quote = domain::order::quote_order(&list.price_list, billing, &lines, list.on, list.vat)
        .expect("a quote");
    serde_json::json!({
        "idempotency_key": "bench-KEY",
        "billing": billing,
        "lines": [{"plan_id": plan.id, "number_ids": ["NUMBER"]}],
        "accepted_gtcs_version": server::api::GTCS_VERSION,
        "expected_total": quote.total,
        "priced_on": list.on,
    })
    .to_string()
    .replace("KEY", "%d")
    .replace("\"NUMBER\"", "%d")
}

/// wrk's requests per second and 99th percentile for `path` (with `cookie` when given), or for
/// the requests of `script` (with its arguments).
fn wrk(url: &str, path: &str, cookie: Option<&str>) -> (f64, String) {
    run_wrk(url, path, cookie, None)
}

fn run_wrk(
    url: &str,
    path: &str,
    cookie: Option<&str>,
    script: Option<(&std::path::Path, [String; 2])>,
) -> (f64, String) {
    let mut command = Command::new("wrk");
    command.args(["-t2", "-c32", &format!("-d{SECONDS}s"), "--latency"]);
    if let Some(token) = cookie {
        command.args(["-H", &format!("Cookie: console_session={token}")]);
    }
    if let Some((file, _)) = &script {
        command.arg("-s").arg(file);
    }
    command.arg(format!("{url}{path}"));
    if let Some((_, arguments)) = &script {
        command.arg("--").args(arguments);
    }
    let output = command
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
        let first = seed_orders(&console, port, &token).await;
        let script = cluster.folder().join("orders.lua");
        let body = order_body(port, &token);
        std::fs::write(
            &script,
            format!("BODY = {body:?}\nCOOKIE = \"console_session={token}\"\n{ORDERS_SCRIPT}"),
        )
        .expect("writing the script");
        let (orders, orders_p99) = run_wrk(
            &cluster.url,
            "/api/console/orders",
            None,
            Some((&script, [first.to_string(), (POOL / 2).to_string()])),
        );
        println!(
            "  {instances} instance{}: GET /api/health {health:>8.0} requests/s (p99 {health_p99}); Users list of {} {users:>7.0} requests/s (p99 {users_p99}); Orders placed {orders:>5.0}/s (p99 {orders_p99})",
            if instances == 1 { " " } else { "s" },
            USERS + 1,
        );
    }
}
