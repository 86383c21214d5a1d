//! A real console on a free port and a headless Chromium driven through ChromeDriver, shared by
//! the end-to-end tests and the measuring script (`benches/first_load.rs`). Pages are driven as
//! a person would: fields found by their label, buttons by their text.
#![allow(dead_code)] // each user of the harness takes what it needs

// Rows written straight into the database and read back (emails), shared with the API tests.
#[path = "../../api/support/rows.rs"]
pub mod rows;

// The person's authenticator app (two-factor codes), shared with the API tests.
#[path = "../../api/support/authenticator.rs"]
pub mod authenticator;

// The provider's operators, as the API tests make them.
#[path = "../../api/support/operators.rs"]
pub mod operators;

// PostgreSQL databases made for one test, shared with the API tests.
#[path = "../../api/support/postgres.rs"]
pub mod postgres;

pub mod cluster;

pub mod team;

use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use clap::Parser;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use http_body_util::BodyExt;
use server::config::Config;
use server::state::AppState;
use tower::ServiceExt;

/// Who signs up in the tests: the Company and its first Manager's password.
pub const COMPANY: &str = "Martin & Fils SAS";
pub const PASSWORD: &str = "correct horse battery";

/// The built app, its four bundles, made by `make app` (which `make test` runs first); another
/// build can be named with `CONSOLE_DIST_DIR`.
pub fn dist_dir() -> PathBuf {
    let dist = std::env::var_os("CONSOLE_DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    for page in [
        "index.html",
        "signin/index.html",
        "webapp/index.html",
        "backoffice/index.html",
    ] {
        assert!(
            dist.join(page).is_file(),
            "no built app in {} (no {page}): run `make test` (or `make app`) first",
            dist.display()
        );
    }
    dist
}

/// The server, in this process, on a free port, with a fresh SQLite file.
pub struct Console {
    pub url: String,
    pub state: AppState,
    _data: tempfile::TempDir,
}

impl Console {
    pub async fn start() -> Console {
        Console::start_with(&[]).await
    }

    /// As [`Console::start`], with more command-line options, e.g.
    /// `["--today", "2027-01-05", "--demo-clock"]`.
    pub async fn start_with(options: &[&str]) -> Console {
        Console::start_serving(&dist_dir(), options).await
    }

    /// A demo server whose date starts on `today` (`YYYY-MM-DD`), moved forward by
    /// [`Console::move_date_to`], with the provider's admin routes on.
    pub async fn demo(today: &str) -> Console {
        Console::start_with(&["--today", today, "--demo-clock"]).await
    }

    /// As [`Console::start_with`], serving the built app in `dist`.
    pub async fn start_serving(dist: &Path, options: &[&str]) -> Console {
        let data = tempfile::tempdir().expect("a temporary folder");
        let database = format!(
            "sqlite://{}?mode=rwc",
            data.path().join("console.db").display()
        );
        let config = Config::parse_from(
            [
                "server",
                "--bind",
                "127.0.0.1:0",
                "--database-url",
                &database,
                "--dist-dir",
                dist.to_str().expect("a UTF-8 path"),
                "--data-dir",
                data.path().to_str().expect("a UTF-8 path"),
            ]
            .into_iter()
            .chain(options.iter().copied()),
        );
        let state = server::prepare(&config).await.expect("the server starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("a bound address"));
        let app = server::app(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Console {
            url,
            state,
            _data: data,
        }
    }

    /// A console already running at `url` (a cluster behind nginx), read through `state`.
    pub fn in_front_of(url: &str, state: AppState) -> Console {
        Console {
            url: url.to_owned(),
            state,
            _data: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// Puts the server's today on `date` (`YYYY-MM-DD`); time runs on from there.
    pub fn set_today(&self, date: &str) {
        self.state.clock.move_to(date.parse().expect("a date"));
    }

    /// Moves the server's date forward to `target` (`YYYY-MM-DD`) with the demo clock, which
    /// runs the scheduler over every day passed (needs `--demo-clock` and the admin token).
    pub async fn move_date_to(&self, target: &str) {
        let days = date(target)
            .signed_duration_since(self.state.clock.today())
            .num_days();
        let (status, body) = self
            .as_provider(
                "/api/admin/clock/advance",
                serde_json::json!({ "days": days }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["today"], serde_json::json!(target));
    }

    /// How many Company Accounts the database holds.
    pub async fn companies(&self) -> i64 {
        self.count("SELECT COUNT(*) FROM companies").await
    }

    /// The single number `sql` (a fixed query of the test) answers.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(&self.state.db.pool)
            .await
            .expect(sql)
    }

    /// The newest link starting with `path` in an email to `recipient` (see
    /// [`rows::emailed_link`]).
    pub async fn emailed_link(&self, recipient: &str, path: &str) -> String {
        rows::emailed_link(&self.state.db, recipient, path).await
    }

    /// Waits until `sql` answers `expected` (for the harness's wait at most).
    pub async fn until_count(&self, sql: &str, expected: i64) {
        eventually(&format!("{sql} to answer {expected}"), || async {
            self.count(sql).await == expected
        })
        .await;
    }

    /// `POST path` with `body` as the provider, on its routes, signed in as an operator of the
    /// administrator role (issue 14; added on first use): the status and the JSON answer (null
    /// when there is none).
    pub async fn as_provider(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let cookie = operators::operator_cookie(
            &self.state.db,
            protocol::backoffice::OperatorRole::Administrator,
        )
        .await;
        let state = self.state.clone();
        let request = Request::post(path)
            .header("content-type", "application/json")
            .header("cookie", cookie)
            .body(Body::from(body.to_string()))
            .expect("a request");
        let response = server::app(state)
            .oneshot(request)
            .await
            .expect("an answer");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("the body")
            .to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (status, json)
    }
}

/// `YYYY-MM-DD`.
pub fn date(raw: &str) -> chrono::NaiveDate {
    raw.parse().expect("a date")
}

/// Waits until `check` holds (for the harness's wait at most); panics saying `what` otherwise.
pub async fn eventually<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < WAIT, "waited {WAIT:?} for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// Headless Chromium, as root on a machine without network, with a fresh profile.
pub struct Browser {
    pub client: Client,
    base: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

const WAIT: Duration = Duration::from_secs(20);
/// WebDriver's default script timeout, which the harness keeps.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Chromium's stand-ins for a microphone and a camera, granted without asking: the WebApp's
/// calls capture a test tone, and remote audio may play without a click.
pub const FAKE_MEDIA: &[&str] = &[
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    // WebRTC between two browsers of one machine, even one with only a loopback interface.
    "--allow-loopback-in-peer-connection",
];

/// A command of Chromium's DevTools protocol, sent through ChromeDriver's own endpoint.
#[derive(Debug)]
struct DevTools {
    command: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({"cmd": self.command, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    /// Runs `script` in every page this browser loads from now on, before the page's own
    /// scripts (to watch what the app does from its first moment).
    pub async fn before_each_page(&self, script: &str) {
        self.client
            .issue_cmd(DevTools {
                command: "Page.addScriptToEvaluateOnNewDocument",
                params: serde_json::json!({ "source": script }),
            })
            .await
            .expect("adding a script to every page");
    }

    pub async fn launch(base: &str) -> Browser {
        Browser::launch_with(base, &[]).await
    }

    /// As [`Browser::launch`], with more Chromium flags (e.g. [`FAKE_MEDIA`]).
    pub async fn launch_with(base: &str, flags: &[&str]) -> Browser {
        let port = free_port();
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot run {chromedriver} ({error}): `make test` installs it")
            });
        let profile = tempfile::tempdir().expect("a temporary folder");
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--window-size=1280,900",
        ]
        .iter()
        .chain(flags)
        .map(|flag| flag.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": args,
            }
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!(),
        };
        let started = Instant::now();
        let client = loop {
            let attempt =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(capabilities.clone())
                    .connect(&format!("http://127.0.0.1:{port}"))
                    .await;
            match attempt {
                Ok(client) => break client,
                Err(error) if started.elapsed() > WAIT => panic!("Chromium did not start: {error}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Browser {
            client,
            base: base.to_owned(),
            driver,
            _profile: profile,
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }

    /// Signs a Company up through the API from inside the page, so the session cookie lands in
    /// this browser (the sign-up form itself has its own tests). Opens `/login` first.
    pub async fn sign_up_company(&self, legal_name: &str, email: &str) {
        self.goto("/login").await;
        let script = r#"
            const [legalName, email, done] = arguments;
            const version = (await (await fetch('/api/gtcs')).json()).version;
            const response = await fetch('/api/signup', {
                method: 'POST', headers: {'content-type': 'application/json'},
                body: JSON.stringify({legal_name: legalName, registration_number: '732829320',
                    billing_country: 'FR', first_name: 'Anne', last_name: 'Martin',
                    email, password: 'correct horse battery', accepted_gtcs_version: version})});
            done(response.status);"#;
        let status = self
            .client
            .execute_async(script, vec![legal_name.into(), email.into()])
            .await
            .expect("signing up");
        assert_eq!(status.as_u64(), Some(201), "signing up {email}");
    }

    /// A Company signed up through the API ([`Browser::sign_up_company`]) with a SEPA mandate
    /// labelled `label` on file.
    pub async fn ready_company(&self, email: &str, label: &str) {
        self.sign_up_company(COMPANY, email).await;
        self.add_payment_method(label).await;
    }

    /// Fills the sign-up form for Anne Martin of [`COMPANY`] with `email`, and accepts the GTCS
    /// (without sending it).
    pub async fn fill_sign_up_form(&self, email: &str) {
        self.fill("Legal name", COMPANY).await;
        self.choose("Billing country", "France").await;
        self.fill("SIREN", "732 829 320").await;
        self.fill("First name", "Anne").await;
        self.fill("Last name", "Martin").await;
        self.fill("Email", email).await;
        self.fill("Password", PASSWORD).await;
        self.tick("I accept the General Terms and Conditions of Sale")
            .await;
    }

    /// Signs up through the sign-up page as a visitor would, with `email`.
    pub async fn sign_up_in_the_form(&self, email: &str) {
        self.goto("/signup").await;
        self.fill_sign_up_form(email).await;
        self.click("Create the Company Account").await;
    }

    /// Logs in again with the test password (after the clock moved past the session's life),
    /// through the log-in page as a person would; waits for the console.
    pub async fn log_in_again(&self, email: &str) {
        self.goto("/login").await;
        self.submit_log_in(email, PASSWORD).await;
        self.until(
            "!location.pathname.startsWith('/login')",
            "leaving the log-in page",
        )
        .await;
    }

    /// Fills the log-in form of the page shown and sends it.
    pub async fn submit_log_in(&self, email: &str, password: &str) {
        self.fill("Email", email).await;
        self.fill("Password", password).await;
        self.click("Log in").await;
    }

    /// Runs `script` in the page (with its session cookie) and returns what it hands to the
    /// callback that WebDriver passes as its last argument.
    pub async fn in_page(
        &self,
        script: &str,
        arguments: Vec<serde_json::Value>,
    ) -> serde_json::Value {
        self.client
            .execute_async(script, arguments)
            .await
            .expect("running a script in the page")
    }

    /// Waits until the JavaScript expression `condition` (which may use `await`) is truthy in
    /// the page, then returns its value; panics with `what` after the harness's wait.
    pub async fn until(&self, condition: &str, what: &str) -> serde_json::Value {
        let script = format!(
            "const done = arguments[0];
             (async () => {{ try {{ return await ({condition}); }} catch (error) {{ return null; }} }})()
                 .then(value => done(value ?? null));"
        );
        let started = Instant::now();
        loop {
            // A check cut short by the page loading another one (moving between the app's
            // bundles is a full page load) is checked again on the new page.
            let value = match self.client.execute_async(&script, vec![]).await {
                Ok(value) => value,
                // Such a check only ends at WebDriver's script timeout (30 s by default).
                Err(error) => {
                    assert!(
                        started.elapsed() < WAIT + SCRIPT_TIMEOUT,
                        "waited {WAIT:?} for {what}: {condition} ({error})"
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let truthy = match &value {
                serde_json::Value::Null | serde_json::Value::Bool(false) => false,
                serde_json::Value::Number(n) => n.as_f64() != Some(0.0),
                serde_json::Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return value;
            }
            assert!(
                started.elapsed() < WAIT,
                "waited {WAIT:?} for {what}: {condition}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `GET path` from the page, as JSON.
    pub async fn fetch_json(&self, path: &str) -> serde_json::Value {
        let script = r#"
            const [path, done] = arguments;
            done(await (await fetch(path)).json());"#;
        self.in_page(script, vec![path.into()]).await
    }

    /// Adds a SEPA mandate labelled `label` to the signed-in Manager's Company.
    pub async fn add_payment_method(&self, label: &str) {
        let script = r#"
            const [label, done] = arguments;
            const reply = await fetch('/api/console/company/payment-methods', {
                method: 'POST', headers: {'content-type': 'application/json'},
                body: JSON.stringify({kind: 'sepa', label, last4: '1234', expiry: ''})});
            done(reply.status);"#;
        let status = self.in_page(script, vec![label.into()]).await;
        assert_eq!(status, serde_json::json!(201), "adding a payment method");
    }

    /// Places an Order of one French Number on the Call Plan `plan_code`, paid monthly, priced by
    /// the domain's own quote (the Order page has its own tests).
    pub async fn order_one_number(&self, plan_code: &str) {
        self.order_one_number_billed(plan_code, domain::catalogue::Billing::Monthly)
            .await;
    }

    /// As [`Browser::order_one_number`], billed `billing`; the Order the server created (with
    /// its `licence`).
    pub async fn order_one_number_billed(
        &self,
        plan_code: &str,
        billing: domain::catalogue::Billing,
    ) -> serde_json::Value {
        use domain::order::{LineRequest, OrderForm, OrderFormLine, quote_order};
        use protocol::catalogue::{AvailableNumber, PriceListView};

        let list: PriceListView =
            serde_json::from_value(self.fetch_json("/api/console/price-list").await)
                .expect("the price list");
        let numbers: Vec<AvailableNumber> = serde_json::from_value(
            self.fetch_json("/api/console/numbers/available?country=FR&limit=1")
                .await,
        )
        .expect("available Numbers");
        let plan_id = list
            .price_list
            .plans
            .iter()
            .find(|plan| plan.code == plan_code)
            .unwrap_or_else(|| panic!("no Call Plan {plan_code}"))
            .id;
        let lines = [LineRequest {
            plan_id,
            quantity: 1,
        }];
        let quote =
            quote_order(&list.price_list, billing, &lines, list.on, list.vat).expect("a quote");
        let form = OrderForm {
            idempotency_key: format!("order-{}", numbers[0].id),
            billing,
            lines: vec![OrderFormLine {
                plan_id,
                number_ids: vec![numbers[0].id],
            }],
            accepted_gtcs_version: Some(server::api::GTCS_VERSION.into()),
            expected_total: quote.total,
            priced_on: Some(list.on),
            trial: false,
        };
        let post = r#"
            const [form, done] = arguments;
            const reply = await fetch('/api/console/orders', {
                method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(form)});
            done([reply.status, await reply.json()]);"#;
        let reply = self
            .in_page(post, vec![serde_json::to_value(&form).expect("a form")])
            .await;
        assert_eq!(
            reply[0],
            serde_json::json!(201),
            "placing an Order: {reply}"
        );
        reply[1].clone()
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("navigating");
    }

    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("the current URL")
            .path()
            .to_owned()
    }

    async fn find(&self, xpath: &str, what: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(xpath))
            .await
        {
            Ok(element) => element,
            Err(error) => panic!("{what} never appeared on {} ({error})", self.path().await),
        }
    }

    /// The form control a person would find by reading `label`.
    pub async fn field(&self, label: &str) -> Element {
        let label_element = self
            .find(
                &format!("//label[normalize-space(.)={}]", quote(label)),
                label,
            )
            .await;
        let id = label_element
            .attr("for")
            .await
            .expect("reading for=")
            .expect("the label names its field");
        self.find(
            &format!("//*[@id={}]", quote(&id)),
            &format!("the field of {label}"),
        )
        .await
    }

    pub async fn fill(&self, label: &str, value: &str) {
        let field = self.field(label).await;
        field.clear().await.expect("clearing a field");
        field.send_keys(value).await.expect("typing");
    }

    /// Sets the date field `css` (e.g. `#notice-effective`) to `day` (`YYYY-MM-DD`) as a date
    /// picker would: typed keys depend on the browser's locale, the value does not.
    pub async fn set_date(&self, css: &str, day: &str) {
        self.client
            .execute(
                "const input = document.querySelector(arguments[0]);
                 input.value = arguments[1];
                 input.dispatchEvent(new Event('input', {bubbles: true}));",
                vec![css.into(), day.into()],
            )
            .await
            .expect("setting a date");
    }

    pub async fn choose(&self, label: &str, option: &str) {
        self.field(label)
            .await
            .select_by_label(option)
            .await
            .expect("choosing an option");
    }

    /// Ticks the checkbox whose label starts with `label`.
    pub async fn tick(&self, label: &str) {
        let xpath = format!("//label[starts-with(normalize-space(.), {})]", quote(label));
        self.find(&xpath, label)
            .await
            .click()
            .await
            .expect("ticking a box");
    }

    pub async fn click(&self, text: &str) {
        let xpath = format!(
            "//*[(self::button or self::a) and normalize-space(.)={}]",
            quote(text)
        );
        self.find(&xpath, text)
            .await
            .click()
            .await
            .expect("clicking");
    }

    /// Waits until the page shows `text` somewhere.
    pub async fn sees(&self, text: &str) {
        self.find(
            &format!("//body[contains(normalize-space(.), {})]", quote(text)),
            text,
        )
        .await;
    }

    /// Waits for the message shown next to the field labelled `label`, and returns it.
    pub async fn message_for(&self, label: &str) -> String {
        let id = self
            .field(label)
            .await
            .attr("id")
            .await
            .expect("reading id")
            .expect("the field has an id");
        let xpath = format!(
            "//*[@id={}][normalize-space(.) != '']",
            quote(&format!("{id}-error"))
        );
        self.find(&xpath, &format!("a message for {label}"))
            .await
            .text()
            .await
            .expect("reading a message")
    }

    pub async fn heading(&self) -> String {
        self.find("//h1", "a heading")
            .await
            .text()
            .await
            .expect("reading the heading")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// An XPath string literal for any text.
fn quote(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
