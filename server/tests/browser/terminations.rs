//! End to end, in headless Chromium: the provider terminates a Licence for fault (TERM-1,
//! TERM-2) through its admin route, and the Manager reads on the Licences page that it ended,
//! why, and what falls due as `termination.fault_amount` computed it.

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
            serde_json::json!({"reason": "Suspected fraud on the account."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    browser.goto("/console").await;
    browser.click("Licences").await;
    browser
        .sees(&format!("Licence #{licence} terminated for fault"))
        .await;
    browser.sees("Suspected fraud on the account.").await;
    // Terminated the day it began: the 11 months not begun, at 94.05 / 12 = 7.8375 each,
    // + 20 % = 103.455 → 103.46; the discount of 4.95 is reimbursed; 108.41 in all.
    browser.sees("Amount due (GTCS 6.2.2)").await;
    browser.sees("11 × EUR 7.84").await;
    browser.sees("EUR 103.46").await;
    browser.sees("EUR 4.95").await;
    browser.sees("EUR 108.41").await;
    browser.close().await;
}
