//! End to end, in headless Chromium: an unpaid invoice becomes overdue; its page shows the days
//! late, the penalty rate and why, the penalty and the EUR 40 indemnity (LATE-1, LATE-2) and the
//! provider's formal notice with its deadline (LATE-4); a suspended Company sees a banner with
//! its reason and a suspended User a badge (SUSP-1), and the console stays open.

mod harness;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use domain::catalogue::Billing;
use domain::order::{LineRequest, OrderForm, OrderFormLine, quote_order};
use harness::{Browser, Console};
use protocol::catalogue::{AvailableNumber, PriceListView};
use server::state::AppState;
use tower::ServiceExt;

const TOKEN: &str = "provider-secret-token";

/// The provider's request, sent to the same server state with the admin routes turned on.
async fn as_provider(console: &Console, path: String, body: serde_json::Value) -> StatusCode {
    let state = AppState {
        admin_token: Some(TOKEN.into()),
        ..console.state.clone()
    };
    let request = Request::post(path)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Body::from(body.to_string()))
        .unwrap();
    server::app(state).oneshot(request).await.unwrap().status()
}

/// Puts the server's today on `date`.
fn set_today(console: &Console, date: &str) {
    let date: NaiveDate = date.parse().unwrap();
    console
        .state
        .clock
        .shift_by(date.signed_duration_since(console.state.clock.today()));
}

/// Runs a script in the page (with its session cookie) and returns what it hands to `done`.
async fn in_page(
    browser: &Browser,
    script: &str,
    arguments: Vec<serde_json::Value>,
) -> serde_json::Value {
    browser
        .client
        .execute_async(script, arguments)
        .await
        .expect("running a script in the page")
}

/// Signs a Company up with a SEPA mandate labelled `label`, from inside the page.
async fn signed_up_manager(browser: &Browser, email: &str, label: &str) {
    browser.goto("/login").await;
    let script = r#"
        const [email, label, done] = arguments;
        const version = (await (await fetch('/api/gtcs')).json()).version;
        const signup = await fetch('/api/signup', {
            method: 'POST', headers: {'content-type': 'application/json'},
            body: JSON.stringify({legal_name: 'Martin & Fils SAS', registration_number: '732829320',
                billing_country: 'FR', first_name: 'Anne', last_name: 'Martin',
                email, password: 'correct horse battery', accepted_gtcs_version: version})});
        const method = await fetch('/api/console/company/payment-methods', {
            method: 'POST', headers: {'content-type': 'application/json'},
            body: JSON.stringify({kind: 'sepa', label, last4: '1234', expiry: ''})});
        done([signup.status, method.status]);"#;
    let statuses = in_page(browser, script, vec![email.into(), label.into()]).await;
    assert_eq!(statuses, serde_json::json!([201, 201]));
}

/// Places an Order of one Essential Number, monthly, priced by the domain's code.
async fn place_order(browser: &Browser) {
    let fetch = r#"
        const [path, done] = arguments;
        done(await (await fetch(path)).json());"#;
    let list: PriceListView = serde_json::from_value(
        in_page(browser, fetch, vec!["/api/console/price-list".into()]).await,
    )
    .unwrap();
    let numbers: Vec<AvailableNumber> = serde_json::from_value(
        in_page(
            browser,
            fetch,
            vec!["/api/console/numbers/available?country=FR&limit=1".into()],
        )
        .await,
    )
    .unwrap();
    let plan_id = list
        .price_list
        .plans
        .iter()
        .find(|plan| plan.code == "ESSENTIAL")
        .unwrap()
        .id;
    let lines = [LineRequest {
        plan_id,
        quantity: 1,
    }];
    let quote = quote_order(
        &list.price_list,
        Billing::Monthly,
        &lines,
        list.on,
        list.vat,
    )
    .unwrap();
    let form = OrderForm {
        idempotency_key: "order-1".into(),
        billing: Billing::Monthly,
        lines: vec![OrderFormLine {
            plan_id,
            number_ids: vec![numbers[0].id],
        }],
        accepted_gtcs_version: Some(server::api::GTCS_VERSION.into()),
        expected_total: quote.total,
        priced_on: Some(list.on),
    };
    let post = r#"
        const [form, done] = arguments;
        const reply = await fetch('/api/console/orders', {
            method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(form)});
        done(reply.status);"#;
    let status = in_page(browser, post, vec![serde_json::to_value(&form).unwrap()]).await;
    assert_eq!(status, serde_json::json!(201));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_sees_the_late_penalty_the_formal_notice_and_the_suspension() {
    let console = Console::start().await;
    set_today(&console, "2026-03-10");
    let browser = Browser::launch(&console.url).await;
    signed_up_manager(&browser, "anne@martin.fr", "Main account").await;
    place_order(&browser).await;
    let fetch = r#"
        const [path, done] = arguments;
        done(await (await fetch(path)).json());"#;
    let me = in_page(&browser, fetch, vec!["/api/me".into()]).await;
    let invoices = in_page(&browser, fetch, vec!["/api/console/invoices".into()]).await;
    let invoice = invoices[0]["id"].as_i64().unwrap();

    // Unpaid, 10 days later: overdue; the provider sends its formal notice and suspends.
    set_today(&console, "2026-03-20");
    server::scheduler::catch_up(&console.state.db, &console.state.clock)
        .await
        .unwrap();
    let sent = as_provider(
        &console,
        format!("/api/admin/invoices/{invoice}/formal-notice"),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(sent, StatusCode::CREATED);
    let company = me["company"]["id"].as_i64().unwrap();
    let suspended = as_provider(
        &console,
        format!("/api/admin/companies/{company}/suspension"),
        serde_json::json!({"reason": "non_payment"}),
    )
    .await;
    assert_eq!(suspended, StatusCode::CREATED);
    let user = me["user"]["id"].as_i64().unwrap();
    let suspended = as_provider(
        &console,
        format!("/api/admin/users/{user}/suspension"),
        serde_json::json!({"reason": "suspected_third_party_use"}),
    )
    .await;
    assert_eq!(suspended, StatusCode::CREATED);

    browser.goto("/console/invoices").await;
    browser
        .sees("The Company Account is suspended since 20 March 2026. Reason: Non-payment.")
        .await;
    browser.click("Invoice 2026-000001").await;
    browser.sees("Late payment").await;
    browser
        .sees("Updated daily; computed for 20 March 2026.")
        .await;
    browser.sees("10 days").await;
    browser.sees("12.15 % a year").await;
    browser.sees("plus 10 points").await;
    browser.sees("Recovery indemnity").await;
    browser.sees("EUR 40.00").await;
    let view = in_page(
        &browser,
        fetch,
        vec![format!("/api/console/invoices/{invoice}").into()],
    )
    .await;
    let penalty = view["late"]["penalty"].as_str().unwrap().to_owned();
    assert_ne!(penalty, "0.00");
    browser.sees(&format!("EUR {penalty}")).await;
    browser
        .sees("Formal notice to pay sent on 20 March 2026: pay this invoice by 28 March 2026 at the latest")
        .await;

    browser.goto("/console/users").await;
    browser.sees("Suspended").await;
    browser.close().await;
}
