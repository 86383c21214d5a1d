//! A year in the life of a Company (issue 5, point 10), end to end in headless Chromium on a
//! server whose date starts on 5 January 2027 and is moved forward by the demo clock
//! (`POST /api/admin/clock/advance`, which runs the scheduler over every day passed).
//!
//! Everything the Manager does goes through the pages (labels, button texts); the provider's
//! actions (a price increase, a dispute decision, the semester's penalty rates) and the moves of
//! the date go through the admin endpoints or the back office's table.
//!
//! The Order is paid monthly: a 1-month Licence anchored on 5 January, renewed on the 5th of
//! each month until a notice of non-renewal given on time ends it. Renewals are collected on
//! their issue date from the Company's default payment method (issue 13): one is collected
//! without the Manager doing anything, one fails on an account the bank refuses and, paid late,
//! turns into a penalty invoice; a credit note adds up on the next renewal and its PDF.

use crate::harness::{Browser, Console, PASSWORD, date};
use axum::http::StatusCode;
use domain::Money;
use serde_json::json;
use server::store::price_changes;

const EMAIL: &str = "anne.martin@martin-fils.fr";
const JUSTIFICATION: &str =
    "The February renewal was billed although our Number was out of service for a week.";

// ---- The provider and the calendar ----

/// The ESSENTIAL monthly price in force on `on`, as the price list holds it.
async fn essential_monthly_cents(console: &Console, on: &str) -> i64 {
    let plan = price_changes::plan_by_code(&console.state.db, "ESSENTIAL")
        .await
        .unwrap()
        .expect("the ESSENTIAL plan");
    let rows = price_changes::prices_in_force(&console.state.db, plan.id, date(on))
        .await
        .unwrap();
    let row = rows
        .iter()
        .find(|row| row.billing == domain::catalogue::Billing::Monthly && row.min_quantity == 1)
        .expect("a monthly price for one Number");
    domain::order::cents(row.unit_price).expect("whole cents")
}

/// LATE-1: the back office records each semester's rates every January and July (only up to
/// 2026 S1 are seeded). ECB 2.15 + 10 = 12.15 beats the floor 3 × 2.62 = 7.86.
async fn publish_rates_of_2027_s1(console: &Console) {
    sqlx::query(
        "INSERT INTO late_payment_rates (year, half, ecb_rate, legal_rate)
         VALUES (2027, 's1', '2.15', '2.62')",
    )
    .execute(&console.state.db.pool)
    .await
    .unwrap();
}

// ---- What the Manager does, through the pages ----

/// Sessions last 14 days: after a move of the date, Anne logs in again.
async fn log_in(browser: &Browser) {
    browser.goto("/login").await;
    browser.submit_log_in(EMAIL, PASSWORD).await;
    browser.sees("Signed in as").await;
}

/// PAY-2: a SEPA mandate labelled `label` on the Company Account page (the first one is the
/// default, which invoices are collected from).
async fn add_payment_method(browser: &Browser, label: &str) {
    browser.goto("/console/company").await;
    browser.choose("Kind", "SEPA mandate").await;
    browser.fill("Label", label).await;
    browser.fill("Last four digits", "1234").await;
    browser.click("Add the payment method").await;
    browser.sees(label).await;
}

/// Invoices are collected from the method labelled `label` from now on (issue 13).
async fn make_default(browser: &Browser, label: &str) {
    browser.goto("/console/company").await;
    browser.click(&format!("Make default {label}")).await;
    browser
        .until(
            &format!(
                "[...document.querySelectorAll('.payment-methods tr')].some(row => row.textContent.includes({label:?}) && row.textContent.includes('Default'))"
            ),
            "the method shown as the default",
        )
        .await;
}

/// The invoice `number` as the API answers it to the signed-in Manager.
async fn invoice_json(browser: &Browser, number: &str) -> serde_json::Value {
    let list = browser.fetch_json("/api/console/invoices").await;
    let id = list
        .as_array()
        .expect("a list of invoices")
        .iter()
        .find(|invoice| invoice["number"] == json!(number))
        .unwrap_or_else(|| panic!("invoice {number} in {list}"))["id"]
        .clone();
    browser
        .fetch_json(&format!("/api/console/invoices/{id}"))
        .await
}

/// The text of the invoice's PDF as the Manager downloads it (its text is not compressed).
async fn invoice_pdf_text(browser: &Browser, id: &serde_json::Value) -> String {
    let script = r#"
        const [path, done] = arguments;
        const reply = await fetch(path);
        done(new TextDecoder('latin1').decode(await reply.arrayBuffer()));"#;
    browser
        .in_page(
            script,
            vec![json!(format!("/api/console/invoices/{id}/pdf"))],
        )
        .await
        .as_str()
        .expect("the PDF's text")
        .to_owned()
}

/// One Essential Number in France, paid monthly (the page's default), on the Order page.
async fn order_one_essential_number(browser: &Browser) {
    browser.click("Order").await;
    browser.sees("Order Numbers").await;
    browser.choose("Country", "France").await;
    browser
        .choose("Call Plan for added Numbers", "Essential")
        .await;
    browser.click("Add").await;
    browser.sees("Basket (1 Number)").await;
    browser
        .tick("I accept the General Terms and Conditions of Sale")
        .await;
    browser.click("Place the order").await;
    browser.sees("This Order is placed and final").await;
}

async fn open_invoice(browser: &Browser, number: &str) {
    browser.goto("/console/invoices").await;
    browser.click(&format!("Invoice {number}")).await;
    assert_eq!(browser.heading().await, format!("Invoice {number}"));
}

async fn pay(browser: &Browser, paid_on: &str) {
    browser.click("Pay now").await;
    browser.sees(&format!("Paid on {paid_on}")).await;
}

/// The invoice's Essential line as the page shows it: description, unit price, discount, net.
async fn invoice_line(browser: &Browser) -> String {
    browser
        .client
        .find(fantoccini::Locator::XPath(
            "//tr[td[starts-with(normalize-space(.), 'Essential')]]",
        ))
        .await
        .expect("the invoice's Essential line")
        .text()
        .await
        .unwrap()
}

/// One Essential Number for a month at `price`, without discount.
fn essential_line(price: Money) -> String {
    format!("Essential, 1 Number, monthly EUR {price} 0 % EUR {price}")
}

/// The invoice numbers the Invoices page lists.
async fn listed_invoices(browser: &Browser) -> Vec<String> {
    browser.goto("/console/invoices").await;
    browser.sees("Invoice 2027-000001").await;
    // The list of invoices, not the credit notes' links to the invoices they credit.
    let links = browser
        .client
        .find_all(fantoccini::Locator::XPath(
            "//table[contains(@class, 'invoice-list')]//a[starts-with(normalize-space(.), 'Invoice ')]",
        ))
        .await
        .unwrap();
    let mut numbers = Vec::new();
    for link in links {
        numbers.push(link.text().await.unwrap());
    }
    numbers.sort();
    numbers
}

#[tokio::test(flavor = "multi_thread")]
async fn a_year_in_the_life_of_a_company() {
    let console = Console::demo("2027-01-05").await;
    let browser = Browser::launch(&console.url).await;

    // 5 January: the Company signs up, orders one Number paid monthly and pays (PAY-1, PAY-2).
    browser.sign_up_in_the_form(EMAIL).await;
    browser.sees("Signed in as").await;
    add_payment_method(&browser, "Main account").await;
    order_one_essential_number(&browser).await;
    let january_cents = essential_monthly_cents(&console, "2027-01-05").await;
    let january_price = Money::from_cents(january_cents);
    open_invoice(&browser, "2027-000001").await;
    browser.sees("Due on 5 January 2027").await;
    browser.sees("Essential, 1 Number, monthly").await;
    pay(&browser, "5 January 2027").await;

    // 5 January: the provider announces a non-indexed increase from 6 February, the earliest
    // day price_change.validate allows (informed at least one month before, PRICE-5); the
    // Manager reads it.
    let february_price = Money::from_cents(january_cents + 100);
    let (status, notice) = console.as_provider("/api/admin/price-changes", json!({
            "plan_code": "ESSENTIAL",
            "kind": "non_indexed",
            "effective_on": "2027-02-06",
            "prices": [{"billing": "monthly", "min_quantity": 1, "unit_price": february_price.to_string()}],
        }))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{notice}");
    browser.click("Price changes").await;
    browser.sees("Essential: Price increase").await;
    browser.sees("2027-02-06").await;
    browser.sees(&format!("EUR {january_price}")).await;
    browser.sees(&format!("EUR {february_price}")).await;

    // 5 February, the first renewal (RENEW-1): a renewal invoice at the price in force on the
    // period's first day, the increase not yet (RENEW-2), collected that day from the default
    // method without the Manager doing anything (PAY-1, issue 13).
    console.move_date_to("2027-02-05").await;
    log_in(&browser).await;
    open_invoice(&browser, "2027-000002").await;
    browser.sees("Renewal").await;
    browser.sees("5 February 2027 to 4 March 2027").await;
    browser.sees("Paid on 5 February 2027").await;
    assert_eq!(invoice_line(&browser).await, essential_line(january_price));

    // The Company moves its collection to another account, which its bank refuses.
    add_payment_method(&browser, "Old account, declined by the bank").await;
    make_default(&browser, "Old account, declined by the bank").await;

    // 5 March, the second renewal, at the increased price: its collection fails that day and
    // on the retries of the 8th and the 12th; overdue only after the last one.
    console.move_date_to("2027-03-12").await;
    log_in(&browser).await;
    open_invoice(&browser, "2027-000003").await;
    assert_eq!(invoice_line(&browser).await, essential_line(february_price));
    browser.sees("Due on 5 March 2027").await;
    let attempts = invoice_json(&browser, "2027-000003").await["payments"]
        .as_array()
        .expect("the attempts")
        .len();
    assert_eq!(attempts, 3, "collected on the 5th, the 8th and the 12th");
    assert_eq!(
        invoice_json(&browser, "2027-000003").await["status"],
        json!("issued"),
        "not overdue while a retry is to come"
    );

    // 20 March: unpaid, overdue since the last failed attempt; the penalty counts from the due
    // date (LATE-1), with the rate and why, and the EUR 40 indemnity (LATE-2).
    publish_rates_of_2027_s1(&console).await;
    console.move_date_to("2027-03-20").await;
    log_in(&browser).await;
    open_invoice(&browser, "2027-000003").await;
    browser.sees("Overdue: it was due on 5 March 2027").await;
    browser.sees("Late payment").await;
    browser
        .sees("Updated daily; computed for 20 March 2027.")
        .await;
    browser.sees("15 days").await;
    browser.sees("12.15 % a year").await;
    browser.sees("plus 10 points").await;
    browser.sees("Recovery indemnity").await;
    browser.sees("EUR 40.00").await;
    let penalty = browser
        .client
        .find(fantoccini::Locator::XPath(
            "//dt[normalize-space(.)='Late-payment penalty']/following-sibling::dd[1]",
        ))
        .await
        .expect("the penalty")
        .text()
        .await
        .unwrap();
    assert!(
        penalty.starts_with("EUR ") && penalty != "EUR 0.00",
        "a penalty is due after 15 days: {penalty}"
    );

    // Same day, within 6 weeks of its date: the Manager disputes it (DISPUTE-1), then pays it
    // anyway from the main account made the default again, as a dispute does not suspend
    // payment.
    browser
        .fill("Why do you dispute this invoice?", JUSTIFICATION)
        .await;
    browser.click("Dispute this invoice").await;
    browser
        .sees("Awaiting the provider's decision. The invoice stays due in the meantime.")
        .await;
    make_default(&browser, "Main account").await;
    open_invoice(&browser, "2027-000003").await;
    pay(&browser, "20 March 2027").await;

    // The provider accepts with a credit note of EUR 5.00 (DISPUTE-2).
    let dispute: i64 = sqlx::query_scalar("SELECT id FROM invoice_disputes")
        .fetch_one(&console.state.db.pool)
        .await
        .unwrap();
    let (status, decision) = console
        .as_provider(
            &format!("/api/admin/disputes/{dispute}/decision"),
            json!({"accept": true, "amount": "5.00"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{decision}");
    open_invoice(&browser, "2027-000003").await;
    browser.sees("credit note CN-2027-000001 of EUR 5.00").await;

    // Paid late, it still owes its penalties (LATE-1, LATE-2): they are billed that day on a
    // penalty invoice of their own, without VAT, the next in the numbering; the Manager pays it.
    open_invoice(&browser, "2027-000004").await;
    browser.sees("Late-payment penalty").await;
    browser
        .sees("Fixed recovery indemnity for invoice 2027-000003 (GTCS 5.3)")
        .await;
    browser.sees("EUR 40.00").await;
    browser
        .sees("No VAT: late-payment penalties and the recovery indemnity are damages, not a supply (GTCS 5.3).")
        .await;
    pay(&browser, "20 March 2027").await;

    // 5 April, the third renewal, collected automatically from the main account, with the
    // credit note deducted (DISPUTE-2; not from the penalty invoice, which bills damages).
    console.move_date_to("2027-04-05").await;
    log_in(&browser).await;
    open_invoice(&browser, "2027-000005").await;
    browser.sees("Renewal").await;
    browser.sees("Paid on 5 April 2027").await;
    assert_eq!(invoice_line(&browser).await, essential_line(february_price));
    browser
        .sees("Credit note CN-2027-000001 for invoice 2027-000003")
        .await;
    // Deducted with its VAT (DISPUTE-2): EUR 5.00 is a net EUR 4.17 and EUR 0.83 of VAT.
    browser.sees("EUR -4.17 (VAT EUR -0.83)").await;
    browser
        .sees("Credit notes deducted from this invoice")
        .await;
    // Its PDF adds up: its subtotal and VAT make its total, the credit note's line included.
    let renewal = invoice_json(&browser, "2027-000005").await;
    let amount = |field: &str| -> Money {
        renewal[field]
            .as_str()
            .and_then(|raw| raw.parse().ok())
            .unwrap_or_else(|| panic!("{field} in {renewal}"))
    };
    assert_eq!(
        amount("subtotal").checked_add(amount("vat")),
        Some(amount("total")),
        "{renewal}"
    );
    let pdf = invoice_pdf_text(&browser, &renewal["id"]).await;
    for shown in [
        "CN-2027-000001".to_owned(),
        "EUR -4.17".to_owned(),
        format!("EUR {}", amount("subtotal")),
        format!("EUR {}", amount("vat")),
        format!("EUR {}", amount("total")),
    ] {
        assert!(pdf.contains(&shown), "the PDF shows {shown}");
    }

    // 10 April: notice of non-renewal, on time (10 days before the period ends for a 1-month
    // term, NOTICE-1); the page says so and gives the last day of service before confirming.
    console.move_date_to("2027-04-10").await;
    log_in(&browser).await;
    browser.click("Licences").await;
    browser.sees("Last day to give notice").await;
    browser.sees("2027-04-24").await;
    browser.click("Give notice").await;
    browser
        .sees("Given today (2027-04-10), this notice is on time: the last day of service will be 2027-05-04.")
        .await;
    browser.click("Confirm notice").await;
    browser.sees("Notice recorded for Licence #1").await;
    browser
        .sees("Given on 2027-04-10 (on time); last day of service 2027-05-04")
        .await;

    // 4 May, its last day of service: still in force, the notice shown.
    console.move_date_to("2027-05-04").await;
    log_in(&browser).await;
    browser.click("Licences").await;
    browser
        .sees("Given on 2027-04-10 (on time); last day of service 2027-05-04")
        .await;
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM licences WHERE status = 'active'")
            .await,
        1
    );
    assert_eq!(
        listed_invoices(&browser).await,
        [
            "Invoice 2027-000001",
            "Invoice 2027-000002",
            "Invoice 2027-000003",
            "Invoice 2027-000004",
            "Invoice 2027-000005"
        ]
    );

    // 5 May, past the last day of service: the Licence has ended, no renewal invoice was
    // issued for May, and with its only Licence the Contract ended, so its accounts are
    // blocked (TERM-3): Anne's session is over and her password no longer opens one.
    console.move_date_to("2027-05-05").await;
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM licences WHERE status = 'ended'")
            .await,
        1
    );
    assert_eq!(console.count("SELECT COUNT(*) FROM invoices").await, 5);
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM users WHERE blocked_at IS NOT NULL")
            .await,
        1
    );
    browser.goto("/login").await;
    browser.submit_log_in(EMAIL, PASSWORD).await;
    browser.sees("Wrong email or password.").await;

    // To the end of the year: nothing more is invoiced, and three months after the blocking
    // (5 August) the accounts' personal data was erased.
    console.move_date_to("2027-12-31").await;
    assert_eq!(console.count("SELECT COUNT(*) FROM invoices").await, 5);
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM users WHERE erased_at IS NOT NULL")
            .await,
        1
    );
    browser.close().await;
}
