//! Payment default and discounts through the API, on SQLite and PostgreSQL (LATE-3, GTCS 5.3;
//! house reading "Payment default and discounts"): from the day an invoice becomes overdue, no
//! discount applies to any later invoice of the Company until every Licence in force that day
//! has ended; paying the arrears does not bring them back.

use crate::support::{
    Backend, Client, an_order, app_on, catch_up, company, count_where, invoice, invoices, log_in,
    payment, price_list, ready_company, top_up,
};
use axum::http::StatusCode;
use domain::payment_default::Standing;
use serde_json::{Value, json};

on_both_databases!(discounts_stay_withheld_after_payment_until_the_licences_of_that_day_end);

async fn pay(client: &mut Client, invoice_id: i64) {
    let reply = client
        .post_json(
            &format!("/api/console/invoices/{invoice_id}/payments"),
            &payment(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
}

async fn attention(client: &mut Client) -> Vec<Value> {
    let reply = client.get("/api/console/dashboard").await;
    reply.expect_json(StatusCode::OK)["attention"]
        .as_array()
        .unwrap()
        .clone()
}

/// Pays every invoice still unpaid, so that only the default under test counts.
async fn pay_all(client: &mut Client) {
    for listed in invoices(client).await {
        if listed["status"] != "paid" {
            pay(client, listed["id"].as_i64().unwrap()).await;
        }
    }
}

async fn discounts_stay_withheld_after_payment_until_the_licences_of_that_day_end(
    backend: Backend,
) {
    let app = app_on(backend, "2026-09-01").await;
    let mut client = ready_company(&app, &company(1)).await;
    let mut other = ready_company(&app, &company(2)).await;
    // The Licence in force on the day of the default: monthly, left unpaid.
    let monthly = an_order("BUSINESS").key("order-1").place(&mut client).await;
    let in_force = monthly["licence"]["id"].as_i64().unwrap();
    let unpaid = invoices(&mut client).await[0]["id"].as_i64().unwrap();
    assert_eq!(
        price_list(&mut client).await.payment_default,
        Standing::Advantages
    );
    catch_up(&app).await;

    // 2 September: the invoice is overdue, the Company in default.
    app.state.clock.advance_days(1);
    catch_up(&app).await;
    assert_eq!(invoice(&mut client, unpaid).await["status"], "overdue");
    let listed = price_list(&mut client).await;
    assert!(listed.discounts_cancelled);
    assert!(listed.price_list.discounts.is_empty());
    assert_eq!(
        listed.payment_default,
        Standing::Withheld {
            since: "2026-09-02".parse().unwrap(),
            until_ended: vec![in_force],
            back_on: None,
        }
    );
    let shown = attention(&mut client).await;
    let default = shown
        .iter()
        .find(|item| item["kind"] == "payment_default")
        .expect("the dashboard says it");
    assert!(
        default["message"]
            .as_str()
            .unwrap()
            .starts_with("Payment default since 2 September 2026: no discounts until Licence"),
        "{default}"
    );
    let page = client
        .get("/api/console/company")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(page["payment_default"]["kind"], "withheld");
    assert_eq!(page["payment_default"]["since"], "2026-09-02");
    let others = price_list(&mut other).await;
    assert_eq!(others.payment_default, Standing::Advantages);
    assert!(!others.price_list.discounts.is_empty());
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'company.payment_default'"
        )
        .await,
        1
    );

    // Paying the arrears does not bring the discounts back.
    pay(&mut client, unpaid).await;
    assert!(price_list(&mut client).await.discounts_cancelled);

    // An Order: the quote with the other Company's discount is refused, the one without placed.
    let discounted = an_order("BUSINESS")
        .annual()
        .key("x")
        .form(&mut other)
        .await;
    let mut tried = an_order("BUSINESS")
        .annual()
        .key("order-2")
        .form(&mut client)
        .await;
    assert!(tried.expected_total > discounted.expected_total);
    let mut with_discount = tried.clone();
    with_discount.expected_total = discounted.expected_total;
    let reply = client
        .post_json("/api/console/orders", &with_discount)
        .await;
    assert!(reply.status.is_client_error(), "{}", reply.text());
    tried.idempotency_key = "order-3".into();
    let reply = client.post_json("/api/console/orders", &tried).await;
    let annual = reply.expect_json(StatusCode::CREATED);
    assert_eq!(annual["lines"][0]["discount_pct"], "0");
    // A top-up: its invoice is the amount and VAT, nothing deducted.
    let reply = client
        .post_json("/api/console/credits/top-ups", &top_up("50"))
        .await;
    let topped = reply.expect_json(StatusCode::CREATED);
    let topped = invoice(&mut client, topped["invoice_id"].as_i64().unwrap()).await;
    assert_eq!(topped["subtotal"], "50.00");
    assert_eq!(topped["lines"][0]["discount_pct"], "0");
    pay_all(&mut client).await;

    // A notice ends the Licence in force that day on 30 September: now a date can be given.
    let reply = client
        .post_json(
            &format!("/api/console/licences/{in_force}/notice"),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let standing = price_list(&mut client).await.payment_default;
    assert_eq!(
        standing,
        Standing::Withheld {
            since: "2026-09-02".parse().unwrap(),
            until_ended: vec![in_force],
            back_on: Some("2026-10-01".parse().unwrap()),
        }
    );
    assert!(
        standing
            .sentence()
            .unwrap()
            .contains("until 1 October 2026"),
        "{standing:?}"
    );
    // The Licence ordered during the default (still running) does not hold them back.
    app.state.clock.advance_days(28);
    catch_up(&app).await;
    client = log_in(&app, &company(1)).await;
    assert!(price_list(&mut client).await.discounts_cancelled);
    app.state.clock.advance_days(1);
    catch_up(&app).await;
    let listed = price_list(&mut client).await;
    assert_eq!(listed.payment_default, Standing::Advantages);
    assert!(!listed.price_list.discounts.is_empty());
    assert!(
        attention(&mut client)
            .await
            .iter()
            .all(|item| item["kind"] != "payment_default")
    );
    let order = an_order("BUSINESS")
        .annual()
        .key("order-4")
        .place(&mut client)
        .await;
    assert_eq!(order["lines"][0]["discount_pct"], "5");
}
