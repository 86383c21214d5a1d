//! End to end, in headless Chromium: a Manager reads a price increase announced for a Call Plan
//! of its Licence (PRICE-5), with the last day to terminate, and terminates on time; after that
//! day the browser refuses the termination itself, with the last day, and nothing is sent.

use crate::harness::{Browser, Console, date};
use chrono::Utc;
use domain::catalogue::Billing;
use domain::money::Money;
use domain::price_change::ChangedTier;
use protocol::price_changes::NoticeKind;
use server::store::price_changes::{self, NewNotice};

/// The provider's notice, as the admin route stores it once `price_change.validate` accepted it
/// (the route itself is covered by api/price_changes.rs): BUSINESS monthly 21.90 → 22.90 from
/// 1 Feb 2027, informed on 15 Nov 2026.
async fn announce_increase(console: &Console) {
    let plan = price_changes::plan_by_code(&console.state.db, "BUSINESS")
        .await
        .unwrap()
        .unwrap();
    let notice = NewNotice {
        plan_id: plan.id,
        kind: NoticeKind::NonIndexed,
        informed_on: date("2026-11-15"),
        effective_on: date("2027-02-01"),
        index_base: None,
        index_new: None,
        previous_indexation: None,
        prices: vec![ChangedTier {
            billing: Billing::Monthly,
            min_quantity: 1,
            old_unit_price: Money::from_cents(2190),
            unit_price: Money::from_cents(2290),
        }],
    };
    price_changes::create(&console.state.db, &notice, Utc::now())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_terminates_on_time_after_a_price_increase() {
    let console = Console::start().await;
    console.set_today("2026-11-15");
    let browser = Browser::launch(&console.url).await;
    browser
        .ready_company("anne@martin-fils.fr", "Main account")
        .await;
    browser.order_one_number("BUSINESS").await;
    announce_increase(&console).await;
    console.set_today("2027-01-21");
    browser.log_in_again("anne@martin-fils.fr").await;

    browser.goto("/console").await;
    browser.click("Price changes").await;
    assert_eq!(browser.heading().await, "Price changes");
    browser.sees("Business: Price increase").await;
    browser.sees("2027-02-01").await;
    browser.sees("EUR 21.90").await;
    browser.sees("EUR 22.90").await;
    browser
        .sees("You may terminate the Licences concerned until 2027-01-21.")
        .await;
    browser.click("Terminate").await;
    browser
        .sees("Termination recorded: the Licences concerned end on 2027-01-31, before the new price applies.")
        .await;
    browser.sees("Licences #1 end on 2027-01-31.").await;
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM licence_terminations")
            .await,
        1
    );
    // The Licences page shows it too.
    browser.click("Licences").await;
    browser
        .sees("Licence #1 terminated after a price increase")
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_browser_refuses_a_late_termination_with_the_last_day() {
    let console = Console::start().await;
    console.set_today("2026-11-15");
    let browser = Browser::launch(&console.url).await;
    browser
        .ready_company("anne@martin-fils.fr", "Main account")
        .await;
    browser.order_one_number("BUSINESS").await;
    announce_increase(&console).await;
    console.set_today("2027-01-22");
    browser.log_in_again("anne@martin-fils.fr").await;

    browser.goto("/console/price-changes").await;
    browser.click("Terminate").await;
    browser
        .sees("Too late: the last day to terminate before this increase was 2027-01-21")
        .await;
    assert_eq!(
        console
            .count("SELECT COUNT(*) FROM licence_terminations")
            .await,
        0
    );
    browser.close().await;
}
