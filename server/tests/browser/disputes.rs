//! End to end, in headless Chromium: a Manager disputes an invoice from its page with a written
//! justification (DISPUTE-1), reads the provider's acceptance and its credit note (DISPUTE-2),
//! finds the credit note deducted on the next invoice, and, once the 6 weeks are over, sees why
//! the invoice can no longer be disputed, the button disabled.

use crate::harness::{Browser, Console};
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate, TimeDelta};
use serde_json::json;

const JUSTIFICATION: &str = "The Number was billed twice this month.";

const FETCH: &str = r#"
    const [path, done] = arguments;
    done(await (await fetch(path)).json());"#;

const POST: &str = r#"
    const [path, body, done] = arguments;
    const reply = await fetch(path, {
        method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
    done([reply.status, await reply.json()]);"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_disputes_an_invoice_and_finds_the_credit_note_on_the_next_one() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    browser
        .ready_company("anne@martin-fils.fr", "Main account")
        .await;
    browser.order_one_number("ESSENTIAL").await;
    let invoices = browser
        .in_page(FETCH, vec!["/api/console/invoices".into()])
        .await;
    let (invoice_id, invoice_number) = (
        invoices[0]["id"].as_i64().unwrap(),
        invoices[0]["number"].as_str().unwrap().to_owned(),
    );
    let invoice_date: NaiveDate = invoices[0]["issue_date"].as_str().unwrap().parse().unwrap();

    browser.goto("/console/invoices").await;
    browser.click(&format!("Invoice {invoice_number}")).await;
    browser.sees("Dispute this invoice").await;
    // Checked in the browser first: nothing is sent without a justification.
    browser.click("Dispute this invoice").await;
    assert_eq!(
        browser
            .message_for("Why do you dispute this invoice?")
            .await,
        "This field is required."
    );
    browser
        .fill("Why do you dispute this invoice?", JUSTIFICATION)
        .await;
    browser.click("Dispute this invoice").await;
    browser
        .sees("Awaiting the provider's decision. The invoice stays due in the meantime.")
        .await;
    browser.sees(JUSTIFICATION).await;
    // Paying stays possible.
    browser.sees("Pay now").await;

    // The provider accepts it with a credit note of EUR 5.00.
    let disputes = browser
        .in_page(
            FETCH,
            vec![format!("/api/console/invoices/{invoice_id}/disputes").into()],
        )
        .await;
    let dispute_id = disputes["disputes"][0]["id"].as_i64().unwrap();
    let (status, _) = console
        .as_provider(
            &format!("/api/admin/disputes/{dispute_id}/decision"),
            json!({"accept": true, "amount": "5.00"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let note = format!("CN-{}-000001", console.state.clock.today().year());
    browser
        .goto(&format!("/console/invoices/{invoice_id}"))
        .await;
    browser
        .sees(&format!("credit note {note} of EUR 5.00"))
        .await;

    // The next invoice (a Credits top-up) carries it as a line of its own.
    let reply = browser
        .in_page(
            POST,
            vec![
                "/api/console/credits/top-ups".into(),
                json!({"amount": "10", "idempotency_key": "disputes-top-up"}),
            ],
        )
        .await;
    assert_eq!(reply[0], 201, "{reply}");
    let next = reply[1]["invoice_id"].as_i64().unwrap();
    browser.goto(&format!("/console/invoices/{next}")).await;
    browser
        .sees(&format!("Credit note {note} for invoice {invoice_number}"))
        .await;
    // Deducted with its VAT (DISPUTE-2): EUR 5.00 is a net EUR 4.17 and EUR 0.83 of VAT.
    browser.sees("EUR -4.17 (VAT EUR -0.83)").await;
    browser
        .sees("Credit notes deducted from this invoice")
        .await;
    browser.sees("EUR 7.00").await;

    // Six weeks and a day later: the page says why, and the button is disabled.
    console
        .state
        .clock
        .move_to(invoice_date + TimeDelta::days(43));
    browser.goto("/login").await;
    let reply = browser
        .in_page(
            POST,
            vec![
                "/api/session".into(),
                json!({"email": "anne@martin-fils.fr", "password": "correct horse battery"}),
            ],
        )
        .await;
    assert_eq!(reply[0], 200, "{reply}");
    browser.goto(&format!("/console/invoices/{next}")).await;
    browser
        .sees("6 weeks after its date; it can no longer be disputed.")
        .await;
    let button = browser
        .client
        .find(fantoccini::Locator::XPath(
            "//button[normalize-space(.)='Dispute this invoice']",
        ))
        .await
        .expect("the button is there");
    assert_eq!(
        button.attr("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    browser.close().await;
}
