//! Trials through the API, on SQLite and PostgreSQL (TRIAL-1, GTCS 10; house reading "Trials"):
//! the provider offers a trial, the Company's Order placed as a trial takes it without an
//! invoice, the Manager may cancel it until its last day included, and the scheduler converts it
//! (the Licence anchored the day after the trial's end, its first invoice issued that day) or
//! ends it.

use crate::support::{
    Backend, Client, Reply, TestApp, admin_app_on, admin_post, an_order, assert_api_error,
    catch_up, company, count_where, date, invoice, invoices, log_in, price_list, ready_company,
};
use axum::http::StatusCode;
use protocol::licences::LicenceView;
use serde_json::{Value, json};

on_both_databases!(
    a_trial_order_has_no_invoice_and_converts_or_ends_the_day_after_its_end,
    a_cancellation_is_accepted_on_the_last_day_and_refused_the_day_after,
);

async fn offer_trial(app: &TestApp, company_id: i64, trial_end: &str, auto_commit: bool) {
    let path = format!("/api/admin/companies/{company_id}/trial-offer");
    let reply = admin_post(
        app,
        &path,
        json!({"trial_end": trial_end, "auto_commit": auto_commit}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text());
}

/// Places one Essential Number, monthly, as a trial (or not).
async fn place(client: &mut Client, key: &str, trial: bool) -> Reply {
    let mut form = an_order("ESSENTIAL").key(key).form(client).await;
    form.trial = trial;
    client.post_json("/api/console/orders", &form).await
}

/// Places a trial Order; its Licence.
async fn trial_order(client: &mut Client, key: &str) -> Value {
    place(client, key, true)
        .await
        .expect_json(StatusCode::CREATED)["licence"]
        .clone()
}

async fn cancel_trial(client: &mut Client, licence: i64) -> Reply {
    client
        .post_json(
            &format!("/api/console/licences/{licence}/trial/cancellation"),
            &json!({}),
        )
        .await
}

async fn licence(client: &mut Client, id: i64) -> LicenceView {
    let reply = client.get(&format!("/api/console/licences/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    serde_json::from_slice(&reply.body).unwrap()
}

async fn proof_entries(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn company_id(app: &TestApp) -> i64 {
    count_where(app, "SELECT MAX(id) FROM companies").await
}

async fn a_trial_order_has_no_invoice_and_converts_or_ends_the_day_after_its_end(backend: Backend) {
    let app = admin_app_on(backend, "2026-09-01").await;
    let mut client = ready_company(&app, &company(1)).await;
    let company_row = company_id(&app).await;

    // No offer: no trial.
    let reply = place(&mut client, "order-0", true).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "order_impossible",
        Some("lines"),
    );
    assert!(
        reply.text().contains("No trial is offered"),
        "{}",
        reply.text()
    );
    assert!(price_list(&mut client).await.trial_offer.is_none());
    let reply = admin_post(
        &app,
        &format!("/api/admin/companies/{company_row}/trial-offer"),
        json!({"trial_end": "2026-08-31", "auto_commit": true}),
    )
    .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("trial_end"),
    );

    // Three trial Orders, each taking the offer made just before it.
    offer_trial(&app, company_row, "2026-09-05", true).await;
    let offered = price_list(&mut client).await.trial_offer.unwrap();
    assert_eq!(offered.trial_end, date("2026-09-05"));
    assert!(offered.auto_commit);
    let converting = trial_order(&mut client, "order-1").await;
    assert_eq!(converting["anchor"], "2026-09-06");
    let converting = converting["id"].as_i64().unwrap();
    // The offer is taken: a second trial Order is refused.
    assert!(price_list(&mut client).await.trial_offer.is_none());
    let reply = place(&mut client, "order-x", true).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
    offer_trial(&app, company_row, "2026-09-05", false).await;
    let not_committing = trial_order(&mut client, "order-2").await["id"]
        .as_i64()
        .unwrap();
    offer_trial(&app, company_row, "2026-09-05", true).await;
    let cancelled = trial_order(&mut client, "order-3").await["id"]
        .as_i64()
        .unwrap();
    // TRIAL-1: Numbers and Call Plans placed without an invoice.
    assert!(invoices(&mut client).await.is_empty());
    assert_eq!(app.count("invoices").await, 0);
    let shown = licence(&mut client, converting).await;
    let trial = shown.trial.unwrap();
    assert_eq!(trial.trial_end, date("2026-09-05"));
    assert!(trial.auto_commit);
    assert_eq!(shown.anchor, date("2026-09-06"));
    assert!(
        !licence(&mut client, not_committing)
            .await
            .trial
            .unwrap()
            .auto_commit
    );
    let reply = cancel_trial(&mut client, cancelled).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());

    // The trial's last day: nothing decided, nothing invoiced.
    app.state.clock.advance_days(4);
    catch_up(&app).await;
    for id in [converting, not_committing, cancelled] {
        assert_eq!(licence(&mut client, id).await.status, "active");
    }
    assert_eq!(app.count("invoices").await, 0);

    // The day after: the converting trial starts, with its first invoice that day; the others
    // end with nothing owed.
    app.state.clock.advance_days(1);
    catch_up(&app).await;
    catch_up(&app).await;
    let converted = licence(&mut client, converting).await;
    assert_eq!(converted.status, "active");
    assert_eq!(converted.anchor, date("2026-09-06"));
    assert_eq!(licence(&mut client, not_committing).await.status, "ended");
    assert_eq!(licence(&mut client, cancelled).await.status, "ended");
    let listed = invoices(&mut client).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let first = invoice(&mut client, listed[0]["id"].as_i64().unwrap()).await;
    assert_eq!(first["kind"], "order");
    assert_eq!(first["licence_id"], converting);
    assert_eq!(first["issue_date"], "2026-09-06");
    assert_eq!(first["period"], json!(["2026-09-06", "2026-10-05"]));
    assert_ne!(first["total"], "0.00");
    assert_eq!(proof_entries(&app, "licence.trial_convert").await, 1);
    assert_eq!(proof_entries(&app, "licence.trial_end").await, 2);

    // RENEW-1 from the anchor: the next period starts a month after the trial's end.
    app.state.clock.advance_days(29);
    catch_up(&app).await;
    client = log_in(&app, &company(1)).await;
    assert_eq!(invoices(&mut client).await.len(), 1);
    app.state.clock.advance_days(1);
    catch_up(&app).await;
    let listed = invoices(&mut client).await;
    assert_eq!(listed.len(), 2);
    let renewal = listed
        .iter()
        .find(|found| found["kind"] == "renewal")
        .unwrap();
    assert_eq!(renewal["issue_date"], "2026-10-06");
    // Nothing was ever invoiced for the two trials that ended.
    assert_eq!(
        count_where(
            &app,
            &format!(
                "SELECT COUNT(*) FROM invoices WHERE licence_id IN ({not_committing}, {cancelled})"
            )
        )
        .await,
        0
    );
}

async fn a_cancellation_is_accepted_on_the_last_day_and_refused_the_day_after(backend: Backend) {
    let app = admin_app_on(backend, "2026-09-01").await;
    let mut client = ready_company(&app, &company(1)).await;
    let company_row = company_id(&app).await;
    offer_trial(&app, company_row, "2026-09-05", true).await;
    let on_time = trial_order(&mut client, "order-1").await["id"]
        .as_i64()
        .unwrap();
    offer_trial(&app, company_row, "2026-09-05", true).await;
    let late = trial_order(&mut client, "order-2").await["id"]
        .as_i64()
        .unwrap();
    let never_on_trial = place(&mut client, "order-3", false)
        .await
        .expect_json(StatusCode::CREATED)["licence"]["id"]
        .as_i64()
        .unwrap();
    let reply = cancel_trial(&mut client, never_on_trial).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "not_on_trial", None);

    app.state.clock.advance_days(4);
    let reply = cancel_trial(&mut client, on_time).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["received_on"], "2026-09-05");
    let reply = cancel_trial(&mut client, on_time).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "trial_already_cancelled",
        None,
    );
    assert_eq!(
        licence(&mut client, on_time)
            .await
            .trial
            .unwrap()
            .cancelled_on,
        Some(date("2026-09-05"))
    );

    app.state.clock.advance_days(1);
    let reply = cancel_trial(&mut client, late).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "trial_over", None);
    assert!(reply.text().contains("2026-09-05"), "{}", reply.text());
    assert_eq!(
        licence(&mut client, late).await.trial.unwrap().cancelled_on,
        None
    );
    catch_up(&app).await;
    assert_eq!(licence(&mut client, on_time).await.status, "ended");
    assert_eq!(licence(&mut client, late).await.status, "active");
    // The trial cancelled in time owes nothing: no invoice for it at all.
    assert_eq!(
        count_where(
            &app,
            &format!("SELECT COUNT(*) FROM invoices WHERE licence_id = {on_time}")
        )
        .await,
        0
    );
    assert_eq!(
        count_where(
            &app,
            &format!("SELECT COUNT(*) FROM invoices WHERE licence_id = {late}")
        )
        .await,
        1
    );
}
