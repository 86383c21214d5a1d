//! Issue 13, points 5 and 6 (house readings "Usage after the month" and "Statement of
//! communications"; PAY-1, PAY-3): included minutes and SMS counted per Number and month, what is
//! left shown in the WebApp, the usage invoice on the first day of the next month with what went
//! beyond where the plan prices it, each invoice's statement of communications on screen and as
//! CSV, and the Communications page's period filter, paging and CSV.

use std::collections::BTreeSet;

use crate::support::{
    Backend, Client, Employees, TestApp, app_on, assert_api_error, catch_up, date, invoice,
    invoices, log_in, money, paris_date, pass_days, rows, signup_form,
};
use axum::http::StatusCode;
use domain::Money;
use serde_json::{Value, json};

on_both_databases!(
    minutes_and_sms_are_counted_per_number_and_month,
    the_usage_invoice_of_the_first_bills_what_went_beyond,
    no_usage_invoice_when_everything_is_within_the_plan,
    an_order_invoice_states_the_communications_of_its_period,
    communications_are_filtered_by_period_and_paged_without_loss,
);

/// Runs the scheduler over `days` more days, then signs the team in again (sessions end).
async fn later(app: &TestApp, team: &mut Employees, days: i64) {
    pass_days(app, days).await;
    team.manager = log_in(app, &signup_form()).await;
    team.alice = app.client_signed_in_as(team.alice_id).await;
    team.bob = app.client_signed_in_as(team.bob_id).await;
}

/// An ended national call from `number_id` placed by `user_id` at `at`, lasting `seconds`.
async fn call(app: &TestApp, number_id: i64, user_id: i64, at: &str, seconds: i64) -> i64 {
    ended_call(
        app,
        number_id,
        user_id,
        "+33123456789",
        "national",
        at,
        seconds,
        0,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn ended_call(
    app: &TestApp,
    number_id: i64,
    user_id: i64,
    dialled: &str,
    class: &str,
    at: &str,
    seconds: i64,
    credits_cents: i64,
) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO calls (company_id, caller_number_id, caller_user_id, dialled, class, status,
             started_at, answered_at, ended_at, duration_seconds, billed_minutes, credits_cents)
         SELECT company_id, id, $2, $3, $4, 'ended', $5, $5, $5, $6, $7, $8
         FROM numbers WHERE id = $1 RETURNING id",
    )
    .bind(number_id)
    .bind(user_id)
    .bind(dialled)
    .bind(class)
    .bind(at)
    .bind(seconds)
    .bind(domain::call::billed_minutes(u32::try_from(seconds).unwrap()) as i64)
    .bind(credits_cents)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

/// Sends a national SMS from the User's Number through the WebApp.
async fn text(user: &mut Client, number_id: i64, body: &str) {
    let reply = user
        .post_json(
            &format!("/api/app/numbers/{number_id}/messages"),
            &json!({"to": "01 23 45 67 89", "body": body, "attachment_id": null}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
}

async fn usage(user: &mut Client, number_id: i64) -> Value {
    user.get(&format!("/api/app/numbers/{number_id}/usage"))
        .await
        .expect_json(StatusCode::OK)
}

fn usage_invoices(listed: &[Value]) -> Vec<&Value> {
    listed.iter().filter(|i| i["kind"] == "usage").collect()
}

/// Lines, subtotal, VAT and total add up to the cent.
fn assert_adds_up(invoice: &Value) {
    let lines = invoice["lines"].as_array().unwrap();
    let mut net = Money::ZERO;
    for line in lines {
        let quantity = line["quantity"].as_u64().unwrap();
        let unit = money(&line["unit_price"]);
        assert_eq!(
            money(&line["net"]),
            unit.checked_mul(quantity.into()).unwrap().round_to_cent(),
            "{line}"
        );
        net = net.checked_add(money(&line["net"])).unwrap();
    }
    assert_eq!(money(&invoice["subtotal"]), net, "{invoice}");
    assert_eq!(
        money(&invoice["subtotal"])
            .checked_add(money(&invoice["vat"]))
            .unwrap(),
        money(&invoice["total"]),
        "{invoice}"
    );
}

async fn minutes_and_sms_are_counted_per_number_and_month(backend: Backend) {
    let app = app_on(backend, "2026-11-20").await;
    let mut team = app.employees("ESSENTIAL").await;
    let (alice_number, bob_number) = (team.alice_number.0, team.bob_number.0);
    // October's minutes do not count in November; Bob's do not count on Alice's Number.
    call(
        &app,
        alice_number,
        team.alice_id,
        "2026-10-31T22:30:00.000000Z",
        600,
    )
    .await;
    call(
        &app,
        alice_number,
        team.alice_id,
        "2026-11-02T09:00:00.000000Z",
        3600,
    )
    .await;
    call(
        &app,
        alice_number,
        team.alice_id,
        "2026-11-03T09:00:00.000000Z",
        2641,
    )
    .await;
    call(
        &app,
        bob_number,
        team.bob_id,
        "2026-11-03T10:00:00.000000Z",
        120,
    )
    .await;
    // Paid with Credits: not counted against the plan.
    ended_call(
        &app,
        alice_number,
        team.alice_id,
        "+447400123456",
        "international",
        "2026-11-04T09:00:00.000000Z",
        300,
        250,
    )
    .await;
    text(&mut team.alice, alice_number, "Hello").await;
    text(&mut team.alice, alice_number, &"Long message. ".repeat(15)).await;

    let alice = usage(&mut team.alice, alice_number).await;
    // 60 + 45 started minutes against the 100 included: 5 beyond at EUR 0.15.
    assert_eq!(alice["minutes_used"], 105, "{alice}");
    assert_eq!(alice["minutes_included"], 100);
    assert_eq!(alice["minutes_left"], 0);
    assert_eq!(alice["minutes_beyond"], 5);
    assert_eq!(money(&alice["price_per_minute"]), "0.15".parse().unwrap());
    assert_eq!(money(&alice["charged_so_far"]), "0.75".parse().unwrap());
    // One part, then 210 GSM-7 characters in two parts: 3 of the 50 SMS.
    assert_eq!(alice["sms_used"], 3, "{alice}");
    assert_eq!(alice["sms_left"], 47);
    assert_eq!(alice["sms_beyond"], 0);
    assert_eq!(alice["period_start"], "2026-11-01");
    assert_eq!(alice["period_end"], "2026-12-01");
    // The home says the same.
    let home = team.alice.get("/api/app/home").await.json();
    assert_eq!(home["numbers"][0]["usage"], alice, "{home}");

    let bob = usage(&mut team.bob, bob_number).await;
    assert_eq!(bob["minutes_used"], 2, "{bob}");
    assert_eq!(bob["minutes_left"], 98);
    assert_eq!(money(&bob["charged_so_far"]), Money::ZERO);
    // Only the Number's User: another User's Number is not found.
    assert_api_error(
        &team
            .bob
            .get(&format!("/api/app/numbers/{alice_number}/usage"))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    // A new month starts from nothing.
    later(&app, &mut team, 11).await;
    let december = usage(&mut team.alice, alice_number).await;
    assert_eq!(december["minutes_used"], 0, "{december}");
    assert_eq!(december["minutes_left"], 100);
    assert_eq!(december["sms_left"], 50);
}

async fn the_usage_invoice_of_the_first_bills_what_went_beyond(backend: Backend) {
    let app = app_on(backend, "2026-11-10").await;
    let mut team = app.employees("ESSENTIAL").await;
    let (alice_number, bob_number) = (team.alice_number.clone(), team.bob_number.clone());
    call(
        &app,
        alice_number.0,
        team.alice_id,
        "2026-11-11T09:00:00.000000Z",
        3600,
    )
    .await;
    let crossing = call(
        &app,
        alice_number.0,
        team.alice_id,
        "2026-11-12T09:00:00.000000Z",
        2700,
    )
    .await;
    let beyond = call(
        &app,
        alice_number.0,
        team.alice_id,
        "2026-11-13T09:00:00.000000Z",
        30,
    )
    .await;
    let bobs = call(
        &app,
        bob_number.0,
        team.bob_id,
        "2026-11-14T09:00:00.000000Z",
        6060,
    )
    .await;
    // 30 November 23:30 in Paris is still November; 1 December 00:30 is December's.
    let last = call(
        &app,
        bob_number.0,
        team.bob_id,
        "2026-11-30T22:30:00.000000Z",
        60,
    )
    .await;
    call(
        &app,
        bob_number.0,
        team.bob_id,
        "2026-11-30T23:30:00.000000Z",
        6000,
    )
    .await;

    // Nothing is invoiced before the first of the month.
    later(&app, &mut team, 20).await;
    assert_eq!(app.state.clock.today(), date("2026-11-30"));
    assert!(usage_invoices(&invoices(&mut team.manager).await).is_empty());
    later(&app, &mut team, 1).await;
    let listed = invoices(&mut team.manager).await;
    let found = usage_invoices(&listed);
    assert_eq!(found.len(), 1, "{listed:?}");
    // Same yearly numbering: the Order's invoice was 2026-000001.
    assert_eq!(found[0]["number"], "2026-000002");
    assert_eq!(found[0]["issue_date"], "2026-12-01");
    let id = found[0]["id"].as_i64().unwrap();
    let usage_invoice = invoice(&mut team.manager, id).await;
    assert_eq!(usage_invoice["kind"], "usage");
    assert_eq!(
        usage_invoice["period"],
        json!(["2026-11-01", "2026-11-30"]),
        "{usage_invoice}"
    );
    // Alice: 60 + 45 + 1 = 106 minutes, 6 beyond; Bob: 101 + 1 = 102, 2 beyond. EUR 0.15 each.
    let lines = usage_invoice["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{usage_invoice}");
    let line_of = |e164: &str| {
        lines
            .iter()
            .find(|line| line["description"].as_str().unwrap().starts_with(e164))
            .unwrap_or_else(|| panic!("no line for {e164}: {usage_invoice}"))
    };
    let alices = line_of(&alice_number.1);
    assert_eq!(alices["quantity"], 6);
    assert_eq!(money(&alices["unit_price"]), "0.15".parse().unwrap());
    assert_eq!(money(&alices["net"]), "0.90".parse().unwrap());
    assert!(
        alices["description"]
            .as_str()
            .unwrap()
            .contains("Essential plan, November 2026: minutes beyond the 100 included"),
        "{alices}"
    );
    assert_eq!(line_of(&bob_number.1)["quantity"], 2);
    assert_eq!(money(&usage_invoice["subtotal"]), "1.20".parse().unwrap());
    assert_eq!(money(&usage_invoice["vat"]), "0.24".parse().unwrap());
    assert_eq!(money(&usage_invoice["total"]), "1.44".parse().unwrap());
    assert_adds_up(&usage_invoice);

    // Its statement: the communications it charges, and nothing else.
    let statement = team
        .manager
        .get(&format!("/api/console/invoices/{id}/statement"))
        .await
        .expect_json(StatusCode::OK);
    let charged: Vec<(String, u64, Money)> = statement["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            assert_eq!(line["settlement"], "charged", "{line}");
            assert_eq!(line["direction"], "outgoing");
            (
                paris_date(line["at"].as_str().unwrap()),
                line["units_beyond"].as_u64().unwrap(),
                money(&line["amount"]),
            )
        })
        .collect();
    let euros = |raw: &str| raw.parse::<Money>().unwrap();
    assert_eq!(
        charged,
        [
            ("2026-11-12".to_owned(), 5, euros("0.75")),
            ("2026-11-13".to_owned(), 1, euros("0.15")),
            ("2026-11-14".to_owned(), 1, euros("0.15")),
            ("2026-11-30".to_owned(), 1, euros("0.15")),
        ],
        "{statement}"
    );
    assert_eq!(
        money(&statement["charged"]),
        money(&usage_invoice["subtotal"])
    );
    assert_eq!(statement["lines"][0]["user_name"], "Alice Martin");
    assert_eq!(statement["lines"][0]["number"], alice_number.1.as_str());
    let _ = (crossing, beyond, bobs, last);
    let csv = team
        .manager
        .get(&format!("/api/console/invoices/{id}/statement.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text());
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = csv.text();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 5, "{text}");
    assert!(rows[0].starts_with("date_time_paris,user,number,correspondent,direction,kind"));
    assert!(
        rows[1].starts_with(&format!(
            "2026-11-12 10:00:00,Alice Martin,{},+33123456789,outgoing,call,2700,,charged,5,0.75,",
            alice_number.1
        )),
        "{text}"
    );
    // As a PDF like the others.
    let pdf = team
        .manager
        .get(&format!("/api/console/invoices/{id}/pdf"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));

    // The day again, even with its record lost: no second usage invoice, no communication
    // charged twice.
    assert!(catch_up(&app).await.is_empty());
    sqlx::query("DELETE FROM scheduler_runs WHERE day = '2026-12-01'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let again = server::store::scheduler::process_day(
        &app.state.db,
        date("2026-12-01"),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    assert!(again.processed);
    assert_eq!(again.usage_invoiced, 0);
    assert_eq!(usage_invoices(&invoices(&mut team.manager).await).len(), 1);
    assert_eq!(app.count("usage_charges").await, 4);
    // The Communications page says the same of each.
    let page = team
        .manager
        .get("/api/console/communications?from=2026-11-01&to=2026-11-30")
        .await
        .expect_json(StatusCode::OK);
    let settlements: BTreeSet<String> = page["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["settlement"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        settlements,
        BTreeSet::from(["charged".to_owned(), "included".to_owned()]),
        "{page}"
    );
    // Another Company's Manager finds none of it.
    let mut other = crate::support::ready_company(&app, &crate::support::company(2)).await;
    for path in [
        format!("/api/console/invoices/{id}/statement"),
        format!("/api/console/invoices/{id}/statement.csv"),
    ] {
        assert_api_error(
            &other.get(&path).await,
            StatusCode::NOT_FOUND,
            "not_found",
            None,
        );
    }
    let theirs = other
        .get("/api/console/communications")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(theirs["lines"], json!([]), "{theirs}");
}

async fn no_usage_invoice_when_everything_is_within_the_plan(backend: Backend) {
    let app = app_on(backend, "2026-11-10").await;
    let mut team = app.employees("UNLIMITED").await;
    // 2,000 minutes on an unlimited plan: all included.
    call(
        &app,
        team.alice_number.0,
        team.alice_id,
        "2026-11-11T09:00:00.000000Z",
        120_000,
    )
    .await;
    let alice = usage(&mut team.alice, team.alice_number.0).await;
    assert_eq!(alice["minutes_used"], 2000);
    assert_eq!(alice["minutes_left"], Value::Null);
    assert_eq!(alice["minutes_beyond"], 0);
    // Within the Essential plan on Bob's side of another Company's month: nothing owed either.
    later(&app, &mut team, 21).await;
    assert_eq!(app.state.clock.today(), date("2026-12-01"));
    let listed = invoices(&mut team.manager).await;
    assert!(usage_invoices(&listed).is_empty(), "{listed:?}");
    assert_eq!(app.count("usage_charges").await, 0);
    let (company_id, _) = rows::company_of(&app.state.db, "anne@martin.fr").await;
    let line = team
        .manager
        .get("/api/console/communications")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(line["lines"][0]["settlement"], "included", "{line}");
    assert!(company_id > 0);
}

async fn an_order_invoice_states_the_communications_of_its_period(backend: Backend) {
    let app = app_on(backend, "2026-11-10").await;
    let mut team = app.employees("ESSENTIAL").await;
    let order_invoice = invoices(&mut team.manager).await[0]["id"].as_i64().unwrap();
    let alice_number = team.alice_number.clone();
    // Before the period the invoice bills (10 November to 9 December): not on its statement.
    call(
        &app,
        alice_number.0,
        team.alice_id,
        "2026-11-09T12:00:00.000000Z",
        60,
    )
    .await;
    call(
        &app,
        alice_number.0,
        team.alice_id,
        "2026-11-12T09:00:00.000000Z",
        90,
    )
    .await;
    text(&mut team.alice, alice_number.0, "Hello").await;
    ended_call(
        &app,
        team.bob_number.0,
        team.bob_id,
        "+447400123456",
        "international",
        "2026-11-13T09:00:00.000000Z",
        61,
        500,
    )
    .await;
    let statement = team
        .manager
        .get(&format!("/api/console/invoices/{order_invoice}/statement"))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(
        statement["period"],
        json!(["2026-11-10", "2026-12-09"]),
        "{statement}"
    );
    // Oldest first: the SMS sent today (10 November), then the call of the 12th.
    let lines = statement["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "{statement}");
    assert_eq!(lines[0]["kind"], "sms");
    assert_eq!(lines[0]["segments"], 1);
    assert_eq!(lines[0]["settlement"], "included");
    assert_eq!(lines[1]["kind"], "call");
    assert_eq!(lines[1]["user_name"], "Alice Martin");
    assert_eq!(lines[1]["duration_seconds"], 90);
    assert_eq!(lines[1]["settlement"], "included");
    assert_eq!(lines[2]["number"], team.bob_number.1.as_str());
    assert_eq!(lines[2]["settlement"], "credits");
    assert_eq!(money(&lines[2]["credits"]), "5.00".parse().unwrap());
    assert_eq!(money(&statement["charged"]), Money::ZERO);
    let csv = team
        .manager
        .get(&format!(
            "/api/console/invoices/{order_invoice}/statement.csv"
        ))
        .await;
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"statement-2026-000001.csv\"")
    );
    let text = csv.text();
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.contains(",included,0,0.00,0.00,"), "{text}");
    assert!(text.contains(",Credits,0,0.00,5.00,"), "{text}");
}

async fn communications_are_filtered_by_period_and_paged_without_loss(backend: Backend) {
    let app = app_on(backend, "2026-12-20").await;
    let mut team = app.employees("BUSINESS").await;
    let mut november = BTreeSet::new();
    let mut all = BTreeSet::new();
    for n in 0..23_i64 {
        // Several at the very same instant: the cursor still tells them apart.
        let day = if n < 13 { 15 } else { 10 };
        let month = if n % 2 == 0 { "11" } else { "12" };
        let at = format!("2026-{month}-{day}T{:02}:00:00.000000Z", 8 + n % 3);
        let (number, user) = if n % 3 == 0 {
            (team.bob_number.0, team.bob_id)
        } else {
            (team.alice_number.0, team.alice_id)
        };
        let id = call(&app, number, user, &at, 60 + n).await;
        all.insert(id);
        if month == "11" {
            november.insert(id);
        }
    }
    // Page by page, 5 at a time, newest first: every call once, in order.
    let mut seen: Vec<(String, i64)> = Vec::new();
    let mut before = String::new();
    let mut pages = 0;
    loop {
        let path = format!("/api/console/communications?limit=5&before={before}");
        let page = team.manager.get(&path).await.expect_json(StatusCode::OK);
        pages += 1;
        for line in page["lines"].as_array().unwrap() {
            seen.push((
                line["at"].as_str().unwrap().to_owned(),
                line["duration_seconds"].as_i64().unwrap(),
            ));
        }
        match page["next"].as_str() {
            Some(next) => before = next.to_owned(),
            None => break,
        }
        if pages == 2 {
            // A call arriving meanwhile is not slipped into the older pages.
            call(
                &app,
                team.alice_number.0,
                team.alice_id,
                "2026-12-20T08:00:00.000000Z",
                5,
            )
            .await;
        }
    }
    assert_eq!(pages, 5);
    assert_eq!(seen.len(), 23, "{seen:?}");
    let distinct: BTreeSet<&(String, i64)> = seen.iter().collect();
    assert_eq!(distinct.len(), 23, "a line was repeated: {seen:?}");
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.0.cmp(&a.0));
    assert_eq!(
        seen.iter().map(|line| &line.0).collect::<Vec<_>>(),
        sorted.iter().map(|line| &line.0).collect::<Vec<_>>()
    );
    // The period filter: November only (days in Europe/Paris, both included).
    let page = team
        .manager
        .get("/api/console/communications?from=2026-11-01&to=2026-11-30&limit=500")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(page["lines"].as_array().unwrap().len(), november.len());
    assert_eq!(page["next"], Value::Null);
    assert!(
        page["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|line| line["at"].as_str().unwrap().starts_with("2026-11")),
        "{page}"
    );
    let csv = team
        .manager
        .get("/api/console/communications.csv?from=2026-11-01&to=2026-11-30")
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text());
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"communications-2026-11-01-2026-11-30.csv\"")
    );
    assert_eq!(csv.text().lines().count(), november.len() + 1);
    let whole = team.manager.get("/api/console/communications.csv").await;
    assert_eq!(whole.text().lines().count(), all.len() + 2);
    // Refusals say what is wrong.
    assert_api_error(
        &team
            .manager
            .get("/api/console/communications?from=2026-11-30&to=2026-11-01")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        Some("to"),
    );
    let reply = team
        .manager
        .get("/api/console/communications?before=yesterday")
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    assert_api_error(
        &team.alice.get("/api/console/communications.csv").await,
        StatusCode::FORBIDDEN,
        "forbidden",
        None,
    );
}
