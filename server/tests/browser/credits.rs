//! End to end, in headless Chromium: a Manager tops up the Company's Credits; the amount is
//! checked in the browser first, and the top-up comes with its invoice (PAY-1).

use crate::harness::{Browser, Console};

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_tops_up_credits() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    browser
        .sign_up_company("Martin & Fils SAS", "anne@martin-fils.fr")
        .await;

    browser.goto("/console").await;
    browser.click("Credits").await;
    assert_eq!(browser.heading().await, "Credits");
    browser.sees("No movement yet.").await;
    browser.fill("Amount (EUR)", "2").await;
    browser.click("Top up Credits").await;
    assert_eq!(
        browser.message_for("Amount (EUR)").await,
        "A top-up is at least EUR 5.00."
    );
    let movements: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credit_movements")
        .fetch_one(&console.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        movements, 0,
        "nothing is sent for an amount the browser refused"
    );

    // Credits bought are usable once their invoice is paid (issue 13): collected at once from
    // the Company's default payment method.
    browser.add_payment_method("Main account").await;
    browser.fill("Amount (EUR)", "20").await;
    browser.click("Top up Credits").await;
    browser
        .sees("Credits topped up: the balance is now EUR 20.00.")
        .await;
    browser.sees("Credits top-up").await;
    let (number, total): (String, i64) =
        sqlx::query_as("SELECT number, total_cents FROM invoices WHERE kind = 'credits_topup'")
            .fetch_one(&console.state.db.pool)
            .await
            .unwrap();
    assert_eq!(total, 2400);
    browser
        .sees(&format!("Invoice {number} was issued for it."))
        .await;
    browser.close().await;
}
