//! The price list, the pool of Numbers and Orders through the API, on SQLite and PostgreSQL
//! (PRICE-1, PRICE-2, ACCEPT-1, ACCEPT-2, PAY-2).

use crate::support::{
    Backend, Client, TestApp, an_order, app_on, assert_api_error, date, dupont, ready_company,
    signup_form,
};
use axum::body::Body;
use axum::http::{Method, StatusCode};
use domain::Money;
use domain::catalogue::{Billing, follows_mobile_plan};
use domain::order::{OrderForm, OrderFormLine};
use protocol::catalogue::{AvailableNumber, PriceListView};
use serde_json::{Value, json};

on_both_databases!(
    price_list_in_force_on_a_day,
    pool_follows_numbering_plans_and_search_filters,
    an_order_is_placed_recorded_and_visible,
    a_changed_price_refuses_the_order_saying_what_changed,
    a_double_click_places_one_order,
    no_order_without_a_valid_payment_method,
    numbers_taken_by_another_order_are_refused,
    the_gtcs_version_shown_must_be_accepted,
    a_plan_not_sold_in_the_numbers_country_is_refused,
    orders_are_irrevocable,
    another_companys_order_is_not_found,
);

/// The day before the seeded Business price increase of 2027-01-01.
const EVE: &str = "2026-12-31";

async fn price_list(client: &mut Client, on: Option<&str>) -> PriceListView {
    let path = match on {
        Some(on) => format!("/api/console/price-list?on={on}"),
        None => "/api/console/price-list".into(),
    };
    let reply = client.get(&path).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    serde_json::from_slice(&reply.body).unwrap()
}

async fn available(client: &mut Client, query: &str) -> Vec<AvailableNumber> {
    let reply = client
        .get(&format!("/api/console/numbers/available?{query}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    serde_json::from_slice(&reply.body).unwrap()
}

fn plan_id(list: &PriceListView, code: &str) -> i64 {
    list.price_list
        .plans
        .iter()
        .find(|plan| plan.code == code)
        .unwrap()
        .id
}

/// Everything an Order writes, to prove a refusal wrote nothing.
async fn footprint(app: &TestApp) -> [i64; 6] {
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM numbers WHERE company_id IS NOT NULL")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    [
        app.count("orders").await,
        app.count("order_lines").await,
        app.count("licences").await,
        app.count("gtcs_acceptances").await,
        app.count("audit_log").await,
        held,
    ]
}

async fn price_list_in_force_on_a_day(backend: Backend) {
    let app = app_on(backend, EVE).await;
    let (mut client, _) = app.signed_up(&signup_form()).await;
    let business_monthly_1 = |list: &PriceListView| {
        let id = plan_id(list, "BUSINESS");
        list.price_list
            .unit_price(id, Billing::Monthly, 1, list.on)
            .unwrap()
            .unit_price
    };
    let today = price_list(&mut client, None).await;
    assert_eq!(today.on, date(EVE), "the server's today by default");
    assert_eq!(
        business_monthly_1(&today),
        "19.90".parse::<Money>().unwrap()
    );
    let next_year = price_list(&mut client, Some("2027-01-01")).await;
    assert_eq!(
        business_monthly_1(&next_year),
        "21.90".parse::<Money>().unwrap()
    );
    // Only the rows in force are sent: one per plan, payment and tier.
    assert_eq!(next_year.price_list.prices.len(), 18);
    let plans: Vec<&str> = today
        .price_list
        .plans
        .iter()
        .map(|plan| plan.name.as_str())
        .collect();
    assert_eq!(plans, ["Essential", "Business", "Unlimited"]);
    let unlimited = &today.price_list.plans[2];
    assert_eq!(unlimited.included_minutes, None);
    assert!(unlimited.international_with_credits);
    assert_eq!(unlimited.countries.len(), 6);
    assert_eq!(
        today.price_list.discounts.len(),
        1,
        "the annual-payment discount"
    );
    // A French Company pays French VAT.
    assert_eq!(today.vat.rate().to_string(), "20");

    let bad = client.get("/api/console/price-list?on=31/12/2026").await;
    assert_api_error(
        &bad,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("on"),
    );
    let signed_out = app.client().get("/api/console/price-list").await;
    assert_api_error(
        &signed_out,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        None,
    );
}

async fn pool_follows_numbering_plans_and_search_filters(backend: Backend) {
    let app = app_on(backend, EVE).await;
    let (mut client, _) = app.signed_up(&signup_form()).await;
    for country in ["FR", "BE", "ES", "DE", "IT", "GB"] {
        let numbers = available(&mut client, &format!("country={country}&limit=1000")).await;
        assert!(numbers.len() >= 50, "{country}: {} numbers", numbers.len());
        for number in &numbers {
            assert_eq!(number.country.as_str(), country);
            assert!(
                follows_mobile_plan(number.country, &number.e164),
                "{}",
                number.e164
            );
        }
    }
    let some = available(&mut client, "country=FR&limit=5").await;
    assert_eq!(some.len(), 5);
    let digits = &some[3].e164[5..9];
    let matching = available(
        &mut client,
        &format!("country=fr&contains={digits}&limit=1000"),
    )
    .await;
    assert!(matching.iter().any(|number| number.id == some[3].id));
    assert!(matching.iter().all(|number| number.e164.contains(digits)));
    assert!(available(&mut client, "country=CH").await.is_empty());

    let bad = client
        .get("/api/console/numbers/available?country=XX")
        .await;
    assert_api_error(
        &bad,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("country"),
    );
    let bad = client
        .get("/api/console/numbers/available?country=FR&contains=abc")
        .await;
    assert_api_error(
        &bad,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("contains"),
    );
    let bad = client
        .get("/api/console/numbers/available?country=FR&limit=5000")
        .await;
    assert_api_error(
        &bad,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("limit"),
    );
}

async fn an_order_is_placed_recorded_and_visible(backend: Backend) {
    let app = app_on(backend, EVE).await;
    let mut client = ready_company(&app, &signup_form()).await;
    let form = an_order("BUSINESS")
        .numbers(3, "FR")
        .key("order-1")
        .form(&mut client)
        .await;
    let ordered: Vec<i64> = form.lines[0].number_ids.clone();

    let reply = client.post_json("/api/console/orders", &form).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let order = reply.json();
    // 3 × 19.90 = 59.70, French VAT 11.94.
    assert_eq!(order["subtotal"], "59.70");
    assert_eq!(order["vat"], "11.94");
    assert_eq!(order["total"], "71.64");
    assert_eq!(order["total"], json!(form.expected_total));
    assert_eq!(order["gtcs_version"], server::api::GTCS_VERSION);
    assert_eq!(order["placed_by"], "Anne Martin");
    assert_eq!(order["licence"]["term_months"], 1);
    assert_eq!(order["licence"]["anchor"], EVE);
    assert_eq!(
        order["lines"][0]["description"],
        "Business, 3 Numbers, monthly"
    );
    assert_eq!(order["lines"][0]["numbers"].as_array().unwrap().len(), 3);

    // The Numbers now belong to the Company, under the Licence, with the plan.
    let licence_id = order["licence"]["id"].as_i64().unwrap();
    for id in &ordered {
        let (licence, plan): (Option<i64>, Option<i64>) =
            sqlx::query_as("SELECT licence_id, plan_id FROM numbers WHERE id = $1")
                .bind(id)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        assert_eq!(licence, Some(licence_id));
        assert_eq!(plan, Some(form.lines[0].plan_id));
    }
    let still_available = available(&mut client, "country=FR&limit=1000").await;
    assert!(
        still_available
            .iter()
            .all(|number| !ordered.contains(&number.id))
    );

    // ACCEPT-1 and PROOF-1: the acceptance and the proof-log entry.
    let accepted: Vec<(String, String)> =
        sqlx::query_as("SELECT occasion, gtcs_version FROM gtcs_acceptances ORDER BY id")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        accepted.last().unwrap(),
        &("order".to_owned(), server::api::GTCS_VERSION.to_owned())
    );
    let logged: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'order.place'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(logged, 1);

    let list = client.get("/api/console/orders").await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["numbers"], 3);
    assert_eq!(list[0]["total"], "71.64");
    let id = order["id"].as_i64().unwrap();
    let again = client.get(&format!("/api/console/orders/{id}")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json(), order);
}

async fn a_changed_price_refuses_the_order_saying_what_changed(backend: Backend) {
    let app = app_on(backend, EVE).await;
    let mut client = ready_company(&app, &signup_form()).await;
    // The Manager is quoted on 31 December; the order arrives on 1 January, after the increase.
    let form = an_order("BUSINESS")
        .numbers(2, "FR")
        .key("late-order")
        .form(&mut client)
        .await;
    assert_eq!(form.expected_total.to_string(), "47.76");
    app.state.clock.advance_days(1);
    let before = footprint(&app).await;

    let reply = client.post_json("/api/console/orders", &form).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "quote_changed", None);
    assert_eq!(
        reply.json()["error"]["message"],
        "The total is now EUR 52.56 instead of EUR 47.76: the price of Business went from EUR 19.90 to EUR 21.90 on 1 January 2027. Check the new quote and place the order again."
    );
    assert_eq!(
        footprint(&app).await,
        before,
        "a refused order writes nothing"
    );

    // Without the day of the quote, the server still refuses and says the total changed.
    let undated = OrderForm {
        priced_on: None,
        ..form.clone()
    };
    let reply = client.post_json("/api/console/orders", &undated).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "quote_changed", None);
    assert!(
        reply
            .text()
            .contains("The total is now EUR 52.56 instead of EUR 47.76"),
        "{}",
        reply.text()
    );

    // Accepting the new quote with the same key places the order.
    let accepted = OrderForm {
        expected_total: "52.56".parse().unwrap(),
        ..form
    };
    let reply = client.post_json("/api/console/orders", &accepted).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
}

async fn a_double_click_places_one_order(backend: Backend) {
    let app = app_on(backend, EVE).await;
    let mut first = ready_company(&app, &signup_form()).await;
    let mut second = first.clone();
    let form = an_order("ESSENTIAL")
        .numbers(2, "BE")
        .key("double-click")
        .form(&mut first)
        .await;
    let (a, b) = tokio::join!(
        first.post_json("/api/console/orders", &form),
        second.post_json("/api/console/orders", &form)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CREATED],
        "{} / {}",
        a.text(),
        b.text()
    );
    assert_eq!(a.json()["id"], b.json()["id"]);
    assert_eq!(app.count("orders").await, 1);
    assert_eq!(app.count("licences").await, 1);

    // A retry later answers the same Order again.
    let retry = first.post_json("/api/console/orders", &form).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.json()["id"], a.json()["id"]);
    assert_eq!(app.count("orders").await, 1);
    // The key is the Company's own: another Company may use the same one.
    let mut other = ready_company(&app, &dupont()).await;
    let theirs = an_order("ESSENTIAL")
        .numbers(1, "BE")
        .key("double-click")
        .form(&mut other)
        .await;
    let reply = other.post_json("/api/console/orders", &theirs).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_ne!(reply.json()["id"], a.json()["id"]);
}

async fn no_order_without_a_valid_payment_method(backend: Backend) {
    let app = app_on(backend, EVE).await;
    let (mut client, _) = app.signed_up(&signup_form()).await;
    let form = an_order("ESSENTIAL").key("no-card").form(&mut client).await;
    let before = footprint(&app).await;
    let reply = client.post_json("/api/console/orders", &form).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "no_payment_method", None);
    assert!(reply.text().contains("payment method"));
    assert_eq!(footprint(&app).await, before);
}

async fn numbers_taken_by_another_order_are_refused(backend: Backend) {
    let app = app_on(backend, EVE).await;
    let mut first = ready_company(&app, &signup_form()).await;
    let mut second = ready_company(&app, &dupont()).await;
    // Both Companies see the same Numbers and put them in their basket.
    let theirs = an_order("UNLIMITED")
        .numbers(2, "GB")
        .key("second")
        .form(&mut second)
        .await;
    let mine = an_order("UNLIMITED")
        .numbers(1, "GB")
        .key("first")
        .form(&mut first)
        .await;
    assert_eq!(mine.lines[0].number_ids[0], theirs.lines[0].number_ids[0]);
    let reply = first.post_json("/api/console/orders", &mine).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let taken = reply.json()["lines"][0]["numbers"][0]
        .as_str()
        .unwrap()
        .to_owned();

    let before = footprint(&app).await;
    let reply = second.post_json("/api/console/orders", &theirs).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "numbers_taken", None);
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.starts_with(&format!(
            "This Number was just taken by another order: {taken}."
        )),
        "{message}"
    );
    assert_eq!(footprint(&app).await, before);
}

async fn the_gtcs_version_shown_must_be_accepted(backend: Backend) {
    let app = app_on(backend, EVE).await;
    let mut client = ready_company(&app, &signup_form()).await;
    let form = an_order("ESSENTIAL")
        .numbers(1, "ES")
        .key("gtcs")
        .form(&mut client)
        .await;
    let before = footprint(&app).await;
    for accepted in [None, Some("2020-01".to_owned())] {
        let refused = OrderForm {
            accepted_gtcs_version: accepted,
            ..form.clone()
        };
        let reply = client.post_json("/api/console/orders", &refused).await;
        assert_api_error(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("accepted_gtcs_version"),
        );
    }
    let empty = OrderForm {
        lines: vec![],
        ..form.clone()
    };
    let reply = client.post_json("/api/console/orders", &empty).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("lines"),
    );
    let reply = client
        .post_raw(
            "/api/console/orders",
            "application/json",
            "{\"billing\": \"weekly\"}",
        )
        .await;
    assert_api_error(&reply, StatusCode::BAD_REQUEST, "malformed_body", None);
    assert_eq!(footprint(&app).await, before);
}

async fn a_plan_not_sold_in_the_numbers_country_is_refused(backend: Backend) {
    let app = app_on(backend, EVE).await;
    let mut client = ready_company(&app, &signup_form()).await;
    // Essential is not sold in Germany.
    let mut form = an_order("BUSINESS")
        .numbers(1, "DE")
        .key("de")
        .form(&mut client)
        .await;
    let list = price_list(&mut client, None).await;
    form.lines[0].plan_id = plan_id(&list, "ESSENTIAL");
    let before = footprint(&app).await;
    let reply = client.post_json("/api/console/orders", &form).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "order_impossible",
        Some("lines"),
    );
    assert!(
        reply.text().contains("Essential is not sold in Germany"),
        "{}",
        reply.text()
    );
    let unknown = OrderForm {
        lines: vec![OrderFormLine {
            plan_id: 1,
            number_ids: vec![999_999],
        }],
        ..form
    };
    let reply = client.post_json("/api/console/orders", &unknown).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "order_impossible",
        Some("lines"),
    );
    assert_eq!(footprint(&app).await, before);
}

async fn orders_are_irrevocable(backend: Backend) {
    let app = app_on(backend, EVE).await;
    let mut client = ready_company(&app, &signup_form()).await;
    let form = an_order("ESSENTIAL").key("final").form(&mut client).await;
    let order = client.post_json("/api/console/orders", &form).await.json();
    let id = order["id"].as_i64().unwrap();
    // ACCEPT-2: no route edits or deletes an Order.
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        for path in [
            format!("/api/console/orders/{id}"),
            "/api/console/orders".to_owned(),
        ] {
            let reply = client
                .send(
                    method.clone(),
                    &path,
                    &[("content-type", "application/json")],
                    Body::from("{}"),
                )
                .await;
            assert_api_error(
                &reply,
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                None,
            );
        }
    }
    assert_eq!(
        client
            .get(&format!("/api/console/orders/{id}"))
            .await
            .json(),
        order
    );
    // And the database refuses it too.
    for statement in [
        "UPDATE orders SET total_cents = 0",
        "DELETE FROM orders",
        "UPDATE order_lines SET net_cents = 0",
        "DELETE FROM order_lines",
        "DELETE FROM order_line_numbers",
    ] {
        let refused = sqlx::query(statement).execute(&app.state.db.pool).await;
        assert!(refused.is_err(), "{statement} was allowed");
    }
    assert_eq!(
        client
            .get(&format!("/api/console/orders/{id}"))
            .await
            .json(),
        order
    );
}

async fn another_companys_order_is_not_found(backend: Backend) {
    let app = app_on(backend, EVE).await;
    let mut first = ready_company(&app, &signup_form()).await;
    let form = an_order("ESSENTIAL").key("mine").form(&mut first).await;
    let id = first.post_json("/api/console/orders", &form).await.json()["id"]
        .as_i64()
        .unwrap();
    let mut other = ready_company(&app, &dupont()).await;
    let reply = other.get(&format!("/api/console/orders/{id}")).await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    let missing = first
        .get(&format!("/api/console/orders/{}", id + 1000))
        .await;
    assert_api_error(&missing, StatusCode::NOT_FOUND, "not_found", None);
    let garbage = first.get("/api/console/orders/abc").await;
    assert_api_error(&garbage, StatusCode::NOT_FOUND, "not_found", None);
    assert!(
        other
            .get("/api/console/orders")
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
    let value: Value = first.get("/api/console/orders").await.json();
    assert_eq!(value.as_array().unwrap().len(), 1);
}
