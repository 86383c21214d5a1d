//! Price changes (PRICE-4, PRICE-5), through the API, on SQLite and PostgreSQL: the provider's
//! notice (a provider's route, for administrators), what Managers see, and their termination.

use crate::support::{
    Backend, Client, Reply, TestApp, admin_app_on, admin_post, an_order, app_on, assert_api_error,
    date, logged, ready_company, shift_days, signup_form, zebra,
};
use axum::body::Body;
use axum::http::{Method, StatusCode};
use protocol::backoffice::OperatorRole;
use serde_json::{Value, json};

on_both_databases!(
    the_providers_routes_need_an_operator_of_the_right_role,
    an_increase_announced_too_late_is_refused_and_nothing_is_saved,
    a_valid_increase_joins_the_price_list_and_is_shown_to_managers_concerned,
    termination_on_time_ends_the_licences_once,
    termination_after_the_last_day_is_refused_with_that_day,
    indexation_applies_the_index_and_gives_no_termination_right,
);

const TODAY: &str = "2026-11-15";

/// A signed-up Company with a BUSINESS Licence of `numbers` French Numbers.
async fn company_with_business_licence(app: &TestApp, numbers: usize) -> (Client, i64) {
    let mut manager = ready_company(app, &signup_form()).await;
    let placed = an_order("BUSINESS")
        .numbers(numbers, "FR")
        .place(&mut manager)
        .await;
    (manager, placed["licence"]["id"].as_i64().unwrap())
}

async fn announce(app: &TestApp, body: &Value) -> Reply {
    admin_post(app, "/api/admin/price-changes", body.clone()).await
}

fn business_increase(effective_on: &str) -> Value {
    json!({
        "plan_code": "BUSINESS",
        "kind": "non_indexed",
        "effective_on": effective_on,
        "prices": [{"billing": "monthly", "min_quantity": 1, "unit_price": "22.90"},
                   {"billing": "annual", "min_quantity": 1, "unit_price": "229.00"}],
    })
}

async fn prices_from(app: &TestApp, day: &str) -> Vec<(String, i64, i64)> {
    sqlx::query_as(
        "SELECT p.billing, p.min_quantity, p.unit_price_cents FROM call_plan_prices p
         JOIN call_plans c ON c.id = p.plan_id
         WHERE c.code = 'BUSINESS' AND p.valid_from = $1 ORDER BY p.billing, p.min_quantity",
    )
    .bind(day)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

/// Issue 14: the provider's routes answer operators only, each for their role's actions: not a
/// visitor, not a Company's Manager, not a forged session, not a support operator.
async fn the_providers_routes_need_an_operator_of_the_right_role(backend: Backend) {
    let app = app_on(backend, TODAY).await;
    let (manager, _) = app.signed_up(&signup_form()).await;
    let support = app.operator_cookie(OperatorRole::Support).await;
    let stranger = app.client();
    let cases = [
        (stranger.clone(), None, "operator_sign_in_needed"),
        (manager.clone(), None, "operator_sign_in_needed"),
        (
            stranger.clone(),
            Some("backoffice_session=0123abcd".to_owned()),
            "operator_sign_in_needed",
        ),
        (stranger, Some(support), "operator_role_forbidden"),
    ];
    for (mut client, cookie, code) in cases {
        let mut headers = vec![("content-type", "application/json")];
        if let Some(cookie) = &cookie {
            headers.push(("cookie", cookie.as_str()));
        }
        let reply = client
            .send(
                Method::POST,
                "/api/admin/price-changes",
                &headers,
                Body::from(business_increase("2027-02-01").to_string()),
            )
            .await;
        assert_api_error(&reply, StatusCode::FORBIDDEN, code, None);
    }
    assert_eq!(app.count("price_change_notices").await, 0);
}

/// PRICE-5: informed on 15 Nov, a new price may apply from 16 Dec at the earliest.
async fn an_increase_announced_too_late_is_refused_and_nothing_is_saved(backend: Backend) {
    let app = admin_app_on(backend, TODAY).await;
    let prices_before = app.count("call_plan_prices").await;
    let reply = announce(&app, &business_increase("2026-12-15")).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "price_change_invalid",
        Some("effective_on"),
    );
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("2026-12-16"), "{message}");

    // A reduction is no price-change notice (PRICE-3), nor is an unknown plan or tier.
    let cases = [
        (
            json!({"plan_code": "BUSINESS", "kind": "non_indexed", "effective_on": "2027-02-01",
                "prices": [{"billing": "monthly", "min_quantity": 1, "unit_price": "9.90"}]}),
            "prices",
        ),
        (
            json!({"plan_code": "BUSINESS", "kind": "non_indexed", "effective_on": "2027-02-01",
                "prices": [{"billing": "monthly", "min_quantity": 7, "unit_price": "29.90"}]}),
            "prices",
        ),
        (
            json!({"plan_code": "NOPE", "kind": "non_indexed", "effective_on": "2027-02-01",
                "prices": []}),
            "plan_code",
        ),
        (
            json!({"plan_code": "BUSINESS", "kind": "indexed", "effective_on": "2027-02-01"}),
            "index_new",
        ),
    ];
    for (body, field) in cases {
        let reply = announce(&app, &body).await;
        assert_api_error(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "price_change_invalid",
            Some(field),
        );
    }
    // The seeded 2027-01-01 BUSINESS price: a second price that day is refused as a whole.
    let reply = announce(&app, &business_increase("2027-01-01")).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "price_already_scheduled",
        Some("effective_on"),
    );
    assert_eq!(app.count("price_change_notices").await, 0);
    assert_eq!(app.count("price_change_prices").await, 0);
    assert_eq!(app.count("call_plan_prices").await, prices_before);
}

async fn a_valid_increase_joins_the_price_list_and_is_shown_to_managers_concerned(
    backend: Backend,
) {
    let app = admin_app_on(backend, TODAY).await;
    let (mut manager, licence) = company_with_business_licence(&app, 2).await;
    // Another Company without any BUSINESS Number is not concerned.
    let (mut other, _) = app.signed_up(&zebra()).await;

    let created = announce(&app, &business_increase("2027-02-01"))
        .await
        .expect_json(StatusCode::CREATED);
    assert_eq!(created["informed_on"], TODAY);
    assert_eq!(
        prices_from(&app, "2027-02-01").await,
        [("annual".into(), 1, 22900), ("monthly".into(), 1, 2290)]
    );

    let notices = manager
        .get("/api/console/price-changes")
        .await
        .expect_json(StatusCode::OK);
    let notices = notices.as_array().unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    let notice = &notices[0];
    assert_eq!(notice["plan_code"], "BUSINESS");
    assert_eq!(notice["effective_on"], "2027-02-01");
    assert_eq!(notice["check"]["valid"], true);
    assert_eq!(notice["check"]["termination_right"], true);
    // Rule T: 10 days before 1 Feb.
    assert_eq!(notice["check"]["termination_notice_last_day"], "2027-01-21");
    assert_eq!(notice["licence_ids"], json!([licence]));
    let monthly = notice["prices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|price| price["billing"] == "monthly")
        .unwrap();
    // The price it replaces is the one in force the day before: the seeded 2027-01-01 row.
    assert_eq!(monthly["old_unit_price"], "21.90");
    assert_eq!(monthly["unit_price"], "22.90");

    let theirs = other
        .get("/api/console/price-changes")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(theirs, json!([]));
    let id = notice["id"].as_i64().unwrap();
    let reply = other
        .post_json(
            &format!("/api/console/price-changes/{id}/termination"),
            &json!({}),
        )
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
}

async fn termination_on_time_ends_the_licences_once(backend: Backend) {
    let app = admin_app_on(backend, TODAY).await;
    let (mut manager, licence) = company_with_business_licence(&app, 1).await;
    let created = announce(&app, &business_increase("2027-02-01"))
        .await
        .expect_json(StatusCode::CREATED);
    let id = created["id"].as_i64().unwrap();
    // The last day itself is on time (21 Jan).
    shift_days(
        &app,
        &mut manager,
        (date("2027-01-21") - date(TODAY)).num_days(),
    )
    .await;
    let path = format!("/api/console/price-changes/{id}/termination");
    let view = manager
        .post_json(&path, &json!({}))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(view["termination"]["service_last_day"], "2027-01-31");
    assert_eq!(view["termination"]["licence_ids"], json!([licence]));
    let subject = format!("licence:{licence}");
    assert_eq!(
        logged(&app, "licence.terminate_after_increase", &subject).await,
        1
    );

    let reply = manager.post_json(&path, &json!({})).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "already_terminated", None);
    assert_eq!(app.count("licence_terminations").await, 1);
    // Still listed, with its termination.
    let notices = manager
        .get("/api/console/price-changes")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(notices[0]["termination"]["licence_ids"], json!([licence]));

    // The scheduler ends the Licence after its last day of service and never renews it again:
    // the 15 Feb renewal (after the 31 Jan last day) is not invoiced.
    app.state.clock.advance_days(30);
    server::scheduler::catch_up(&app.state.db, &app.state.clock)
        .await
        .expect("the scheduler runs");
    let status: String = sqlx::query_scalar("SELECT status FROM licences WHERE id = $1")
        .bind(licence)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "ended");
    let renewals_after_the_end: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM invoices WHERE licence_id = $1 AND period_first_day > '2027-01-31'",
    )
    .bind(licence)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(renewals_after_the_end, 0);
}

async fn termination_after_the_last_day_is_refused_with_that_day(backend: Backend) {
    let app = admin_app_on(backend, TODAY).await;
    let (mut manager, _) = company_with_business_licence(&app, 1).await;
    let created = announce(&app, &business_increase("2027-02-01"))
        .await
        .expect_json(StatusCode::CREATED);
    let id = created["id"].as_i64().unwrap();
    shift_days(
        &app,
        &mut manager,
        (date("2027-01-22") - date(TODAY)).num_days(),
    )
    .await;
    let reply = manager
        .post_json(
            &format!("/api/console/price-changes/{id}/termination"),
            &json!({}),
        )
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "termination_too_late", None);
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("2027-01-21"), "{message}");
    assert_eq!(app.count("licence_terminations").await, 0);
}

/// PRICE-4: prices follow the index (rounded to the cent), no termination right, and a second
/// indexation within 12 months is refused.
async fn indexation_applies_the_index_and_gives_no_termination_right(backend: Backend) {
    let app = admin_app_on(backend, TODAY).await;
    let (mut manager, _) = company_with_business_licence(&app, 1).await;
    let indexation = |effective_on: &str| {
        json!({"plan_code": "BUSINESS", "kind": "indexed", "effective_on": effective_on,
               "index_base": "118.62", "index_new": "121.47"})
    };
    let created = announce(&app, &indexation("2027-03-01"))
        .await
        .expect_json(StatusCode::CREATED);
    let id = created["id"].as_i64().unwrap();
    let prices = prices_from(&app, "2027-03-01").await;
    // 21.90 × 121.47 / 118.62 = 22.4262… → 22.43 (the 2027-01-01 monthly price is indexed).
    assert!(prices.contains(&("monthly".into(), 1, 2243)), "{prices:?}");
    // 199.00 × 121.47 / 118.62 = 203.78…
    assert!(prices.contains(&("annual".into(), 1, 20378)), "{prices:?}");
    assert_eq!(prices.len(), 6, "every tier is indexed: {prices:?}");

    let notices = manager
        .get("/api/console/price-changes")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(notices[0]["check"]["termination_right"], false);
    assert!(notices[0]["check"]["termination_notice_last_day"].is_null());
    let reply = manager
        .post_json(
            &format!("/api/console/price-changes/{id}/termination"),
            &json!({}),
        )
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "no_termination_right", None);

    let reply = announce(&app, &indexation("2027-12-01")).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "price_change_invalid",
        Some("effective_on"),
    );
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("2028-03-01"), "{message}");
    assert_eq!(app.count("price_change_notices").await, 1);
}
