//! Disputes, credit notes and restitution claims through the API, on SQLite and PostgreSQL
//! (DISPUTE-1..3): a dispute with its justification until 6 weeks after the invoice date, one
//! open at a time, payment still due; the provider's refusal with its reason or acceptance with
//! a numbered credit note deducted from the Company's next invoices; restitution claims refused
//! one year after the payment. The clock is moved to the windows' edges.

use crate::support::{
    Backend, Client, Reply, TestApp, admin_app_on, admin_post, an_order, assert_api_error, date,
    log_in, payment, ready_company, signup_form, top_up, zebra,
};
use axum::http::StatusCode;
use chrono::TimeDelta;
use serde_json::{Value, json};

on_both_databases!(
    a_dispute_is_open_until_six_weeks_after_the_invoice_date_and_payment_stays_due,
    the_provider_refuses_with_a_reason_or_accepts_with_a_credit_note_on_the_next_invoices,
    a_restitution_claim_is_refused_one_year_after_the_payment,
);

/// Places an Order of one French Number; returns its invoice (id, number, total).
async fn ordered_invoice(client: &mut Client, key: &str) -> (i64, String, String) {
    an_order("BUSINESS").key(key).place(client).await;
    let newest = client.get("/api/console/invoices").await.json()[0].clone();
    (
        newest["id"].as_i64().unwrap(),
        newest["number"].as_str().unwrap().to_owned(),
        newest["total"].as_str().unwrap().to_owned(),
    )
}

async fn dispute(client: &mut Client, invoice: i64, justification: &str) -> Reply {
    client
        .post_json(
            &format!("/api/console/invoices/{invoice}/disputes"),
            &json!({"justification": justification}),
        )
        .await
}

async fn disputes_of(client: &mut Client, invoice: i64) -> Value {
    let reply = client
        .get(&format!("/api/console/invoices/{invoice}/disputes"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

async fn decide(app: &TestApp, dispute: i64, body: &Value) -> Reply {
    let path = format!("/api/admin/disputes/{dispute}/decision");
    admin_post(app, &path, body.clone()).await
}

fn cents(money: &Value) -> i64 {
    let text = money.as_str().unwrap();
    let (units, hundredths) = text.split_once('.').unwrap();
    units.parse::<i64>().unwrap() * 100 + hundredths.parse::<i64>().unwrap()
}

async fn a_dispute_is_open_until_six_weeks_after_the_invoice_date_and_payment_stays_due(
    backend: Backend,
) {
    let app = admin_app_on(backend, "2026-01-31").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    let (first, _, _) = ordered_invoice(&mut manager, "order-1").await;
    let (second, _, _) = ordered_invoice(&mut manager, "order-2").await;
    let (third, _, _) = ordered_invoice(&mut manager, "order-3").await;
    // DISPUTE-1: 6 weeks after 31 January is 14 March.
    assert_eq!(
        disputes_of(&mut manager, first).await["dispute_last_day"],
        "2026-03-14"
    );

    // A justification says a few words; a missing one is refused, and nothing is recorded.
    let reply = dispute(&mut manager, first, "  ").await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("justification"),
    );
    let reply = dispute(&mut manager, first, "Wrong").await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("justification"),
    );
    assert_eq!(app.count("invoice_disputes").await, 0);

    let reply = dispute(
        &mut manager,
        first,
        "The Number was billed twice this month.",
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let opened = &reply.json()["disputes"][0];
    assert_eq!(opened["status"], "open");
    assert_eq!(
        opened["justification"],
        "The Number was billed twice this month."
    );
    assert_eq!(opened["opened_on"], "2026-01-31");

    // One open dispute per invoice.
    let reply = dispute(&mut manager, first, "And another reason to dispute it.").await;
    assert_api_error(&reply, StatusCode::CONFLICT, "dispute_already_open", None);
    assert_eq!(app.count("invoice_disputes").await, 1);

    // A dispute does not suspend payment: the invoice stays due, and paying it works.
    let invoice = manager
        .get(&format!("/api/console/invoices/{first}"))
        .await
        .json();
    assert_eq!(invoice["status"], "issued");
    let reply = manager
        .post_json(
            &format!("/api/console/invoices/{first}/payments"),
            &payment(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["status"], "paid");

    // The last day, 14 March, is still in time.
    app.state.clock.shift_by(TimeDelta::days(42));
    assert_eq!(app.state.clock.today(), date("2026-03-14"));
    let mut manager = log_in(&app, &signup_form()).await;
    let reply = dispute(
        &mut manager,
        second,
        "The plan billed is not the one ordered.",
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());

    // The day after, the server refuses, naming the last day; nothing is recorded.
    app.state.clock.shift_by(TimeDelta::days(1));
    let reply = dispute(
        &mut manager,
        third,
        "The plan billed is not the one ordered.",
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "dispute_window_closed",
        None,
    );
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("2026-03-14"), "{message}");
    assert_eq!(app.count("invoice_disputes").await, 2);
    assert!(
        disputes_of(&mut manager, third).await["disputes"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Every dispute is in the proof log.
    let activity = manager.get("/api/console/activity").await.text();
    assert_eq!(activity.matches("invoice.dispute").count(), 2, "{activity}");

    // Another Company's Manager cannot see or dispute these invoices.
    let (mut stranger, _) = app.signed_up(&zebra()).await;
    let reply = stranger
        .get(&format!("/api/console/invoices/{second}/disputes"))
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
}

async fn the_provider_refuses_with_a_reason_or_accepts_with_a_credit_note_on_the_next_invoices(
    backend: Backend,
) {
    let app = admin_app_on(backend, "2026-02-02").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    let (disputed, disputed_number, total) = ordered_invoice(&mut manager, "order-1").await;
    let total = cents(&json!(total));
    let reply = dispute(
        &mut manager,
        disputed,
        "The Number was billed twice this month.",
    )
    .await;
    let dispute_id = reply.json()["disputes"][0]["id"].as_i64().unwrap();

    // Refusing says why: without a reason nothing is decided.
    let reply = decide(&app, dispute_id, &json!({"accept": false})).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "decision_invalid",
        Some("reason"),
    );
    let reply = decide(
        &app,
        dispute_id,
        &json!({"accept": false, "reason": "The Number was billed once: see line 1."}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    // The Manager reads the decision and its reason.
    let seen = disputes_of(&mut manager, disputed).await;
    assert_eq!(seen["disputes"][0]["status"], "refused");
    assert_eq!(seen["disputes"][0]["decided_on"], "2026-02-02");
    assert_eq!(
        seen["disputes"][0]["decision_reason"],
        "The Number was billed once: see line 1."
    );
    assert!(seen["disputes"][0]["credit_note"].is_null());
    // A decision stands.
    let reply = decide(&app, dispute_id, &json!({"accept": true})).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "dispute_already_decided",
        None,
    );
    let reply = decide(&app, 987_654_321, &json!({"accept": true})).await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);

    // A new dispute, accepted: the credit note is at most the invoice's total.
    let reply = dispute(
        &mut manager,
        disputed,
        "The second month was billed before its start.",
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let dispute_id = reply.json()["disputes"][0]["id"].as_i64().unwrap();
    let too_much = domain::Money::from_cents(total + 1).to_string();
    let reply = decide(
        &app,
        dispute_id,
        &json!({"accept": true, "amount": too_much}),
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "decision_invalid",
        Some("amount"),
    );
    assert_eq!(app.count("credit_notes").await, 0);
    // EUR 15.00 back: more than the next invoice (a EUR 10 top-up, EUR 12.00 with VAT).
    let reply = decide(
        &app,
        dispute_id,
        &json!({"accept": true, "amount": "15.00"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let note = &reply.json()["disputes"][0]["credit_note"];
    assert_eq!(note["number"], "CN-2026-000001");
    assert_eq!(note["invoice_number"], disputed_number.as_str());
    assert_eq!(note["amount"], "15.00");
    assert_eq!(note["remaining"], "15.00");

    // The next invoice: the credit note is deducted down to zero, and it is paid.
    let reply = manager
        .post_json("/api/console/credits/top-ups", &top_up("10"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let next = reply.json()["invoice_id"].as_i64().unwrap();
    let invoice = manager
        .get(&format!("/api/console/invoices/{next}"))
        .await
        .json();
    let line = invoice["lines"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        line["description"],
        format!("Credit note CN-2026-000001 for invoice {disputed_number}")
    );
    assert_eq!(line["net"], "-12.00");
    assert_eq!(invoice["total"], "0.00");
    assert_eq!(invoice["status"], "paid");
    let used = disputes_of(&mut manager, next).await["credit_notes_used"].clone();
    assert_eq!(
        used,
        json!([{"number": "CN-2026-000001", "invoice_number": disputed_number, "amount": "12.00"}])
    );
    assert_eq!(
        disputes_of(&mut manager, disputed).await["disputes"][0]["credit_note"]["remaining"],
        "3.00"
    );

    // The rest carries over to the invoice after, which stays due for what is left.
    let reply = manager
        .post_json("/api/console/credits/top-ups", &top_up("50"))
        .await;
    let after = reply.json()["invoice_id"].as_i64().unwrap();
    let invoice = manager
        .get(&format!("/api/console/invoices/{after}"))
        .await
        .json();
    assert_eq!(invoice["lines"].as_array().unwrap().len(), 2);
    assert_eq!(invoice["lines"][1]["net"], "-3.00");
    assert_eq!(invoice["total"], "57.00");
    assert_eq!(invoice["status"], "issued");
    assert_eq!(
        disputes_of(&mut manager, disputed).await["disputes"][0]["credit_note"]["remaining"],
        "0.00"
    );
    // Nothing is left for the one after.
    let reply = manager
        .post_json("/api/console/credits/top-ups", &top_up("10"))
        .await;
    let last = reply.json()["invoice_id"].as_i64().unwrap();
    let invoice = manager
        .get(&format!("/api/console/invoices/{last}"))
        .await
        .json();
    assert_eq!(invoice["lines"].as_array().unwrap().len(), 1);
    assert_eq!(invoice["total"], "12.00");

    // Credit notes follow one another within the year.
    let (other, _, _) = ordered_invoice(&mut manager, "order-2").await;
    let reply = dispute(
        &mut manager,
        other,
        "The plan billed is not the one ordered.",
    )
    .await;
    let dispute_id = reply.json()["disputes"][0]["id"].as_i64().unwrap();
    let reply = decide(&app, dispute_id, &json!({"accept": true})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.json()["disputes"][0]["credit_note"]["number"],
        "CN-2026-000002"
    );
    let activity = manager.get("/api/console/activity").await.text();
    assert!(activity.contains("invoice.dispute_decision"), "{activity}");
    assert!(
        activity.contains("invoice.credit_notes_deducted"),
        "{activity}"
    );
}

async fn a_restitution_claim_is_refused_one_year_after_the_payment(backend: Backend) {
    let app = admin_app_on(backend, "2026-01-31").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    let (invoice, _, _) = ordered_invoice(&mut manager, "order-1").await;
    let path = format!("/api/console/invoices/{invoice}/restitution-claims");
    let claim = json!({"reason": "The Licence was terminated before this period began."});

    // Nothing paid, nothing to give back.
    let reply = manager.post_json(&path, &claim).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "invoice_not_paid", None);
    app.state.clock.shift_by(TimeDelta::days(3));
    let mut manager = log_in(&app, &signup_form()).await;
    let reply = manager
        .post_json(
            &format!("/api/console/invoices/{invoice}/payments"),
            &payment(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    // DISPUTE-3: paid on 3 February 2026, claimable until 3 February 2027.
    assert_eq!(
        disputes_of(&mut manager, invoice).await["restitution_last_day"],
        "2027-02-03"
    );
    let reply = manager.post_json(&path, &json!({"reason": "Refund"})).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("reason"),
    );

    app.state.clock.shift_by(TimeDelta::days(365));
    assert_eq!(app.state.clock.today(), date("2027-02-03"));
    let mut manager = log_in(&app, &signup_form()).await;
    let reply = manager.post_json(&path, &claim).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let claims = reply.json()["restitution_claims"].clone();
    assert_eq!(claims[0]["claimed_on"], "2027-02-03");
    assert_eq!(claims[0]["reason"], claim["reason"]);

    app.state.clock.shift_by(TimeDelta::days(1));
    let reply = manager.post_json(&path, &claim).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "restitution_time_barred",
        None,
    );
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("2027-02-03"), "{message}");
    assert_eq!(app.count("restitution_claims").await, 1);
}
