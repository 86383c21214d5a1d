//! Trials (TRIAL-1, issue 13) in headless Chromium, on a server whose date starts on 5 January
//! 2027 and is moved forward by the demo clock: the provider offers a trial, the Manager places
//! the Order as that trial from the Order page, and nothing is invoiced; a trial that converts
//! gets its first invoice the day after its end, one cancelled in time owes nothing.

use crate::harness::{Browser, Console};
use serde_json::json;

const EMAIL: &str = "claire.dubois@dubois-conseil.fr";

/// The provider offers the (only) Company a trial until `trial_end`, converting at its end.
async fn offer_trial(console: &Console, trial_end: &str) {
    let (status, body) = console
        .as_provider(
            "/api/admin/companies/1/trial-offer",
            json!({"trial_end": trial_end, "auto_commit": true}),
        )
        .await;
    assert!(status.is_success(), "offering a trial: {status} {body}");
}

/// One Essential Number in France on the Order page, placed as the trial offered.
async fn order_as_trial(browser: &Browser, until: &str) {
    browser.goto("/console/order").await;
    browser.sees("Order Numbers").await;
    browser.choose("Country", "France").await;
    browser
        .choose("Call Plan for added Numbers", "Essential")
        .await;
    browser.click("Add").await;
    browser.sees("Basket (1 Number)").await;
    browser
        .tick(&format!(
            "Place this Order as a trial until {until}: nothing is invoiced now; without a cancellation by {until}, the Licence starts the next day and its first invoice is issued then."
        ))
        .await;
    browser
        .tick("I accept the General Terms and Conditions of Sale")
        .await;
    browser.click("Place the order").await;
    browser.sees("This Order is placed and final").await;
}

async fn invoices(console: &Console) -> i64 {
    console.count("SELECT COUNT(*) FROM invoices").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_trial_converts_into_its_first_invoice_or_owes_nothing_when_cancelled_in_time() {
    let console = Console::demo("2027-01-05").await;
    let browser = Browser::launch(&console.url).await;
    browser.sign_up_in_the_form(EMAIL).await;
    browser.sees("Signed in as").await;
    browser.add_payment_method("Main account").await;

    // A trial until 20 January that converts: placed without an invoice.
    offer_trial(&console, "2027-01-20").await;
    let list = browser.fetch_json("/api/console/price-list").await;
    assert_eq!(
        list["trial_offer"],
        json!({"trial_end": "2027-01-20", "auto_commit": true}),
        "the offer in the price list"
    );
    order_as_trial(&browser, "20 January 2027").await;
    assert_eq!(invoices(&console).await, 0, "a trial Order is not invoiced");
    browser.goto("/console/licences").await;
    browser.sees("Until 2027-01-20").await;

    // 21 January, the day after its end: the Licence starts and its first invoice is issued.
    console.move_date_to("2027-01-21").await;
    browser.log_in_again(EMAIL).await;
    browser.goto("/console/invoices").await;
    browser.click("Invoice 2027-000001").await;
    // Collected that day from the default payment method (issue 13).
    browser.sees("Paid on 21 January 2027").await;
    browser.sees("Essential, 1 Number, monthly").await;
    assert_eq!(invoices(&console).await, 1);

    // A second trial, until 5 February, cancelled on its last day: it ends owing nothing.
    offer_trial(&console, "2027-02-05").await;
    order_as_trial(&browser, "5 February 2027").await;
    console.move_date_to("2027-02-05").await;
    browser.log_in_again(EMAIL).await;
    browser.goto("/console/licences").await;
    browser.click("Cancel the trial").await;
    browser.sees("The trial of Licence #2 is cancelled").await;
    console.move_date_to("2027-02-10").await;
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM invoices WHERE licence_id = 2")
            .await,
        0,
        "nothing is invoiced for a trial cancelled in time"
    );
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM licences WHERE id = 2 AND status = 'ended'")
            .await,
        1,
        "the cancelled trial ended"
    );
    assert_eq!(invoices(&console).await, 1);
}
