//! End to end, in headless Chromium: a Manager orders Numbers (PRICE-1, PRICE-2, ACCEPT-1,
//! ACCEPT-2, PAY-2), sees the quote computed in the browser as the basket changes, and the
//! server's refusals when the order cannot be placed.

use crate::harness::{Browser, Console};
use domain::catalogue::Billing;
use domain::order::{LineRequest, quote_order};
use fantoccini::Locator;
use protocol::catalogue::PriceListView;

/// Signs a Company up through the API from the page (the sign-up form has its own tests), and
/// adds a SEPA mandate when `with_payment_method`.
async fn signed_up_manager(browser: &Browser, email: &str, with_payment_method: bool) {
    browser.goto("/login").await;
    let script = r#"
        const [email, withMethod, done] = arguments;
        const version = (await (await fetch('/api/gtcs')).json()).version;
        const signup = await fetch('/api/signup', {
            method: 'POST', headers: {'content-type': 'application/json'},
            body: JSON.stringify({legal_name: 'Martin & Fils SAS', registration_number: '732829320',
                billing_country: 'FR', first_name: 'Anne', last_name: 'Martin',
                email, password: 'correct horse battery', accepted_gtcs_version: version})});
        let method = 201;
        if (withMethod) {
            method = (await fetch('/api/console/company/payment-methods', {
                method: 'POST', headers: {'content-type': 'application/json'},
                body: JSON.stringify({kind: 'sepa', label: 'Main account', last4: '1234', expiry: ''})})).status;
        }
        done([signup.status, method]);"#;
    let statuses = browser
        .client
        .execute_async(script, vec![email.into(), with_payment_method.into()])
        .await
        .expect("signing up");
    assert_eq!(statuses, serde_json::json!([201, 201]));
}

/// The price list the page was given, read as the page reads it.
async fn price_list(browser: &Browser) -> PriceListView {
    let script = r#"
        const done = arguments[arguments.length - 1];
        done(await (await fetch('/api/console/price-list')).json());"#;
    let value = browser
        .client
        .execute_async(script, vec![])
        .await
        .expect("reading the price list");
    serde_json::from_value(value).expect("a price list")
}

/// The quote's total for `quantity` Numbers of `code`, by the domain's own code.
fn expected_total(list: &PriceListView, code: &str, billing: Billing, quantity: u32) -> String {
    let plan_id = list
        .price_list
        .plans
        .iter()
        .find(|plan| plan.code == code)
        .unwrap()
        .id;
    let lines = [LineRequest { plan_id, quantity }];
    let quote = quote_order(&list.price_list, billing, &lines, list.on, list.vat).unwrap();
    format!("EUR {}", quote.total)
}

async fn shown_total(browser: &Browser) -> String {
    browser
        .client
        .find(Locator::Css(".quote-total"))
        .await
        .expect("the quote's total")
        .text()
        .await
        .expect("reading the total")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_orders_numbers_and_sees_the_final_order() {
    let console = Console::start().await;
    console.set_today("2026-12-01");
    let browser = Browser::launch(&console.url).await;
    signed_up_manager(&browser, "anne@martin-fils.fr", true).await;

    browser.goto("/console").await;
    browser.click("Order").await;
    browser.sees("Order Numbers").await;
    // The page opens on the Company's billing country.
    browser
        .until(
            "document.getElementById('order-country')?.value === 'FR'",
            "the Company's billing country chosen",
        )
        .await;
    browser
        .choose("Call Plan for added Numbers", "Business")
        .await;
    browser.click("Add").await;
    browser.click("Add").await;
    browser.sees("Basket (2 Numbers)").await;

    // The quote follows the basket and the payment, computed in the browser.
    let list = price_list(&browser).await;
    let monthly = expected_total(&list, "BUSINESS", Billing::Monthly, 2);
    browser.sees(&monthly).await;
    assert_eq!(shown_total(&browser).await, monthly);
    browser.sees("French VAT").await;
    browser.tick("Annual").await;
    let annual = expected_total(&list, "BUSINESS", Billing::Annual, 2);
    browser.sees(&annual).await;
    assert_eq!(shown_total(&browser).await, annual);
    browser.sees("Annual payment 5 %").await;
    assert_ne!(monthly, annual);

    // Placing needs the GTCS version shown; nothing is sent without it.
    browser.click("Place the order").await;
    browser
        .sees("Accept the General Terms and Conditions of Sale to place the order.")
        .await;
    assert_eq!(console.count("SELECT COUNT(*) FROM orders").await, 0);
    browser
        .tick("I accept the General Terms and Conditions of Sale")
        .await;
    browser.click("Place the order").await;

    // The confirmation: final, with its Licence and the total accepted.
    browser.sees("This Order is placed and final").await;
    assert!(
        browser.path().await.starts_with("/console/orders/"),
        "{}",
        browser.path().await
    );
    browser.sees("12-month term from 1 December 2026").await;
    assert_eq!(shown_total(&browser).await, annual);
    assert!(
        browser
            .client
            .find_all(Locator::XPath(
                "//button[contains(., 'Cancel') or contains(., 'Edit') or contains(., 'Delete')]"
            ))
            .await
            .unwrap()
            .is_empty(),
        "an Order offers no edit or cancel"
    );
    assert_eq!(console.count("SELECT COUNT(*) FROM orders").await, 1);
    let total_cents: i64 = sqlx::query_scalar("SELECT total_cents FROM orders")
        .fetch_one(&console.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        format!("EUR {}", domain::Money::from_cents(total_cents)),
        annual
    );

    // The list of Orders shows it.
    browser.click("Orders").await;
    browser.sees("Order 1").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_are_shown_and_nothing_is_ordered() {
    let console = Console::start().await;
    console.set_today("2026-12-31");
    let browser = Browser::launch(&console.url).await;

    // PAY-2: without a payment method the server refuses.
    signed_up_manager(&browser, "anne@martin-fils.fr", false).await;
    browser.goto("/console/order").await;
    browser.choose("Country", "France").await;
    browser
        .choose("Call Plan for added Numbers", "Business")
        .await;
    browser.click("Add").await;
    browser
        .tick("I accept the General Terms and Conditions of Sale")
        .await;
    browser.click("Place the order").await;
    browser.sees("Add a valid payment method").await;
    assert_eq!(console.count("SELECT COUNT(*) FROM orders").await, 0);

    // PRICE-2: the price changed between the quote and the order; the page says what changed
    // and shows the new quote.
    let added = browser
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               done((await fetch('/api/console/company/payment-methods', {
                   method: 'POST', headers: {'content-type': 'application/json'},
                   body: JSON.stringify({kind: 'sepa', label: 'Main account', last4: '1234', expiry: ''})})).status);"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(added, serde_json::json!(201));
    let before = price_list(&browser).await;
    let old_total = expected_total(&before, "BUSINESS", Billing::Monthly, 1);
    assert_eq!(shown_total(&browser).await, old_total);
    console.set_today("2027-01-01");
    browser.click("Place the order").await;
    browser.sees("the price of Business went from").await;
    let after = price_list(&browser).await;
    let new_total = expected_total(&after, "BUSINESS", Billing::Monthly, 1);
    assert_ne!(old_total, new_total);
    browser
        .sees(&format!(
            "The total is now {new_total} instead of {old_total}"
        ))
        .await;
    browser.sees("in force on 1 January 2027").await;
    assert_eq!(shown_total(&browser).await, new_total);
    assert_eq!(console.count("SELECT COUNT(*) FROM orders").await, 0);

    // The Number in the basket is taken by another Company meanwhile.
    let basket_number: String = browser
        .client
        .find(Locator::Css("table.basket td.e164"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let other: i64 = sqlx::query_scalar(
        "INSERT INTO companies (legal_name, registration_number, billing_country, created_at)
         VALUES ('Dupont SARL', '832235253', 'FR', '2027-01-01T00:00:00Z') RETURNING id",
    )
    .fetch_one(&console.state.db.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE numbers SET company_id = $1 WHERE e164 = $2")
        .bind(other)
        .bind(&basket_number)
        .execute(&console.state.db.pool)
        .await
        .unwrap();
    browser.click("Place the order").await;
    browser
        .sees(&format!(
            "This Number was just taken by another order: {basket_number}."
        ))
        .await;
    assert_eq!(console.count("SELECT COUNT(*) FROM orders").await, 0);

    // Removing it and choosing another places the Order.
    browser.click("Remove").await;
    browser.click("Add").await;
    browser.sees("Basket (1 Number)").await;
    browser.click("Place the order").await;
    browser.sees("This Order is placed and final").await;
    assert_eq!(console.count("SELECT COUNT(*) FROM orders").await, 1);
    browser.close().await;
}
