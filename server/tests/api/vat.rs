//! Issue 19: VAT numbers checked as tax authorities check them, through the API, each test run on
//! SQLite and PostgreSQL: a wrong check digit refused by field (VIES never asked); a number of
//! another member state confirmed by VIES (the local stand-in, over its REST API) gives the next
//! invoice a reverse charge and the VIES consultation number; VIES unavailable keeps the number
//! pending and bills with French VAT, and the Company page says so.

use crate::support::{Backend, Client, Reply, TestApp, assert_api_error, signup_form, top_up};
use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::NaiveDate;
use domain::catalogue::Billing;
use domain::order::{LineRequest, OrderForm, OrderFormLine, quote_order};
use protocol::catalogue::{AvailableNumber, PriceListView};
use serde_json::{Value, json};
use server::vies::stand_in::{StandIn, StandInAnswer};

on_both_databases!(
    access_4_a_wrong_check_digit_is_refused_by_field_and_vies_is_not_asked,
    a_number_vies_confirms_gives_the_next_invoice_a_reverse_charge_and_its_consultation_number,
    vies_unavailable_keeps_the_number_pending_bills_with_vat_and_a_new_save_retries,
    vies_unavailable_before_an_invoice_bills_that_invoice_with_vat,
    a_number_vies_says_is_not_registered_bills_with_vat_and_says_so,
    a_french_company_never_asks_vies,
    the_scheduler_asks_vies_before_each_renewal_and_bills_it_accordingly,
    a_slow_vies_times_out_and_the_number_stays_pending,
);

const GERMAN: &str = "DE136695976";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
}

async fn start(backend: Backend) -> TestApp {
    TestApp::options(backend).today(today()).start().await
}

fn stand_in(app: &TestApp) -> &StandIn {
    app.state
        .vies
        .stand_in
        .as_ref()
        .expect("the tests ask the stand-in")
}

/// A Company billed in Germany; its client.
async fn german_company(app: &TestApp) -> Client {
    let form = protocol::SignupForm {
        legal_name: "Müller Telefonie GmbH".into(),
        registration_number: "HRB 12345".into(),
        billing_country: "DE".into(),
        email: "jonas@mueller.de".into(),
        ..signup_form()
    };
    app.signed_up(&form).await.0
}

fn details(country: &str, registration: &str, vat_number: &str, postal_code: &str) -> Value {
    json!({
        "legal_name": "Müller Telefonie GmbH",
        "registration_number": registration,
        "billing_country": country,
        "vat_number": vat_number,
        "address_line1": "Unter den Linden 1",
        "address_line2": "",
        "postal_code": postal_code,
        "city": "Berlin"
    })
}

async fn save(client: &mut Client, vat_number: &str) -> Reply {
    let body = details("DE", "HRB 12345", vat_number, "10117");
    client
        .send(
            Method::PUT,
            "/api/console/company",
            &[("content-type", "application/json")],
            Body::from(serde_json::to_vec(&body).unwrap()),
        )
        .await
}

async fn saved(client: &mut Client, vat_number: &str) -> Value {
    let reply = save(client, vat_number).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

/// Tops the Credits up by EUR 10 and returns the invoice written for it.
async fn top_up_invoice(client: &mut Client) -> Value {
    let reply = client
        .post_json("/api/console/credits/top-ups", &top_up("10.00"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let id = reply.json()["invoice_id"].as_i64().unwrap();
    let reply = client.get(&format!("/api/console/invoices/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

async fn consultations(app: &TestApp) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT occasion, outcome, request_identifier FROM vies_consultations ORDER BY id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

async fn access_4_a_wrong_check_digit_is_refused_by_field_and_vies_is_not_asked(backend: Backend) {
    let app = start(backend).await;
    let mut client = german_company(&app).await;
    // The examples: one digit changed, which python-stdnum rejects.
    for (country, registration, wrong, postal_code) in [
        ("DE", "HRB 12345", "DE136695970", "10117"),
        ("AT", "FN 12345a", "ATU13585620", "1010"),
        ("BE", "0403019261", "BE0403019260", "1000"),
    ] {
        let body = details(country, registration, wrong, postal_code);
        let reply = client
            .send(
                Method::PUT,
                "/api/console/company",
                &[("content-type", "application/json")],
                Body::from(serde_json::to_vec(&body).unwrap()),
            )
            .await;
        assert_api_error(
            &reply,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("vat_number"),
        );
        assert!(
            reply.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("check digit"),
            "{}",
            reply.text()
        );
    }
    let account = client.get("/api/console/company").await.json();
    assert_eq!(account["details"]["vat_number"], "");
    assert_eq!(account["vat_check"], Value::Null);
    assert_eq!(stand_in(&app).consultations(), 0);
    assert!(consultations(&app).await.is_empty());
}

async fn a_number_vies_confirms_gives_the_next_invoice_a_reverse_charge_and_its_consultation_number(
    backend: Backend,
) {
    let app = start(backend).await;
    let mut client = german_company(&app).await;
    let account = saved(&mut client, "de 136 695 976").await;
    let check = &account["vat_check"];
    assert_eq!(check["vat_number"], GERMAN);
    assert_eq!(check["status"], "confirmed", "{account}");
    assert!(
        check["message"]
            .as_str()
            .unwrap()
            .contains("reverse charge")
    );
    let at_save = check["request_identifier"].as_str().unwrap().to_owned();
    assert!(at_save.starts_with("WAPI"), "{at_save}");
    assert_eq!(check["trader_name"], "STAND-IN TRADER DE136695976");

    let invoice = top_up_invoice(&mut client).await;
    assert_eq!(invoice["vat_rate"], "0", "{invoice}");
    assert_eq!(invoice["vat"], "0.00");
    assert!(
        invoice["vat_reason"]
            .as_str()
            .unwrap()
            .starts_with("Reverse charge"),
        "{invoice}"
    );
    // VIES was asked again before the invoice: that consultation is its proof.
    let recorded = consultations(&app).await;
    assert_eq!(recorded.len(), 2, "{recorded:?}");
    assert_eq!(recorded[0].0, "saved");
    assert_eq!(recorded[1].0, "before_invoice");
    assert_eq!(recorded[1].1, "valid");
    let before_invoice = recorded[1].2.clone().unwrap();
    assert_ne!(before_invoice, at_save);
    assert_eq!(invoice["vies"]["vat_number"], GERMAN);
    assert_eq!(
        invoice["vies"]["request_identifier"],
        before_invoice.as_str()
    );
    assert_eq!(
        invoice["vies"]["trader_name"],
        "STAND-IN TRADER DE136695976"
    );

    // The PDF shows the consultation number too.
    let id = invoice["id"].as_i64().unwrap();
    let pdf = client.get(&format!("/api/console/invoices/{id}/pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    let text = String::from_utf8_lossy(&pdf.body);
    assert!(
        text.contains(&format!("consultation number {before_invoice}")),
        "the PDF does not show {before_invoice}"
    );

    // Each consultation is in the proof log, by the Manager who caused it.
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'vies.consultation' AND actor_user_id IS NOT NULL",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(logged, 2);
}

async fn vies_unavailable_keeps_the_number_pending_bills_with_vat_and_a_new_save_retries(
    backend: Backend,
) {
    let app = start(backend).await;
    let mut client = german_company(&app).await;
    stand_in(&app).answer(GERMAN, StandInAnswer::Unavailable);
    let account = saved(&mut client, GERMAN).await;
    assert_eq!(account["details"]["vat_number"], GERMAN);
    let check = &account["vat_check"];
    assert_eq!(check["status"], "pending", "{account}");
    let message = check["message"].as_str().unwrap();
    assert!(message.contains("French VAT (20 %)"), "{message}");
    assert!(message.contains("MS_UNAVAILABLE"), "{message}");
    assert_eq!(check["request_identifier"], Value::Null);
    // The Order page's quotes say French VAT too.
    let price_list = client.get("/api/console/price-list").await;
    assert_eq!(price_list.status, StatusCode::OK, "{}", price_list.text());
    assert_eq!(price_list.json()["vat"]["has_valid_vat_number"], false);

    let invoice = top_up_invoice(&mut client).await;
    assert_eq!(invoice["vat_rate"], "20", "{invoice}");
    assert_eq!(invoice["vat"], "2.00");
    assert_eq!(invoice["vies"], Value::Null);
    assert!(
        invoice["vat_reason"]
            .as_str()
            .unwrap()
            .contains("VIES has not confirmed"),
        "{invoice}"
    );

    // VIES answers again: saving again confirms the number, and the next invoice has no VAT.
    stand_in(&app).answer(GERMAN, StandInAnswer::Valid);
    let account = saved(&mut client, GERMAN).await;
    assert_eq!(account["vat_check"]["status"], "confirmed", "{account}");
    let invoice = top_up_invoice(&mut client).await;
    assert_eq!(invoice["vat_rate"], "0", "{invoice}");
    assert!(invoice["vies"]["request_identifier"].is_string());
}

async fn vies_unavailable_before_an_invoice_bills_that_invoice_with_vat(backend: Backend) {
    let app = start(backend).await;
    let mut client = german_company(&app).await;
    let account = saved(&mut client, GERMAN).await;
    assert_eq!(account["vat_check"]["status"], "confirmed");
    stand_in(&app).answer(GERMAN, StandInAnswer::Unavailable);
    let invoice = top_up_invoice(&mut client).await;
    assert_eq!(invoice["vat_rate"], "20", "{invoice}");
    assert_eq!(invoice["vies"], Value::Null);
    let account = client.get("/api/console/company").await.json();
    assert_eq!(account["vat_check"]["status"], "pending", "{account}");
}

async fn a_number_vies_says_is_not_registered_bills_with_vat_and_says_so(backend: Backend) {
    let app = start(backend).await;
    let mut client = german_company(&app).await;
    stand_in(&app).answer(GERMAN, StandInAnswer::Invalid);
    let account = saved(&mut client, GERMAN).await;
    let check = &account["vat_check"];
    assert_eq!(check["status"], "not_registered", "{account}");
    assert!(
        check["message"]
            .as_str()
            .unwrap()
            .contains("not valid for intra-EU trade")
    );
    let invoice = top_up_invoice(&mut client).await;
    assert_eq!(invoice["vat_rate"], "20", "{invoice}");
}

async fn a_french_company_never_asks_vies(backend: Backend) {
    let app = start(backend).await;
    let (mut client, _) = app.signed_up(&signup_form()).await;
    let body = json!({
        "legal_name": "Martin et Fils SAS",
        "registration_number": "732 829 320",
        "billing_country": "FR",
        "vat_number": "FR44732829320",
        "address_line1": "12 rue de la Paix",
        "address_line2": "",
        "postal_code": "75002",
        "city": "Paris"
    });
    let reply = client
        .send(
            Method::PUT,
            "/api/console/company",
            &[("content-type", "application/json")],
            Body::from(serde_json::to_vec(&body).unwrap()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["vat_check"], Value::Null);
    let invoice = top_up_invoice(&mut client).await;
    assert_eq!(invoice["vat_rate"], "20");
    assert_eq!(stand_in(&app).consultations(), 0);
}

/// Orders one French Number on the monthly Essential plan, priced as the app prices it (with
/// the VAT basis the server gives: reverse charge once VIES confirmed the number).
async fn order_one_number(client: &mut Client) {
    let reply = client
        .post_json(
            "/api/console/company/payment-methods",
            &json!({"kind": "sepa", "label": "Main account", "last4": "1234", "expiry": ""}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let list: PriceListView =
        serde_json::from_slice(&client.get("/api/console/price-list").await.body).unwrap();
    let found: Vec<AvailableNumber> = serde_json::from_slice(
        &client
            .get("/api/console/numbers/available?country=FR&limit=1")
            .await
            .body,
    )
    .unwrap();
    let plan_id = list
        .price_list
        .plans
        .iter()
        .find(|plan| plan.code == "ESSENTIAL")
        .unwrap()
        .id;
    let lines = [LineRequest {
        plan_id,
        quantity: 1,
    }];
    let quote = quote_order(
        &list.price_list,
        Billing::Monthly,
        &lines,
        list.on,
        list.vat,
    )
    .unwrap();
    let form = OrderForm {
        idempotency_key: "order-1".into(),
        billing: Billing::Monthly,
        lines: vec![OrderFormLine {
            plan_id,
            number_ids: vec![found[0].id],
        }],
        accepted_gtcs_version: Some(server::api::GTCS_VERSION.into()),
        expected_total: quote.total,
        priced_on: Some(list.on),
        trial: false,
    };
    let reply = client.post_json("/api/console/orders", &form).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
}

/// The invoices of `kind` in number order: VAT in cents and the consultation number, if any.
async fn invoices_of(app: &TestApp, kind: &str) -> Vec<(i64, Option<String>)> {
    sqlx::query_as(
        "SELECT i.vat_cents, v.request_identifier FROM invoices i
         LEFT JOIN vies_consultations v ON v.id = i.vies_consultation_id
         WHERE i.kind = $1 ORDER BY i.seq",
    )
    .bind(kind)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

async fn a_month_later(app: &TestApp) {
    app.state.clock.advance_days(31);
    server::scheduler::catch_up_asking_vies(&app.state.db, &app.state.clock, &app.state.vies)
        .await
        .unwrap();
}

async fn the_scheduler_asks_vies_before_each_renewal_and_bills_it_accordingly(backend: Backend) {
    let app = start(backend).await;
    let mut client = german_company(&app).await;
    saved(&mut client, GERMAN).await;
    order_one_number(&mut client).await;
    let orders = invoices_of(&app, "order").await;
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].0, 0, "the Order's invoice is reverse charged");
    let ordered_with = orders[0].1.clone().expect("its consultation number");

    // VIES is down on the first renewal day: that renewal carries French VAT.
    stand_in(&app).answer(GERMAN, StandInAnswer::Unavailable);
    a_month_later(&app).await;
    let renewals = invoices_of(&app, "renewal").await;
    assert_eq!(renewals.len(), 1);
    assert!(renewals[0].0 > 0, "VAT while VIES does not answer");
    assert_eq!(renewals[0].1, None);

    // VIES answers on the next: reverse charge, with that day's consultation.
    stand_in(&app).answer(GERMAN, StandInAnswer::Valid);
    a_month_later(&app).await;
    let renewals = invoices_of(&app, "renewal").await;
    assert_eq!(renewals.len(), 2);
    assert_eq!(renewals[1].0, 0);
    let renewed_with = renewals[1].1.clone().expect("its consultation number");
    assert_ne!(renewed_with, ordered_with);

    // Once per invoicing day, and only then: saved, before the Order, before each renewal.
    let occasions: Vec<(String, String)> =
        sqlx::query_as("SELECT occasion, outcome FROM vies_consultations ORDER BY id")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    let expected = [
        ("saved", "valid"),
        ("before_invoice", "valid"),
        ("before_invoice", "unavailable"),
        ("before_invoice", "valid"),
    ];
    assert_eq!(
        occasions,
        expected.map(|(occasion, outcome)| (occasion.to_owned(), outcome.to_owned()))
    );
}

async fn a_slow_vies_times_out_and_the_number_stays_pending(backend: Backend) {
    let app = start(backend).await;
    let mut client = german_company(&app).await;
    stand_in(&app).answer(GERMAN, StandInAnswer::Slow);
    // The tests' timeout is 2 s (`support`), the stand-in's slow answer 30 s.
    let started = std::time::Instant::now();
    let account = saved(&mut client, GERMAN).await;
    assert!(
        started.elapsed() < StandIn::SLOW,
        "the save waited for VIES"
    );
    let check = &account["vat_check"];
    assert_eq!(check["status"], "pending", "{account}");
    assert!(
        check["message"]
            .as_str()
            .unwrap()
            .contains("VIES did not answer in time"),
        "{account}"
    );
    assert_eq!(consultations(&app).await[0].1, "unavailable");
}
