//! End to end, in headless Chromium: a Manager edits the Company Account (ACCESS-4), manages its
//! payment methods (PAY-2), opts out of promotion (PROMO-1) and reads the proof log (PROOF-1).

use crate::harness::{Browser, Console};

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_edits_the_company_and_its_payment_methods_and_reads_the_log() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    browser.sign_up_in_the_form("anne@martin-fils.fr").await;
    browser.sees("Registration number").await;

    browser.click("Company Account").await;
    assert_eq!(browser.heading().await, "Company Account");
    browser.sees("Orders are invoiced with VAT at 20 %").await;

    // The VAT number is checked as it is typed, next to its field.
    browser.fill("VAT number", "FR45 732 829 320").await;
    assert_eq!(
        browser.message_for("VAT number").await,
        "This French VAT number's key does not match its SIREN: check the two characters after FR."
    );
    // Saving shows every missing field and sends nothing.
    browser.click("Save the details").await;
    assert_eq!(
        browser.message_for("Address").await,
        "This field is required."
    );
    assert_eq!(browser.message_for("City").await, "This field is required.");
    console
        .until_count(
            "SELECT COUNT(*) FROM companies WHERE vat_number IS NOT NULL",
            0,
        )
        .await;

    // Corrected, the details are saved (normalised) and the session shows the new name.
    browser.fill("Legal name", "Martin et Fils SAS").await;
    browser.fill("VAT number", "FR44 732 829 320").await;
    browser.fill("Address", "12 rue de la Paix").await;
    browser.fill("Postal code", "75002").await;
    browser.fill("City", "Paris").await;
    browser.click("Save the details").await;
    browser.sees("The Company details were saved.").await;
    console.until_count("SELECT COUNT(*) FROM companies WHERE vat_number = 'FR44732829320' AND legal_name = 'Martin et Fils SAS'", 1)
    .await;

    // Payment methods: an expired card is refused next to its field; two are added.
    browser.sees("No valid payment method on file").await;
    browser.fill("Label", "Finance Visa").await;
    browser.fill("Last four digits", "4242").await;
    browser.fill("Expiry", "01/20").await;
    browser.click("Add the payment method").await;
    assert_eq!(
        browser.message_for("Expiry").await,
        "This expiry date has passed: use a method that is still valid."
    );
    browser.fill("Expiry", "12/40").await;
    browser.click("Add the payment method").await;
    browser.sees("•••• 4242").await;
    browser.choose("Kind", "SEPA mandate").await;
    browser.fill("Label", "BNP mandate").await;
    browser.fill("Last four digits", "0189").await;
    browser.click("Add the payment method").await;
    browser.sees("•••• 0189").await;
    console
        .until_count(
            "SELECT COUNT(*) FROM payment_methods WHERE removed_at IS NULL",
            2,
        )
        .await;

    // Removing one leaves the other.
    browser.click("Remove Finance Visa").await;
    console.until_count("SELECT COUNT(*) FROM payment_methods WHERE removed_at IS NOT NULL AND label = 'Finance Visa'", 1)
    .await;
    browser.sees("BNP mandate").await;

    // PROMO-1: the opt-out is saved as soon as it is ticked.
    browser
        .tick("Do not use our company's name and logo for promotion")
        .await;
    browser.sees("Your choice was saved.").await;
    console
        .until_count("SELECT COUNT(*) FROM companies WHERE promo_opt_out = 1", 1)
        .await;

    // Every change is in the Activity log, newest first, with its author and what changed.
    browser.click("Activity").await;
    assert_eq!(browser.heading().await, "Activity");
    browser.sees("company.promotion").await;
    browser.sees("payment_method.remove").await;
    browser
        .sees("legal_name: Martin & Fils SAS → Martin et Fils SAS")
        .await;
    browser.sees("vat_number: (empty) → FR44732829320").await;
    browser.sees("Anne Martin").await;
    browser.sees("company.create").await;

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_activity_page_shows_older_entries_on_demand() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    browser.sign_up_in_the_form("anne@martin-fils.fr").await;
    browser.sees("Registration number").await;
    // 55 more entries, made through the API by the signed-in browser's session.
    browser.click("Company Account").await;
    for turn in 0..55 {
        let opt_out = if turn % 2 == 0 { "true" } else { "false" };
        let script = format!(
            "return fetch('/api/console/company/promotion', {{method: 'PUT', headers: {{'content-type': 'application/json'}}, body: JSON.stringify({{opt_out: {opt_out}}})}}).then(r => r.status)"
        );
        let status = browser
            .client
            .execute(&script, vec![])
            .await
            .expect("running fetch");
        assert_eq!(status, 200);
    }
    browser.click("Activity").await;
    // Entries 56 down to 7 are shown; the sign-up (entry 1) only after "Show older".
    browser.sees("company.promotion").await;
    let rows = || async {
        browser
            .client
            .find_all(fantoccini::Locator::Css(".activity-log tbody tr"))
            .await
            .expect("rows")
            .len()
    };
    assert_eq!(rows().await, 50);
    browser.click("Show older").await;
    browser.sees("company.create").await;
    assert_eq!(rows().await, 56);
    browser.close().await;
}
