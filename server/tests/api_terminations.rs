//! Termination for fault (TERM-1, TERM-2), on SQLite and PostgreSQL: the provider ends a Licence
//! through its admin route, and the Manager sees what falls due as `termination.fault_amount`
//! computes it.

mod support;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::{NaiveDate, TimeDelta};
use domain::catalogue::Billing;
use domain::order::{LineRequest, OrderForm, OrderFormLine, quote_order};
use protocol::catalogue::{AvailableNumber, PriceListView};
use serde_json::{Value, json};
use support::{Backend, Client, Reply, TestApp, assert_api_error, signup_form};

on_both_databases!(
    fault_termination_ends_the_licence_and_shows_the_amount_due,
    fault_termination_is_refused_without_a_reason_twice_or_without_the_token,
);

const TOKEN: &str = "provider-secret-token";

fn date(raw: &str) -> NaiveDate {
    raw.parse().unwrap()
}

/// An annual Order of one BUSINESS Number (EUR 199.00, 5 % annual discount), priced as the app
/// prices it.
async fn annual_order(client: &mut Client) -> OrderForm {
    let list: PriceListView =
        serde_json::from_slice(&client.get("/api/console/price-list").await.body).unwrap();
    let plan_id = list
        .price_list
        .plans
        .iter()
        .find(|plan| plan.code == "BUSINESS")
        .unwrap()
        .id;
    let reply = client
        .get("/api/console/numbers/available?country=FR&limit=1")
        .await;
    let found: Vec<AvailableNumber> = serde_json::from_slice(&reply.body).unwrap();
    let lines = [LineRequest {
        plan_id,
        quantity: 1,
    }];
    let quote = quote_order(&list.price_list, Billing::Annual, &lines, list.on, list.vat).unwrap();
    OrderForm {
        idempotency_key: "annual-1".into(),
        billing: Billing::Annual,
        lines: vec![OrderFormLine {
            plan_id,
            number_ids: found.iter().map(|number| number.id).collect(),
        }],
        accepted_gtcs_version: Some(server::api::GTCS_VERSION.into()),
        expected_total: quote.total,
        priced_on: Some(list.on),
    }
}

async fn company_with_annual_licence(app: &TestApp) -> (Client, i64) {
    let (mut manager, _) = app.signed_up(&signup_form()).await;
    let reply = manager
        .post_json(
            "/api/console/company/payment-methods",
            &json!({"kind": "sepa", "label": "Main account", "last4": "1234", "expiry": ""}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let form = annual_order(&mut manager).await;
    let reply = manager.post_json("/api/console/orders", &form).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    (manager, reply.json()["licence"]["id"].as_i64().unwrap())
}

async fn terminate(app: &TestApp, licence: i64, body: &Value, token: &str) -> Reply {
    app.client()
        .send(
            Method::POST,
            &format!("/api/admin/licences/{licence}/fault-termination"),
            &[
                ("content-type", "application/json"),
                ("authorization", &format!("Bearer {token}")),
            ],
            Body::from(body.to_string()),
        )
        .await
}

/// Ordered on 15 Nov 2026 for a year; terminated on 20 Feb 2027: the months beginning 15 Mar to
/// 15 Oct remain (8). Instalment 189.05 / 12; 8 × 15.7541… × 1.20 = 151.24; the annual discount
/// of 9.95 is reimbursed; 161.19 in all.
async fn fault_termination_ends_the_licence_and_shows_the_amount_due(backend: Backend) {
    let app = TestApp::options(backend)
        .today(date("2026-11-15"))
        .admin_token(TOKEN)
        .start()
        .await;
    let (mut manager, licence) = company_with_annual_licence(&app).await;
    let (mut other, _) = app
        .signed_up(&protocol::SignupForm {
            email: "zoe@zebra.fr".into(),
            legal_name: "Zebra SARL".into(),
            ..signup_form()
        })
        .await;
    app.state.clock.shift_by(TimeDelta::days(97));
    assert_eq!(app.state.clock.today(), date("2027-02-20"));

    let reply = terminate(
        &app,
        licence,
        &json!({"reason": "Suspected fraud: Numbers resold to third parties."}),
        TOKEN,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let recorded = reply.json();
    assert_eq!(recorded["cause"], "fault");
    assert_eq!(recorded["service_last_day"], "2027-02-20");
    let due = &recorded["amount_due"];
    assert_eq!(due["remaining_instalments"], 8);
    assert_eq!(due["monthly_instalment"], "15.75");
    assert_eq!(due["accelerated_instalments"], "151.24");
    assert_eq!(due["discounts_reimbursed"], "9.95");
    assert_eq!(due["total"], "161.19");

    // The Manager (signed in again: sessions last 14 days) sees it, and the Licence has ended.
    let form = signup_form();
    let reply = manager
        .post_json(
            "/api/session",
            &json!({"email": form.email, "password": form.password}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let listed = manager.get("/api/console/terminations").await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    assert_eq!(listed.json(), json!([recorded]));
    let licences = manager.get("/api/console/licences").await.json();
    assert_eq!(licences[0]["status"], "ended");
    let entries: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'licence.terminate_for_fault' AND subject = $1",
    )
    .bind(format!("licence:{licence}"))
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(entries, 1);

    let reply = other
        .post_json(
            "/api/session",
            &json!({"email": "zoe@zebra.fr", "password": form.password}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        other.get("/api/console/terminations").await.json(),
        json!([])
    );
}

async fn fault_termination_is_refused_without_a_reason_twice_or_without_the_token(
    backend: Backend,
) {
    let app = TestApp::options(backend)
        .today(date("2026-11-15"))
        .admin_token(TOKEN)
        .start()
        .await;
    let (_, licence) = company_with_annual_licence(&app).await;
    let reason = json!({"reason": "Breach of the licence."});

    let reply = terminate(&app, licence, &reason, "wrong").await;
    assert_api_error(&reply, StatusCode::UNAUTHORIZED, "admin_unauthorized", None);
    let reply = terminate(&app, licence, &json!({"reason": "  "}), TOKEN).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("reason"),
    );
    let reply = terminate(&app, 987_654_321, &reason, TOKEN).await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    assert_eq!(app.count("licence_terminations").await, 0);

    let reply = terminate(&app, licence, &reason, TOKEN).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let reply = terminate(&app, licence, &reason, TOKEN).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "already_terminated", None);
    assert_eq!(app.count("licence_terminations").await, 1);

    // Without the flag, the route does not exist.
    let off = TestApp::options(backend)
        .today(date("2026-11-15"))
        .start()
        .await;
    let reply = terminate(&off, licence, &reason, TOKEN).await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
}
