//! End to end, in headless Chromium: the provider terminates a Licence for fault (TERM-1,
//! TERM-2) through its admin route, and the Manager reads on the Licences page that it ended,
//! why, and what falls due as `termination.fault_amount` computed it.

use crate::harness::{Browser, Console};
use axum::http::StatusCode;

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_sees_the_amount_due_after_a_termination_for_fault() {
    let console = Console::start().await;
    let browser = Browser::launch(&console.url).await;
    browser
        .sign_up_company("Martin & Fils SAS", "anne@martin-fils.fr")
        .await;
    // A yearly Licence, as an Order makes it: one Essential Number, EUR 99.00 less the 5 %
    // annual discount (4.95), net 94.05.
    let script = r#"
        const done = arguments[arguments.length - 1];
        await fetch('/api/console/company/payment-methods', {
            method: 'POST', headers: {'content-type': 'application/json'},
            body: JSON.stringify({kind: 'sepa', label: 'Main account', last4: '1234', expiry: ''})});
        const list = await (await fetch('/api/console/price-list')).json();
        const numbers = await (await fetch('/api/console/numbers/available?country=FR&limit=1')).json();
        done([list, numbers]);"#;
    let answer = browser.client.execute_async(script, vec![]).await.unwrap();
    let list: protocol::catalogue::PriceListView =
        serde_json::from_value(answer[0].clone()).unwrap();
    let numbers: Vec<protocol::catalogue::AvailableNumber> =
        serde_json::from_value(answer[1].clone()).unwrap();
    let plan_id = list
        .price_list
        .plans
        .iter()
        .find(|plan| plan.code == "ESSENTIAL")
        .unwrap()
        .id;
    let billing = domain::catalogue::Billing::Annual;
    let lines = [domain::order::LineRequest {
        plan_id,
        quantity: 1,
    }];
    let quote =
        domain::order::quote_order(&list.price_list, billing, &lines, list.on, list.vat).unwrap();
    let form = domain::order::OrderForm {
        idempotency_key: "order-1".into(),
        billing,
        lines: vec![domain::order::OrderFormLine {
            plan_id,
            number_ids: vec![numbers[0].id],
        }],
        accepted_gtcs_version: Some(server::api::GTCS_VERSION.into()),
        expected_total: quote.total,
        priced_on: Some(list.on),
    };
    let post = r#"
        const [form, done] = arguments;
        const reply = await fetch('/api/console/orders', {
            method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(form)});
        done((await reply.json()).licence.id);"#;
    let licence = browser
        .client
        .execute_async(post, vec![serde_json::to_value(&form).unwrap()])
        .await
        .unwrap()
        .as_i64()
        .unwrap();

    let (status, _) = console
        .as_provider(
            &format!("/api/admin/licences/{licence}/fault-termination"),
            serde_json::json!({"reason": "Suspected fraud on the account."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    browser.goto("/console").await;
    browser.click("Licences").await;
    browser
        .sees(&format!("Licence #{licence} terminated for fault"))
        .await;
    browser.sees("Suspected fraud on the account.").await;
    // Terminated the day it began: the 11 months not begun, at 94.05 / 12 = 7.8375 each,
    // + 20 % = 103.455 → 103.46; the discount of 4.95 is reimbursed; 108.41 in all.
    browser.sees("Amount due (GTCS 6.2.2)").await;
    browser.sees("11 × EUR 7.84").await;
    browser.sees("EUR 103.46").await;
    browser.sees("EUR 4.95").await;
    browser.sees("EUR 108.41").await;
    browser.close().await;
}
