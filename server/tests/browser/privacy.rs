//! End to end, in headless Chromium (issue 15, DATA-1): an employee finds their data under
//! their account, downloads it, corrects their profile once the Company allows it, and asks for
//! an erasure, whose due date they read; the Manager finds the request under Privacy requests
//! and grants it; the employee's session is gone and the Manager reads the pseudonym.

use crate::harness::team::{employee, team};
use crate::harness::{Browser, Console};

const ARCHIVE: &str = r#"
    const [path, done] = arguments;
    const reply = await fetch(path);
    const bytes = new Uint8Array(await reply.arrayBuffer());
    done([reply.status, reply.headers.get('content-type'), bytes[0], bytes[1]]);"#;

#[tokio::test(flavor = "multi_thread")]
async fn an_employee_asks_for_an_erasure_that_the_manager_grants() {
    let console = Console::start().await;
    let team = team(&console).await;
    let manager = team.manager;
    let alice = employee(&console, &team.alice_invitation).await;

    // The Company lets its Users correct their profile.
    manager.goto("/console/company").await;
    manager
        .tick("Users may correct their own name and mobile number")
        .await;
    console
        .until_count(
            "SELECT COUNT(*) FROM companies WHERE users_correct_profile = 1",
            1,
        )
        .await;

    alice.goto("/account").await;
    alice.click("Your data and your requests").await;
    assert_eq!(alice.heading().await, "Your data");
    // The archive downloads (a ZIP starts with "PK").
    let archive = alice
        .in_page(ARCHIVE, vec!["/api/me/data-export".into()])
        .await;
    assert_eq!(archive[0], 200, "{archive}");
    assert_eq!(archive[1], "application/zip");
    assert_eq!(
        (archive[2].as_u64(), archive[3].as_u64()),
        (Some(0x50), Some(0x4b))
    );

    // Her profile: the rules are checked in the browser first.
    alice.fill("Operator mobile number", "06").await;
    alice.click("Save my profile").await;
    assert!(
        !alice.message_for("Operator mobile number").await.is_empty(),
        "a message for a short mobile number"
    );
    alice
        .fill("Operator mobile number", "+33 6 50 00 00 09")
        .await;
    alice.click("Save my profile").await;
    alice.sees("Your profile was corrected.").await;

    // Her request, with its due date.
    alice.choose("What you ask", "Erase my personal data").await;
    alice.click("Send the request").await;
    alice.sees("Waiting for its answer, due by").await;

    manager.goto("/console/privacy").await;
    manager.sees("Alice Martin: Erase my personal data").await;
    manager.click("Grant").await;
    manager.sees("Granted on").await;
    let alice_id = console
        .count("SELECT id FROM users WHERE email LIKE 'erased-user-%'")
        .await;
    manager
        .sees(&format!("Former user #{alice_id}: Erase my personal data"))
        .await;

    // Her session ended with her account.
    alice.goto("/account").await;
    alice
        .until("location.pathname === '/login'", "the log-in page")
        .await;
    Browser::close(alice).await;
}
