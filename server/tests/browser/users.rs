//! Managers and Users end to end, in headless Chromium against the real server: adding a user,
//! finding them with the search, importing a CSV file with a bad row, and the invitation link
//! from the outbox with which the new user chooses a password.

use crate::harness::{Browser, Console};
use fantoccini::Locator;

/// Signs a Company up from inside the browser (the session cookie lands in the browser).
async fn signed_up_manager(browser: &Browser) {
    browser
        .sign_up_company("Martin & Fils SAS", "anne@martin.fr")
        .await;
}

/// The texts of the table's rows, as shown.
async fn table_rows(browser: &Browser) -> Vec<String> {
    let rows = browser
        .client
        .find_all(Locator::Css("table.users-table tbody tr"))
        .await
        .expect("the rows");
    let mut texts = Vec::new();
    for row in rows {
        texts.push(row.text().await.expect("a row's text"));
    }
    texts
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_adds_finds_imports_and_invites_users() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    signed_up_manager(&browser).await;
    browser.goto("/console/users").await;
    browser.sees("1 user").await;
    assert_eq!(browser.heading().await, "Users");

    // The browser checks the form before sending anything.
    browser.click("Add the user").await;
    assert_eq!(
        browser.message_for("First name").await,
        "This field is required."
    );
    assert_eq!(
        browser.message_for("Mobile number").await,
        "This field is required."
    );
    browser.fill("First name", "Louis").await;
    browser.fill("Last name", "Dupont").await;
    browser.fill("Email", "louis.dupont@martin.fr").await;
    browser.fill("Mobile number", "06 12 34 56 78").await;
    // The form starts on the Company's billing country.
    browser
        .until(
            "document.getElementById('residence_country')?.value === 'FR'",
            "the Company's billing country as residence",
        )
        .await;
    browser.fill("Countries of stable links", "FR").await;
    browser.click("Add the user").await;
    assert!(
        browser
            .message_for("Mobile number")
            .await
            .contains("international format")
    );
    assert!(
        browser
            .message_for("Countries of stable links")
            .await
            .contains("country of residence")
    );
    assert_eq!(
        console.count("SELECT COUNT(*) FROM users").await,
        1,
        "an invalid form must not reach the server"
    );

    browser.fill("Mobile number", "+33 6 12 34 56 78").await;
    browser.fill("Countries of stable links", "de, es").await;
    browser.click("Add the user").await;
    browser
        .sees("Louis Dupont was added and invited by email.")
        .await;
    browser.sees("2 users").await;
    let rows = table_rows(&browser).await;
    assert!(
        rows[0].contains("louis.dupont@martin.fr")
            && rows[0].contains("DE, ES")
            && rows[0].contains("Invited"),
        "{rows:?}"
    );

    // The search filters as one types.
    browser.fill("Search users", "zzz").await;
    browser.sees("0 of 2 users match “zzz”").await;
    assert!(table_rows(&browser).await.is_empty());
    browser.fill("Search users", "ANNE").await;
    browser.sees("1 of 2 users match “ANNE”").await;
    let rows = table_rows(&browser).await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("anne@martin.fr"), "{rows:?}");
    // Erasing the search, key by key, shows everyone again.
    let search = browser.field("Search users").await;
    search
        .send_keys(&"\u{e003}".repeat(4))
        .await
        .expect("erasing");
    browser.sees("2 users").await;

    // A CSV file with one bad row, imported in valid-rows-only mode.
    let folder = tempfile::tempdir().expect("a temporary folder");
    let file = folder.path().join("users.csv");
    std::fs::write(
        &file,
        "\u{feff}first_name,last_name,email,mobile,residence_country,stable_links\r\n\
         Marie,Curie,marie@martin.fr,+48 601 234 567,PL,FR;DE\r\n\
         Paul,Valéry,paul@martin,+33612345672,FR,\r\n\
         \"Jean-Luc\",\"Picard, Jr\",jl@martin.fr,+33612345673,FR,\r\n",
    )
    .expect("writing the CSV file");
    browser.tick("Import only the valid rows").await;
    browser
        .field("CSV file")
        .await
        .send_keys(file.to_str().expect("a UTF-8 path"))
        .await
        .expect("choosing the file");
    browser
        .sees("users.csv: 3 rows, 2 ready to import, 1 rejected.")
        .await;
    browser
        .sees("Row 3: Email: Enter an email address like name@company.com.")
        .await;
    assert_eq!(
        console.count("SELECT COUNT(*) FROM users").await,
        2,
        "checking must not import"
    );
    browser.click("Import the users").await;
    browser
        .sees("Import done: 2 users created and invited.")
        .await;
    browser.sees("4 users").await;
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM users WHERE email IN ('marie@martin.fr', 'jl@martin.fr')")
            .await,
        2
    );

    // The outbox shows Louis's invitation went out, without its link (his alone).
    browser.click("See the outbox").await;
    browser.sees("To louis.dupont@martin.fr").await;
    browser
        .sees("(a personal link, sent to the recipient only)")
        .await;
    // Louis follows the link of his email: he chooses a password and is all set.
    let link = console
        .emailed_link("louis.dupont@martin.fr", "/invitation/")
        .await;
    browser.goto(&link).await;
    browser.sees("Welcome, Louis Dupont").await;
    browser.fill("Password", "short").await;
    browser.click("Set my password").await;
    assert_eq!(
        browser.message_for("Password").await,
        "Use at least 10 characters."
    );
    browser.fill("Password", "a fine long password").await;
    browser.click("Set my password").await;
    // An employee lands in the WebApp, accepts its terms, and sees their Numbers.
    crate::harness::team::accept_terms(&browser).await;
    browser.sees("Your Numbers").await;
    assert_eq!(browser.path().await, "/app");
    assert_eq!(
        console.count("SELECT COUNT(*) FROM users WHERE email = 'louis.dupont@martin.fr' AND password_hash IS NOT NULL").await,
        1
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_last_manager_is_refused_with_a_reason_on_their_page() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    signed_up_manager(&browser).await;
    browser.goto("/console/users").await;
    browser.click("Anne Martin").await;
    browser.sees("Manager, active").await;
    browser.click("Remove the Manager role").await;
    browser
        .sees("This is the Company's last active Manager: make another user a Manager first.")
        .await;
    browser.click("Delete this user").await;
    browser.click("Yes, delete").await;
    browser
        .sees("This is the Company's last active Manager")
        .await;
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM users WHERE role = 'manager'")
            .await,
        1
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_list_is_shown_fifty_users_a_page() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    signed_up_manager(&browser).await;
    let company_id: i64 = sqlx::query_scalar("SELECT id FROM companies")
        .fetch_one(&console.state.db.pool)
        .await
        .expect("the company");
    for n in 0..119 {
        sqlx::query(
            "INSERT INTO users (company_id, first_name, last_name, email, role, created_at, status)
             VALUES ($1, 'Jules', $2, $3, 'user', '2026-01-01T00:00:00.000000Z', 'active')",
        )
        .bind(company_id)
        .bind(format!("Durand{n:03}"))
        .bind(format!("jules.durand{n}@martin.fr"))
        .execute(&console.state.db.pool)
        .await
        .expect("a user");
    }

    browser.goto("/console/users").await;
    browser.sees("Page 1 of 3").await;
    assert_eq!(table_rows(&browser).await.len(), 50);
    // The page's first requests were started by its inline script before the app started, and
    // the app took their answers instead of asking again: each was sent once.
    let sent = browser
        .client
        .execute(
            "const start = performance.getEntriesByName('app-start')[0].startTime;
            return ['/api/me', '/api/console/suspensions', '/api/console/users'].map(path => {
                const sent = performance.getEntriesByName(location.origin + path);
                return [sent.length, sent.every(entry => entry.startTime < start)];
            });",
            vec![],
        )
        .await
        .expect("reading the requests sent");
    assert_eq!(
        sent,
        serde_json::json!([[1, true], [1, true], [1, true]]),
        "each request sent once, before the app started"
    );
    browser.click("Next page").await;
    browser.sees("Page 2 of 3").await;
    browser.click("Next page").await;
    browser.sees("Page 3 of 3").await;
    assert_eq!(table_rows(&browser).await.len(), 20);
    browser.click("Previous page").await;
    browser.sees("Page 2 of 3").await;
    browser.close().await;
}
