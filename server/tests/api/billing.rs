//! Invoices, payments and the daily scheduler through the API, on SQLite and PostgreSQL
//! (PAY-1, PAY-2, RENEW-1, RENEW-2, NOTICE-1): an invoice per Order in one unbroken yearly
//! sequence, paying or being refused, renewals at the later price without the initial discount,
//! each day processed once and in order, overdue invoices, Licences ending after a notice.

use crate::support::{
    Backend, TestApp, an_order, app_on, assert_api_error, available_numbers, catch_up, company,
    count_where, date, invoice, invoices, log_in, money, payment, ready_company,
    ready_company_with,
};
use axum::http::StatusCode;
use chrono::{NaiveDate, TimeDelta};
use domain::Money;
use serde_json::{Value, json};
use server::store::scheduler::process_day;

on_both_databases!(
    an_order_gets_its_invoice_in_the_same_transaction,
    paying_an_invoice_or_being_refused,
    a_renewal_is_invoiced_once_at_the_later_price_without_discount,
    running_the_same_day_twice_changes_nothing,
    after_downtime_every_missed_day_is_processed_in_order,
    concurrent_orders_get_numbers_without_gap_or_duplicate,
    an_unpaid_invoice_is_overdue_the_day_after_it_is_due,
    a_licence_ends_after_its_notice_and_is_not_renewed,
    the_demo_clock_exists_only_on_a_demo_server,
    a_credits_top_up_invoice_continues_the_sequence,
    an_invoice_downloads_as_pdf,
    the_statement_is_available_for_twelve_months_then_refused,
    orders_and_a_renewal_run_at_once_share_one_sequence,
    a_payment_retried_with_its_key_charges_once,
    concurrent_payments_with_one_key_charge_once,
);

async fn an_order_gets_its_invoice_in_the_same_transaction(backend: Backend) {
    let app = app_on(backend, "2026-03-10").await;
    let mut client = ready_company(&app, &company(1)).await;
    let order = an_order("BUSINESS")
        .annual()
        .numbers(2, "FR")
        .key("order-1")
        .place(&mut client)
        .await;
    let listed = invoices(&mut client).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["number"], "2026-000001");
    assert_eq!(listed[0]["kind"], "order");
    assert_eq!(listed[0]["status"], "issued");
    let view = invoice(&mut client, listed[0]["id"].as_i64().unwrap()).await;
    assert_eq!(view["order_id"], order["id"]);
    assert_eq!(view["licence_id"], order["licence"]["id"]);
    assert_eq!(view["issue_date"], "2026-03-10");
    assert_eq!(view["due_date"], "2026-03-10", "payment in advance");
    assert_eq!(view["period"], json!(["2026-03-10", "2027-03-09"]));
    for field in ["subtotal", "vat", "total", "vat_rate"] {
        assert_eq!(view[field], order[field], "{field}");
    }
    let lines = view["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["quantity"], 2);
    assert_eq!(lines[0]["net"], order["lines"][0]["net"]);
    assert_eq!(lines[0]["discount_pct"], order["lines"][0]["discount_pct"]);
    assert_eq!(
        money(&view["subtotal"])
            .checked_add(money(&view["vat"]))
            .unwrap(),
        money(&view["total"])
    );
    // The same idempotency key places nothing and bills nothing more.
    let ids = available_numbers(&mut client, "FR", 1).await;
    let mut again = an_order("BUSINESS")
        .annual()
        .number_ids(ids)
        .key("order-1")
        .form(&mut client)
        .await;
    again.expected_total = money(&order["total"]);
    let reply = client.post_json("/api/console/orders", &again).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(invoices(&mut client).await.len(), 1);
    // The proof log holds the invoice.
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'invoice.issue'"
        )
        .await,
        1
    );
    // Another Company sees none of it.
    let mut other = ready_company_with(&app, &company(2), "Other account").await;
    assert!(invoices(&mut other).await.is_empty());
    let reply = other
        .get(&format!("/api/console/invoices/{}", listed[0]["id"]))
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
}

async fn paying_an_invoice_or_being_refused(backend: Backend) {
    let app = app_on(backend, "2026-03-10").await;
    // The test provider refuses a method whose label says "decline".
    let mut refused = ready_company_with(&app, &company(1), "Account to decline").await;
    an_order("ESSENTIAL")
        .key("order-1")
        .place(&mut refused)
        .await;
    let id = invoices(&mut refused).await[0]["id"].as_i64().unwrap();
    let reply = refused
        .post_json(&format!("/api/console/invoices/{id}/payments"), &payment())
        .await;
    assert_api_error(
        &reply,
        StatusCode::PAYMENT_REQUIRED,
        "payment_declined",
        None,
    );
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("refused")
    );
    let view = invoice(&mut refused, id).await;
    assert_eq!(view["status"], "issued");
    assert_eq!(view["paid_on"], Value::Null);
    let attempts = view["payments"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["succeeded"], false);
    assert!(attempts[0]["reason"].as_str().unwrap().contains("refused"));

    let mut paying = ready_company(&app, &company(2)).await;
    an_order("ESSENTIAL")
        .key("order-2")
        .place(&mut paying)
        .await;
    let id = invoices(&mut paying).await[0]["id"].as_i64().unwrap();
    let reply = paying
        .post_json(&format!("/api/console/invoices/{id}/payments"), &payment())
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let view = reply.json();
    assert_eq!(view["status"], "paid");
    assert_eq!(view["paid_on"], "2026-03-10");
    assert_eq!(view["payments"][0]["succeeded"], true);
    assert_eq!(view["payments"][0]["amount"], view["total"]);
    // Paid once: a second payment is refused and charges nothing.
    let reply = paying
        .post_json(&format!("/api/console/invoices/{id}/payments"), &payment())
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "invoice_already_paid", None);
    assert_eq!(
        invoice(&mut paying, id).await["payments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Another Company cannot pay it: not found.
    let reply = refused
        .post_json(&format!("/api/console/invoices/{id}/payments"), &payment())
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
}

async fn a_renewal_is_invoiced_once_at_the_later_price_without_discount(backend: Backend) {
    let app = app_on(backend, "2026-06-15").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("BUSINESS")
        .annual()
        .key("order-1")
        .place(&mut client)
        .await;
    let first_id = invoices(&mut client).await[0]["id"].as_i64().unwrap();
    let first = invoice(&mut client, first_id).await;
    assert_eq!(
        money(&first["lines"][0]["unit_price"]),
        Money::from_cents(19900)
    );
    assert_eq!(
        first["lines"][0]["discount_pct"], "5",
        "the initial term has the annual discount"
    );
    // The provider's price list gains a later annual price for Business (PRICE-2).
    sqlx::query(
        "INSERT INTO call_plan_prices (plan_id, valid_from, billing, min_quantity, unit_price_cents)
         SELECT id, '2027-01-01', 'annual', 1, 20900 FROM call_plans WHERE code = 'BUSINESS'",
    )
    .execute(&app.state.db.pool)
    .await
    .unwrap();

    // The day before the renewal: nothing renews.
    app.state.clock.advance_days(364);
    assert_eq!(app.state.clock.today(), date("2027-06-14"));
    catch_up(&app).await;
    let mut client = log_in(&app, &company(1)).await;
    assert_eq!(invoices(&mut client).await.len(), 1);

    // RENEW-1: on 2027-06-15 the second period starts and is invoiced.
    app.state.clock.advance_days(1);
    let reports = catch_up(&app).await;
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].renewed, 1);
    let listed = invoices(&mut client).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["kind"], "renewal");
    assert_eq!(
        listed[0]["number"], "2027-000001",
        "a new year, a new sequence"
    );
    let renewal = invoice(&mut client, listed[0]["id"].as_i64().unwrap()).await;
    assert_eq!(renewal["issue_date"], "2027-06-15");
    assert_eq!(renewal["period"], json!(["2027-06-15", "2028-06-14"]));
    // RENEW-2: the price in force on that day, no discount of the initial term.
    let line = &renewal["lines"][0];
    assert_eq!(money(&line["unit_price"]), Money::from_cents(20900));
    assert_eq!(line["quantity"], 1);
    assert_eq!(money(&line["net"]), Money::from_cents(20900));
    assert_eq!(line["discount_pct"], "0");
    assert_eq!(money(&renewal["subtotal"]), Money::from_cents(20900));
    assert_eq!(money(&renewal["vat"]), Money::from_cents(4180));
    assert_eq!(money(&renewal["total"]), Money::from_cents(25080));

    // Once: catching up again, or re-running the day, bills nothing more.
    assert!(catch_up(&app).await.is_empty());
    let again = process_day(&app.state.db, date("2027-06-15"), app.state.clock.now())
        .await
        .unwrap();
    assert!(!again.processed);
    assert_eq!(
        count_where(&app, "SELECT COUNT(*) FROM invoices WHERE kind = 'renewal'").await,
        1
    );
}

async fn running_the_same_day_twice_changes_nothing(backend: Backend) {
    let app = app_on(backend, "2026-12-15").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("BUSINESS")
        .numbers(2, "FR")
        .key("order-1")
        .place(&mut client)
        .await;
    app.state.clock.advance_days(31);
    let renewal_day = date("2027-01-15");
    assert_eq!(app.state.clock.today(), renewal_day);
    // Every day before the renewal first.
    for offset in 0..31 {
        process_day(
            &app.state.db,
            date("2026-12-15") + TimeDelta::days(offset),
            app.state.clock.now(),
        )
        .await
        .unwrap();
    }
    let first = process_day(&app.state.db, renewal_day, app.state.clock.now())
        .await
        .unwrap();
    assert!(first.processed);
    assert_eq!(first.renewed, 1);
    let mut client = log_in(&app, &company(1)).await;
    let tables = [
        "invoices",
        "invoice_lines",
        "audit_log",
        "scheduler_runs",
        "invoice_counters",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(app.count(table).await);
    }
    let statuses_before = invoices(&mut client).await;
    let second = process_day(&app.state.db, renewal_day, app.state.clock.now())
        .await
        .unwrap();
    assert!(!second.processed);
    assert_eq!((second.renewed, second.ended, second.overdue), (0, 0, 0));
    for (table, count) in tables.iter().zip(before) {
        assert_eq!(app.count(table).await, count, "{table} changed");
    }
    assert_eq!(invoices(&mut client).await, statuses_before);
    // The renewal is at the price in force on its day (PRICE-2's increase of 2027-01-01).
    let renewal = invoice(&mut client, statuses_before[0]["id"].as_i64().unwrap()).await;
    assert_eq!(renewal["kind"], "renewal");
    assert_eq!(
        money(&renewal["lines"][0]["unit_price"]),
        Money::from_cents(2190)
    );
}

async fn after_downtime_every_missed_day_is_processed_in_order(backend: Backend) {
    let app = app_on(backend, "2026-01-31").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("ESSENTIAL")
        .key("order-1")
        .place(&mut client)
        .await;
    // The server was down from 31 January to 6 April: 65 days missed.
    app.state.clock.advance_days(65);
    assert_eq!(app.state.clock.today(), date("2026-04-06"));
    let reports = catch_up(&app).await;
    let mut client = log_in(&app, &company(1)).await;
    let processed: Vec<NaiveDate> = reports.iter().map(|report| report.day).collect();
    let expected: Vec<NaiveDate> = date("2026-01-31")
        .iter_days()
        .take_while(|each| *each <= date("2026-04-06"))
        .collect();
    assert_eq!(processed, expected, "each day once, oldest first");
    assert!(reports.iter().all(|report| report.processed));
    assert_eq!(app.count("scheduler_runs").await, 66);
    // RENEW-1: the periods anchored on 31 January start on 28 February and 31 March.
    let renewed: Vec<NaiveDate> = reports
        .iter()
        .filter(|report| report.renewed > 0)
        .map(|report| report.day)
        .collect();
    assert_eq!(renewed, [date("2026-02-28"), date("2026-03-31")]);
    let mut listed = invoices(&mut client).await;
    listed.reverse();
    let numbers: Vec<&str> = listed
        .iter()
        .map(|each| each["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["2026-000001", "2026-000002", "2026-000003"]);
    let issued: Vec<&str> = listed
        .iter()
        .map(|each| each["issue_date"].as_str().unwrap())
        .collect();
    assert_eq!(issued, ["2026-01-31", "2026-02-28", "2026-03-31"]);
    // Nothing is left to do until tomorrow.
    assert!(catch_up(&app).await.is_empty());
    app.state.clock.advance_days(1);
    let next = catch_up(&app).await;
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].day, date("2026-04-07"));
}

async fn concurrent_orders_get_numbers_without_gap_or_duplicate(backend: Backend) {
    let app = app_on(backend, "2026-05-04").await;
    let mut clients = Vec::new();
    for n in 1..=4 {
        clients.push(ready_company(&app, &company(n)).await);
    }
    // Distinct Numbers for each Order, taken from one search.
    let ids = available_numbers(&mut clients[0], "FR", 8).await;
    let mut forms = Vec::new();
    for (n, client) in clients.iter_mut().enumerate() {
        let mine = ids[n * 2..n * 2 + 2].to_vec();
        forms.push(
            an_order("BUSINESS")
                .number_ids(mine)
                .key(&format!("order-{n}"))
                .form(client)
                .await,
        );
    }
    let [c1, c2, c3, c4] = &mut clients[..] else {
        unreachable!()
    };
    let (r1, r2, r3, r4) = tokio::join!(
        c1.post_json("/api/console/orders", &forms[0]),
        c2.post_json("/api/console/orders", &forms[1]),
        c3.post_json("/api/console/orders", &forms[2]),
        c4.post_json("/api/console/orders", &forms[3]),
    );
    for reply in [&r1, &r2, &r3, &r4] {
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    }
    let mut numbers = Vec::new();
    for client in clients.iter_mut() {
        let listed = invoices(client).await;
        assert_eq!(listed.len(), 1, "one invoice per Order");
        numbers.push(listed[0]["number"].as_str().unwrap().to_owned());
    }
    numbers.sort();
    assert_eq!(
        numbers,
        ["2026-000001", "2026-000002", "2026-000003", "2026-000004"]
    );
}

async fn an_unpaid_invoice_is_overdue_the_day_after_it_is_due(backend: Backend) {
    let app = app_on(backend, "2026-09-01").await;
    let mut unpaid = ready_company(&app, &company(1)).await;
    an_order("ESSENTIAL")
        .key("order-1")
        .place(&mut unpaid)
        .await;
    let mut paid = ready_company(&app, &company(2)).await;
    an_order("ESSENTIAL").key("order-2").place(&mut paid).await;
    let paid_id = invoices(&mut paid).await[0]["id"].as_i64().unwrap();
    let reply = paid
        .post_json(
            &format!("/api/console/invoices/{paid_id}/payments"),
            &payment(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());

    // The due date itself: still due.
    let reports = catch_up(&app).await;
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].overdue, 0);
    assert_eq!(invoices(&mut unpaid).await[0]["status"], "issued");
    // The day after: overdue, unless paid.
    app.state.clock.advance_days(1);
    let reports = catch_up(&app).await;
    assert_eq!(reports[0].overdue, 1);
    assert_eq!(invoices(&mut unpaid).await[0]["status"], "overdue");
    assert_eq!(invoices(&mut paid).await[0]["status"], "paid");
    // An overdue invoice can still be paid.
    let id = invoices(&mut unpaid).await[0]["id"].as_i64().unwrap();
    let reply = unpaid
        .post_json(&format!("/api/console/invoices/{id}/payments"), &payment())
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["status"], "paid");
}

async fn a_licence_ends_after_its_notice_and_is_not_renewed(backend: Backend) {
    let app = app_on(backend, "2026-03-01").await;
    let mut client = ready_company(&app, &company(1)).await;
    let order = an_order("ESSENTIAL")
        .key("order-1")
        .place(&mut client)
        .await;
    let licence_id = order["licence"]["id"].as_i64().unwrap();
    // NOTICE-1: 10 days before the period ends (31 March) is on time.
    app.state.clock.advance_days(5);
    let reply = client
        .post_json(
            &format!("/api/console/licences/{licence_id}/notice"),
            &json!({}),
        )
        .await;
    assert!(reply.status.is_success(), "{}", reply.text());
    assert_eq!(reply.json()["service_last_day"], "2026-03-31");
    app.state.clock.advance_days(25);
    assert_eq!(app.state.clock.today(), date("2026-03-31"));
    catch_up(&app).await;
    let status: String = sqlx::query_scalar("SELECT status FROM licences WHERE id = $1")
        .bind(licence_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "active", "its last day of service");
    app.state.clock.advance_days(1);
    let reports = catch_up(&app).await;
    assert_eq!(reports[0].day, date("2026-04-01"));
    assert_eq!((reports[0].ended, reports[0].renewed), (1, 0));
    let status: String = sqlx::query_scalar("SELECT status FROM licences WHERE id = $1")
        .bind(licence_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "ended");
    assert_eq!(app.count("invoices").await, 1, "no renewal invoice");
    // TERM-3: the Contract ended with its only Licence, so its accounts are blocked that day.
    let reply = app
        .client()
        .post_json(
            "/api/session",
            &json!({"email": company(1).email, "password": company(1).password}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text());
}

async fn the_demo_clock_exists_only_on_a_demo_server(backend: Backend) {
    let app = app_on(backend, "2026-01-31").await;
    let mut client = app.client();
    let reply = client
        .post_json("/api/admin/clock/advance", &json!({"days": 1}))
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    assert_eq!(app.state.clock.today(), date("2026-01-31"));

    let demo = TestApp::options(backend)
        .today(date("2026-01-31"))
        .demo_clock()
        .start()
        .await;
    let mut manager = ready_company(&demo, &company(1)).await;
    an_order("ESSENTIAL")
        .key("order-1")
        .place(&mut manager)
        .await;
    let mut client = demo.client();
    let reply = client
        .post_json("/api/admin/clock/advance", &json!({"days": 0}))
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "days_out_of_range",
        Some("days"),
    );
    let reply = client
        .post_json("/api/admin/clock/advance", &json!({"days": 28}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["today"], "2026-02-28");
    assert_eq!(body["days_processed"].as_array().unwrap().len(), 29);
    assert_eq!(body["days_processed"][0], "2026-01-31");
    let mut manager = log_in(&demo, &company(1)).await;
    let listed = invoices(&mut manager).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["kind"], "renewal");
    assert_eq!(listed[0]["issue_date"], "2026-02-28");
    // Issue 13: the demo clock's runs collect invoices, as the server's scheduler does.
    assert_eq!(listed[0]["status"], "paid");
    assert_eq!(listed[1]["status"], "paid");
}

async fn a_credits_top_up_invoice_continues_the_sequence(backend: Backend) {
    let app = app_on(backend, "2026-10-05").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("ESSENTIAL")
        .key("order-1")
        .place(&mut client)
        .await;
    let company_id: i64 = sqlx::query_scalar("SELECT id FROM companies")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let mut tx = app.state.db.write().await.unwrap();
    let vat = server::store::catalogue::vat_basis_in(&mut tx, company_id)
        .await
        .unwrap()
        .unwrap();
    let issued = server::store::invoices::issue_for_credits_topup(
        &mut tx,
        company_id,
        None,
        Money::from_cents(5000),
        vat,
        app.state.clock.today(),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(issued.number, "2026-000002");
    let view = invoice(&mut client, issued.id).await;
    assert_eq!(view["kind"], "credits_topup");
    assert_eq!(view["billing"], Value::Null);
    assert_eq!(view["lines"][0]["description"], "Credits top-up");
    assert_eq!(money(&view["subtotal"]), Money::from_cents(5000));
    assert_eq!(money(&view["vat"]), Money::from_cents(1000));
    assert_eq!(money(&view["total"]), Money::from_cents(6000));
}

async fn an_invoice_downloads_as_pdf(backend: Backend) {
    let app = app_on(backend, "2026-03-10").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("BUSINESS")
        .numbers(2, "FR")
        .key("order-1")
        .place(&mut client)
        .await;
    let id = invoices(&mut client).await[0]["id"].as_i64().unwrap();
    let reply = client.get(&format!("/api/console/invoices/{id}/pdf")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert_eq!(
        reply.header("content-disposition"),
        Some("attachment; filename=\"invoice-2026-000001.pdf\"")
    );
    assert!(reply.body.starts_with(b"%PDF-"));
    assert!(reply.body.ends_with(b"%%EOF") || reply.body.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(&reply.body);
    for expected in [
        "Invoice 2026-000001",
        "Company 1 SAS",
        "Business, 2 Numbers, monthly",
        "EUR 47.76",
    ] {
        assert!(text.contains(expected), "the PDF lacks {expected}");
    }
    let mut other = ready_company_with(&app, &company(2), "Other account").await;
    let reply = other.get(&format!("/api/console/invoices/{id}/pdf")).await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
}

async fn the_statement_is_available_for_twelve_months_then_refused(backend: Backend) {
    let app = app_on(backend, "2026-01-31").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("ESSENTIAL")
        .annual()
        .numbers(2, "FR")
        .key("order-1")
        .place(&mut client)
        .await;
    let id = invoices(&mut client).await[0]["id"].as_i64().unwrap();
    let path = format!("/api/console/invoices/{id}/statement.csv");
    let reply = client.get(&path).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        reply.header("content-disposition"),
        Some("attachment; filename=\"statement-2026-000001.csv\"")
    );
    // PAY-3: one row per communication of the period billed; none made yet.
    let text = reply.text();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows,
        [
            "date_time_paris,user,number,correspondent,direction,kind,duration_seconds,parts,settlement,units_beyond,amount,credits,status"
        ]
    );
    let statement = client
        .get(&format!("/api/console/invoices/{id}/statement"))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(statement["available_until"], "2027-01-31");
    assert_eq!(
        statement["period"],
        serde_json::json!(["2026-01-31", "2027-01-30"])
    );

    // PAY-3: 12 months after 31 January 2026 is 31 January 2027, the last day.
    app.state.clock.advance_days(365);
    assert_eq!(app.state.clock.today(), date("2027-01-31"));
    let mut client = log_in(&app, &company(1)).await;
    let reply = client.get(&path).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    app.state.clock.advance_days(1);
    let reply = client.get(&path).await;
    assert_api_error(&reply, StatusCode::GONE, "statement_expired", None);
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("2027-01-31"), "{message}");
    // The invoice itself stays available.
    let reply = client.get(&format!("/api/console/invoices/{id}/pdf")).await;
    assert_eq!(reply.status, StatusCode::OK);
}

async fn orders_and_a_renewal_run_at_once_share_one_sequence(backend: Backend) {
    let app = app_on(backend, "2026-04-01").await;
    let mut first = ready_company(&app, &company(1)).await;
    an_order("ESSENTIAL").key("order-0").place(&mut first).await;
    catch_up(&app).await;
    // A month later the first Company's Licence renews while it and two others order.
    app.state.clock.advance_days(30);
    assert_eq!(app.state.clock.today(), date("2026-05-01"));
    let mut clients = vec![log_in(&app, &company(1)).await];
    for n in 2..=3 {
        clients.push(ready_company(&app, &company(n)).await);
    }
    let ids = available_numbers(&mut clients[0], "FR", 6).await;
    let mut forms = Vec::new();
    for (index, client) in clients.iter_mut().enumerate() {
        let mine = ids[index * 2..index * 2 + 2].to_vec();
        forms.push(
            an_order("BUSINESS")
                .number_ids(mine)
                .key(&format!("order-{}", index + 1))
                .form(client)
                .await,
        );
    }
    let [c1, c2, c3] = &mut clients[..] else {
        unreachable!()
    };
    let (reports, r1, r2, r3) = tokio::join!(
        server::scheduler::catch_up(&app.state.db, &app.state.clock),
        c1.post_json("/api/console/orders", &forms[0]),
        c2.post_json("/api/console/orders", &forms[1]),
        c3.post_json("/api/console/orders", &forms[2]),
    );
    let reports = reports.unwrap();
    assert_eq!(
        reports.iter().map(|report| report.renewed).sum::<usize>(),
        1
    );
    for reply in [&r1, &r2, &r3] {
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    }
    let numbers: Vec<String> = sqlx::query_scalar("SELECT number FROM invoices ORDER BY number")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        numbers,
        [
            "2026-000001",
            "2026-000002",
            "2026-000003",
            "2026-000004",
            "2026-000005"
        ]
    );
}

/// The payment attempts recorded on the invoice (each one a charge asked of the provider).
async fn attempts(app: &TestApp, invoice_id: i64) -> i64 {
    count_where(
        app,
        &format!("SELECT COUNT(*) FROM payments WHERE invoice_id = {invoice_id}"),
    )
    .await
}

/// Issue 13: a manual payment retried after a lost answer never charges twice. The same key
/// answers the same outcome (paid, or the same refusal); the same key for another invoice, or
/// one of a top-up, is refused; no key is a 400.
async fn a_payment_retried_with_its_key_charges_once(backend: Backend) {
    let app = app_on(backend, "2026-03-10").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("ESSENTIAL")
        .key("order-1")
        .place(&mut client)
        .await;
    an_order("ESSENTIAL")
        .key("order-2")
        .place(&mut client)
        .await;
    let listed = invoices(&mut client).await;
    let (second, first) = (
        listed[0]["id"].as_i64().unwrap(),
        listed[1]["id"].as_i64().unwrap(),
    );
    let path = format!("/api/console/invoices/{first}/payments");

    for body in [json!({}), json!({"idempotency_key": ""})] {
        let reply = client.post_json(&path, &body).await;
        assert_api_error(
            &reply,
            StatusCode::BAD_REQUEST,
            "idempotency_key_missing",
            None,
        );
    }
    assert_eq!(attempts(&app, first).await, 0);

    let body = json!({"idempotency_key": "pay-first"});
    let paid = client.post_json(&path, &body).await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.text());
    // The answer was lost: the same request again answers the paid invoice, charging nothing.
    let again = client.post_json(&path, &body).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    let again = again.json();
    assert_eq!(again["status"], "paid");
    assert_eq!(again["payments"].as_array().unwrap().len(), 1);
    assert_eq!(again["payments"], paid.json()["payments"]);
    assert_eq!(attempts(&app, first).await, 1);

    // The key of the first invoice's payment, used for the second invoice: refused.
    let reply = client
        .post_json(&format!("/api/console/invoices/{second}/payments"), &body)
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "idempotency_key_reused", None);
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("another invoice")
    );
    // So is a top-up's key.
    let topped = client
        .post_json(
            "/api/console/credits/top-ups",
            &json!({"amount": "10", "idempotency_key": "top-up-key"}),
        )
        .await;
    assert_eq!(topped.status, StatusCode::CREATED, "{}", topped.text());
    let reply = client
        .post_json(
            &format!("/api/console/invoices/{second}/payments"),
            &json!({"idempotency_key": "top-up-key"}),
        )
        .await;
    assert_api_error(&reply, StatusCode::CONFLICT, "idempotency_key_reused", None);
    assert_eq!(attempts(&app, second).await, 0);
    assert_eq!(invoice(&mut client, second).await["status"], "issued");

    // A refusal is an outcome too: the same key answers it again without asking the bank.
    let mut refused = ready_company_with(&app, &company(2), "Account to decline").await;
    an_order("ESSENTIAL")
        .key("order-1")
        .place(&mut refused)
        .await;
    let id = invoices(&mut refused).await[0]["id"].as_i64().unwrap();
    let path = format!("/api/console/invoices/{id}/payments");
    let body = json!({"idempotency_key": "pay-first"});
    for _ in 0..2 {
        let reply = refused.post_json(&path, &body).await;
        assert_api_error(
            &reply,
            StatusCode::PAYMENT_REQUIRED,
            "payment_declined",
            None,
        );
    }
    assert_eq!(attempts(&app, id).await, 1);
    // Paying again is a new intent, with a new key: a new attempt.
    let reply = refused.post_json(&path, &payment()).await;
    assert_api_error(
        &reply,
        StatusCode::PAYMENT_REQUIRED,
        "payment_declined",
        None,
    );
    assert_eq!(attempts(&app, id).await, 2);
}

/// Ten identical payments at once: one charge, one recorded payment, every answer the paid
/// invoice.
async fn concurrent_payments_with_one_key_charge_once(backend: Backend) {
    let app = app_on(backend, "2026-03-10").await;
    let mut client = ready_company(&app, &company(1)).await;
    an_order("ESSENTIAL")
        .key("order-1")
        .place(&mut client)
        .await;
    let id = invoices(&mut client).await[0]["id"].as_i64().unwrap();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let mut client = client.clone();
            tokio::spawn(async move {
                client
                    .post_json(
                        &format!("/api/console/invoices/{id}/payments"),
                        &json!({"idempotency_key": "one-click"}),
                    )
                    .await
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("{other}: {}", reply.text()),
        }
        assert_eq!(reply.json()["status"], "paid");
    }
    assert_eq!(created, 1);
    assert_eq!(attempts(&app, id).await, 1);
}
