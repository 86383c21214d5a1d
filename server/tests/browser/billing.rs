//! End to end, in headless Chromium: a Manager finds the invoice of an Order under Invoices
//! (PAY-1), pays it with the Company's payment method, or sees the provider's refusal and the
//! invoice still due, then overdue the day after (the scheduler on the server's clock).

use crate::harness::{Browser, Console};

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_pays_the_invoice_of_an_order() {
    let console = Console::start().await;
    console.set_today("2026-12-01");
    let browser = Browser::launch(&console.url).await;
    browser
        .ready_company("anne@martin-fils.fr", "Main account")
        .await;
    browser.order_one_number("ESSENTIAL").await;

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
    let answer = browser.in_page(script, vec![]).await;
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
    console.set_today("2026-12-01");
    let browser = Browser::launch(&console.url).await;
    browser
        .ready_company("paul@dupont.fr", "Account to decline")
        .await;
    browser.order_one_number("ESSENTIAL").await;

    browser.goto("/console/invoices").await;
    browser.click("Invoice 2026-000001").await;
    browser.click("Pay now").await;
    browser
        .sees("The payment was refused and the invoice is still due.")
        .await;
    browser.sees("Due on 1 December 2026").await;
    browser.sees("refused: The bank refused the payment").await;

    // The next day the scheduler marks it overdue.
    console.set_today("2026-12-02");
    server::scheduler::catch_up(&console.state.db, &console.state.clock)
        .await
        .unwrap();
    browser.goto("/console/invoices").await;
    browser.click("Invoice 2026-000001").await;
    browser.sees("Overdue: it was due on 1 December 2026").await;
    browser.close().await;
}
