//! Issue 19, end to end in headless Chromium: the Company page refuses a VAT number with a wrong
//! check digit in the browser, before anything is sent; a right one is confirmed by VIES (the
//! server's local stand-in) and an invoice with a reverse charge shows the VIES consultation
//! number.

use crate::harness::{Browser, Console};

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_check_digit_is_refused_before_sending_and_a_confirmed_number_reverse_charges() {
    let console = Console::start().await;
    let stand_in = console
        .state
        .vies
        .stand_in
        .clone()
        .expect("the server asks its local VIES stand-in by default");
    let browser = Browser::launch(&console.url).await;

    // A Company billed in Germany signs up.
    browser.goto("/signup").await;
    browser.fill("Legal name", "Müller Telefonie GmbH").await;
    browser.choose("Billing country", "Germany").await;
    browser
        .fill("Company registration number", "HRB 12345")
        .await;
    browser.fill("First name", "Jonas").await;
    browser.fill("Last name", "Müller").await;
    browser.fill("Email", "jonas@mueller.de").await;
    browser.fill("Password", "correct horse battery").await;
    browser
        .tick("I accept the General Terms and Conditions of Sale")
        .await;
    browser.click("Create the Company Account").await;
    browser.sees("Registration number").await;

    browser.click("Company Account").await;
    assert_eq!(browser.heading().await, "Company Account");

    // One digit changed (python-stdnum rejects it): refused next to the field as it is typed.
    browser.fill("VAT number", "DE 136 695 970").await;
    assert_eq!(
        browser.message_for("VAT number").await,
        "This German VAT number's check digit does not match its other digits: look for a mistyped or swapped digit."
    );
    // Saving with every other field right sends nothing: the server and VIES never see it.
    browser.fill("Address", "Unter den Linden 1").await;
    browser.fill("Postal code", "10117").await;
    browser.fill("City", "Berlin").await;
    browser.click("Save the details").await;
    assert_eq!(
        browser.message_for("VAT number").await,
        "This German VAT number's check digit does not match its other digits: look for a mistyped or swapped digit."
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    console
        .until_count(
            "SELECT COUNT(*) FROM companies WHERE vat_number IS NOT NULL OR address_line1 <> ''",
            0,
        )
        .await;
    assert_eq!(
        stand_in.consultations(),
        0,
        "VIES was asked about a wrong number"
    );

    // The right number is saved, and VIES confirms it: reverse charge from now on.
    browser.fill("VAT number", "DE 136 695 976").await;
    browser.click("Save the details").await;
    browser.sees("The Company details were saved.").await;
    browser
        .sees("VAT number DE136695976: Confirmed by VIES")
        .await;
    browser.sees("VIES consultation number WAPI").await;
    browser
        .sees("Orders are invoiced with VAT at 0 % (reverse charge")
        .await;
    console.until_count("SELECT COUNT(*) FROM vies_consultations WHERE vat_number = 'DE136695976' AND outcome = 'valid'", 1).await;

    // A top-up's invoice carries the reverse charge and the consultation made just before it;
    // it is collected at once from the Company's payment method (issue 13).
    browser.add_payment_method("Main account").await;
    browser.click("Credits").await;
    browser.fill("Amount (EUR)", "20").await;
    browser.click("Top up Credits").await;
    browser
        .sees("Credits topped up: the balance is now EUR 20.00.")
        .await;
    let (invoice_id, total, consultation): (i64, i64, String) = sqlx::query_as(
        "SELECT i.id, i.total_cents, v.request_identifier FROM invoices i
         JOIN vies_consultations v ON v.id = i.vies_consultation_id",
    )
    .fetch_one(&console.state.db.pool)
    .await
    .expect("an invoice with its VIES consultation");
    assert_eq!(total, 2000, "no VAT on a reverse charge");
    browser
        .goto(&format!("/console/invoices/{invoice_id}"))
        .await;
    browser
        .sees(&format!(
            "VAT number DE136695976 confirmed by VIES: consultation number {consultation}."
        ))
        .await;
    browser.close().await;
}
