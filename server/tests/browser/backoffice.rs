//! Issue 14: the provider's operator in Chromium. Added by the server command, the operator
//! opens their one-time link, reads the authenticator's secret (the test plays the app), sets a
//! password with a first code, signs in with the next one, and signs out. The back office is a
//! bundle of its own: its page downloads no other bundle's code, and a Company's Manager who
//! opens it is not let in.

use crate::harness::authenticator::code;
use crate::harness::{Browser, Console};

/// The wasm files the page downloaded.
async fn wasm_loaded(browser: &Browser) -> String {
    browser
        .until(
            "performance.getEntriesByType('resource').map(e => e.name)
                .filter(n => n.endsWith('.wasm')).join(' ')",
            "the wasm downloaded",
        )
        .await
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_operator_sets_up_their_access_and_signs_in_with_a_code() {
    let console = Console::start().await;
    let link = server::services::operators::add(
        &console.state.db,
        "jeanne@provider.example",
        protocol::backoffice::OperatorRole::Billing,
        chrono::Utc::now(),
    )
    .await
    .expect("an operator added");

    let operator = Browser::launch(&console.url).await;
    operator.goto(&link).await;
    operator
        .sees("jeanne@provider.example, operator of the billing role.")
        .await;
    let secret = operator
        .until(
            "document.querySelector('.secret code')?.textContent",
            "the secret",
        )
        .await
        .as_str()
        .unwrap()
        .to_owned();
    let wasm = wasm_loaded(&operator).await;
    assert!(wasm.contains("/backoffice/backoffice-"), "{wasm}");
    assert!(
        !wasm.contains("console-") && !wasm.contains("webapp-"),
        "{wasm}"
    );
    operator.fill("Password", "a long operator password").await;
    operator
        .fill("Code from your authenticator app", &code(&secret, 0))
        .await;
    operator.click("Set up").await;
    operator.sees("Your access is set up.").await;

    operator.goto("/backoffice").await;
    operator.fill("Email", "jeanne@provider.example").await;
    operator.fill("Password", "a long operator password").await;
    // The code used for the set-up does not work twice.
    operator
        .fill("Code from your authenticator app", &code(&secret, 0))
        .await;
    operator.click("Sign in").await;
    operator
        .sees("The email, the password or the authenticator's code is not right.")
        .await;
    operator
        .fill("Code from your authenticator app", &code(&secret, 1))
        .await;
    operator.click("Sign in").await;
    operator
        .sees("Signed in as jeanne@provider.example, of the billing role.")
        .await;
    operator.click("Sign out").await;
    operator.sees("Sign in to the back office").await;

    // A Company's Manager is no operator: the back office asks them to sign in as one.
    let manager = Browser::launch(&console.url).await;
    manager
        .sign_up_company("Martin et Fils SAS", "anne@martin.fr")
        .await;
    manager.goto("/backoffice").await;
    manager.sees("Sign in to the back office").await;
    manager.goto("/console").await;
    let wasm = wasm_loaded(&manager).await;
    assert!(!wasm.contains("backoffice"), "{wasm}");

    for browser in [operator, manager] {
        browser.close().await;
    }
}
