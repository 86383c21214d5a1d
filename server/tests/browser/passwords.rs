//! End to end, in headless Chromium (issue 12): a Manager who forgot her password gets a link
//! by email (only she sees it), chooses a new one and is signed in; then changes it with the
//! current one, and logs out everywhere.

use crate::harness::{Browser, COMPANY, Console, PASSWORD};

const EMAIL: &str = "anne@martin-fils.fr";

#[tokio::test(flavor = "multi_thread")]
async fn a_forgotten_password_is_reset_by_email_then_changed_and_every_session_ended() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    browser.sign_up_company(COMPANY, EMAIL).await;
    browser.goto("/console").await;
    browser.click("Log out").await;

    // "Forgot your password?": the same answer whether or not the address has an account.
    browser.goto("/login").await;
    browser.click("Forgot your password?").await;
    browser.click("Send me a link").await;
    assert_eq!(
        browser.message_for("Email").await,
        "This field is required."
    );
    browser.fill("Email", EMAIL).await;
    browser.click("Send me a link").await;
    browser
        .sees("If an account uses this address, a link to choose a new password is on its way.")
        .await;

    // The link of her email: a password too short is refused in the browser, a good one signs
    // her in.
    let link = console.emailed_link(EMAIL, "/password-reset/").await;
    browser.goto(&link).await;
    browser.sees("Choose a new password").await;
    browser.fill("New password", "short").await;
    browser.click("Set my new password").await;
    assert_eq!(
        browser.message_for("New password").await,
        "Use at least 10 characters."
    );
    browser.fill("New password", "a brand new password").await;
    browser.click("Set my new password").await;
    browser
        .until(
            "location.pathname.startsWith('/console')",
            "landing in the console",
        )
        .await;
    // Used once: the same link is refused.
    browser.goto(&link).await;
    browser.sees("This link was already used.").await;

    // Her account page: a wrong current password is refused by the server, next to its field.
    browser.goto("/account").await;
    browser.fill("Current password", PASSWORD).await;
    browser.fill("New password", "an even newer password").await;
    browser.click("Change my password").await;
    browser.sees("This is not your current password.").await;
    browser
        .fill("Current password", "a brand new password")
        .await;
    browser.click("Change my password").await;
    browser
        .sees("Your password was changed; your other sessions ended.")
        .await;

    // Log out everywhere: back on the log-in page, and no session is left.
    browser.click("Log out everywhere").await;
    browser
        .until("location.pathname === '/login'", "the log-in page")
        .await;
    assert_eq!(console.count("SELECT COUNT(*) FROM sessions").await, 0);
    browser.submit_log_in(EMAIL, "an even newer password").await;
    browser
        .until(
            "location.pathname.startsWith('/console')",
            "the console after logging in",
        )
        .await;
}
