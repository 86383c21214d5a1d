//! End to end, in headless Chromium: a Manager reads a Licence's dates and gives notice of
//! non-renewal (RENEW-1, NOTICE-1), gives a Number to a User, is told before sending when a User
//! cannot take it (NUM-2), and cannot release it while its Licence runs (NUM-4). The Licence and
//! its Number are written as rows (an Order would create them).

use crate::harness::rows as fixtures;
use crate::harness::{Browser, Console, eventually};
use domain::licence::{Licence, status_on};
use domain::notice::non_renewal_notice;
use domain::term::Term;

const EMAIL: &str = "anne.martin@martin-fils.fr";
const SPANISH_NUMBER: &str = "+34699887766";

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_reads_the_notice_deadline_and_gives_notice_on_time() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    browser.sign_up_in_the_form(EMAIL).await;
    browser.sees("Signed in as").await;
    let db = &console.state.db;
    let (company, manager) = fixtures::company_of(db, EMAIL).await;
    let today = console.state.clock.today();
    let licence_id = fixtures::licence(db, company, manager, 12, today).await;
    let expected = status_on(today, Term::YEARLY, today).unwrap();
    let notice = non_renewal_notice(&Licence::new(today, Term::YEARLY), today).unwrap();
    assert!(notice.on_time);

    // The dashboard has the Licence's deadlines at a glance.
    browser.goto("/console").await;
    browser.sees("Active Licences").await;
    browser
        .sees(&format!(
            "{} (Licence #{licence_id}",
            expected.next_notice_deadline
        ))
        .await;
    browser.sees("No valid payment method is on file").await;

    browser.goto("/console/licences").await;
    browser.sees("Last day to give notice").await;
    browser
        .sees(&expected.current_period.last_day().to_string())
        .await;
    browser.sees(&expected.renewal_date.to_string()).await;
    browser.sees(&expected.notice_last_day.to_string()).await;

    // Before anything is sent, the page says what the notice would do.
    browser.click("Give notice").await;
    browser
        .sees(&format!(
            "this notice is on time: the last day of service will be {}",
            notice.service_last_day
        ))
        .await;
    let untouched: Option<String> =
        sqlx::query_scalar("SELECT notice_received_at FROM licences WHERE id = $1")
            .bind(licence_id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(untouched, None, "nothing is sent before confirming");

    browser.click("Confirm notice").await;
    browser
        .sees(&format!("Notice recorded for Licence #{licence_id}"))
        .await;
    browser.sees(&format!("(on {today})")).await;
    browser.sees("Last day of service").await;
    let received: Option<String> =
        sqlx::query_scalar("SELECT notice_received_at FROM licences WHERE id = $1")
            .bind(licence_id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let received = received.expect("the notice is recorded");
    browser.sees(&received).await;
    // The table now shows the notice instead of the button.
    browser
        .sees(&format!(
            "Given on {today} (on time); last day of service {}",
            notice.service_last_day
        ))
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_number_goes_only_to_a_user_with_links_to_its_country() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    browser.sign_up_in_the_form(EMAIL).await;
    browser.sees("Signed in as").await;
    let db = &console.state.db;
    let (company, manager) = fixtures::company_of(db, EMAIL).await;
    let today = console.state.clock.today();
    let licence = fixtures::licence(db, company, manager, 12, today).await;
    let plan = fixtures::call_plan(db, "Europe Unlimited").await;
    let number = fixtures::number(db, company, licence, plan, SPANISH_NUMBER, "ES").await;
    fixtures::user(db, company, "Luc", "Petit", Some("FR"), &["BE"]).await;
    let marta = fixtures::user(db, company, "Marta", "Ruiz", Some("FR"), &["ES"]).await;

    browser.goto("/console/numbers").await;
    let picker = format!("User for {SPANISH_NUMBER}");
    browser
        .sees("This Number cannot go to a User without links to Spain.")
        .await;
    // The browser refuses Luc before anything is sent.
    browser.choose(&picker, "Luc Petit").await;
    assert_eq!(
        browser.message_for(&picker).await,
        "This Number is in Spain: Luc Petit neither resides in Spain nor has stable links there."
    );
    let assign = browser
        .client
        .find(fantoccini::Locator::XPath(
            "//button[normalize-space(.)='Assign']",
        ))
        .await
        .unwrap();
    assert!(
        assign.attr("disabled").await.unwrap().is_some(),
        "Assign stays disabled for a User who cannot take the Number"
    );

    // Marta has stable links with Spain.
    browser.choose(&picker, "Marta Ruiz").await;
    browser.click("Assign").await;
    eventually("the Number goes to Marta", || async {
        let holder: Option<i64> = sqlx::query_scalar("SELECT user_id FROM numbers WHERE id = $1")
            .bind(number)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        holder == Some(marta)
    })
    .await;
    browser.click("Unassign").await; // shown once the Number has a User
    eventually("the Number has no User", || async {
        let holder: Option<i64> = sqlx::query_scalar("SELECT user_id FROM numbers WHERE id = $1")
            .bind(number)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        holder.is_none()
    })
    .await;

    // NUM-4: the server refuses the release and says from when it would be possible.
    browser.click("Release").await;
    browser
        .sees("This Number follows its Licence's term and cannot be released before it ends")
        .await;
    let owner: Option<i64> = sqlx::query_scalar("SELECT company_id FROM numbers WHERE id = $1")
        .bind(number)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(owner, Some(company));
    browser.close().await;
}
