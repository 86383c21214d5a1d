//! What the API tests set up through the API, as a Manager or the provider would: apps on a given
//! day, Companies ready to order, Orders priced as the app prices them (the [`an_order`] builder),
//! invoices, the provider's admin routes and the scheduler.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use domain::Money;
use domain::catalogue::Billing;
use domain::order::{LineRequest, OrderForm, OrderFormLine, quote_order};
use protocol::SignupForm;
use protocol::backoffice::OperatorRole;
use protocol::catalogue::{AvailableNumber, PriceListView};
use serde_json::{Value, json};
use server::store::scheduler::DayReport;

use super::{Client, Reply, TestApp, signup_form};
use crate::support::Backend;

/// Stands, in [`admin`], for a signed-in operator of the administrator role (issue 14); any
/// other token is sent as the operator session cookie as it is (one that opens nothing).
pub const ADMIN_TOKEN: &str = "provider-secret-token";

/// `YYYY-MM-DD`.
#[track_caller]
pub fn date(raw: &str) -> NaiveDate {
    raw.parse().unwrap_or_else(|error| panic!("{raw}: {error}"))
}

/// An app whose today (Europe/Paris) is `today`.
pub async fn app_on(backend: Backend, today: &str) -> TestApp {
    TestApp::options(backend).today(date(today)).start().await
}

/// An app whose today is `today`, for tests acting as the provider too (see [`admin`]).
pub async fn admin_app_on(backend: Backend, today: &str) -> TestApp {
    app_on(backend, today).await
}

/// The sign-up of Company `n`: `Company n SAS`, Manager `manager{n}@company{n}.fr`.
pub fn company(n: usize) -> SignupForm {
    SignupForm {
        legal_name: format!("Company {n} SAS"),
        email: format!("manager{n}@company{n}.fr"),
        ..signup_form()
    }
}

/// The sign-up of a second, unrelated Company: Dupont SARL, Manager Paul Dupont.
pub fn dupont() -> SignupForm {
    SignupForm {
        legal_name: "Dupont SARL".into(),
        registration_number: "832 235 253".into(),
        email: "paul@dupont.fr".into(),
        first_name: "Paul".into(),
        last_name: "Dupont".into(),
        ..signup_form()
    }
}

/// The sign-up of a stranger to the default Company: Zebra SARL, Manager `zoe@zebra.fr`.
pub fn zebra() -> SignupForm {
    SignupForm {
        email: "zoe@zebra.fr".into(),
        legal_name: "Zebra SARL".into(),
        ..signup_form()
    }
}

/// A complete, valid Company form for the default sign-up (SIREN 732 829 320).
pub fn company_form() -> Value {
    json!({
        "legal_name": "Martin et Fils SAS",
        "registration_number": "732 829 320",
        "billing_country": "FR",
        "vat_number": "fr 44 732 829 320",
        "address_line1": "12 rue de la Paix",
        "address_line2": "",
        "postal_code": "75002",
        "city": "Paris"
    })
}

/// The body adding a SEPA mandate labelled `label`.
pub fn sepa(label: &str) -> Value {
    json!({"kind": "sepa", "label": label, "last4": "1234", "expiry": ""})
}

/// Adds a SEPA mandate labelled `label` to the signed-in Manager's Company; the account view.
pub async fn add_payment_method(client: &mut Client, label: &str) -> Value {
    let reply = client
        .post_json("/api/console/company/payment-methods", &sepa(label))
        .await;
    reply.expect_json(StatusCode::CREATED)
}

/// A Company signed up with `form`, with a SEPA mandate `Main account` on file (PAY-2): its
/// Manager's client.
pub async fn ready_company(app: &TestApp, form: &SignupForm) -> Client {
    ready_company_with(app, form, "Main account").await
}

/// As [`ready_company`], paying with a mandate labelled `label` (the test payment provider
/// declines `Account to decline`).
pub async fn ready_company_with(app: &TestApp, form: &SignupForm, label: &str) -> Client {
    let (mut client, _) = app.signed_up(form).await;
    add_payment_method(&mut client, label).await;
    client
}

/// The signed-in person of `client` accepts the GCU and privacy notice in force (ACCEPT-1), as
/// the WebApp asks before its routes answer: a fixture for tests of the WebApp's routes.
pub async fn accept_terms(client: &mut Client) {
    let legal = client.get("/api/legal").await.expect_json(StatusCode::OK);
    let reply = client
        .post_json(
            "/api/me/acceptance",
            &json!({
                "gcu_version": legal["gcu"]["version"],
                "privacy_version": legal["privacy"]["version"],
            }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "acceptance: {}", reply.text());
}

/// The Manager of `form` logged in on a new client (sessions end after 14 days, so a test that
/// moved the clock logs in again).
pub async fn log_in(app: &TestApp, form: &SignupForm) -> Client {
    let mut client = app.client();
    let reply = client
        .post_json(
            "/api/session",
            &json!({"email": form.email, "password": form.password}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "log-in: {}", reply.text());
    client
}

/// Moves the server's clock on by `days` and logs `client` in again as the default Manager.
pub async fn shift_days(app: &TestApp, client: &mut Client, days: i64) {
    app.state.clock.advance_days(days);
    *client = log_in(app, &signup_form()).await;
}

// ---- Orders ----

pub async fn price_list(client: &mut Client) -> PriceListView {
    let reply = client.get("/api/console/price-list").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    serde_json::from_slice(&reply.body).unwrap()
}

/// The ids of the first `count` available Numbers of `country`.
pub async fn available_numbers(client: &mut Client, country: &str, count: usize) -> Vec<i64> {
    let reply = client
        .get(&format!(
            "/api/console/numbers/available?country={country}&limit={count}"
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let found: Vec<AvailableNumber> = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(found.len(), count, "available Numbers of {country}");
    found.iter().map(|number| number.id).collect()
}

/// An Order form for `number_ids` on the Call Plan `code`, priced as the app prices it: with the
/// domain's quote, on the price list `list` the server sent.
pub fn priced_order(
    list: &PriceListView,
    code: &str,
    billing: Billing,
    number_ids: Vec<i64>,
    key: &str,
) -> OrderForm {
    let plan_id = list
        .price_list
        .plans
        .iter()
        .find(|plan| plan.code == code)
        .unwrap_or_else(|| panic!("no plan {code} in the price list"))
        .id;
    let lines = [LineRequest {
        plan_id,
        quantity: number_ids.len() as u32,
    }];
    let priced_with =
        domain::payment_default::price_list_for(&list.price_list, &list.payment_default);
    let quote = quote_order(&priced_with, billing, &lines, list.on, list.vat).unwrap();
    OrderForm {
        idempotency_key: key.into(),
        billing,
        lines: vec![OrderFormLine {
            plan_id,
            number_ids,
        }],
        accepted_gtcs_version: Some(server::api::GTCS_VERSION.into()),
        expected_total: quote.total,
        priced_on: Some(list.on),
        trial: false,
    }
}

/// An Order to place through the API: `an_order("BUSINESS")` is one French Number on BUSINESS,
/// billed monthly, under the idempotency key `order-1`; change what the test needs.
pub fn an_order(plan: &str) -> OrderRequest {
    OrderRequest {
        plan: plan.to_owned(),
        billing: Billing::Monthly,
        country: "FR".into(),
        count: 1,
        number_ids: None,
        key: "order-1".into(),
    }
}

#[derive(Debug, Clone)]
pub struct OrderRequest {
    plan: String,
    billing: Billing,
    country: String,
    count: usize,
    number_ids: Option<Vec<i64>>,
    key: String,
}

impl OrderRequest {
    pub fn billing(mut self, billing: Billing) -> Self {
        self.billing = billing;
        self
    }

    pub fn annual(self) -> Self {
        self.billing(Billing::Annual)
    }

    /// The first `count` available Numbers of `country`.
    pub fn numbers(mut self, count: usize, country: &str) -> Self {
        self.count = count;
        self.country = country.to_owned();
        self
    }

    /// These Numbers rather than the first available ones.
    pub fn number_ids(mut self, ids: Vec<i64>) -> Self {
        self.number_ids = Some(ids);
        self
    }

    pub fn key(mut self, key: &str) -> Self {
        self.key = key.to_owned();
        self
    }

    /// The form, priced on the price list the server sends `client`.
    pub async fn form(&self, client: &mut Client) -> OrderForm {
        let list = price_list(client).await;
        let ids = match &self.number_ids {
            Some(ids) => ids.clone(),
            None => available_numbers(client, &self.country, self.count).await,
        };
        priced_order(&list, &self.plan, self.billing, ids, &self.key)
    }

    /// Places the Order; the created Order's view (with its `licence`).
    pub async fn place(&self, client: &mut Client) -> Value {
        let form = self.form(client).await;
        place_order(client, &form).await
    }
}

/// Places the Order `form`; the created Order's view (with its `licence`).
pub async fn place_order(client: &mut Client, form: &OrderForm) -> Value {
    let reply = client.post_json("/api/console/orders", form).await;
    reply.expect_json(StatusCode::CREATED)
}

// ---- Invoices and the scheduler ----

pub async fn invoices(client: &mut Client) -> Vec<Value> {
    let reply = client.get("/api/console/invoices").await;
    reply
        .expect_json(StatusCode::OK)
        .as_array()
        .unwrap()
        .clone()
}

pub async fn invoice(client: &mut Client, id: i64) -> Value {
    let reply = client.get(&format!("/api/console/invoices/{id}")).await;
    reply.expect_json(StatusCode::OK)
}

/// An amount of the API (`"12.34"`).
pub fn money(value: &Value) -> Money {
    serde_json::from_value(value.clone()).unwrap()
}

/// Runs the scheduler over every day not yet processed up to the server's today.
pub async fn catch_up(app: &TestApp) -> Vec<DayReport> {
    server::scheduler::catch_up(&app.state.db, &app.state.clock)
        .await
        .unwrap()
}

/// Moves the server's date `days` forward and runs the scheduler over the days passed.
pub async fn pass_days(app: &TestApp, days: i64) {
    app.state.clock.advance_days(days);
    catch_up(app).await;
}

/// Issue 13: runs the server's scheduler, collecting (house reading "Due date and
/// collection"), over every day not yet processed up to the server's today, then today's
/// collection attempts.
pub async fn collect(app: &TestApp) -> Vec<DayReport> {
    server::scheduler::catch_up_collecting(
        &app.state.db,
        &app.state.clock,
        None,
        &app.state.payments,
    )
    .await
    .unwrap()
}

/// Moves the server's date `days` forward and runs the collecting scheduler over the days passed.
pub async fn collect_days(app: &TestApp, days: i64) {
    app.state.clock.advance_days(days);
    collect(app).await;
}

/// How many entries the proof log holds for `action` on `subject` (`licence:12`…).
pub async fn logged(app: &TestApp, action: &str, subject: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND subject = $2")
        .bind(action)
        .bind(subject)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// The single number `sql` (a fixed query of the test) answers.
pub async fn count_where(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

// ---- The provider ----

/// `method path` on the provider's routes with `token` (see [`ADMIN_TOKEN`]), and `body` as
/// JSON when given.
pub async fn admin(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    token: &str,
) -> Reply {
    let cookie = if token == ADMIN_TOKEN {
        app.operator_cookie(OperatorRole::Administrator).await
    } else {
        format!("backoffice_session={token}")
    };
    let mut headers = vec![("cookie", cookie.as_str())];
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    let body = body.map_or_else(Body::empty, |body| Body::from(body.to_string()));
    app.client().send(method, path, &headers, body).await
}

/// `method path` with `body` as an operator of `role` is refused: not that role's business
/// (issue 14).
pub async fn refused_to_role(
    app: &TestApp,
    role: protocol::backoffice::OperatorRole,
    method: Method,
    path: &str,
    body: Option<Value>,
) {
    let cookie = app.operator_cookie(role).await;
    let token = cookie.trim_start_matches("backoffice_session=");
    let reply = admin(app, method, path, body, token).await;
    super::assert_api_error(
        &reply,
        StatusCode::FORBIDDEN,
        "operator_role_forbidden",
        None,
    );
}

/// `POST path` with `body` on the provider's routes, as an administrator ([`ADMIN_TOKEN`]).
pub async fn admin_post(app: &TestApp, path: &str, body: Value) -> Reply {
    admin(app, Method::POST, path, Some(body), ADMIN_TOKEN).await
}

/// A key no other request of the test run uses (issue 13: one per intent).
pub fn fresh_key(what: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{what}-{n}")
}

/// The body of a new payment of an invoice, with its own idempotency key.
pub fn payment() -> Value {
    json!({"idempotency_key": fresh_key("payment")})
}

/// The body of a new Credits top-up of `amount` (euros, as typed), with its own idempotency key.
pub fn top_up(amount: &str) -> Value {
    json!({"amount": amount, "idempotency_key": fresh_key("top-up")})
}

/// The day in Europe/Paris of an instant the API answers (RFC 3339, UTC): the contract's day,
/// whatever the hour the test runs at.
pub fn paris_date(instant: &str) -> String {
    let at: chrono::DateTime<chrono::Utc> = instant.parse().expect("an RFC 3339 instant");
    server::clock::paris_day(at).to_string()
}
