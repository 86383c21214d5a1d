//! Issue 13, point 1 (house reading "Due date and collection", PAY-1 5.2): every invoice is
//! collected on its issue date from the Company's default payment method, retried 3 and 7 days
//! later, each attempt recorded; overdue only after the last failed attempt; the provider's
//! outcome comes on a signed webhook (bad signatures, stale timestamps refused, replays
//! ignored); switching the default method makes the next attempt use it; a top-up credits its
//! Credits once its invoice is paid; one charge per invoice whatever the retries.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

use crate::support::*;

on_both_databases!(
    the_webhook_refuses_bad_signatures_and_stale_timestamps_and_applies_an_event_once,
    an_invoice_is_collected_on_its_issue_date_and_a_renewal_on_its_own,
    a_declined_collection_is_retried_3_and_7_days_later_then_overdue,
    switching_the_default_method_makes_the_next_attempt_use_it,
    a_late_invoice_collected_later_gets_its_penalty_invoice,
    a_company_without_a_valid_method_is_overdue_the_day_after,
    a_top_up_credits_its_credits_once_its_invoice_is_paid,
    an_invoice_is_charged_once_whatever_the_retries,
);

/// The single number `sql` answers, with one bound value.
async fn number(app: &TestApp, sql: &'static str, bound: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bound)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn only_invoice(client: &mut Client) -> Value {
    let listed = invoices(client).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    invoice(client, listed[0]["id"].as_i64().unwrap()).await
}

/// The charges the built-in provider made for the invoice `number`: (succeeded, failed).
async fn provider_charges(app: &TestApp, number: &str) -> (i64, i64) {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT outcome, CAST(COUNT(*) AS BIGINT) FROM provider_charges
         WHERE invoice_number = $1 GROUP BY outcome",
    )
    .bind(number)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let count = |outcome: &str| {
        rows.iter()
            .find(|(found, _)| found == outcome)
            .map_or(0, |(_, count)| *count)
    };
    (count("succeeded"), count("failed"))
}

async fn post_webhook(client: &mut Client, signature: Option<&str>, body: &[u8]) -> Reply {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(signature) = signature {
        headers.push(("payment-signature", signature));
    }
    client
        .send(
            Method::POST,
            "/api/payments/webhook",
            &headers,
            Body::from(body.to_vec()),
        )
        .await
}

async fn the_webhook_refuses_bad_signatures_and_stale_timestamps_and_applies_an_event_once(
    backend: Backend,
) {
    let app = app_on(backend, "2026-09-01").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("ESSENTIAL").place(&mut client).await;
    let unpaid = only_invoice(&mut client).await;
    let invoice_id = unpaid["id"].as_i64().unwrap();
    // A payment claimed and not answered yet, as a provider posting its webhook later leaves it.
    let (company_id, user_id): (i64, i64) =
        sqlx::query_as("SELECT company_id, id FROM users ORDER BY id LIMIT 1")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let claim = match server::store::invoices::claim_payment(
        &app.state.db,
        company_id,
        user_id,
        invoice_id,
        "manual-1",
        app.state.clock.today(),
        app.state.clock.now(),
    )
    .await
    .unwrap()
    {
        server::store::invoices::Claimed::Charge(claim) => claim,
        other => panic!("a new key claims a charge: {other:?}"),
    };
    let event = json!({
        "id": "evt_walk_1",
        "type": "charge.succeeded",
        "charge": {
            "id": "ch_walk_1",
            "idempotency_key": claim.provider_key(),
            "amount_cents": domain::order::cents(claim.amount).unwrap(),
            "failure_reason": null,
            "attempted_on": "2026-09-01",
        },
    });
    let body = serde_json::to_vec(&event).unwrap();
    let secret = server::payments::WebhookSecret::new(WEBHOOK_SECRET);
    let now = Utc::now().timestamp();
    let mut provider = app.client();

    // No signature, another secret's, another body's, an old one: refused, nothing applied.
    let refused = [
        None,
        Some(server::payments::sign(
            &server::payments::WebhookSecret::new("not the secret"),
            now,
            &body,
        )),
        Some(server::payments::sign(
            &secret,
            now,
            b"{\"id\":\"evt_other\"}",
        )),
        Some(server::payments::sign(
            &secret,
            now - TimeDelta::minutes(10).num_seconds(),
            &body,
        )),
        Some(format!("t={now},v1=not-hex")),
    ];
    for signature in &refused {
        let reply = post_webhook(&mut provider, signature.as_deref(), &body).await;
        assert_api_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "webhook_signature_invalid",
            None,
        );
    }
    assert_eq!(invoice(&mut client, invoice_id).await["status"], "issued");
    assert_eq!(app.count("payments").await, 0);
    assert_eq!(app.count("payment_events").await, 0);

    // Signed by the provider: applied once.
    let signature = server::payments::sign(&secret, now, &body);
    let reply = post_webhook(&mut provider, Some(&signature), &body).await;
    assert_eq!(
        reply.expect_json(StatusCode::OK),
        json!({"received": true, "applied": true})
    );
    let paid = invoice(&mut client, invoice_id).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["payments"].as_array().unwrap().len(), 1);

    // The same delivery again (a replay), or signed again later: ignored, nothing changes.
    for signature in [
        signature.clone(),
        server::payments::sign(&secret, now + 1, &body),
    ] {
        let reply = post_webhook(&mut provider, Some(&signature), &body).await;
        assert_eq!(
            reply.expect_json(StatusCode::OK),
            json!({"received": true, "applied": false})
        );
    }
    assert_eq!(app.count("payments").await, 1);
    assert_eq!(app.count("payment_events").await, 1);
    assert_eq!(
        logged(&app, "invoice.pay", &format!("invoice:{invoice_id}")).await,
        1
    );

    // A signed event about a charge this server never asked for: refused.
    let stranger = serde_json::to_vec(&json!({
        "id": "evt_walk_2",
        "type": "charge.succeeded",
        "charge": {"id": "ch_x", "idempotency_key": "payment-987654", "amount_cents": 100,
                   "failure_reason": null, "attempted_on": "2026-09-01"},
    }))
    .unwrap();
    let reply = post_webhook(
        &mut provider,
        Some(&server::payments::sign(&secret, now, &stranger)),
        &stranger,
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::BAD_REQUEST,
        "webhook_event_invalid",
        None,
    );
}

async fn an_invoice_is_collected_on_its_issue_date_and_a_renewal_on_its_own(backend: Backend) {
    let app = app_on(backend, "2026-09-01").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("ESSENTIAL").place(&mut client).await;
    assert_eq!(only_invoice(&mut client).await["status"], "issued");

    // The scheduler's next run (every minute) collects it that day, from the default method.
    collect(&app).await;
    let order_invoice = only_invoice(&mut client).await;
    assert_eq!(order_invoice["status"], "paid", "{order_invoice}");
    assert_eq!(order_invoice["paid_on"], "2026-09-01");
    let attempts = order_invoice["payments"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["succeeded"], true);
    assert!(
        attempts[0]["method"]
            .as_str()
            .unwrap()
            .contains("Main account"),
        "{attempts:?}"
    );
    let number = order_invoice["number"].as_str().unwrap().to_owned();
    assert_eq!(provider_charges(&app, &number).await, (1, 0));
    // Running again changes nothing: one charge.
    collect(&app).await;
    assert_eq!(provider_charges(&app, &number).await, (1, 0));

    // A month later the renewal is issued and collected the same day, by nobody's hand.
    collect_days(&app, 30).await;
    let mut client = log_in(&app, &company(1)).await;
    let listed = invoices(&mut client).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["kind"], "renewal");
    assert_eq!(listed[0]["issue_date"], "2026-10-01");
    assert_eq!(listed[0]["status"], "paid", "{listed:?}");
    let renewal = invoice(&mut client, listed[0]["id"].as_i64().unwrap()).await;
    assert_eq!(renewal["paid_on"], "2026-10-01");
}

async fn a_declined_collection_is_retried_3_and_7_days_later_then_overdue(backend: Backend) {
    let app = app_on(backend, "2026-09-01").await;
    let mut client = ready_company_with(&app, &company(1), "Account to decline").await;
    an_order("ESSENTIAL").place(&mut client).await;
    collect(&app).await;
    let attempts_on = |invoice: &Value| -> Vec<String> {
        invoice["payments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|payment| {
                assert_eq!(payment["succeeded"], false);
                assert!(
                    payment["reason"].as_str().unwrap().contains("refused"),
                    "{payment}"
                );
                paris_date(payment["attempted_at"].as_str().unwrap())
            })
            .collect()
    };
    let first = only_invoice(&mut client).await;
    assert_eq!(attempts_on(&first), ["2026-09-01"]);
    // The days between attempts: due, not overdue, no new attempt.
    for (day, expected) in [
        ("2026-09-02", vec!["2026-09-01"]),
        ("2026-09-03", vec!["2026-09-01"]),
        ("2026-09-04", vec!["2026-09-01", "2026-09-04"]),
        ("2026-09-07", vec!["2026-09-01", "2026-09-04"]),
        ("2026-09-08", vec!["2026-09-01", "2026-09-04", "2026-09-08"]),
    ] {
        while app.state.clock.today() < date(day) {
            collect_days(&app, 1).await;
        }
        client = log_in(&app, &company(1)).await;
        let seen = only_invoice(&mut client).await;
        assert_eq!(seen["status"], "issued", "on {day}: {seen}");
        assert_eq!(attempts_on(&seen), expected, "on {day}");
    }
    // After the last failed attempt, the next morning: overdue, late from the due date.
    collect_days(&app, 1).await;
    client = log_in(&app, &company(1)).await;
    let overdue = only_invoice(&mut client).await;
    assert_eq!(overdue["status"], "overdue", "{overdue}");
    assert_eq!(overdue["late"]["days_late"], 8);
    assert_eq!(attempts_on(&overdue).len(), 3);
    // No more automatic attempts on an overdue invoice.
    collect_days(&app, 10).await;
    client = log_in(&app, &company(1)).await;
    assert_eq!(attempts_on(&only_invoice(&mut client).await).len(), 3);
    let number = overdue["number"].as_str().unwrap().to_owned();
    assert_eq!(provider_charges(&app, &number).await, (0, 3));
}

/// Adds a SEPA mandate labelled `label` and makes it the default one; its id.
async fn switch_to(client: &mut Client, label: &str) -> i64 {
    let account = add_payment_method(client, label).await;
    let id = account["payment_methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|method| method["label"] == label)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let reply = client
        .put_json(
            &format!("/api/console/company/payment-methods/{id}/default"),
            &json!({}),
        )
        .await;
    let account = reply.expect_json(StatusCode::OK);
    let defaults: Vec<&Value> = account["payment_methods"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|method| method["default"] == true)
        .collect();
    assert_eq!(defaults.len(), 1, "{account}");
    assert_eq!(defaults[0]["id"], id);
    id
}

async fn switching_the_default_method_makes_the_next_attempt_use_it(backend: Backend) {
    let app = app_on(backend, "2026-09-01").await;
    let mut client = ready_company_with(&app, &company(1), "Account to decline").await;
    an_order("ESSENTIAL").place(&mut client).await;
    collect(&app).await;
    collect_days(&app, 1).await;
    let mut client = log_in(&app, &company(1)).await;
    assert_eq!(only_invoice(&mut client).await["status"], "issued");

    // The Manager names another default method: the next attempt uses it.
    switch_to(&mut client, "Good account").await;
    collect(&app).await;
    let paid = only_invoice(&mut client).await;
    assert_eq!(paid["status"], "paid", "{paid}");
    assert_eq!(paid["paid_on"], "2026-09-02");
    let attempts = paid["payments"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[1]["succeeded"], true);
    assert!(
        attempts[1]["method"]
            .as_str()
            .unwrap()
            .contains("Good account")
    );
    // Nothing more is attempted, and no penalty: it was never overdue.
    collect_days(&app, 10).await;
    let mut client = log_in(&app, &company(1)).await;
    let listed = invoices(&mut client).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let number = paid["number"].as_str().unwrap().to_owned();
    assert_eq!(provider_charges(&app, &number).await, (1, 1));
    // A foreign or expired method cannot be the default one.
    let reply = client
        .put_json(
            "/api/console/company/payment-methods/987654321/default",
            &json!({}),
        )
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
}

async fn a_late_invoice_collected_later_gets_its_penalty_invoice(backend: Backend) {
    let app = app_on(backend, "2026-09-01").await;
    let mut client = ready_company_with(&app, &company(1), "Account to decline").await;
    an_order("ESSENTIAL").place(&mut client).await;
    collect(&app).await;
    collect_days(&app, 10).await;
    let mut client = log_in(&app, &company(1)).await;
    let late = only_invoice(&mut client).await;
    assert_eq!(late["status"], "overdue");

    switch_to(&mut client, "Good account").await;
    collect(&app).await;
    let listed = invoices(&mut client).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["kind"], "penalty", "{listed:?}");
    let paid = invoice(&mut client, late["id"].as_i64().unwrap()).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["paid_on"], "2026-09-11");
    let penalty = invoice(&mut client, listed[0]["id"].as_i64().unwrap()).await;
    assert_eq!(penalty["issue_date"], "2026-09-11");
    assert!(
        penalty["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|line| money(&line["net"]) == domain::Money::from_cents(4000)),
        "the EUR 40 indemnity: {penalty}"
    );
}

async fn a_company_without_a_valid_method_is_overdue_the_day_after(backend: Backend) {
    let app = app_on(backend, "2026-09-01").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("ESSENTIAL").place(&mut client).await;
    // The only method is gone before the invoice could be collected (stored removed).
    sqlx::query("UPDATE payment_methods SET removed_at = '2026-09-01T08:00:00.000000Z'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    collect(&app).await;
    let due = only_invoice(&mut client).await;
    assert_eq!(due["status"], "issued");
    assert!(due["payments"].as_array().unwrap().is_empty());
    let id = due["id"].as_i64().unwrap();
    assert_eq!(
        logged(
            &app,
            "invoice.collection_impossible",
            &format!("invoice:{id}")
        )
        .await,
        1
    );
    collect_days(&app, 1).await;
    let mut client = log_in(&app, &company(1)).await;
    assert_eq!(only_invoice(&mut client).await["status"], "overdue");
}

async fn credits_balance(client: &mut Client) -> domain::Money {
    let credits = client
        .get("/api/console/credits")
        .await
        .expect_json(StatusCode::OK);
    money(&credits["balance"])
}

async fn a_top_up_credits_its_credits_once_its_invoice_is_paid(backend: Backend) {
    let app = app_on(backend, "2026-09-01").await;
    // Collected at once from a method the bank accepts: credited at once.
    let mut good = ready_company(&app, &company(1)).await;
    let reply = good
        .post_json("/api/console/credits/top-ups", &top_up("20.00"))
        .await;
    let done = reply.expect_json(StatusCode::CREATED);
    assert_eq!(
        money(&done["credits"]["balance"]),
        domain::Money::from_cents(2000)
    );
    let id = done["invoice_id"].as_i64().unwrap();
    assert_eq!(invoice(&mut good, id).await["status"], "paid");

    // Refused: the invoice is due, nothing is credited.
    let mut refused = ready_company_with(&app, &company(2), "Account to decline").await;
    let body = top_up("30.00");
    let reply = refused
        .post_json("/api/console/credits/top-ups", &body)
        .await;
    let done = reply.expect_json(StatusCode::CREATED);
    assert_eq!(money(&done["credits"]["balance"]), domain::Money::ZERO);
    let id = done["invoice_id"].as_i64().unwrap();
    assert_eq!(invoice(&mut refused, id).await["status"], "issued");
    assert_eq!(credits_balance(&mut refused).await, domain::Money::ZERO);
    // The same request again: the same invoice, still nothing credited, nothing charged again.
    let again = refused
        .post_json("/api/console/credits/top-ups", &body)
        .await;
    assert_eq!(again.expect_json(StatusCode::OK)["invoice_id"], id);
    assert_eq!(credits_balance(&mut refused).await, domain::Money::ZERO);
    let number = invoice(&mut refused, id).await["number"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(provider_charges(&app, &number).await, (0, 1));

    // Paid through another method: credited once, whatever runs after.
    switch_to(&mut refused, "Good account").await;
    collect(&app).await;
    assert_eq!(invoice(&mut refused, id).await["status"], "paid");
    assert_eq!(
        credits_balance(&mut refused).await,
        domain::Money::from_cents(3000)
    );
    collect_days(&app, 8).await;
    let mut refused = log_in(&app, &company(2)).await;
    let again = refused
        .post_json("/api/console/credits/top-ups", &body)
        .await;
    assert_eq!(again.expect_json(StatusCode::OK)["invoice_id"], id);
    assert_eq!(
        credits_balance(&mut refused).await,
        domain::Money::from_cents(3000)
    );
    assert_eq!(
        number_of_top_up_movements(&app, 2).await,
        1,
        "one top-up movement"
    );
}

async fn number_of_top_up_movements(app: &TestApp, n: usize) -> i64 {
    number(
        app,
        "SELECT COUNT(*) FROM credit_movements m JOIN companies c ON c.id = m.company_id
         WHERE m.kind = 'top_up' AND c.legal_name = $1",
        &company(n).legal_name,
    )
    .await
}

async fn an_invoice_is_charged_once_whatever_the_retries(backend: Backend) {
    let app = app_on(backend, "2026-09-01").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("ESSENTIAL").place(&mut client).await;
    let id = only_invoice(&mut client).await["id"].as_i64().unwrap();
    let company_id: i64 = sqlx::query_scalar("SELECT company_id FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    // A collection attempt claimed whose charge never got its answer (a crash in between).
    let claim = server::store::invoices::claim_collection(
        &app.state.db,
        company_id,
        id,
        app.state.clock.today(),
        app.state.clock.now(),
    )
    .await
    .unwrap()
    .expect("the first attempt is due on the issue date");
    // Meanwhile the Manager pays by hand: refused while the bank's answer is awaited.
    let reply = client
        .post_json(&format!("/api/console/invoices/{id}/payments"), &payment())
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "payment_in_progress", None);
    // The next run asks the provider again with the same key: charged once, paid.
    collect(&app).await;
    collect(&app).await;
    let paid = invoice(&mut client, id).await;
    assert_eq!(paid["status"], "paid");
    let number = paid["number"].as_str().unwrap().to_owned();
    assert_eq!(provider_charges(&app, &number).await, (1, 0));
    assert_eq!(paid["payments"].as_array().unwrap().len(), 1);
    // The claim's charge asked again (a late retry of the same key): the same charge, no payment.
    server::services::collection::charge_claim(
        &app.state.db,
        &app.state.clock,
        &app.state.payments,
        company_id,
        &claim,
        app.state.clock.today(),
    )
    .await
    .unwrap();
    assert_eq!(provider_charges(&app, &number).await, (1, 0));
    assert_eq!(app.count("payments").await, 1);
    // Paying by hand now: already paid, nothing charged.
    let reply = client
        .post_json(&format!("/api/console/invoices/{id}/payments"), &payment())
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "invoice_already_paid", None);
    assert_eq!(provider_charges(&app, &number).await, (1, 0));
}
