//! Disputes, credit notes and restitution claims through the API, on SQLite and PostgreSQL
//! (DISPUTE-1..3): a dispute with its justification until 6 weeks after the invoice date, one
//! open at a time, payment still due; the provider's refusal with its reason or acceptance with
//! a numbered credit note deducted from the Company's next invoices; restitution claims refused
//! one year after the payment. The clock is moved to the windows' edges.

use crate::support::{
    ADMIN_TOKEN, Backend, Client, Reply, TestApp, admin, admin_app_on, admin_post, an_order,
    assert_api_error, collect, collect_days, date, log_in, logged, pass_days, payment,
    ready_company, refused_to_role, signup_form, top_up, zebra,
};
use axum::http::{Method, StatusCode};
use chrono::Datelike;
use serde_json::{Value, json};

on_both_databases!(
    a_dispute_is_open_until_six_weeks_after_the_invoice_date_and_payment_stays_due,
    the_provider_refuses_with_a_reason_or_accepts_with_a_credit_note_on_the_next_invoices,
    a_restitution_claim_is_refused_one_year_after_the_payment,
    the_provider_decides_a_restitution_claim_with_a_credit_note_or_a_reason,
    every_invoice_and_credit_note_of_a_year_adds_up_to_the_cent,
    a_credit_note_no_invoice_deducts_is_refunded_once_after_the_contract_ended,
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
    app.state.clock.advance_days(42);
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
    app.state.clock.advance_days(1);
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
    // DISPUTE-2 (house reading): net and VAT at the disputed invoice's rate (20 %).
    assert_eq!(note["net"], "12.50");
    assert_eq!(note["vat"], "2.50");
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
    // The line carries the part's net and VAT, so the invoice still adds up.
    assert_eq!(line["net"], "-10.00");
    assert_eq!(line["vat"], "-2.00");
    assert_eq!(invoice["subtotal"], "0.00");
    assert_eq!(invoice["vat"], "0.00");
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
    assert_eq!(invoice["lines"][1]["net"], "-2.50");
    assert_eq!(invoice["lines"][1]["vat"], "-0.50");
    assert_eq!(invoice["subtotal"], "47.50");
    assert_eq!(invoice["vat"], "9.50");
    assert_eq!(invoice["total"], "57.00");
    // Issue 13: collected at once, for what is left.
    assert_eq!(invoice["status"], "paid");
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
    app.state.clock.advance_days(3);
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

    app.state.clock.advance_days(365);
    assert_eq!(app.state.clock.today(), date("2027-02-03"));
    let mut manager = log_in(&app, &signup_form()).await;
    let reply = manager.post_json(&path, &claim).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let claims = reply.json()["restitution_claims"].clone();
    assert_eq!(claims[0]["claimed_on"], "2027-02-03");
    assert_eq!(claims[0]["reason"], claim["reason"]);

    app.state.clock.advance_days(1);
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

async fn the_provider_decides_a_restitution_claim_with_a_credit_note_or_a_reason(backend: Backend) {
    let app = admin_app_on(backend, "2026-03-02").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    let (invoice, number, total) = ordered_invoice(&mut manager, "order-1").await;
    let reply = manager
        .post_json(
            &format!("/api/console/invoices/{invoice}/payments"),
            &payment(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let path = format!("/api/console/invoices/{invoice}/restitution-claims");
    for reason in [
        "The Number never worked for a whole week.",
        "The Licence was billed twice for March.",
    ] {
        let reply = manager.post_json(&path, &json!({"reason": reason})).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    }
    let queue = || async {
        admin(
            &app,
            Method::GET,
            "/api/admin/queues/restitution-claims",
            None,
            ADMIN_TOKEN,
        )
        .await
        .expect_json(StatusCode::OK)
    };
    let waiting = queue().await;
    assert_eq!(waiting.as_array().unwrap().len(), 2, "{waiting}");
    assert_eq!(waiting[0]["invoice_number"], number.as_str());
    assert_eq!(waiting[0]["creditable"], total.as_str());
    let (first, second) = (
        waiting[0]["claim_id"].as_i64().unwrap(),
        waiting[1]["claim_id"].as_i64().unwrap(),
    );
    let decision = |claim: i64| format!("/api/admin/restitution-claims/{claim}/decision");

    // Deciding is billing's business; a refusal says why.
    refused_to_role(
        &app,
        protocol::backoffice::OperatorRole::Support,
        Method::POST,
        &decision(first),
        Some(json!({"accept": false, "reason": "No."})),
    )
    .await;
    let reply = admin_post(&app, &decision(first), json!({"accept": false})).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "decision_invalid",
        Some("reason"),
    );
    let reply = admin_post(
        &app,
        &decision(first),
        json!({"accept": false, "reason": "The Number worked: see the carrier's logs."}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let reply = admin_post(&app, &decision(first), json!({"accept": true})).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "dispute_already_decided",
        None,
    );

    // Accepted: a credit note of the amount given back, never above what is left to credit.
    let too_much = domain::Money::from_cents(cents(&json!(total)) + 1).to_string();
    let reply = admin_post(
        &app,
        &decision(second),
        json!({"accept": true, "amount": too_much}),
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "decision_invalid",
        Some("amount"),
    );
    let reply = admin_post(
        &app,
        &decision(second),
        json!({"accept": true, "amount": "12.00", "reason": "March billed twice: refunded."}),
    )
    .await;
    let answered = reply.expect_json(StatusCode::OK);
    let claims = answered["restitution_claims"].as_array().unwrap();
    let refused = claims.iter().find(|claim| claim["id"] == first).unwrap();
    assert_eq!(refused["status"], "refused");
    assert_eq!(
        refused["decision_reason"],
        "The Number worked: see the carrier's logs."
    );
    let accepted = claims.iter().find(|claim| claim["id"] == second).unwrap();
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["decided_on"], "2026-03-02");
    let note_number = accepted["credit_note_number"].as_str().unwrap().to_owned();
    assert!(note_number.starts_with("CN-2026-"), "{note_number}");
    assert_eq!(queue().await, json!([]));

    // The Manager reads the same, and the credit note is a document like a dispute's.
    let seen = disputes_of(&mut manager, invoice).await;
    assert_eq!(seen["restitution_claims"], answered["restitution_claims"]);
    let notes = manager
        .get("/api/console/credit-notes")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(notes[0]["number"], note_number.as_str());
    assert_eq!(notes[0]["amount"], "12.00");
    assert_eq!(
        cents(&notes[0]["net"]) + cents(&notes[0]["vat"]),
        cents(&notes[0]["amount"])
    );
    let id = notes[0]["id"].as_i64().unwrap();
    let document = manager
        .get(&format!("/api/console/credit-notes/{id}"))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(document["reason"], "March billed twice: refunded.");
    assert_eq!(
        logged(
            &app,
            "invoice.restitution_decision",
            &format!("invoice:{invoice}")
        )
        .await,
        2
    );
}

fn money(value: &Value) -> domain::Money {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not an amount: {value}"))
        .parse()
        .unwrap()
}

fn sum(values: impl IntoIterator<Item = domain::Money>) -> domain::Money {
    domain::Money::checked_sum(values).unwrap()
}

/// Checks that the invoice `id` adds up to the cent: its lines' nets are its subtotal; its VAT is
/// its rate on the nets of its own lines (rounded once, as `pricing.quote`) plus the VAT the
/// credit notes' lines carry; subtotal + VAT is its total. Returns what it deducted of credit
/// notes, VAT included (positive).
pub(crate) async fn check_invoice(manager: &mut Client, id: i64) -> domain::Money {
    let invoice = manager
        .get(&format!("/api/console/invoices/{id}"))
        .await
        .json();
    let number = &invoice["number"];
    let lines = invoice["lines"].as_array().unwrap();
    assert!(!lines.is_empty(), "invoice {number} has no lines");
    let rate: domain::money::Percent = serde_json::from_value(invoice["vat_rate"].clone()).unwrap();
    let (subtotal, vat, total) = (
        money(&invoice["subtotal"]),
        money(&invoice["vat"]),
        money(&invoice["total"]),
    );
    assert_eq!(
        sum(lines.iter().map(|line| money(&line["net"]))),
        subtotal,
        "invoice {number}: lines and subtotal: {invoice}"
    );
    let own = sum(lines
        .iter()
        .filter(|line| line["vat"].is_null())
        .map(|line| money(&line["net"])));
    let credited = sum(lines
        .iter()
        .filter(|line| !line["vat"].is_null())
        .map(|line| money(&line["vat"])));
    assert_eq!(
        domain::dispute::vat_on(own, rate)
            .unwrap()
            .checked_add(credited),
        Some(vat),
        "invoice {number}: VAT: {invoice}"
    );
    assert_eq!(
        subtotal.checked_add(vat),
        Some(total),
        "invoice {number}: subtotal + VAT and total: {invoice}"
    );
    assert!(!total.is_negative(), "invoice {number}: {invoice}");
    // The PDF shows the same totals.
    let reply = manager
        .get(&format!("/api/console/invoices/{id}/pdf"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let text = String::from_utf8_lossy(&reply.body).into_owned();
    for amount in [subtotal, vat, total] {
        assert!(
            text.contains(&format!("EUR {amount}")),
            "invoice {number}: PDF lacks {amount}"
        );
    }
    // What the credit notes' lines took off, VAT included (their net and VAT are negative).
    let taken = sum(lines
        .iter()
        .filter(|line| !line["vat"].is_null())
        .map(|line| {
            money(&line["net"])
                .checked_add(money(&line["vat"]))
                .unwrap()
        }));
    domain::Money::ZERO.checked_sub(taken).unwrap()
}

/// Checks that the credit note `id` adds up to the cent: its lines' nets are its net; its VAT
/// is the disputed invoice's rate on that net; net + VAT is its amount. Returns it.
async fn check_credit_note(manager: &mut Client, id: i64) -> Value {
    let reply = manager
        .get(&format!("/api/console/credit-notes/{id}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let document = reply.json();
    let note = &document["note"];
    let number = note["number"].as_str().unwrap().to_owned();
    let invoice = manager
        .get(&format!("/api/console/invoices/{}", note["invoice_id"]))
        .await
        .json();
    assert_eq!(document["vat_rate"], invoice["vat_rate"], "{number}");
    let rate: domain::money::Percent =
        serde_json::from_value(document["vat_rate"].clone()).unwrap();
    let (net, vat, amount) = (
        money(&note["net"]),
        money(&note["vat"]),
        money(&note["amount"]),
    );
    let lines = document["lines"].as_array().unwrap();
    assert!(!lines.is_empty(), "{number} has no lines");
    assert_eq!(
        sum(lines.iter().map(|line| money(&line["net"]))),
        net,
        "{number}: lines and net: {document}"
    );
    assert_eq!(
        domain::dispute::vat_on(net, rate),
        Some(vat),
        "{number}: VAT: {document}"
    );
    assert_eq!(
        net.checked_add(vat),
        Some(amount),
        "{number}: net + VAT: {document}"
    );
    let reply = manager
        .get(&format!("/api/console/credit-notes/{id}/pdf"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert_eq!(
        reply.header("content-disposition"),
        Some(format!("attachment; filename=\"credit-note-{number}.pdf\"").as_str())
    );
    let text = String::from_utf8_lossy(&reply.body).into_owned();
    for expected in [
        format!("Credit note {number}"),
        format!("EUR {net}"),
        format!("EUR {vat}"),
        format!("EUR {amount}"),
    ] {
        assert!(
            text.contains(&expected),
            "{number}: the PDF lacks {expected}"
        );
    }
    note.clone()
}

/// Issue 13, DISPUTE-2 (house reading): a year of a Company with monthly renewals, an annual
/// Order, top-ups and three accepted disputes (a whole invoice, a part of one, an amount no net
/// gives exactly), their credit notes deducted over the next invoices, in part and in full, two
/// invoices paid late (one formally noticed first) and the annual Licence terminated for fault,
/// which bring penalty invoices and a termination invoice (issue 13). On
/// every invoice and every credit note, lines, subtotal (net), VAT and total add up to the cent,
/// and what the invoices deducted is what the credit notes gave back.
async fn every_invoice_and_credit_note_of_a_year_adds_up_to_the_cent(backend: Backend) {
    let app = admin_app_on(backend, "2026-01-05").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    an_order("BUSINESS")
        .numbers(3, "FR")
        .key("monthly")
        .place(&mut manager)
        .await;
    let annual_licence = an_order("ESSENTIAL")
        .annual()
        .numbers(2, "FR")
        .key("annual")
        .place(&mut manager)
        .await["licence"]["id"]
        .as_i64()
        .unwrap();
    let listed = manager.get("/api/console/invoices").await.json();
    let (annual, monthly) = (
        listed[0]["id"].as_i64().unwrap(),
        listed[1]["id"].as_i64().unwrap(),
    );
    let reply = manager
        .post_json("/api/console/credits/top-ups", &top_up("33.33"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());

    async fn accepted(app: &TestApp, manager: &mut Client, invoice: i64, decision: Value) -> Value {
        let reply = dispute(manager, invoice, "Billed for Numbers never delivered.").await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let id = reply.json()["disputes"][0]["id"].as_i64().unwrap();
        let reply = decide(app, id, &decision).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        reply.json()["disputes"][0]["credit_note"].clone()
    }
    // A part of the first month, an amount with odd cents.
    let part = accepted(
        &app,
        &mut manager,
        monthly,
        json!({"accept": true, "amount": "7.33", "reason": "One Number was late."}),
    )
    .await;
    assert_eq!(part["amount"], "7.33");
    // The whole annual invoice: more than the next invoices, deducted over several of them.
    let whole = accepted(&app, &mut manager, annual, json!({"accept": true})).await;
    assert_eq!(whole["amount"], listed[0]["total"]);

    let mut day = date("2026-01-05");
    let mut skipped = None;
    let mut late_events = Vec::new();
    while day < date("2027-01-04") {
        pass_days(&app, 7).await;
        day = app.state.clock.today();
        if day.month() == 6 && skipped.is_none() {
            // In June, an invoice left to pay disputed for EUR 0.03: at 20 % no net gives it
            // (0.02 + 0.00, 0.03 + 0.01), so the credit note gives back EUR 0.02.
            let mut manager = log_in(&app, &signup_form()).await;
            let listed = manager.get("/api/console/invoices").await.json();
            let newest = listed
                .as_array()
                .unwrap()
                .iter()
                .find(|invoice| money(&invoice["total"]) >= domain::Money::from_cents(3))
                .unwrap()["id"]
                .as_i64()
                .unwrap();
            let note = accepted(
                &app,
                &mut manager,
                newest,
                json!({"accept": true, "amount": "0.03"}),
            )
            .await;
            assert_eq!(note["amount"], "0.02");
            assert_eq!(
                (&note["net"], &note["vat"]),
                (&json!("0.02"), &json!("0.00"))
            );
            skipped = Some(note);
        }
        // Issue 13, LATE-1, LATE-2: in September the first month's invoice is paid late and the
        // annual invoice formally noticed, in November the annual invoice is paid: three
        // penalty invoices. TERM-1: in December the annual Licence is terminated for fault.
        let month = day.month();
        if [9, 11, 12].contains(&month) && !late_events.contains(&month) {
            late_events.push(month);
            let mut manager = log_in(&app, &signup_form()).await;
            let reply = match month {
                9 => {
                    let reply = manager
                        .post_json(
                            &format!("/api/console/invoices/{monthly}/payments"),
                            &payment(),
                        )
                        .await;
                    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
                    let path = format!("/api/admin/invoices/{annual}/formal-notice");
                    admin(&app, Method::POST, &path, None, ADMIN_TOKEN).await
                }
                11 => {
                    manager
                        .post_json(
                            &format!("/api/console/invoices/{annual}/payments"),
                            &payment(),
                        )
                        .await
                }
                _ => {
                    let path = format!("/api/admin/licences/{annual_licence}/fault-termination");
                    let reason = json!({"ground": "licence_right_breach", "reason": "Breach of the licence."});
                    let reply = admin(&app, Method::POST, &path, Some(reason), ADMIN_TOKEN).await;
                    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
                    reply
                }
            };
            assert!(reply.status.is_success(), "{}", reply.text());
        }
        if day.day() <= 7 {
            let mut manager = log_in(&app, &signup_form()).await;
            let reply = manager
                .post_json("/api/console/credits/top-ups", &top_up("5.55"))
                .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        }
    }
    assert!(skipped.is_some(), "the year passed June");

    let mut manager = log_in(&app, &signup_form()).await;
    let invoices = manager.get("/api/console/invoices").await.json();
    let invoices = invoices.as_array().unwrap();
    let renewals = invoices
        .iter()
        .filter(|invoice| invoice["kind"] == "renewal")
        .count();
    assert!(renewals >= 11, "a year of monthly renewals: {renewals}");
    let kinds = |kind: &str| {
        invoices
            .iter()
            .filter(|invoice| invoice["kind"] == kind)
            .count()
    };
    assert_eq!(
        kinds("penalty"),
        3,
        "two late invoices, one noticed then paid"
    );
    assert_eq!(kinds("termination"), 1);
    let mut deducted = domain::Money::ZERO;
    let mut partly = 0;
    for invoice in invoices {
        let id = invoice["id"].as_i64().unwrap();
        let part = check_invoice(&mut manager, id).await;
        if part > domain::Money::ZERO && invoice["total"] != "0.00" {
            partly += 1;
        }
        deducted = deducted.checked_add(part).unwrap();
    }
    assert!(
        partly >= 1,
        "a credit note's rest was deducted from an invoice left to pay"
    );

    let notes = manager.get("/api/console/credit-notes").await.json();
    let notes = notes.as_array().unwrap();
    assert_eq!(notes.len(), 3);
    assert_eq!(
        notes
            .iter()
            .map(|note| note["number"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["CN-2026-000003", "CN-2026-000002", "CN-2026-000001"]
    );
    let mut given_back = domain::Money::ZERO;
    for listed in notes {
        let note = check_credit_note(&mut manager, listed["id"].as_i64().unwrap()).await;
        assert_eq!(&note, listed);
        // A year of invoices deducts them all.
        assert_eq!(note["remaining"], "0.00", "{note}");
        given_back = given_back.checked_add(money(&note["amount"])).unwrap();
    }
    assert_eq!(deducted, given_back);
    // The whole annual invoice's credit note repeats its lines.
    let whole = manager
        .get(&format!("/api/console/credit-notes/{}", whole["id"]))
        .await
        .json();
    let disputed = manager
        .get(&format!("/api/console/invoices/{annual}"))
        .await
        .json();
    assert_eq!(whole["lines"], disputed["lines"]);
    // Another Company sees none of them.
    let mut other = ready_company(&app, &zebra()).await;
    assert_eq!(
        other.get("/api/console/credit-notes").await.json(),
        json!([])
    );
    let reply = other
        .get(&format!("/api/console/credit-notes/{}/pdf", notes[0]["id"]))
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
}

/// The refunds of credit notes: (state, amount in cents) each, and the built-in provider's.
async fn refunds(app: &TestApp) -> (Vec<(String, i64)>, i64) {
    let ours: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, amount_cents FROM credit_note_refunds ORDER BY id")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    (ours, app.count("provider_refunds").await)
}

/// DISPUTE-2 (house reading "Credit notes"): what a credit note still holds when the Contract
/// ends is refunded to the payment method, once, on the first day of the month after the last
/// day of service (after that month's usage invoice), the Managers told by email; a refund left
/// unanswered by a crash is asked again under its key and made once.
async fn a_credit_note_no_invoice_deducts_is_refunded_once_after_the_contract_ended(
    backend: Backend,
) {
    let app = admin_app_on(backend, "2026-02-02").await;
    let mut manager = ready_company(&app, &signup_form()).await;
    let order = an_order("BUSINESS")
        .key("order-1")
        .place(&mut manager)
        .await;
    let licence = order["licence"]["id"].as_i64().unwrap();
    collect(&app).await;
    let invoice = manager.get("/api/console/invoices").await.json()[0].clone();
    assert_eq!(invoice["status"], "paid", "{invoice}");
    let invoice_id = invoice["id"].as_i64().unwrap();
    let reply = dispute(
        &mut manager,
        invoice_id,
        "The Number did not work for a week.",
    )
    .await;
    let dispute_id = reply.json()["disputes"][0]["id"].as_i64().unwrap();
    let reply = decide(&app, dispute_id, &json!({"accept": true, "amount": "6.00"})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    // Notice on the only Licence: its monthly period ending 1 March is its last.
    let reply = manager
        .post_json(
            &format!("/api/console/licences/{licence}/notice"),
            &json!({}),
        )
        .await;
    assert_eq!(
        reply.json()["service_last_day"],
        "2026-03-01",
        "{}",
        reply.text()
    );
    let company_id: i64 = sqlx::query_scalar("SELECT company_id FROM licences WHERE id = $1")
        .bind(licence)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let credit_notes = || server::store::disputes::credit_notes(&app.state.db, company_id);

    // The Contract ends on 2 March; March's usage could still deduct it until 1 April.
    while app.state.clock.today() < date("2026-03-31") {
        collect_days(&app, 1).await;
    }
    assert_eq!(refunds(&app).await, (vec![], 0));
    let note = credit_notes().await.unwrap().remove(0);
    assert_eq!(
        (note.remaining.to_string().as_str(), note.refund),
        ("6.00", None)
    );
    let emails_before = app.count("outbox").await;

    collect_days(&app, 1).await;
    assert_eq!(refunds(&app).await, (vec![("refunded".into(), 600)], 1));
    let note = credit_notes().await.unwrap().remove(0);
    assert_eq!(note.remaining, domain::Money::ZERO);
    let refund = note.refund.expect("refunded");
    assert_eq!(refund.amount.to_string(), "6.00");
    assert_eq!(refund.on, date("2026-04-01"));
    assert_eq!(refund.method, "Main account ending 1234");
    assert!(refund.refunded);
    let emails: Vec<(String, String)> = sqlx::query_as(
        "SELECT recipient, body FROM outbox WHERE subject = 'Your credit notes are refunded'",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(app.count("outbox").await, emails_before + 1);
    assert_eq!(emails[0].0, signup_form().email);
    assert!(
        emails[0]
            .1
            .contains("CN-2026-000001: EUR 6.00 refunded to Main account ending 1234"),
        "{}",
        emails[0].1
    );
    assert_eq!(
        logged(
            &app,
            "credit_note.refund",
            &format!("credit_note:{}", note.id)
        )
        .await,
        1
    );

    // Days later, nothing more; a refund whose answer was lost is asked again, made once.
    collect_days(&app, 3).await;
    sqlx::query("UPDATE credit_note_refunds SET state = 'pending', provider_reference = NULL")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    collect(&app).await;
    assert_eq!(refunds(&app).await, (vec![("refunded".into(), 600)], 1));
    assert_eq!(app.count("outbox").await, emails_before + 1);
}
