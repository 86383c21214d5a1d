//! End to end, in headless Chromium: an unpaid invoice becomes overdue; its page shows the days
//! late, the penalty rate and why, the penalty and the EUR 40 indemnity (LATE-1, LATE-2) and the
//! provider's formal notice with its deadline (LATE-4); a suspended Company sees a banner with
//! its reason and a suspended User a badge (SUSP-1), and the console stays open.

use crate::harness::{Browser, Console};
use axum::http::StatusCode;

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_sees_the_late_penalty_the_formal_notice_and_the_suspension() {
    let console = Console::start().await;
    console.set_today("2026-03-10");
    let browser = Browser::launch(&console.url).await;
    browser
        .ready_company("anne@martin.fr", "Main account")
        .await;
    browser.order_one_number("ESSENTIAL").await;
    let fetch = r#"
        const [path, done] = arguments;
        done(await (await fetch(path)).json());"#;
    let me = browser.in_page(fetch, vec!["/api/me".into()]).await;
    let invoices = browser
        .in_page(fetch, vec!["/api/console/invoices".into()])
        .await;
    let invoice = invoices[0]["id"].as_i64().unwrap();

    // Unpaid, 10 days later: overdue; the provider sends its formal notice and suspends.
    console.set_today("2026-03-20");
    server::scheduler::catch_up(&console.state.db, &console.state.clock)
        .await
        .unwrap();
    let sent = console
        .as_provider(
            &format!("/api/admin/invoices/{invoice}/formal-notice"),
            serde_json::json!({}),
        )
        .await
        .0;
    assert_eq!(sent, StatusCode::CREATED);
    let company = me["company"]["id"].as_i64().unwrap();
    let suspended = console
        .as_provider(
            &format!("/api/admin/companies/{company}/suspension"),
            serde_json::json!({"reason": "non_payment"}),
        )
        .await
        .0;
    assert_eq!(suspended, StatusCode::CREATED);
    let user = me["user"]["id"].as_i64().unwrap();
    let suspended = console
        .as_provider(
            &format!("/api/admin/users/{user}/suspension"),
            serde_json::json!({"reason": "suspected_third_party_use"}),
        )
        .await
        .0;
    assert_eq!(suspended, StatusCode::CREATED);

    // Ten days without using it: the session ended (idle), Anne logs in again.
    browser.log_in_again("anne@martin.fr").await;
    browser.goto("/console/invoices").await;
    browser
        .sees("The Company Account is suspended since 20 March 2026. Reason: Non-payment.")
        .await;
    browser.click("Invoice 2026-000001").await;
    browser.sees("Late payment").await;
    browser
        .sees("Updated daily; computed for 20 March 2026.")
        .await;
    browser.sees("10 days").await;
    browser.sees("12.15 % a year").await;
    browser.sees("plus 10 points").await;
    browser.sees("Recovery indemnity").await;
    browser.sees("EUR 40.00").await;
    let view = browser
        .in_page(
            fetch,
            vec![format!("/api/console/invoices/{invoice}").into()],
        )
        .await;
    let penalty = view["late"]["penalty"].as_str().unwrap().to_owned();
    assert_ne!(penalty, "0.00");
    browser.sees(&format!("EUR {penalty}")).await;
    browser
        .sees("Formal notice to pay sent on 20 March 2026: pay this invoice by 28 March 2026 at the latest")
        .await;

    browser.goto("/console/users").await;
    browser.sees("Suspended").await;
    browser.close().await;
}
