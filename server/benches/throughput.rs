//! The release server's throughput on one machine, measured with wrk as a new user would run it
//! (issue 18, part 4): the real `server` binary on a loopback port with a fresh data folder,
//! once on SQLite and once on a PostgreSQL database made for the run. A Company is signed up
//! through the API, given 1,000 Users and a pool of Numbers in SQL, and Licences by Orders
//! placed through the API. Then, for `GET /api/health`, the Users list (the Users page's
//! route), the Licences page's route and placing Orders (each a durable transaction with its
//! own idempotency key and Number), it prints requests per second and p99 next to their goals.
//! Prints figures; stops loudly only when an Order is refused. Run with
//! `cargo bench -p server --bench throughput` (PostgreSQL from `TEST_DATABASE_URL`, wrk
//! installed: `make bench` does both).

#[path = "../tests/api/support/postgres.rs"]
mod postgres;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::AnyPool;

/// The Company's Users, its Manager included: the rows of one Users list.
const USERS: i64 = 1_000;
/// Orders placed through the API before measuring: the Licences page's content.
const LICENCES: i64 = 20;
/// Numbers seeded for the measured Orders, one per Order, split between wrk's threads: more
/// than two threads can place in [`SECONDS`].
const POOL: i64 = 60_000;
const THREADS: i64 = 2;
const CONNECTIONS: u32 = 32;
const SECONDS: u32 = 5;

/// The goals: User rows per second in the Users list, the Licences page against the health
/// check, and durable Orders per second (SQLite; shown for PostgreSQL too).
const USER_ROWS_GOAL: f64 = 500_000.0;
const LICENCES_GOAL: f64 = 0.5;
const ORDERS_GOAL: f64 = 500.0;

/// wrk's script placing Orders: each thread its own slice of the pool, one Number and a fresh
/// idempotency key per request; every answer that is not a 2xx is counted, and the total is
/// printed as `failed orders: N` (with the first failure) when the run ends.
const ORDERS_SCRIPT: &str = r#"
local threads = {}
function setup(thread)
  thread:set("slice", #threads)
  table.insert(threads, thread)
end
function init(args)
  first = tonumber(args[1])
  per_thread = tonumber(args[2])
  next_one = 0
  failures = 0
  first_failure = ""
end
function request()
  local id = first + slice * per_thread + next_one
  next_one = next_one + 1
  local key = string.format("bench-%d-%d", slice, next_one)
  local body = string.format(BODY, key, id)
  return wrk.format("POST", "/api/console/orders",
    {["Content-Type"] = "application/json", ["Cookie"] = COOKIE}, body)
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    failures = failures + 1
    if first_failure == "" then first_failure = status .. " " .. body end
  end
end
function done(summary, latency, requests)
  local failed = 0
  local example = ""
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    if example == "" then example = thread:get("first_failure") end
  end
  io.write(string.format("failed orders: %d\n", failed))
  if failed > 0 then io.write("first failure: " .. example .. "\n") end
end
"#;

/// The server binary, stopped when dropped (even by a panic).
struct Server {
    port: u16,
    process: Child,
    log: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Server {
    /// The release server on a free loopback port, its data in `folder`, on `database_url`
    /// (`None`: its default SQLite file there).
    fn start(folder: &Path, database_url: Option<&str>) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let log = folder.join("server.log");
        let output = std::fs::File::create(&log).expect("a log file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(folder.join("data"))
            // The API alone is measured: no built app is needed.
            .arg("--dist-dir")
            .arg(folder.join("no-app"))
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .stdout(output.try_clone().expect("the log file"))
            .stderr(output);
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
        }
        let process = command.spawn().expect("the server binary starts");
        let server = Server { port, process, log };
        let started = Instant::now();
        while http(port, "GET /api/health HTTP/1.0\r\nHost: bench\r\n\r\n").0 != 200 {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server never became healthy:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The CPU time the server used so far (all its threads, user and system), in ms.
    fn cpu_ms(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.process.id()))
            .unwrap_or_default();
        // The fields after the command's closing parenthesis; utime and stime are the 12th and
        // 13th of them, in clock ticks.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, rest)| rest)
            .split_whitespace()
            .collect();
        let ticks = |index: usize| -> f64 {
            fields
                .get(index)
                .and_then(|field| field.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (ticks(11) + ticks(12)) * 1000.0 / clock_ticks_per_second()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// The kernel's clock ticks per second (`getconf CLK_TCK`, 100 almost everywhere).
fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8_lossy(&output.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// One HTTP/1.0 exchange on `port`: the status code, the headers and the body (code 0 when
/// nothing answers).
fn http(port: u16, request: &str) -> (u16, String, String) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, String::new(), String::new());
    };
    let mut reply = String::new();
    if stream.write_all(request.as_bytes()).is_err() || stream.read_to_string(&mut reply).is_err() {
        return (0, String::new(), String::new());
    }
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (code, head.to_owned(), body.to_owned())
}

/// `method path` with a JSON `body` and the session `token`: the status and the answer.
fn call(port: u16, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: bench\r\nCookie: console_session={token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let (code, _, reply) = http(port, &request);
    (code, reply)
}

/// Signs a Company up through the API and adds a SEPA mandate: its Manager's session token.
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
    let token = head
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: console_session="))
        .and_then(|cookie| cookie.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let method = r#"{"kind":"sepa","label":"Main account","last4":"1234","expiry":""}"#;
    let (code, reply) = call(
        port,
        "POST",
        "/api/console/company/payment-methods",
        &token,
        method,
    );
    assert_eq!(code, 201, "adding a payment method: {reply}");
    token
}

/// Adds Users until the Company has [`USERS`], and [`POOL`] + [`LICENCES`] French Numbers in
/// one run of ids: the first one's id.
async fn seed(pool: &AnyPool, backend: &str) -> i64 {
    let company_id: i64 = sqlx::query_scalar("SELECT id FROM companies")
        .fetch_one(pool)
        .await
        .expect("the company");
    let mut tx = pool.begin().await.expect("a transaction");
    for n in 1..USERS {
        sqlx::query(
            "INSERT INTO users (company_id, first_name, last_name, email, role, created_at, mobile, residence_country, status)
             VALUES ($1, 'User', $2, $3, 'user', '2026-01-01T00:00:00.000000Z', $4, 'FR', 'active')",
        )
        .bind(company_id)
        .bind(format!("Number {n:04}"))
        .bind(format!("user{n}@bench.example"))
        .bind(format!("+336{n:08}"))
        .execute(&mut *tx)
        .await
        .expect("a user");
    }
    let numbers = POOL + LICENCES;
    for chunk in (0..numbers).collect::<Vec<_>>().chunks(500) {
        let values: Vec<String> = chunk
            .iter()
            .map(|n| format!("('+3370{n:07}', 'FR')"))
            .collect();
        let sql = format!(
            "INSERT INTO numbers (e164, country) VALUES {}",
            values.join(", ")
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .expect("Numbers");
    }
    tx.commit().await.expect("committing");
    let (first, last): (i64, i64) =
        sqlx::query_as("SELECT MIN(id), MAX(id) FROM numbers WHERE e164 LIKE '+3370%'")
            .fetch_one(pool)
            .await
            .expect("the pool");
    assert_eq!(
        last - first + 1,
        numbers,
        "the pool's ids follow one another"
    );
    if backend == "postgres" {
        // As after any bulk load: the planner learns the tables' new sizes.
        sqlx::raw_sql("ANALYZE")
            .execute(pool)
            .await
            .expect("ANALYZE");
    }
    first
}

/// The body of an Order of one Number on BUSINESS, monthly, priced as the app prices it, with
/// `%s` for its idempotency key and `%d` for its Number.
fn order_body(port: u16, token: &str) -> String {
    let (code, list) = call(port, "GET", "/api/console/price-list", token, "");
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
        "idempotency_key": "KEY",
        "billing": billing,
        "lines": [{"plan_id": plan.id, "number_ids": ["NUMBER"]}],
        "accepted_gtcs_version": server::api::GTCS_VERSION,
        "expected_total": quote.total,
        "priced_on": list.on,
    })
    .to_string()
    .replace("KEY", "%s")
    .replace("\"NUMBER\"", "%d")
}

/// What wrk measured.
struct Measure {
    requests_per_second: f64,
    p99_ms: f64,
    requests: u64,
    /// The server's CPU time per request, in ms (wrk, and the database on PostgreSQL, not
    /// counted).
    cpu_ms: f64,
    output: String,
}

/// wrk against `server` on `path` (with the session `cookie`), or on the requests of `script`
/// (with its arguments).
fn wrk(
    server: &Server,
    path: &str,
    cookie: Option<&str>,
    script: Option<(&Path, [String; 2])>,
) -> Measure {
    let url = server.url();
    let cpu_before = server.cpu_ms();
    let mut command = Command::new("wrk");
    command.args([
        &format!("-t{THREADS}"),
        &format!("-c{CONNECTIONS}"),
        &format!("-d{SECONDS}s"),
        "--latency",
    ]);
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
        .stderr(Stdio::inherit())
        .output()
        .expect("wrk runs (`make bench` installs it)");
    let cpu = server.cpu_ms() - cpu_before;
    let output = String::from_utf8_lossy(&output.stdout).into_owned();
    let requests_per_second = output
        .lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|rate| rate.trim().parse().ok())
        .unwrap_or(0.0);
    let p99_ms = output
        .lines()
        .find_map(|line| line.trim().strip_prefix("99%"))
        .and_then(|latency| milliseconds(latency.trim()))
        .unwrap_or(f64::NAN);
    let requests = output
        .lines()
        .find_map(|line| line.trim().split_once(" requests in "))
        .and_then(|(count, _)| count.trim().parse().ok())
        .unwrap_or(0);
    Measure {
        requests_per_second,
        p99_ms,
        requests,
        cpu_ms: cpu / requests.max(1) as f64,
        output,
    }
}

/// wrk's latency (`812.00us`, `41.23ms`, `1.02s`) in milliseconds.
fn milliseconds(latency: &str) -> Option<f64> {
    let split = latency.find(|c: char| c.is_ascii_alphabetic())?;
    let (value, unit) = latency.split_at(split);
    let value: f64 = value.parse().ok()?;
    match unit {
        "us" => Some(value / 1000.0),
        "ms" => Some(value),
        "s" => Some(value * 1000.0),
        "m" => Some(value * 60_000.0),
        _ => None,
    }
}

/// `1234567.8` as `1,234,568`.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// The last `count` lines of `text`.
fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

fn verdict(met: bool) -> &'static str {
    if met { "✓" } else { "✗" }
}

/// Signs up, seeds, measures and prints the figures of one database.
async fn measure(backend: &str, database_url: Option<&str>) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let server = Server::start(folder.path(), database_url);
    let port = server.port;
    let token = sign_up(port);
    let url = match database_url {
        Some(url) => url.to_owned(),
        None => format!(
            "sqlite://{}",
            folder.path().join("data").join("console.db").display()
        ),
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("the server's database");
    let first = seed(&pool, backend).await;
    let body = order_body(port, &token);
    for n in 0..LICENCES {
        let order = body.replacen("%s", &format!("licence-{n}"), 1).replacen(
            "%d",
            &(first + POOL + n).to_string(),
            1,
        );
        let (code, reply) = call(port, "POST", "/api/console/orders", &token, &order);
        assert_eq!(code, 201, "placing an Order for the Licences page: {reply}");
    }
    let listed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE company_id = (SELECT id FROM companies) AND deleted_at IS NULL",
    )
    .fetch_one(&pool)
    .await
    .expect("counting Users");
    let orders_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&pool)
        .await
        .expect("counting Orders");

    let health = wrk(&server, "/api/health", None, None);
    let users = wrk(&server, "/api/console/users", Some(&token), None);
    let licences = wrk(&server, "/api/console/licences", Some(&token), None);
    let script = folder.path().join("orders.lua");
    std::fs::write(
        &script,
        format!("BODY = {body:?}\nCOOKIE = \"console_session={token}\"\n{ORDERS_SCRIPT}"),
    )
    .expect("writing the script");
    let orders = wrk(
        &server,
        "/api/console/orders",
        None,
        Some((&script, [first.to_string(), (POOL / THREADS).to_string()])),
    );
    let failed: u64 = orders
        .output
        .lines()
        .find_map(|line| line.strip_prefix("failed orders:"))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or_else(|| panic!("wrk did not count the Orders' answers:\n{}", orders.output));
    let placed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&pool)
        .await
        .expect("counting Orders");
    let placed = placed - orders_before;
    pool.close().await;

    let rows_per_second = users.requests_per_second * listed as f64;
    let licences_share = licences.requests_per_second / health.requests_per_second.max(1.0);
    println!(
        "{backend} (wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s, loopback, the release server):"
    );
    println!(
        "  GET /api/health: {} req/s, p99 {:.1} ms, server CPU {:.3} ms/request",
        thousands(health.requests_per_second),
        health.p99_ms,
        health.cpu_ms
    );
    println!(
        "  users list ({} Users): {} req/s = {} rows/s, p99 {:.1} ms, server CPU {:.3} ms/request   goal ≥ {} rows/s   {}",
        thousands(listed as f64),
        thousands(users.requests_per_second),
        thousands(rows_per_second),
        users.p99_ms,
        users.cpu_ms,
        thousands(USER_ROWS_GOAL),
        verdict(rows_per_second >= USER_ROWS_GOAL)
    );
    println!(
        "  licences page ({LICENCES} Licences): {} req/s = {:.0}% of health, p99 {:.1} ms, server CPU {:.3} ms/request   goal ≥ {:.0}% of health   {}",
        thousands(licences.requests_per_second),
        licences_share * 100.0,
        licences.p99_ms,
        licences.cpu_ms,
        LICENCES_GOAL * 100.0,
        verdict(licences_share >= LICENCES_GOAL)
    );
    let goal_note = if backend == "sqlite" {
        ""
    } else {
        " (for information)"
    };
    println!(
        "  orders placed: {} /s, p99 {:.1} ms, server CPU {:.3} ms/request, {} answered, {failed} not 2xx; {} new Orders in the database   goal ≥ {} /s{goal_note}   {}",
        thousands(orders.requests_per_second),
        orders.p99_ms,
        orders.cpu_ms,
        thousands(orders.requests as f64),
        thousands(placed as f64),
        thousands(ORDERS_GOAL),
        verdict(orders.requests_per_second >= ORDERS_GOAL && failed == 0)
    );
    assert!(
        failed == 0,
        "{failed} Orders were refused on {backend}:\n{}\nthe server's log ends with:\n{}",
        orders.output,
        last_lines(&server.log(), 20)
    );
}

#[tokio::main]
async fn main() {
    measure("sqlite", None).await;
    if postgres::postgres_reachable().await {
        let (_database, url) = postgres::ScratchPostgres::create().await;
        measure("postgres", Some(&url)).await;
    }
}
