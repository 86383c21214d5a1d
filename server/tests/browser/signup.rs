//! End to end, in headless Chromium against the real server: what a visitor sees and does.

use crate::harness::{Browser, COMPANY, Console, PASSWORD};

const EMAIL: &str = "anne.martin@martin-fils.fr";
#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_signs_up_logs_out_and_logs_back_in() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;

    // A visitor is sent to the log-in page, and from there to sign-up.
    browser.goto("/").await;
    browser.sees("Log in to the Management Console").await;
    browser.click("Create your Company Account").await;
    browser.sees("Create your Company Account").await;

    // The browser checks every field before sending anything.
    browser.click("Create the Company Account").await;
    assert_eq!(
        browser.message_for("Legal name").await,
        "This field is required."
    );
    assert_eq!(
        browser.message_for("Email").await,
        "This field is required."
    );
    browser.fill_sign_up_form(EMAIL).await;
    browser.fill("SIREN", "732 829 321").await;
    assert_eq!(
        browser.message_for("SIREN").await,
        "This is not a valid SIREN: check the digits."
    );
    browser.click("Create the Company Account").await;
    assert_eq!(
        console.companies().await,
        0,
        "an invalid form must not reach the server"
    );

    // Corrected, the form creates the account and lands on the dashboard.
    browser.fill("SIREN", "732 829 320").await;
    browser.click("Create the Company Account").await;
    browser.sees("Registration number").await;
    assert_eq!(browser.heading().await, COMPANY);
    assert_eq!(browser.path().await, "/console");
    assert_eq!(console.companies().await, 1);

    // The session survives a reload: it lives in a cookie and on the server.
    browser.client.refresh().await.expect("reloading");
    browser.sees("Signed in as").await;
    assert_eq!(browser.heading().await, COMPANY);

    // Logging out ends it: the console sends the visitor back to the log-in page.
    browser.click("Log out").await;
    browser.sees("Log in to the Management Console").await;
    browser.goto("/console").await;
    browser.sees("Log in to the Management Console").await;
    assert_eq!(browser.path().await, "/login");

    // A wrong password says so; the right one opens the dashboard again.
    browser.submit_log_in(EMAIL, "not my password").await;
    browser.sees("Wrong email or password.").await;
    browser.submit_log_in(EMAIL, PASSWORD).await;
    browser.sees("Signed in as").await;
    assert_eq!(browser.heading().await, COMPANY);

    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_are_explained_without_revealing_accounts() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;

    browser.goto("/signup").await;
    browser.fill_sign_up_form(EMAIL).await;
    browser.click("Create the Company Account").await;
    browser.sees("Signed in as").await;
    browser.click("Log out").await;
    browser.sees("Log in to the Management Console").await;

    // The same email cannot sign up twice (whatever its case): the message sits by the field.
    browser.goto("/signup").await;
    browser.fill_sign_up_form(&EMAIL.to_uppercase()).await;
    browser.click("Create the Company Account").await;
    assert_eq!(
        browser.message_for("Email").await,
        "An account already uses this email. Log in instead, or use another email."
    );
    assert_eq!(console.companies().await, 1);

    // An unknown email gets exactly the answer a wrong password gets.
    browser.goto("/login").await;
    browser.submit_log_in("nobody@example.fr", PASSWORD).await;
    browser.sees("Wrong email or password.").await;

    // A deep link to an unknown page shows the app's own page, not a server error.
    browser.goto("/console/nothing/here").await;
    browser.sees("Page not found").await;

    browser.close().await;
}
