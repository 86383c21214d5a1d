//! End to end, in headless Chromium: the provider terminates a Licence for fault (TERM-1,
//! TERM-2) through its admin route, and the Manager reads on the Licences page that it ended,
//! why, what falls due as `termination.fault_amount` computed it, and the invoice that bills it.

use crate::harness::{Browser, Console};
use axum::http::StatusCode;

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_sees_the_amount_due_after_a_termination_for_fault() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    browser
        .ready_company("anne@martin-fils.fr", "Main account")
        .await;
    // A yearly Licence, as an Order makes it: one Essential Number, EUR 99.00 less the 5 %
    // annual discount (4.95), net 94.05.
    let placed = browser
        .order_one_number_billed("ESSENTIAL", domain::catalogue::Billing::Annual)
        .await;
    let licence = placed["licence"]["id"].as_i64().unwrap();

    let (status, _) = console
        .as_provider(
            &format!("/api/admin/licences/{licence}/fault-termination"),
            serde_json::json!({"ground": "suspected_fraud", "reason": "Suspected fraud on the account."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    browser.goto("/console").await;
    browser.click("Licences").await;
    browser
        .sees(&format!("Licence #{licence} terminated for fault"))
        .await;
    browser.sees("Suspected fraud on the account.").await;
    // Terminated the day it began (house reading "Termination for fault amount"): the 12 months
    // from that day, at the price per month without discounts, 99.00 / 12 = 8.25 each, + 20 % =
    // 118.80; the discount of 4.95 deducted on the Order's invoice is reimbursed; 123.75 in all,
    // invoiced that day.
    browser.sees("Amount due (GTCS 6.2.2)").await;
    browser.sees("12 × EUR 8.25").await;
    browser.sees("EUR 118.80").await;
    browser.sees("EUR 4.95").await;
    browser.sees("EUR 123.75").await;
    browser.sees("Invoiced on invoice").await;
    browser.close().await;
}
