//! Issue 15, point 5 — employees' acceptance of the WebApp's terms (ACCEPT-1) in Chromium: an
//! employee's first visit shows the GCU and privacy notice in force and nothing else of the
//! WebApp; they read, tick, accept, and the WebApp opens; the Manager sees the acceptance on the
//! User's page, and who has not accepted yet.

use crate::harness::team::team;
use crate::harness::{Browser, Console};
use server::api::{GCU_VERSION, PRIVACY_VERSION};

#[tokio::test]
async fn an_employee_accepts_the_terms_on_first_visit_and_the_manager_sees_it() {
    let console = Console::start().await;
    let team = team(&console).await;
    let alice = Browser::launch(&console.url).await;
    alice.goto(&team.alice_invitation).await;
    alice.fill("Password", "a long enough passphrase").await;
    alice.click("Set my password").await;

    // The first screen: the versions in force, links to read them, nothing else of the WebApp.
    alice.sees("Before you start").await;
    assert!(alice.path().await.starts_with("/app"));
    alice
        .sees(&format!(
            "General Conditions of Use (version {GCU_VERSION})"
        ))
        .await;
    alice
        .sees(&format!("Privacy notice (version {PRIVACY_VERSION})"))
        .await;
    let frame_shown = alice
        .in_page(
            "arguments[0](document.querySelector('.app-nav') !== null)",
            vec![],
        )
        .await;
    assert_eq!(
        frame_shown, false,
        "the WebApp showed before the acceptance"
    );
    // The links lead to the texts.
    let gcu = alice
        .until(
            "fetch(document.querySelector('.terms-documents a').href).then(r => r.ok ? r.text() : '')",
            "the GCU's text",
        )
        .await;
    assert!(
        gcu.as_str().unwrap().contains("GENERAL CONDITIONS OF USE"),
        "{gcu}"
    );
    // "I accept" waits for the box.
    let disabled = alice
        .in_page(
            "arguments[0](document.querySelector('.terms-screen button[type=submit]').disabled)",
            vec![],
        )
        .await;
    assert_eq!(disabled, true);
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM terms_acceptances")
            .await,
        0
    );

    alice.tick("I have read and I accept").await;
    alice.click("I accept").await;
    alice.sees("Your Numbers").await;
    let alice_id = console
        .count("SELECT id FROM users WHERE email = 'alice@martin.fr'")
        .await;
    console
        .until_count(
            &format!(
                "SELECT COUNT(*) FROM terms_acceptances WHERE user_id = {alice_id} AND occasion = 'webapp'"
            ),
            2,
        )
        .await;
    // Coming back, she goes straight in.
    alice.goto("/app").await;
    alice.sees("Your Numbers").await;

    // The Manager sees it on her page, and that Bob has not accepted yet.
    let today = console.state.clock.today();
    team.manager
        .goto(&format!("/console/users/{alice_id}"))
        .await;
    team.manager
        .sees(&format!(
            "Accepted the GCU version {GCU_VERSION} and the privacy notice version {PRIVACY_VERSION} on {today}."
        ))
        .await;
    let bob_id = console
        .count("SELECT id FROM users WHERE email = 'bob@martin.fr'")
        .await;
    team.manager.goto(&format!("/console/users/{bob_id}")).await;
    team.manager
        .sees(&format!(
            "Has not yet accepted the GCU version {GCU_VERSION} and the privacy notice version {PRIVACY_VERSION}"
        ))
        .await;
    alice.close().await;
    team.manager.close().await;
}
