//! End to end, in headless Chromium: a Manager finds the invoice of an Order under Invoices
//! (PAY-1), pays it with the Company's payment method, or sees the provider's refusal and the
//! invoice still due, then overdue the day after (the scheduler on the server's clock).

mod harness;

use chrono::NaiveDate;
use domain::catalogue::Billing;
use domain::order::{LineRequest, OrderForm, OrderFormLine, quote_order};
use harness::{Browser, Console};
use protocol::catalogue::{AvailableNumber, PriceListView};

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
async fn a_manager_pays_the_invoice_of_an_order() {
    let console = Console::start().await;
    set_today(&console, "2026-12-01");
    let browser = Browser::launch(&console.url).await;
    signed_up_manager(&browser, "anne@martin-fils.fr", "Main account").await;
    place_order(&browser).await;

    browser.goto("/console").await;
    browser.click("Invoices").await;
    assert_eq!(browser.heading().await, "Invoices");
    browser.click("Invoice 2026-000001").await;
    assert_eq!(browser.heading().await, "Invoice 2026-000001");
    browser.sees("Due on 1 December 2026").await;
    browser.sees("Essential, 1 Number, monthly").await;
    browser.click("Pay now").await;
    browser.sees("Paid on 1 December 2026").await;
    browser.sees("with Main account (SEPA …1234): paid").await;
    // The documents: the PDF, and the statement with its availability (PAY-3).
    browser
        .sees("Download the statement of communications (CSV) — available until 1 December 2027")
        .await;
    let script = r#"
        const done = arguments[arguments.length - 1];
        const link = [...document.querySelectorAll('a')]
            .find((a) => a.textContent.trim() === 'Download the invoice (PDF)');
        const reply = await fetch(link.href);
        const bytes = new Uint8Array(await reply.arrayBuffer());
        done([reply.status, reply.headers.get('content-type'), String.fromCharCode(...bytes.slice(0, 5))]);"#;
    let answer = in_page(&browser, script, vec![]).await;
    assert_eq!(answer, serde_json::json!([200, "application/pdf", "%PDF-"]));
    let status: String = sqlx::query_scalar("SELECT status FROM invoices")
        .fetch_one(&console.state.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "paid");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_payment_is_shown_and_the_invoice_becomes_overdue() {
    let console = Console::start().await;
    set_today(&console, "2026-12-01");
    let browser = Browser::launch(&console.url).await;
    signed_up_manager(&browser, "paul@dupont.fr", "Account to decline").await;
    place_order(&browser).await;

    browser.goto("/console/invoices").await;
    browser.click("Invoice 2026-000001").await;
    browser.click("Pay now").await;
    browser
        .sees("The payment was refused and the invoice is still due.")
        .await;
    browser.sees("Due on 1 December 2026").await;
    browser.sees("refused: The bank refused the payment").await;

    // The next day the scheduler marks it overdue.
    set_today(&console, "2026-12-02");
    server::scheduler::catch_up(&console.state.db, &console.state.clock)
        .await
        .unwrap();
    browser.goto("/console/invoices").await;
    browser.click("Invoice 2026-000001").await;
    browser.sees("Overdue: it was due on 1 December 2026").await;
    browser.close().await;
}
