//! End to end, in headless Chromium (issue 12): a Manager turns two-factor authentication on by
//! scanning the QR code (the test plays her authenticator app), saves her recovery codes, logs
//! in with a code and then with a recovery code, and makes it required for the Company's
//! Managers; a second Manager is then sent to set it up before anything else.

use serde_json::json;

use crate::harness::authenticator::{code, wrong};
use crate::harness::team::send;
use crate::harness::{Browser, COMPANY, Console, PASSWORD};

const EMAIL: &str = "anne@martin-fils.fr";

/// Text of the page's elements matching `selector`, joined by spaces (waits for at least one).
async fn texts(browser: &Browser, selector: &str) -> String {
    let condition = format!(
        "[...document.querySelectorAll({selector:?})].map(e => e.textContent.trim()).join(' ')"
    );
    browser
        .until(&condition, selector)
        .await
        .as_str()
        .unwrap()
        .to_owned()
}

/// Scans the QR code (checks the image shows) and types the code of the app: the secret and the
/// recovery codes shown.
async fn set_up(browser: &Browser, password: &str) -> (String, Vec<String>) {
    browser.fill("Current password", password).await;
    browser.click("Set up two-factor authentication").await;
    browser
        .until(
            "document.querySelector('img.qr')?.complete && document.querySelector('img.qr').naturalWidth > 0",
            "the QR code shown",
        )
        .await;
    let secret = texts(browser, ".secret").await;
    browser
        .fill("Code from the app", &wrong(&code(&secret, 0)))
        .await;
    browser.click("Turn on").await;
    assert!(
        browser
            .message_for("Code from the app")
            .await
            .starts_with("This code is not right.")
    );
    browser.fill("Code from the app", &code(&secret, 0)).await;
    browser.click("Turn on").await;
    browser.sees("Two-factor authentication is on.").await;
    let codes: Vec<String> = texts(browser, ".recovery-codes code")
        .await
        .split(' ')
        .map(str::to_owned)
        .collect();
    assert_eq!(codes.len(), 10, "{codes:?}");
    (secret, codes)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_turns_two_factor_on_logs_in_with_codes_and_requires_it_of_managers() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    browser.sign_up_company(COMPANY, EMAIL).await;

    // Her account page leads to it; it starts with her password.
    browser.goto("/account").await;
    browser.sees("Off: your password alone signs you in.").await;
    browser.click("Set up two-factor authentication").await;
    browser
        .until(
            "location.pathname === '/account/two-factor'",
            "the two-factor page",
        )
        .await;
    let (secret, recovery) = set_up(&browser, PASSWORD).await;
    browser.click("I have saved my recovery codes").await;
    browser
        .sees("Two-factor authentication is on. 10 recovery codes left.")
        .await;

    // Logging in now takes a code from the app: a wrong one is refused next to its field.
    browser.goto("/console").await;
    browser.click("Log out").await;
    browser.goto("/login").await;
    browser.submit_log_in(EMAIL, PASSWORD).await;
    // The cursor waits in the code field.
    browser
        .until(
            "document.activeElement?.id === 'code'",
            "the code field focused",
        )
        .await;
    browser
        .fill(
            "Code from your authenticator app",
            &wrong(&code(&secret, 1)),
        )
        .await;
    browser.click("Verify").await;
    assert!(
        browser
            .message_for("Code from your authenticator app")
            .await
            .starts_with("This code is not right.")
    );
    browser
        .fill("Code from your authenticator app", &code(&secret, 1))
        .await;
    browser.click("Verify").await;
    browser
        .until(
            "location.pathname.startsWith('/console')",
            "the console after the code",
        )
        .await;

    // Without her phone, a recovery code does it, once.
    browser.click("Log out").await;
    browser.goto("/login").await;
    browser.submit_log_in(EMAIL, PASSWORD).await;
    browser
        .fill("Code from your authenticator app", &recovery[0])
        .await;
    browser.click("Verify").await;
    browser
        .until(
            "location.pathname.startsWith('/console')",
            "the console after a recovery code",
        )
        .await;
    browser.goto("/account/two-factor").await;
    browser.sees("9 recovery codes left.").await;

    // She makes it required of the Company's Managers, and invites Bruno as one.
    let form = json!({"first_name": "Bruno", "last_name": "Martin", "email": "bruno@martin-fils.fr",
        "mobile": "+33 6 50 00 00 03", "residence_country": "FR", "stable_links": []});
    let (status, bruno) = send(&browser, "POST", "/api/console/users", form).await;
    assert_eq!(status, 201, "{bruno}");
    let role = format!("/api/console/users/{}/role", bruno["id"]);
    let (status, reply) = send(&browser, "PUT", &role, json!({"is_manager": true})).await;
    assert_eq!(status, 200, "{reply}");
    browser.goto("/console/company").await;
    browser
        .tick("Managers must use two-factor authentication")
        .await;
    browser.sees("Your choice was saved.").await;
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM companies WHERE managers_need_two_factor = 1")
            .await,
        1
    );

    // Bruno sets his password; the console sends him to turn it on first.
    browser.click("Log out").await;
    let invitation = console
        .emailed_link("bruno@martin-fils.fr", "/invitation/")
        .await;
    browser.goto(&invitation).await;
    browser.fill("Password", "bruno's own password").await;
    browser.click("Set my password").await;
    browser
        .until(
            "location.pathname === '/account/two-factor'",
            "the two-factor page",
        )
        .await;
    browser
        .sees("Your Company requires two-factor authentication for its Managers.")
        .await;
    browser.goto("/console/users").await;
    browser
        .until(
            "location.pathname === '/account/two-factor'",
            "sent back to set it up",
        )
        .await;
    set_up(&browser, "bruno's own password").await;
    browser.click("I have saved my recovery codes").await;
    browser
        .until(
            "location.pathname.startsWith('/console')",
            "the console once it is on",
        )
        .await;
    browser.goto("/account/two-factor").await;
    browser
        .sees("Your Company requires it for its Managers: it cannot be turned off.")
        .await;
}
