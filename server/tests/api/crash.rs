//! No data lost (issue 5 point 9), on SQLite and PostgreSQL: the real server binary is killed
//! with SIGKILL at a random moment during a burst of Orders, payments, Credits top-ups and a
//! renewal run (the demo clock moved forward), which collect invoices through the built-in
//! payment provider and its signed webhook events (issue 13: a kill may fall during a
//! collection, a webhook, a top-up), restarted, and checked, round after round: every
//! acknowledged Order, payment, top-up and processed day is still there, every invoice is whole
//! (lines, totals), invoice numbers run 1..n per year without gap or duplicate, no invoice is
//! paid twice nor charged twice by the provider, money the provider took is an invoice paid (or
//! a charge whose event the restarted server asks for again), a top-up is credited once and
//! only once paid, the Credits balance is never below zero and equals its movements, and the
//! proof log verifies.
//!
//! `CRASH_ROUNDS` (default 8) sets the number of kills per database, `CRASH_SEED` the seed of
//! the kill moments (printed, so that a failure can be replayed).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{Backend, ScratchDatabase, payment, priced_order, signup_form, top_up};
use chrono::NaiveDate;
use domain::catalogue::Billing;
use domain::order::OrderForm;
use protocol::catalogue::{AvailableNumber, PriceListView};
use serde_json::{Value, json};
use server::db::Database;
use server::store::audit::{Verification, verify};
use tempfile::TempDir;

on_both_databases!(sigkill_during_bursts_loses_no_acknowledged_write);

const FIRST_DAY: &str = "2026-01-05";
const ORDERS_PER_BURST: usize = 5;
const TOP_UPS_PER_BURST: usize = 2;
const COUNTRIES: [&str; 5] = ["FR", "BE", "ES", "DE", "IT"];

/// xorshift64: the kill moments, reproducible from the printed seed.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|raw| raw.trim().parse().ok())
        .unwrap_or(default)
}

/// Everything the server answered with a 2xx: it must survive any crash after the answer.
#[derive(Debug, Default, Clone)]
struct Acknowledged {
    orders: BTreeSet<i64>,
    paid_invoices: BTreeSet<i64>,
    top_up_invoices: BTreeSet<i64>,
    processed_days: BTreeSet<NaiveDate>,
    /// Idempotency key → the Order acknowledged for it.
    order_keys: BTreeMap<String, i64>,
    /// Every Order form the last burst sent, answered or not: a client retries them.
    sent_orders: Vec<OrderForm>,
    /// Issue 13: a top-up's idempotency key → the invoice acknowledged for it.
    top_up_keys: BTreeMap<String, i64>,
    /// A payment's idempotency key → the invoice acknowledged paid with it.
    payment_keys: BTreeMap<String, i64>,
    /// Every top-up body and every payment (invoice, body) the last burst sent, answered or not:
    /// a client retries them with their keys.
    sent_top_ups: Vec<Value>,
    sent_payments: Vec<(i64, Value)>,
}

type Shared = Arc<Mutex<Acknowledged>>;

/// The real server binary, started on `url` with the demo clock on `today`.
struct RunningServer {
    child: Child,
    base: String,
}

impl RunningServer {
    async fn start(url: &str, today: NaiveDate, dist: &TempDir, log: &std::path::Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = File::options().create(true).append(true).open(log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .args(["--database-url", url])
            .arg("--dist-dir")
            .arg(dist.path())
            .arg("--data-dir")
            .arg(dist.path())
            .args(["--today", &today.to_string()])
            .args(["--log", "warn"])
            .arg("--demo-clock")
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("the server binary starts");
        let server = RunningServer {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let answer = http.get(format!("{}/api/health", server.base)).send().await;
            if answer.is_ok_and(|reply| reply.status().is_success()) {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not start in 60 s"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().unwrap();
    }
}

/// A browser-like client: one session cookie, shared by the burst's concurrent requests.
#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

impl Api {
    fn new(base: &str) -> Self {
        Api {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            base: base.to_owned(),
            cookie: None,
        }
    }

    /// Status and JSON body (Null when not JSON); Err when the server vanished mid-request.
    async fn send(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), reqwest::Error> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", format!("console_session={cookie}"));
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let reply = request.send().await?;
        let status = reply.status().as_u16();
        for value in reply.headers().get_all("set-cookie") {
            let value = value.to_str().unwrap_or_default();
            if let Some(rest) = value.strip_prefix("console_session=") {
                let token = rest.split(';').next().unwrap_or_default();
                if !token.is_empty() && !value.contains("Max-Age=0") {
                    self.cookie = Some(token.to_owned());
                }
            }
        }
        let bytes = reply.bytes().await?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    async fn get(&mut self, path: &str) -> Result<(u16, Value), reqwest::Error> {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&mut self, path: &str, body: &Value) -> Result<(u16, Value), reqwest::Error> {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// A request that must succeed (outside the burst, while nobody kills the server).
    async fn expect(&mut self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Value {
        let (status, body) = self
            .send(method, path, body)
            .await
            .unwrap_or_else(|error| panic!("{path}: {error}"));
        assert!((200..300).contains(&status), "{path}: {status} {body}");
        body
    }
}

async fn sigkill_during_bursts_loses_no_acknowledged_write(backend: Backend) {
    let rounds = env_number("CRASH_ROUNDS", 16);
    let seed = env_number("CRASH_SEED", 0x5EED_0009);
    eprintln!(
        "crash test on {}: {rounds} rounds, CRASH_SEED={seed}",
        backend.name()
    );
    let started = Instant::now();
    let database = ScratchDatabase::create(backend).await;
    let dist = TempDir::new().unwrap();
    let log = dist.path().join("server.log");
    let acknowledged: Shared = Arc::default();
    let form = signup_form();
    let mut today: NaiveDate = FIRST_DAY.parse().unwrap();
    let mut cookie = None;
    let mut kills = 0;

    for round in 0..=rounds {
        let server = RunningServer::start(&database.url, today, &dist, &log).await;
        let mut api = Api::new(&server.base);
        api.cookie = cookie.clone();
        if round == 0 {
            api.expect(
                reqwest::Method::POST,
                "/api/signup",
                Some(&serde_json::to_value(&form).unwrap()),
            )
            .await;
            api.expect(
                reqwest::Method::POST,
                "/api/console/company/payment-methods",
                Some(&json!({"kind": "sepa", "label": "Main account", "last4": "1234", "expiry": ""})),
            )
            .await;
        } else if api.get("/api/console/credits").await.unwrap().0 == 401 {
            api.expect(
                reqwest::Method::POST,
                "/api/session",
                Some(&json!({"email": form.email, "password": form.password})),
            )
            .await;
        }
        cookie = api.cookie.clone();
        check_through_the_api(&mut api, &acknowledged).await;
        retry_sent_orders(&mut api, &acknowledged).await;
        retry_sent_money(&mut api, &acknowledged).await;
        if round == rounds {
            // A last renewal run, answered, then the same checks once more.
            let done = api
                .expect(
                    reqwest::Method::POST,
                    "/api/admin/clock/advance",
                    Some(&json!({"days": 35})),
                )
                .await;
            acknowledged_days(&acknowledged, &done);
            server.kill();
            let db = Database::connect(&database.url).await.unwrap();
            check_in_the_database(&db, &dist, &acknowledged, round).await;
            // The run asked again for every charge left unanswered by the kills: none is left,
            // and every charge the provider took is a paid invoice.
            let pending = all_i64(
                &db,
                "SELECT id FROM idempotency_keys WHERE state = 'pending'",
            )
            .await;
            assert!(pending.is_empty(), "charges left unanswered: {pending:?}");
            let collected: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM payments p JOIN idempotency_keys k ON k.payment_id = p.id
                 WHERE k.idempotency_key LIKE 'collection:%' AND p.outcome = 'succeeded'",
            )
            .fetch_one(&db.pool)
            .await
            .unwrap();
            assert!(collected > 0, "nothing was collected automatically");
            eprintln!("invoices collected automatically: {collected}");
            let renewals: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM invoices WHERE kind = 'renewal'")
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            assert!(renewals > 0, "the renewal runs renewed nothing");
            eprintln!("renewal invoices at the end: {renewals}");
            db.pool.close().await;
            break;
        }

        let mut random = XorShift::new(seed ^ (round << 32) ^ round);
        let jobs = burst(&mut api, round, seed, &mut random, &acknowledged).await;
        let delay = Duration::from_millis(random.between(3, 350));
        tokio::time::sleep(delay).await;
        server.kill();
        kills += 1;
        let mut finished = 0;
        for job in jobs {
            if tokio::time::timeout(Duration::from_secs(40), job)
                .await
                .is_ok()
            {
                finished += 1;
            }
        }
        let db = Database::connect(&database.url).await.unwrap();
        check_in_the_database(&db, &dist, &acknowledged, round).await;
        // The demo clock lives in memory: start again from the last day the scheduler processed.
        let last: Option<String> = sqlx::query_scalar("SELECT MAX(day) FROM scheduler_runs")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if let Some(last) = last {
            today = today.max(last.parse().unwrap());
        }
        db.pool.close().await;
        let seen = acknowledged.lock().unwrap();
        eprintln!(
            "round {round}: killed after {delay:?} ({finished} requests ended); acknowledged so far: {} orders, {} payments, {} top-ups, {} days",
            seen.orders.len(),
            seen.paid_invoices.len(),
            seen.top_up_invoices.len(),
            seen.processed_days.len()
        );
    }
    let seen = acknowledged.lock().unwrap();
    assert!(
        !seen.orders.is_empty() && !seen.paid_invoices.is_empty(),
        "the bursts must have acknowledged some writes to check anything: {seen:?}"
    );
    eprintln!(
        "crash test on {}: {kills} kills, all checks held, {:?}",
        backend.name(),
        started.elapsed()
    );
}

/// Starts the burst's requests, all at once, and returns them; each records what it got a 2xx
/// for, the moment it gets it.
async fn burst(
    api: &mut Api,
    round: u64,
    seed: u64,
    random: &mut XorShift,
    acknowledged: &Shared,
) -> Vec<tokio::task::JoinHandle<()>> {
    let (_, list) = api.get("/api/console/price-list").await.unwrap();
    let list: PriceListView = serde_json::from_value(list).unwrap();
    let mut numbers = Vec::new();
    for country in COUNTRIES {
        let (_, found) = api
            .get(&format!(
                "/api/console/numbers/available?country={country}&limit={ORDERS_PER_BURST}"
            ))
            .await
            .unwrap();
        let found: Vec<AvailableNumber> = serde_json::from_value(found).unwrap();
        numbers.extend(found.into_iter().map(|number| number.id));
    }
    assert!(numbers.len() >= ORDERS_PER_BURST, "Numbers left to order");
    let (_, invoices) = api.get("/api/console/invoices").await.unwrap();
    let unpaid: Vec<i64> = invoices
        .as_array()
        .unwrap()
        .iter()
        .filter(|invoice| invoice["status"] != "paid")
        .filter_map(|invoice| invoice["id"].as_i64())
        .take(4)
        .collect();

    let mut jobs = Vec::new();
    for (index, number_id) in numbers.into_iter().take(ORDERS_PER_BURST).enumerate() {
        let form = priced_order(
            &list,
            &list.price_list.plans[0].code,
            Billing::Monthly,
            vec![number_id],
            &format!("crash-{seed}-{round}-{index}"),
        );
        acknowledged.lock().unwrap().sent_orders.push(form.clone());
        let mut api = api.clone();
        let acknowledged = acknowledged.clone();
        jobs.push(tokio::spawn(async move {
            let placed = api
                .post("/api/console/orders", &serde_json::to_value(&form).unwrap())
                .await;
            let Ok((201, order)) = placed else { return };
            let id = order["id"].as_i64().unwrap();
            {
                let mut seen = acknowledged.lock().unwrap();
                seen.orders.insert(id);
                seen.order_keys.insert(form.idempotency_key.clone(), id);
            }
            // Pay in advance (PAY-2): the newest unpaid invoice, which may be this Order's.
            let Ok((200, invoices)) = api.get("/api/console/invoices").await else {
                return;
            };
            let newest = invoices
                .as_array()
                .unwrap()
                .iter()
                .filter(|invoice| invoice["status"] != "paid")
                .filter_map(|invoice| invoice["id"].as_i64())
                .max();
            if let Some(id) = newest {
                pay(&mut api, id, &acknowledged).await;
            }
        }));
    }
    for id in unpaid {
        let mut api = api.clone();
        let acknowledged = acknowledged.clone();
        jobs.push(tokio::spawn(async move {
            pay(&mut api, id, &acknowledged).await;
        }));
    }
    for _ in 0..TOP_UPS_PER_BURST {
        let amount = format!("{}.{:02}", random.between(5, 80), random.between(0, 99));
        let body = top_up(&amount);
        acknowledged.lock().unwrap().sent_top_ups.push(body.clone());
        let mut api = api.clone();
        let acknowledged = acknowledged.clone();
        jobs.push(tokio::spawn(async move {
            let topped = api.post("/api/console/credits/top-ups", &body).await;
            if let Ok((201, done)) = topped {
                let id = done["invoice_id"].as_i64().unwrap();
                let mut seen = acknowledged.lock().unwrap();
                seen.top_up_invoices.insert(id);
                seen.top_up_keys.insert(key_of(&body), id);
            }
        }));
    }
    let days = random.between(5, 35);
    let mut clock = api.clone();
    let acknowledged = acknowledged.clone();
    jobs.push(tokio::spawn(async move {
        let advanced = clock
            .post("/api/admin/clock/advance", &json!({"days": days}))
            .await;
        if let Ok((200, done)) = advanced {
            acknowledged_days(&acknowledged, &done);
        }
    }));
    jobs
}

/// Records the days a clock advance answered it processed.
fn acknowledged_days(acknowledged: &Shared, done: &Value) {
    let processed = done["days_processed"].as_array().unwrap();
    acknowledged.lock().unwrap().processed_days.extend(
        processed
            .iter()
            .map(|day| day.as_str().unwrap().parse::<NaiveDate>().unwrap()),
    );
}

/// After the restart the client retries every Order of the last burst with its idempotency
/// key: an acknowledged one answers 200 with the same Order, never a second one; one that was
/// not may be placed now (201), found (200, written before the kill) or refused (the price
/// date moved on, its Number taken); each key ends with at most one Order.
async fn retry_sent_orders(api: &mut Api, acknowledged: &Shared) {
    let (sent, keys) = {
        let mut seen = acknowledged.lock().unwrap();
        (
            std::mem::take(&mut seen.sent_orders),
            seen.order_keys.clone(),
        )
    };
    for form in sent {
        let key = form.idempotency_key.clone();
        let (status, order) = api
            .post("/api/console/orders", &serde_json::to_value(&form).unwrap())
            .await
            .unwrap();
        if let Some(id) = keys.get(&key) {
            assert_eq!(status, 200, "retry of acknowledged Order {key}: {order}");
            assert_eq!(order["id"].as_i64(), Some(*id), "retry of {key}");
        } else if status == 200 || status == 201 {
            let id = order["id"].as_i64().unwrap();
            let mut seen = acknowledged.lock().unwrap();
            seen.orders.insert(id);
            seen.order_keys.insert(key, id);
        } else {
            assert!(
                (400..500).contains(&status),
                "retry of {key}: {status} {order}"
            );
        }
    }
}

async fn pay(api: &mut Api, invoice_id: i64, acknowledged: &Shared) {
    let body = payment();
    acknowledged
        .lock()
        .unwrap()
        .sent_payments
        .push((invoice_id, body.clone()));
    let paid = api
        .post(
            &format!("/api/console/invoices/{invoice_id}/payments"),
            &body,
        )
        .await;
    if let Ok((201, _)) = paid {
        let mut seen = acknowledged.lock().unwrap();
        seen.paid_invoices.insert(invoice_id);
        seen.payment_keys.insert(key_of(&body), invoice_id);
    }
}

fn key_of(body: &Value) -> String {
    body["idempotency_key"].as_str().unwrap().to_owned()
}

/// Issue 13: after the restart the client retries every top-up and payment of the last burst
/// with its idempotency key. An acknowledged one answers 200 with the same invoice, crediting
/// or charging nothing more; one that was not may be done now (201), found done before the kill
/// (200), or refused (4xx: the invoice paid under another key, or its payment under way).
async fn retry_sent_money(api: &mut Api, acknowledged: &Shared) {
    let (top_ups, payments, top_up_keys, payment_keys) = {
        let mut seen = acknowledged.lock().unwrap();
        (
            std::mem::take(&mut seen.sent_top_ups),
            std::mem::take(&mut seen.sent_payments),
            seen.top_up_keys.clone(),
            seen.payment_keys.clone(),
        )
    };
    for body in top_ups {
        let key = key_of(&body);
        let (status, done) = api
            .post("/api/console/credits/top-ups", &body)
            .await
            .unwrap();
        if let Some(id) = top_up_keys.get(&key) {
            assert_eq!(status, 200, "retry of acknowledged top-up {key}: {done}");
            assert_eq!(done["invoice_id"].as_i64(), Some(*id), "retry of {key}");
        } else if status == 200 || status == 201 {
            let id = done["invoice_id"].as_i64().unwrap();
            let mut seen = acknowledged.lock().unwrap();
            seen.top_up_invoices.insert(id);
            seen.top_up_keys.insert(key, id);
        } else {
            panic!("retry of top-up {key}: {status} {done}");
        }
    }
    for (invoice_id, body) in payments {
        let key = key_of(&body);
        let (status, invoice) = api
            .post(
                &format!("/api/console/invoices/{invoice_id}/payments"),
                &body,
            )
            .await
            .unwrap();
        if payment_keys.contains_key(&key) {
            assert_eq!(
                status, 200,
                "retry of acknowledged payment {key}: {invoice}"
            );
            assert_eq!(invoice["status"], "paid", "retry of {key}");
        } else if status == 200 || status == 201 {
            assert_eq!(invoice["status"], "paid", "retry of {key}: {invoice}");
            let mut seen = acknowledged.lock().unwrap();
            seen.paid_invoices.insert(invoice_id);
            seen.payment_keys.insert(key, invoice_id);
        } else {
            // 409: paid under another key (a collection, say), or a payment under way.
            assert!(
                status == 409,
                "retry of payment {key} of invoice {invoice_id}: {status} {invoice}"
            );
        }
    }
}

/// After the restart, the Manager sees every acknowledged Order, payment and top-up.
async fn check_through_the_api(api: &mut Api, acknowledged: &Shared) {
    let (orders, paid, top_ups) = {
        let seen = acknowledged.lock().unwrap();
        (
            seen.orders.clone(),
            seen.paid_invoices.clone(),
            seen.top_up_invoices.clone(),
        )
    };
    for id in orders {
        api.expect(
            reqwest::Method::GET,
            &format!("/api/console/orders/{id}"),
            None,
        )
        .await;
    }
    for id in paid {
        let invoice = api
            .expect(
                reqwest::Method::GET,
                &format!("/api/console/invoices/{id}"),
                None,
            )
            .await;
        assert_eq!(invoice["status"], "paid", "acknowledged payment: {invoice}");
    }
    for id in top_ups {
        let invoice = api
            .expect(
                reqwest::Method::GET,
                &format!("/api/console/invoices/{id}"),
                None,
            )
            .await;
        assert_eq!(invoice["kind"], "credits_topup", "{invoice}");
    }
    let credits = api
        .expect(reqwest::Method::GET, "/api/console/credits", None)
        .await;
    assert!(
        !credits["balance"].as_str().unwrap_or("-").starts_with('-'),
        "Credits balance below zero: {credits}"
    );
}

async fn all_i64(db: &Database, sql: &'static str) -> Vec<i64> {
    sqlx::query_scalar(sql).fetch_all(&db.pool).await.unwrap()
}

/// An invoice as checked: id, number, year, seq, kind, subtotal, VAT, total (cents), how many
/// lines, the sum of their nets.
type InvoiceRow = (i64, String, i64, i64, String, i64, i64, i64, i64, i64);

/// The database after a SIGKILL, read directly while no server runs.
/// The servers' data folder is `dist`: their proof signing key is there.
async fn check_in_the_database(db: &Database, dist: &TempDir, acknowledged: &Shared, round: u64) {
    let seen = acknowledged.lock().unwrap().clone();
    let context = format!("after the kill of round {round}");

    // Every acknowledged Order, with its invoice written in the same transaction.
    let orders: BTreeSet<i64> = all_i64(db, "SELECT id FROM orders")
        .await
        .into_iter()
        .collect();
    let missing: Vec<_> = seen.orders.difference(&orders).collect();
    assert!(
        missing.is_empty(),
        "{context}: acknowledged Orders missing: {missing:?}"
    );
    let without_invoice = all_i64(
        db,
        "SELECT o.id FROM orders o
         WHERE (SELECT COUNT(*) FROM invoices i WHERE i.order_id = o.id AND i.kind = 'order') <> 1",
    )
    .await;
    assert!(
        without_invoice.is_empty(),
        "{context}: Orders without exactly one invoice: {without_invoice:?}"
    );

    // One Order per idempotency key, whatever the retries.
    let keys: Vec<(String, i64)> = sqlx::query_as(
        "SELECT idempotency_key, COUNT(*) FROM orders
         GROUP BY company_id, idempotency_key HAVING COUNT(*) > 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(
        keys.is_empty(),
        "{context}: idempotency keys with several Orders: {keys:?}"
    );
    for (key, id) in &seen.order_keys {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM orders WHERE idempotency_key = $1")
                .bind(key)
                .fetch_optional(&db.pool)
                .await
                .unwrap();
        assert_eq!(found, Some(*id), "{context}: the Order of key {key}");
    }

    // Every acknowledged payment; no invoice charged twice; paid means a payment of its total.
    for id in &seen.paid_invoices {
        let status: String = sqlx::query_scalar("SELECT status FROM invoices WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(
            status, "paid",
            "{context}: acknowledged payment of invoice {id} lost"
        );
    }
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT i.id, i.status, i.total_cents,
                (SELECT COUNT(*) FROM payments p
                 WHERE p.invoice_id = i.id AND p.outcome = 'succeeded'
                   AND p.amount_cents = i.total_cents)
         FROM invoices i",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    for (id, status, total, payments) in rows {
        let expected = i64::from(status == "paid" && total > 0);
        assert_eq!(
            payments, expected,
            "{context}: invoice {id} ({status}, {total} cents) has {payments} successful payments"
        );
    }
    let succeeded_elsewhere = all_i64(
        db,
        "SELECT p.id FROM payments p JOIN invoices i ON i.id = p.invoice_id
         WHERE p.outcome = 'succeeded' AND i.status <> 'paid'",
    )
    .await;
    assert!(
        succeeded_elsewhere.is_empty(),
        "{context}: money taken for unpaid invoices: payments {succeeded_elsewhere:?}"
    );

    // Every invoice whole: its lines add up to its subtotal, and subtotal + VAT to its total (a
    // credit note deducted is a line carrying its net and VAT, both negative; store::disputes).
    let invoices: Vec<InvoiceRow> = sqlx::query_as(
        "SELECT i.id, i.number, i.year, i.seq, i.kind, i.subtotal_cents, i.vat_cents,
                    i.total_cents,
                    (SELECT COUNT(*) FROM invoice_lines l WHERE l.invoice_id = i.id),
                    (SELECT CAST(COALESCE(SUM(l.net_cents), 0) AS BIGINT) FROM invoice_lines l
                     WHERE l.invoice_id = i.id)
             FROM invoices i ORDER BY i.year, i.seq",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut per_year: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (id, number, year, seq, kind, subtotal, vat, total, lines, nets) in &invoices {
        assert!(
            *lines > 0,
            "{context}: invoice {number} ({kind}) has no lines"
        );
        assert_eq!(
            nets, subtotal,
            "{context}: invoice {number} (id {id}): lines add up to {nets}, subtotal {subtotal}"
        );
        assert_eq!(
            subtotal + vat,
            *total,
            "{context}: invoice {number}: {subtotal} + VAT {vat} is not {total}"
        );
        assert_eq!(
            *number,
            format!("{year}-{seq:06}"),
            "{context}: invoice id {id}"
        );
        per_year.entry(*year).or_default().push(*seq);
    }

    // Per year: 1..n, no gap, no duplicate, and the counter at n (the next one follows on).
    for (year, seqs) in &per_year {
        let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
        assert_eq!(seqs, &expected, "{context}: invoice numbers of {year}");
        let counter: i64 =
            sqlx::query_scalar("SELECT last_number FROM invoice_counters WHERE year = $1")
                .bind(year)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(
            counter,
            seqs.len() as i64,
            "{context}: invoice counter of {year}"
        );
    }

    // Every acknowledged top-up, as an invoice and a movement written together.
    let top_up_invoices: BTreeSet<i64> =
        all_i64(db, "SELECT id FROM invoices WHERE kind = 'credits_topup'")
            .await
            .into_iter()
            .collect();
    let missing: Vec<_> = seen.top_up_invoices.difference(&top_up_invoices).collect();
    assert!(
        missing.is_empty(),
        "{context}: acknowledged top-ups missing: {missing:?}"
    );
    // One top-up per idempotency key, whatever the retries: each top-up invoice has its key,
    // and each acknowledged key still names its invoice.
    let top_up_keys: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM idempotency_keys WHERE purpose = 'credits_top_up'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        top_up_keys,
        top_up_invoices.len() as i64,
        "{context}: top-up keys and top-up invoices"
    );
    for (key, id) in &seen.top_up_keys {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT invoice_id FROM idempotency_keys WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(&db.pool)
        .await
        .unwrap();
        assert_eq!(found, Some(*id), "{context}: the top-up of key {key}");
    }
    // House reading "Due date and collection": a top-up is credited once its invoice is paid,
    // and once.
    let top_up_movements: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM credit_movements WHERE kind = 'top_up'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let paid_top_ups: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM invoices WHERE kind = 'credits_topup' AND status = 'paid'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        top_up_movements, paid_top_ups,
        "{context}: top-up movements and paid top-up invoices"
    );

    // Issue 13: the provider charged each invoice once at most, whatever the retries, and the
    // money it took is an invoice paid, or a charge still waiting for its event (asked again
    // by the restarted server, with the same key).
    let charged_twice: Vec<(String, i64)> = sqlx::query_as(
        "SELECT invoice_number, COUNT(*) FROM provider_charges WHERE outcome = 'succeeded'
         GROUP BY invoice_number HAVING COUNT(*) > 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(
        charged_twice.is_empty(),
        "{context}: invoices charged twice: {charged_twice:?}"
    );
    let taken_unpaid: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.invoice_number, c.idempotency_key FROM provider_charges c
         JOIN invoices i ON i.number = c.invoice_number
         WHERE c.outcome = 'succeeded' AND i.status <> 'paid'
           AND NOT EXISTS (SELECT 1 FROM idempotency_keys k
                           WHERE 'payment-' || CAST(k.id AS TEXT) = c.idempotency_key
                             AND k.state = 'pending')",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(
        taken_unpaid.is_empty(),
        "{context}: money taken for invoices left unpaid: {taken_unpaid:?}"
    );

    // Credits: never below zero, and the balance is the sum of its movements.
    let accounts: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT a.company_id, a.balance_cents, a.reserved_cents,
                (SELECT CAST(COALESCE(SUM(CASE WHEN m.kind = 'top_up' THEN m.amount_cents
                                               ELSE -m.amount_cents END), 0) AS BIGINT)
                 FROM credit_movements m WHERE m.company_id = a.company_id),
                COALESCE((SELECT m.balance_after_cents FROM credit_movements m
                          WHERE m.company_id = a.company_id ORDER BY m.id DESC LIMIT 1), 0)
         FROM credit_accounts a",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    for (company, balance, reserved, movements, last_after) in accounts {
        assert!(
            balance >= 0 && reserved >= 0,
            "{context}: company {company} Credits {balance}"
        );
        assert_eq!(
            balance, movements,
            "{context}: company {company}: balance vs movements"
        );
        assert_eq!(
            balance, last_after,
            "{context}: company {company}: last balance_after"
        );
    }

    // Every day the scheduler said it processed.
    let days: BTreeSet<NaiveDate> =
        sqlx::query_scalar::<_, String>("SELECT day FROM scheduler_runs")
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .into_iter()
            .map(|day| day.parse().unwrap())
            .collect();
    let missing: Vec<_> = seen.processed_days.difference(&days).collect();
    assert!(
        missing.is_empty(),
        "{context}: processed days missing: {missing:?}"
    );
    // Processed days are a run without holes: after downtime every missed day is processed.
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        assert_eq!(
            (*last - *first).num_days() + 1,
            days.len() as i64,
            "{context}: holes among processed days"
        );
    }

    // The proof log (PROOF-1) still verifies.
    let key = server::proof_key::ProofKey::load(&server::proof_key::default_path(dist.path()))
        .expect("the server wrote its proof signing key")
        .public();
    match verify(db, &key).await.unwrap() {
        Verification::Intact { .. } => {}
        broken => panic!("{context}: the proof log is broken: {broken:?}"),
    }
}
