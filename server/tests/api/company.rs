//! The Company Account (ACCESS-4, PAY-2, PROMO-1) and the proof log (PROOF-1) through the API,
//! each test run on SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::{NaiveDate, Utc};
use serde_json::{Value, json};
use server::store::audit::{Break, Verification};
use server::store::{company, sessions};

use crate::support::{
    Backend, Client, TestApp, assert_api_error, company_form, dupont, signup_form,
};

on_both_databases!(
    company_shows_the_signup_details_and_nothing_on_file,
    editing_the_company_saves_normalised_details_and_records_before_and_after,
    an_invalid_vat_number_is_refused_by_field_and_nothing_is_saved,
    every_invalid_field_is_refused_by_field,
    payment_methods_are_added_listed_and_removed_softly,
    an_expired_card_is_refused_for_the_servers_today,
    pay_2_the_last_valid_method_cannot_be_removed_once_the_company_has_ordered,
    pay_2_without_orders_the_last_method_can_be_removed,
    has_valid_payment_method_follows_expiry_and_removal,
    promo_1_the_opt_out_is_saved_and_recorded,
    another_companys_payment_method_is_not_found,
    company_endpoints_refuse_users_who_are_not_managers_and_strangers,
    activity_pages_fifty_entries_newest_first_with_authors,
    activity_shows_only_the_companys_own_entries,
    proof_log_verifies_intact_after_console_changes,
    proof_log_reports_the_first_altered_entry,
    proof_log_reports_a_removed_last_entry_as_truncated,
    triggers_refuse_changing_the_proof_log_and_orders,
);

const TODAY: (i32, u32, u32) = (2026, 11, 15);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap()
}

async fn start(backend: Backend) -> TestApp {
    TestApp::options(backend).today(today()).start().await
}

fn card(label: &str, last4: &str, expiry: &str) -> Value {
    json!({"kind": "card", "label": label, "last4": last4, "expiry": expiry})
}

/// Signs the default Company up; returns its client, company id and Manager id.
async fn anne(app: &TestApp) -> (Client, i64, i64) {
    let (client, me) = app.signed_up(&signup_form()).await;
    let company_id = me["company"]["id"].as_i64().unwrap();
    let user_id = me["user"]["id"].as_i64().unwrap();
    (client, company_id, user_id)
}

/// Signs up a second, unrelated Company.
async fn other_company(app: &TestApp) -> (Client, i64) {
    let (client, me) = app.signed_up(&dupont()).await;
    (client, me["company"]["id"].as_i64().unwrap())
}

async fn add(client: &mut Client, method: &Value) -> Value {
    let reply = client
        .post_json("/api/console/company/payment-methods", method)
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()
}

fn method_id(account: &Value, label: &str) -> i64 {
    account["payment_methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|method| method["label"] == label)
        .unwrap_or_else(|| panic!("no method {label} in {account}"))["id"]
        .as_i64()
        .unwrap()
}

/// Inserts a placed Order for the Company, as the ordering flow does.
async fn place_an_order(app: &TestApp, company_id: i64, user_id: i64) {
    sqlx::query(
        "INSERT INTO orders (company_id, placed_by, placed_at, idempotency_key, billing, vat_rate,
                             subtotal_cents, vat_cents, total_cents, gtcs_version)
         VALUES ($1, $2, $3, $4, 'monthly', '20', 1000, 200, 1200, '2026-11')",
    )
    .bind(company_id)
    .bind(user_id)
    .bind(server::store::stamp(Utc::now()))
    .bind(format!("key-{company_id}"))
    .execute(&app.state.db.pool)
    .await
    .unwrap();
}

async fn log_entries(client: &mut Client) -> Vec<Value> {
    let reply = client.get("/api/console/activity").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["entries"].as_array().unwrap().clone()
}

// Details ---------------------------------------------------------------------------------------

async fn company_shows_the_signup_details_and_nothing_on_file(backend: Backend) {
    let app = start(backend).await;
    let (mut client, _, _) = anne(&app).await;
    let reply = client.get("/api/console/company").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let account = reply.json();
    assert_eq!(account["details"]["legal_name"], "Martin & Fils SAS");
    assert_eq!(account["details"]["registration_number"], "732829320");
    assert_eq!(account["details"]["billing_country"], "FR");
    assert_eq!(account["details"]["vat_number"], "");
    assert_eq!(account["payment_methods"], json!([]));
    assert_eq!(account["has_valid_payment_method"], false);
    assert_eq!(account["promo_opt_out"], false);
}

async fn editing_the_company_saves_normalised_details_and_records_before_and_after(
    backend: Backend,
) {
    let app = start(backend).await;
    let (mut client, _, _) = anne(&app).await;
    let reply = client
        .put_json("/api/console/company", &company_form())
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let details = &reply.json()["details"];
    assert_eq!(details["legal_name"], "Martin et Fils SAS");
    assert_eq!(details["vat_number"], "FR44732829320");
    assert_eq!(details["postal_code"], "75002");
    let stored = client.get("/api/console/company").await.json();
    assert_eq!(&stored["details"], details);
    // Signed-in identity follows the new name.
    assert_eq!(
        client.get("/api/me").await.json()["company"]["legal_name"],
        "Martin et Fils SAS"
    );

    let entries = log_entries(&mut client).await;
    let update = &entries[0];
    assert_eq!(update["action"], "company.update");
    assert_eq!(update["author"], "Anne Martin");
    let before: Value = serde_json::from_str(update["before"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(update["after"].as_str().unwrap()).unwrap();
    assert_eq!(before["legal_name"], "Martin & Fils SAS");
    assert_eq!(before["vat_number"], "");
    assert_eq!(after["legal_name"], "Martin et Fils SAS");
    assert_eq!(after["vat_number"], "FR44732829320");

    // Saving the same details again changes nothing, so records nothing.
    let again = client
        .put_json("/api/console/company", &company_form())
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(log_entries(&mut client).await.len(), entries.len());
}

async fn an_invalid_vat_number_is_refused_by_field_and_nothing_is_saved(backend: Backend) {
    let app = start(backend).await;
    let (mut client, _, _) = anne(&app).await;
    let entries_before = app.count("audit_log").await;
    let mut form = company_form();
    form["vat_number"] = json!("FR45732829320");
    let reply = client.put_json("/api/console/company", &form).await;
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
            .contains("key")
    );
    // A German prefix for a French company, too.
    form["vat_number"] = json!("DE123456789");
    let reply = client.put_json("/api/console/company", &form).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("vat_number"),
    );
    let stored = client.get("/api/console/company").await.json();
    assert_eq!(stored["details"]["legal_name"], "Martin & Fils SAS");
    assert_eq!(stored["details"]["vat_number"], "");
    assert_eq!(app.count("audit_log").await, entries_before);
}

async fn every_invalid_field_is_refused_by_field(backend: Backend) {
    let app = start(backend).await;
    let (mut client, _, _) = anne(&app).await;
    for (field, value, code) in [
        ("legal_name", json!("  "), "required"),
        ("registration_number", json!("732829321"), "invalid"),
        ("billing_country", json!("XX"), "invalid"),
        ("address_line1", json!(""), "required"),
        ("postal_code", json!("7500"), "invalid"),
        ("city", json!(""), "required"),
    ] {
        let mut form = company_form();
        form[field] = value;
        let reply = client.put_json("/api/console/company", &form).await;
        assert_api_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
    }
    let malformed = client
        .send(
            Method::PUT,
            "/api/console/company",
            &[("content-type", "application/json")],
            Body::from("{\"legal_name\": 3}"),
        )
        .await;
    assert_api_error(&malformed, StatusCode::BAD_REQUEST, "malformed_body", None);
}

// Payment methods (PAY-2) -----------------------------------------------------------------------

async fn payment_methods_are_added_listed_and_removed_softly(backend: Backend) {
    let app = start(backend).await;
    let (mut client, _, _) = anne(&app).await;
    add(&mut client, &card("Company Visa", "4242", "02/28")).await;
    let account = add(
        &mut client,
        &json!({"kind": "sepa", "label": "BNP mandate", "last4": "0189", "expiry": ""}),
    )
    .await;
    let methods = account["payment_methods"].as_array().unwrap();
    assert_eq!(methods.len(), 2);
    assert_eq!(methods[0]["kind"], "card");
    assert_eq!(methods[0]["valid_until"], "2028-02-29");
    assert_eq!(methods[0]["valid"], true);
    assert_eq!(methods[1]["kind"], "sepa");
    assert_eq!(methods[1]["valid_until"], Value::Null);
    assert_eq!(account["has_valid_payment_method"], true);

    let visa = method_id(&account, "Company Visa");
    let reply = client
        .delete(&format!("/api/console/company/payment-methods/{visa}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let labels: Vec<_> = reply.json()["payment_methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|method| method["label"].clone())
        .collect();
    assert_eq!(labels, [json!("BNP mandate")]);
    // Kept in the database, marked removed; a second removal finds nothing.
    assert_eq!(app.count("payment_methods").await, 2);
    let again = client
        .delete(&format!("/api/console/company/payment-methods/{visa}"))
        .await;
    assert_api_error(&again, StatusCode::NOT_FOUND, "not_found", None);

    let actions: Vec<_> = log_entries(&mut client)
        .await
        .iter()
        .map(|entry| entry["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions[..3],
        [
            "payment_method.remove",
            "payment_method.add",
            "payment_method.add"
        ]
    );
}

async fn an_expired_card_is_refused_for_the_servers_today(backend: Backend) {
    let app = start(backend).await;
    let (mut client, _, _) = anne(&app).await;
    // Today is 15 Nov 2026: October 2026 has passed, November 2026 has not.
    let reply = client
        .post_json(
            "/api/console/company/payment-methods",
            &card("Old card", "1111", "10/26"),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("expiry"),
    );
    let reply = client
        .post_json(
            "/api/console/company/payment-methods",
            &card("Card", "12345", "12/27"),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("last4"),
    );
    assert_eq!(app.count("payment_methods").await, 0);
    add(&mut client, &card("Card", "2222", "11/26")).await;
    assert_eq!(app.count("payment_methods").await, 1);
}

async fn pay_2_the_last_valid_method_cannot_be_removed_once_the_company_has_ordered(
    backend: Backend,
) {
    let app = start(backend).await;
    let (mut client, company_id, user_id) = anne(&app).await;
    add(&mut client, &card("Visa", "4242", "12/27")).await;
    // A method that expired is on file too (inserted as it was stored when still valid).
    sqlx::query(
        "INSERT INTO payment_methods (company_id, kind, label, last4, valid_until, created_at)
         VALUES ($1, 'card', 'Expired', '9999', '2026-10-31', '2025-01-01T00:00:00.000000Z')",
    )
    .bind(company_id)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    place_an_order(&app, company_id, user_id).await;
    let account = client.get("/api/console/company").await.json();
    assert_eq!(account["payment_methods"][1]["valid"], false);
    let visa = method_id(&account, "Visa");

    let reply = client
        .delete(&format!("/api/console/company/payment-methods/{visa}"))
        .await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "last_valid_payment_method",
        None,
    );
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at least one valid payment method")
    );
    let still = client.get("/api/console/company").await.json();
    assert_eq!(still["payment_methods"].as_array().unwrap().len(), 2);

    // The expired one may go; with a second valid method, the first may go too.
    let expired = method_id(&account, "Expired");
    let reply = client
        .delete(&format!("/api/console/company/payment-methods/{expired}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    add(&mut client, &card("Mastercard", "5454", "06/29")).await;
    let reply = client
        .delete(&format!("/api/console/company/payment-methods/{visa}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["has_valid_payment_method"], true);
}

async fn pay_2_without_orders_the_last_method_can_be_removed(backend: Backend) {
    let app = start(backend).await;
    let (mut client, _, _) = anne(&app).await;
    let account = add(&mut client, &card("Visa", "4242", "12/27")).await;
    let visa = method_id(&account, "Visa");
    let reply = client
        .delete(&format!("/api/console/company/payment-methods/{visa}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["has_valid_payment_method"], false);
}

async fn has_valid_payment_method_follows_expiry_and_removal(backend: Backend) {
    let app = start(backend).await;
    let (mut client, company_id, _) = anne(&app).await;
    let db = &app.state.db;
    assert!(
        !company::has_valid_payment_method(db, company_id, today())
            .await
            .unwrap()
    );
    let account = add(&mut client, &card("Visa", "4242", "12/26")).await;
    let last_day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    assert!(
        company::has_valid_payment_method(db, company_id, last_day)
            .await
            .unwrap()
    );
    assert!(
        !company::has_valid_payment_method(db, company_id, last_day.succ_opt().unwrap())
            .await
            .unwrap()
    );
    let visa = method_id(&account, "Visa");
    client
        .delete(&format!("/api/console/company/payment-methods/{visa}"))
        .await;
    assert!(
        !company::has_valid_payment_method(db, company_id, today())
            .await
            .unwrap()
    );
}

// Promotion (PROMO-1) ---------------------------------------------------------------------------

async fn promo_1_the_opt_out_is_saved_and_recorded(backend: Backend) {
    let app = start(backend).await;
    let (mut client, _, _) = anne(&app).await;
    let reply = client
        .put_json("/api/console/company/promotion", &json!({"opt_out": true}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["promo_opt_out"], true);
    assert_eq!(
        client.get("/api/console/company").await.json()["promo_opt_out"],
        true
    );
    let entry = &log_entries(&mut client).await[0];
    assert_eq!(entry["action"], "company.promotion");
    assert_eq!(entry["before"], r#"{"promo_opt_out":false}"#);
    assert_eq!(entry["after"], r#"{"promo_opt_out":true}"#);
    let reply = client
        .put_json("/api/console/company/promotion", &json!({"opt_out": false}))
        .await;
    assert_eq!(reply.json()["promo_opt_out"], false);
}

// Isolation and roles ---------------------------------------------------------------------------

async fn another_companys_payment_method_is_not_found(backend: Backend) {
    let app = start(backend).await;
    let (mut anne, _, _) = anne(&app).await;
    let (mut paul, _) = other_company(&app).await;
    let pauls = add(&mut paul, &card("Paul's card", "1234", "12/27")).await;
    let id = method_id(&pauls, "Paul's card");
    let reply = anne
        .delete(&format!("/api/console/company/payment-methods/{id}"))
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    for missing in ["999999", "abc", "-1"] {
        let reply = anne
            .delete(&format!("/api/console/company/payment-methods/{missing}"))
            .await;
        assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    }
    // Paul's method is untouched and Anne sees none of his.
    let still = paul.get("/api/console/company").await.json();
    assert_eq!(still["payment_methods"].as_array().unwrap().len(), 1);
    let annes = anne.get("/api/console/company").await.json();
    assert_eq!(annes["payment_methods"], json!([]));
    assert_eq!(annes["details"]["legal_name"], "Martin & Fils SAS");
}

async fn company_endpoints_refuse_users_who_are_not_managers_and_strangers(backend: Backend) {
    let app = start(backend).await;
    let (mut anne, company_id, _) = anne(&app).await;
    let account = add(&mut anne, &card("Visa", "4242", "12/27")).await;
    let visa = method_id(&account, "Visa");
    let user_id: i64 = sqlx::query_scalar(
        "INSERT INTO users (company_id, first_name, last_name, email, role, created_at)
         VALUES ($1, 'Luc', 'Petit', 'luc@martin.fr', 'user', '2026-11-01T00:00:00.000000Z') RETURNING id",
    )
    .bind(company_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let token = sessions::open(&app.state.db, user_id, app.state.clock.now())
        .await
        .unwrap();
    let mut user = app.client_with_session(&token);
    let mut stranger = app.client();
    let delete_path = format!("/api/console/company/payment-methods/{visa}");
    let requests: Vec<(Method, &str, Value)> = vec![
        (Method::GET, "/api/console/company", Value::Null),
        (Method::PUT, "/api/console/company", company_form()),
        (
            Method::POST,
            "/api/console/company/payment-methods",
            card("Mine", "1111", "12/27"),
        ),
        (Method::DELETE, delete_path.as_str(), Value::Null),
        (
            Method::PUT,
            "/api/console/company/promotion",
            json!({"opt_out": true}),
        ),
        (Method::GET, "/api/console/activity", Value::Null),
        (Method::GET, "/api/console/activity?before=2", Value::Null),
    ];
    for (method, path, body) in requests {
        let (headers, body): (&[(&str, &str)], Body) = if body.is_null() {
            (&[], Body::empty())
        } else {
            (
                &[("content-type", "application/json")],
                Body::from(body.to_string()),
            )
        };
        let reply = user.send(method.clone(), path, headers, body).await;
        assert_api_error(&reply, StatusCode::FORBIDDEN, "forbidden", None);
        let reply = stranger
            .send(method.clone(), path, headers, Body::empty())
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    // Nothing changed.
    let account = anne.get("/api/console/company").await.json();
    assert_eq!(account["payment_methods"].as_array().unwrap().len(), 1);
    assert_eq!(account["promo_opt_out"], false);
}

// The proof log (PROOF-1) -----------------------------------------------------------------------

async fn activity_pages_fifty_entries_newest_first_with_authors(backend: Backend) {
    let app = start(backend).await;
    let (mut client, _, _) = anne(&app).await;
    // Sign-up recorded entry 1; 60 toggles record 2..=61.
    for turn in 0..60 {
        let reply = client
            .put_json(
                "/api/console/company/promotion",
                &json!({"opt_out": turn % 2 == 0}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let first = client.get("/api/console/activity").await.json();
    let entries = first["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 50);
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (12..=61).rev().collect::<Vec<_>>());
    assert_eq!(first["older"], 12);
    assert!(entries.iter().all(|entry| entry["author"] == "Anne Martin"));
    assert!(
        entries
            .windows(2)
            .all(|pair| pair[0]["at"].as_str() >= pair[1]["at"].as_str())
    );

    let second = client.get("/api/console/activity?before=12").await.json();
    let entries = second["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 11);
    assert_eq!(entries[0]["seq"], 11);
    let oldest = entries.last().unwrap();
    assert_eq!(oldest["seq"], 1);
    assert_eq!(oldest["action"], "company.create");
    assert_eq!(oldest["before"], Value::Null);
    assert_eq!(second["older"], Value::Null);

    let bad = client.get("/api/console/activity?before=soon").await;
    assert_api_error(&bad, StatusCode::BAD_REQUEST, "malformed_body", None);
}

async fn activity_shows_only_the_companys_own_entries(backend: Backend) {
    let app = start(backend).await;
    let (mut anne, _, _) = anne(&app).await;
    let (mut paul, _) = other_company(&app).await;
    add(&mut paul, &card("Paul's card", "1234", "12/27")).await;
    let annes = log_entries(&mut anne).await;
    assert_eq!(annes.len(), 1);
    assert_eq!(annes[0]["action"], "company.create");
    let pauls = log_entries(&mut paul).await;
    assert_eq!(pauls.len(), 2);
    assert!(pauls.iter().all(|entry| entry["author"] == "Paul Dupont"));
}

/// Makes a few changes through the console: 5 entries in Anne's log, 1 in Paul's.
async fn a_few_changes(app: &TestApp) -> i64 {
    let (mut client, company_id, _) = anne(app).await;
    client
        .put_json("/api/console/company", &company_form())
        .await;
    let account = add(&mut client, &card("Visa", "4242", "12/27")).await;
    client
        .delete(&format!(
            "/api/console/company/payment-methods/{}",
            method_id(&account, "Visa")
        ))
        .await;
    client
        .put_json("/api/console/company/promotion", &json!({"opt_out": true}))
        .await;
    other_company(app).await;
    company_id
}

/// Lifts the append-only triggers, as someone with direct database access could.
async fn drop_append_only_guard(app: &TestApp, backend: Backend) {
    let statements: &[&'static str] = match backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_append_only_update",
            "DROP TRIGGER audit_log_append_only_delete",
        ],
        Backend::Postgres => &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"],
    };
    for statement in statements.iter().copied() {
        sqlx::query(statement)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
    }
}

async fn proof_log_verifies_intact_after_console_changes(backend: Backend) {
    let app = start(backend).await;
    a_few_changes(&app).await;
    assert_eq!(
        app.verify_proof().await,
        Verification::Intact {
            entries: 6,
            unsigned: 6
        }
    );
}

async fn proof_log_reports_the_first_altered_entry(backend: Backend) {
    let app = start(backend).await;
    let company_id = a_few_changes(&app).await;
    drop_append_only_guard(&app, backend).await;
    // Entry 2 (the company update) and entry 4 are rewritten; entry 2 is reported.
    for seq in [4, 2] {
        sqlx::query(
            "UPDATE audit_log SET after_json = '{\"legal_name\":\"Someone Else\"}'
             WHERE company_id = $1 AND seq = $2",
        )
        .bind(company_id)
        .bind(seq)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }
    match app.verify_proof().await {
        Verification::Broken {
            company_id: broken_company,
            seq,
            reason,
            ..
        } => {
            assert_eq!((broken_company, seq), (company_id, 2));
            assert_eq!(reason, Break::Altered);
        }
        other => panic!("tampering went unnoticed: {other:?}"),
    }
}

async fn proof_log_reports_a_removed_last_entry_as_truncated(backend: Backend) {
    let app = start(backend).await;
    let company_id = a_few_changes(&app).await;
    drop_append_only_guard(&app, backend).await;
    sqlx::query("DELETE FROM audit_log WHERE company_id = $1 AND seq = 5")
        .bind(company_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        app.verify_proof().await,
        Verification::Truncated {
            company_id,
            last_seq: 4,
            numbered: 5
        }
    );
}

async fn triggers_refuse_changing_the_proof_log_and_orders(backend: Backend) {
    let app = start(backend).await;
    let (_, company_id, user_id) = anne(&app).await;
    place_an_order(&app, company_id, user_id).await;
    let pool = &app.state.db.pool;
    for statement in [
        "UPDATE audit_log SET action = 'nothing'",
        "DELETE FROM audit_log",
        "UPDATE orders SET total_cents = 0",
        "DELETE FROM orders",
    ] {
        let error = sqlx::query(statement)
            .execute(pool)
            .await
            .expect_err(statement)
            .to_string();
        assert!(
            error.contains("append-only") || error.contains("irrevocable"),
            "{statement}: {error}"
        );
    }
    assert_eq!(app.count("audit_log").await, 1);
    assert_eq!(app.count("orders").await, 1);
    assert_eq!(
        app.verify_proof().await,
        Verification::Intact {
            entries: 1,
            unsigned: 1
        }
    );
}
