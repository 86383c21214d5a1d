//! Helpers for the API tests: a test app on a fresh database (SQLite or PostgreSQL), a tiny
//! client that keeps the session cookie, and assertions on the API's error shape. Fixtures made
//! through the API are in `fixtures.rs` (re-exported here), rows written straight into the
//! database in `rows.rs`, the WebApp's WebSocket in `live.rs`.

pub mod authenticator;
pub mod fixtures;
pub mod live;
pub mod operators;
pub mod postgres;
pub mod rows;

pub use fixtures::*;
use postgres::ScratchPostgres;
pub use postgres::postgres_reachable;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use protocol::SignupForm;
use serde::Serialize;
use serde_json::Value;
use server::assets::Assets;
use server::clock::Clock;
use server::db::Database;
use server::state::AppState;
use tempfile::TempDir;
use tower::ServiceExt;

/// Generates one `#[tokio::test]` per database for each `async fn name(backend: Backend)`:
/// `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::support::postgres_reachable().await {
                        super::$name($crate::support::Backend::Postgres).await;
                    }
                }
            )*
        }
    };
}

use protocol::backoffice::OperatorRole;
/// The database a test runs on (the server's own enum).
pub use server::db::Backend;

/// Text long enough (> 1 KB) to be compressed by the asset server.
pub fn app_javascript() -> String {
    "export function greet(name) { return `Hello, ${name}! Welcome to the console.`; }\n".repeat(40)
}

/// The Management Console's page.
pub const INDEX_HTML: &str =
    "<!doctype html><html><head><title>Console</title></head><body></body></html>\n";
/// The sign-in bundle's page.
pub const SIGNIN_HTML: &str =
    "<!doctype html><html><head><title>Sign in</title></head><body></body></html>\n";
/// The WebApp's page.
pub const WEBAPP_HTML: &str =
    "<!doctype html><html><head><title>WebApp</title></head><body></body></html>\n";
pub const GTCS_TEXT: &str = "General Terms and Conditions of Sale, version 2026-11.\n";
/// The secret the test app's payment provider signs its webhook events with (issue 13).
pub const WEBHOOK_SECRET: &str = "whsec_api_tests";
pub const WASM_BYTES: &[u8] = b"\0asm\x01\0\0\0";

/// Writes a small built app, shaped like Trunk's `dist/`.
fn write_dist(dir: &Path) {
    std::fs::write(dir.join("index.html"), INDEX_HTML).unwrap();
    for (folder, page) in [("signin", SIGNIN_HTML), ("webapp", WEBAPP_HTML)] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        std::fs::write(dir.join(folder).join("index.html"), page).unwrap();
    }
    std::fs::write(dir.join("console-0123456789abcdef.js"), app_javascript()).unwrap();
    std::fs::write(dir.join("console-0123456789abcdef_bg.wasm"), WASM_BYTES).unwrap();
    std::fs::create_dir_all(dir.join("legal")).unwrap();
    std::fs::write(dir.join("legal/gtcs.txt"), GTCS_TEXT).unwrap();
}

/// How to start a [`TestApp`].
pub struct Options {
    backend: Backend,
    today: Option<NaiveDate>,
    secure_cookies: bool,
    demo_clock: bool,
    ring_timeout: std::time::Duration,
}

impl Options {
    /// How long a hosted call rings before it is missed (30 s unless set).
    pub fn ring_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.ring_timeout = timeout;
        self
    }

    /// A demo server: `POST /api/admin/clock/advance` moves its date forward.
    pub fn demo_clock(mut self) -> Self {
        self.demo_clock = true;
        self
    }

    /// Starts today (Europe/Paris) on `date`.
    pub fn today(mut self, date: NaiveDate) -> Self {
        self.today = Some(date);
        self
    }

    pub fn secure_cookies(mut self) -> Self {
        self.secure_cookies = true;
        self
    }

    /// Builds the state as `server::prepare` does, on a fresh database and a temporary `dist/`.
    pub async fn start(self) -> TestApp {
        let dist = TempDir::new().unwrap();
        write_dist(dist.path());
        let (url, sqlite_dir, postgres) = match self.backend {
            Backend::Sqlite => {
                let dir = TempDir::new().unwrap();
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("console.db").display()
                );
                (url, Some(dir), None)
            }
            Backend::Postgres => {
                let (scratch, url) = ScratchPostgres::create().await;
                (url, None, Some(scratch))
            }
        };
        let db = Database::connect(&url)
            .await
            .unwrap_or_else(|error| panic!("connecting to {url}: {error}"));
        let assets = Assets::load(dist.path()).unwrap();
        let clock = match self.today {
            Some(date) => Clock::starting_on(date),
            None => Clock::system(),
        };
        // The server's data folder: the proof signing key (PROOF-1) is generated there.
        let data_dir = TempDir::new().unwrap();
        let proof_key = server::proof_key::ProofKey::load_or_create(
            &server::proof_key::default_path(data_dir.path()),
        )
        .unwrap();
        let payments = server::payments::Payments::built_in(&db, WEBHOOK_SECRET);
        let state = AppState {
            telephony: server::state::Telephony::simulated(&db, self.ring_timeout)
                .await
                .expect("the live events start"),
            recent_sessions: Arc::new(server::auth::recent::RecentSessions::new(db.backend)),
            db,
            clock,
            assets: Arc::new(assets),
            secure_cookies: self.secure_cookies,
            payments,
            demo_clock: self.demo_clock,
            // Issue 19: VIES is the local stand-in, asked over HTTP as in `make run`.
            vies: server::vies::Vies::stand_in(
                domain::vat::VatNumber::parse(
                    "FR73832235253",
                    domain::country::CountryCode::FRANCE,
                )
                .ok(),
                Duration::from_secs(2),
            )
            .await
            .unwrap(),
            trusted_proxies: Arc::from([]),
            proof_key: Arc::new(proof_key),
            terms: Arc::new(server::api::terms_in_force()),
        };
        TestApp {
            router: server::app(state.clone()),
            state,
            _dist: dist,
            _data_dir: data_dir,
            _sqlite_dir: sqlite_dir,
            _postgres: postgres,
        }
    }
}

/// The whole server, in-process, on its own database and `dist/`.
pub struct TestApp {
    pub state: AppState,
    router: Router,
    _dist: TempDir,
    /// The server's data folder (`--data-dir`), holding its proof signing key.
    _data_dir: TempDir,
    _sqlite_dir: Option<TempDir>,
    // Last: dropped after the router and state let go of the pool.
    _postgres: Option<ScratchPostgres>,
}

impl TestApp {
    /// The `Cookie` header of a new session of the provider's operator of `role` (see
    /// [`operators`]).
    pub async fn operator_cookie(&self, role: OperatorRole) -> String {
        operators::operator_cookie(&self.state.db, role).await
    }

    /// The id of the provider's operator of `role`, added and set up on first use.
    pub async fn operator_id(&self, role: OperatorRole) -> i64 {
        operators::operator_id(&self.state.db, role).await
    }

    pub fn options(backend: Backend) -> Options {
        Options {
            backend,
            today: None,
            secure_cookies: false,
            demo_clock: false,
            ring_timeout: std::time::Duration::from_secs(30),
        }
    }

    pub async fn start(backend: Backend) -> TestApp {
        Self::options(backend).start().await
    }

    /// Puts other versions of the WebApp's terms in force (ACCEPT-1: a new GCU, say), as a
    /// server started with them on the same database would: clients made from now on see them.
    pub fn put_terms_in_force(&mut self, terms: protocol::terms::TermsInForce) {
        self.state = AppState {
            terms: Arc::new(terms),
            ..self.state.clone()
        };
        self.router = server::app(self.state.clone());
    }

    /// A client with no cookie yet.
    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookie: None,
        }
    }

    /// A client that sends `cookie` as its `console_session` value.
    pub fn client_with_session(&self, token: &str) -> Client {
        Client {
            router: self.router.clone(),
            cookie: Some(token.to_owned()),
        }
    }

    /// The proof log verified as `server verify-proof` does, with the server's proof key.
    pub async fn verify_proof(&self) -> server::store::audit::Verification {
        server::store::audit::verify(&self.state.db, &self.state.proof_key.public())
            .await
            .unwrap()
    }

    /// Rows in `table` (a fixed name from the tests, never user input).
    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// The newest link starting with `path` in an email to `recipient` (see
    /// [`rows::emailed_link`]).
    pub async fn emailed_link(&self, recipient: &str, path: &str) -> String {
        rows::emailed_link(&self.state.db, recipient, path).await
    }

    /// Signs a Company up with `form` on a new client, which keeps the session.
    pub async fn signed_up(&self, form: &SignupForm) -> (Client, Value) {
        let mut client = self.client();
        let reply = client.post_json("/api/signup", form).await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "sign-up failed: {}",
            reply.text()
        );
        (client, reply.json())
    }
}

/// A sign-up form that passes every rule; change a field with struct update syntax.
pub fn signup_form() -> SignupForm {
    SignupForm {
        legal_name: "Martin & Fils SAS".into(),
        registration_number: "732 829 320".into(),
        billing_country: "FR".into(),
        first_name: "Anne".into(),
        last_name: "Martin".into(),
        email: "anne@martin.fr".into(),
        password: "correct horse battery".into(),
        accepted_gtcs_version: Some(server::api::GTCS_VERSION.into()),
    }
}

/// One answer, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON; panics (showing the body) when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("body is not JSON ({error}): {:?}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON, once the status is `status` (panics showing the body otherwise).
    #[track_caller]
    pub fn expect_json(&self, status: StatusCode) -> Value {
        assert_eq!(self.status, status, "body: {}", self.text());
        self.json()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("ASCII header"))
    }

    /// The `Set-Cookie` header for the session cookie, if any.
    pub fn session_cookie(&self) -> Option<&str> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("console_session="))
    }
}

/// Sends requests to the app like a browser would, keeping the session cookie between them.
#[derive(Clone)]
pub struct Client {
    router: Router,
    cookie: Option<String>,
}

impl Client {
    /// The session token this client holds.
    pub fn session(&self) -> Option<&str> {
        self.cookie.as_deref()
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, &[], Body::empty()).await
    }

    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send(Method::GET, path, headers, Body::empty()).await
    }

    pub async fn delete(&mut self, path: &str) -> Reply {
        self.send(Method::DELETE, path, &[], Body::empty()).await
    }

    pub async fn post_json(&mut self, path: &str, body: &impl Serialize) -> Reply {
        let body = serde_json::to_vec(body).unwrap();
        self.send(
            Method::POST,
            path,
            &[("content-type", "application/json")],
            Body::from(body),
        )
        .await
    }

    pub async fn post_raw(&mut self, path: &str, content_type: &str, body: &str) -> Reply {
        self.send(
            Method::POST,
            path,
            &[("content-type", content_type)],
            Body::from(body.to_owned()),
        )
        .await
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Body,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(token) = &self.cookie {
            request = request.header(COOKIE, format!("console_session={token}"));
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        let reply = Reply {
            status,
            headers,
            body,
        };
        if let Some(set_cookie) = reply.session_cookie() {
            let value = set_cookie
                .trim_start_matches("console_session=")
                .split(';')
                .next()
                .unwrap_or_default();
            let cleared = value.is_empty() || set_cookie.contains("Max-Age=0");
            self.cookie = (!cleared).then(|| value.to_owned());
        }
        reply
    }
}

/// Asserts `reply` is an API error: `status`, `{"error": {"code", "message", "field"}}` and
/// nothing else, with this `code` and `field`.
#[track_caller]
pub fn assert_api_error(reply: &Reply, status: StatusCode, code: &str, field: Option<&str>) {
    assert_eq!(
        reply.status,
        status,
        "unexpected status; body: {}",
        reply.text()
    );
    let content_type = reply.header(CONTENT_TYPE.as_str()).unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "error is not JSON: {content_type}"
    );
    let body = reply.json();
    let outer = body.as_object().expect("error body is an object");
    assert_eq!(
        outer.keys().collect::<Vec<_>>(),
        ["error"],
        "error body: {body}"
    );
    let error = outer["error"].as_object().expect("`error` is an object");
    let mut keys: Vec<_> = error.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "field", "message"], "error body: {body}");
    assert_eq!(error["code"], code, "error body: {body}");
    let message = error["message"].as_str().expect("`message` is a string");
    assert!(!message.trim().is_empty(), "empty message: {body}");
    match field {
        Some(field) => assert_eq!(error["field"], field, "error body: {body}"),
        None => assert!(error["field"].is_null(), "expected no field: {body}"),
    }
}

// ---- Shared by the isolation walk (and any test that needs them) ----

impl Client {
    pub async fn put_json(&mut self, path: &str, body: &impl Serialize) -> Reply {
        let body = serde_json::to_vec(body).unwrap();
        self.send(
            Method::PUT,
            path,
            &[("content-type", "application/json")],
            Body::from(body),
        )
        .await
    }

    /// Sends `method` to `path` with `body` as JSON, or with no body at all.
    pub async fn send_json(&mut self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        match body {
            Some(body) => {
                let body = serde_json::to_vec(body).unwrap();
                self.send(
                    method,
                    path,
                    &[("content-type", "application/json")],
                    Body::from(body),
                )
                .await
            }
            None => self.send(method, path, &[], Body::empty()).await,
        }
    }
}

impl TestApp {
    /// A client signed in as `user_id`, with a session opened in the store as a log-in would
    /// (for users who have no password yet).
    pub async fn client_signed_in_as(&self, user_id: i64) -> Client {
        let token = server::store::sessions::open(&self.state.db, user_id, self.state.clock.now())
            .await
            .unwrap();
        self.client_with_session(&token)
    }
}

// ---- A fresh database for a server run as a separate process (crash tests) ----

/// A fresh, empty database on `backend`: its URL, kept alive (SQLite file's folder, or the
/// PostgreSQL database) until this value is dropped.
pub struct ScratchDatabase {
    pub url: String,
    _sqlite_dir: Option<TempDir>,
    // Last: dropped after anything holding `url` is gone.
    _postgres: Option<ScratchPostgres>,
}

impl ScratchDatabase {
    pub async fn create(backend: Backend) -> ScratchDatabase {
        match backend {
            Backend::Sqlite => {
                let dir = TempDir::new().unwrap();
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("console.db").display()
                );
                ScratchDatabase {
                    url,
                    _sqlite_dir: Some(dir),
                    _postgres: None,
                }
            }
            Backend::Postgres => {
                let (scratch, url) = ScratchPostgres::create().await;
                ScratchDatabase {
                    url,
                    _sqlite_dir: None,
                    _postgres: Some(scratch),
                }
            }
        }
    }
}

/// Two employees of one Company, each holding one French Number of `plan_code` (the WebApp's
/// tests): the Manager, Alice and Bob, each signed in, each having accepted the WebApp's terms.
pub struct Employees {
    pub manager: Client,
    pub alice: Client,
    pub alice_id: i64,
    /// Alice's Number: id and E.164.
    pub alice_number: (i64, String),
    pub bob: Client,
    pub bob_id: i64,
    pub bob_number: (i64, String),
}

impl TestApp {
    /// The provider suspends `user_id` for suspected fraud (SUSP-1), with the admin `token` the
    /// app was started with.
    pub async fn suspend_user(&self, user_id: i64) {
        let body =
            serde_json::json!({"reason": "suspected_fraud_or_abuse", "details": "Unusual traffic"});
        let path = format!("/api/admin/users/{user_id}/suspension");
        let reply = admin(self, Method::POST, &path, Some(body), ADMIN_TOKEN).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    }

    /// A Company whose Manager bought two Numbers of `plan_code` and gave one to each of two new
    /// Users, Alice and Bob.
    pub async fn employees(&self, plan_code: &str) -> Employees {
        let mut manager = ready_company(self, &signup_form()).await;
        an_order(plan_code)
            .numbers(2, "FR")
            .key("employees-order")
            .place(&mut manager)
            .await;
        let numbers = manager.get("/api/console/numbers").await.json();
        let numbers: Vec<(i64, String)> = numbers
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["id"].as_i64().unwrap(),
                    n["e164"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let mut ids = Vec::new();
        for (first, email, mobile, number) in [
            ("Alice", "alice@martin.fr", "+33 6 50 00 00 01", &numbers[0]),
            ("Bob", "bob@martin.fr", "+33 6 50 00 00 02", &numbers[1]),
        ] {
            let reply = manager
                .post_json(
                    "/api/console/users",
                    &serde_json::json!({
                        "first_name": first, "last_name": "Martin", "email": email,
                        "mobile": mobile, "residence_country": "FR", "stable_links": [],
                    }),
                )
                .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
            let id = reply.json()["id"].as_i64().unwrap();
            let reply = manager
                .put_json(
                    &format!("/api/console/numbers/{}/user", number.0),
                    &serde_json::json!({"user_id": id}),
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
            ids.push(id);
        }
        // Using the WebApp means accepting its terms (ACCEPT-1): all three did.
        let mut alice = self.client_signed_in_as(ids[0]).await;
        let mut bob = self.client_signed_in_as(ids[1]).await;
        for client in [&mut manager, &mut alice, &mut bob] {
            accept_terms(client).await;
        }
        Employees {
            alice,
            alice_id: ids[0],
            alice_number: numbers[0].clone(),
            bob,
            bob_id: ids[1],
            bob_number: numbers[1].clone(),
            manager,
        }
    }
}
