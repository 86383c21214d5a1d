//! Licences (RENEW-1, NOTICE-1), the Company's Numbers (NUM-1, NUM-2, NUM-4) and the dashboard,
//! through the API, on SQLite and PostgreSQL. Orders and Users are inserted as rows
//! (`support/rows.rs`), so these tests depend only on the schema.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, NaiveDate};
use chrono_tz::Europe::Paris;
use protocol::SignupForm;
use serde_json::{Value, json};

use crate::support::rows as fixtures;
use crate::support::{
    Backend, Client, Reply, TestApp, app_on, assert_api_error, date, shift_days, signup_form,
};

on_both_databases!(
    licences_show_their_schedule_for_the_server_today,
    notice_on_time_is_recorded_with_its_time_of_receipt,
    late_notice_runs_one_more_period,
    second_notice_on_a_licence_is_refused,
    number_assignment_follows_the_territory_rule,
    deactivated_users_cannot_be_given_a_number,
    release_waits_for_the_end_of_the_licence,
    dashboard_shows_figures_deadlines_and_attention_items,
    dashboard_without_licences_or_numbers_has_no_deadlines,
    another_companys_licences_numbers_and_users_answer_404,
    users_who_are_not_managers_get_403_and_strangers_401,
);

const TODAY: &str = "2026-11-20";

/// A console whose today is [`TODAY`], with Anne (Manager of Martin & Fils) signed in.
async fn start(backend: Backend) -> (TestApp, Client, i64, i64) {
    let app = app_on(backend, TODAY).await;
    let (client, _) = app.signed_up(&signup_form()).await;
    let (company_id, manager_id) = fixtures::company_of(&app.state.db, "anne@martin.fr").await;
    (app, client, company_id, manager_id)
}

// Licences -----------------------------------------------------------------------------------------

/// RENEW-1, NOTICE-1: each Licence's period, renewal and notice deadline for the server's today.
async fn licences_show_their_schedule_for_the_server_today(backend: Backend) {
    let (app, mut client, company, manager) = start(backend).await;
    let db = &app.state.db;
    let yearly = fixtures::licence(db, company, manager, 12, date("2026-03-05")).await;
    let monthly = fixtures::licence(db, company, manager, 1, date("2026-01-31")).await;
    let plan = fixtures::call_plan(db, "Europe Unlimited").await;
    fixtures::number(db, company, yearly, plan, "+33612345678", "FR").await;
    fixtures::number(db, company, yearly, plan, "+33612345679", "FR").await;

    let list = client
        .get("/api/console/licences")
        .await
        .expect_json(StatusCode::OK);
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 2);
    // Oldest anchor first.
    let (first, second) = (&list[0], &list[1]);
    assert_eq!(first["id"], monthly);
    assert_eq!(first["term"], 1);
    assert_eq!(first["anchor"], "2026-01-31");
    assert_eq!(first["numbers"], 0);
    // Boundaries from the anchor, clamped: 31 Oct, 30 Nov, 31 Dec.
    assert_eq!(
        first["schedule"]["current_period"]["first_day"],
        "2026-10-31"
    );
    assert_eq!(
        first["schedule"]["current_period"]["last_day"],
        "2026-11-29"
    );
    assert_eq!(first["schedule"]["renewal_date"], "2026-11-30");
    assert_eq!(first["schedule"]["notice_last_day"], "2026-11-19");
    assert_eq!(first["schedule"]["notice_on_time"], false);
    assert_eq!(first["schedule"]["next_notice_deadline"], "2026-12-20");

    assert_eq!(second["id"], yearly);
    assert_eq!(second["term"], 12);
    assert_eq!(second["status"], "active");
    assert_eq!(second["numbers"], 2);
    assert!(second["notice"].is_null());
    assert_eq!(
        second["schedule"]["current_period"]["first_day"],
        "2026-03-05"
    );
    assert_eq!(
        second["schedule"]["current_period"]["last_day"],
        "2027-03-04"
    );
    assert_eq!(second["schedule"]["renewal_date"], "2027-03-05");
    assert_eq!(second["schedule"]["notice_last_day"], "2026-12-04");
    assert_eq!(second["schedule"]["notice_on_time"], true);
    assert_eq!(second["schedule"]["days_until_notice_deadline"], 14);
    assert_eq!(second["schedule"]["days_until_renewal"], 105);

    let one = client
        .get(&format!("/api/console/licences/{yearly}"))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(&one, second);
    // A year later the same Licence is in its second period.
    shift_days(&app, &mut client, 365).await;
    let later = client
        .get(&format!("/api/console/licences/{yearly}"))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(
        later["schedule"]["current_period"]["first_day"],
        "2027-03-05"
    );
    assert_eq!(later["schedule"]["renewal_date"], "2028-03-05");
}

/// The day of receipt, in Europe/Paris, of a stored instant.
fn paris_day(stamp: &Value) -> NaiveDate {
    DateTime::parse_from_rfc3339(stamp.as_str().expect("an instant"))
        .expect("RFC 3339")
        .with_timezone(&Paris)
        .date_naive()
}

/// NOTICE-1: a notice 3 months before the end of a yearly period makes it the last one.
async fn notice_on_time_is_recorded_with_its_time_of_receipt(backend: Backend) {
    let (app, mut client, company, manager) = start(backend).await;
    let yearly = fixtures::licence(&app.state.db, company, manager, 12, date("2026-03-05")).await;
    let before = app.state.clock.now();
    let receipt = client
        .post_json(
            &format!("/api/console/licences/{yearly}/notice"),
            &json!({}),
        )
        .await
        .expect_json(StatusCode::OK);
    let after = app.state.clock.now();
    assert_eq!(receipt["licence_id"], yearly);
    assert_eq!(receipt["received_on"], TODAY);
    let received_at =
        DateTime::parse_from_rfc3339(receipt["received_at"].as_str().unwrap()).unwrap();
    assert!(
        before <= received_at && received_at <= after,
        "{received_at}"
    );
    assert_eq!(paris_day(&receipt["received_at"]), date(TODAY));
    assert_eq!(receipt["on_time"], true);
    assert_eq!(receipt["period_last_day"], "2027-03-04");
    assert_eq!(receipt["notice_last_day"], "2026-12-04");
    assert_eq!(receipt["service_last_day"], "2027-03-04");

    let licence = client
        .get(&format!("/api/console/licences/{yearly}"))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(licence["notice"]["received_at"], receipt["received_at"]);
    assert_eq!(licence["notice"]["received_on"], TODAY);
    assert_eq!(licence["notice"]["on_time"], true);
    assert_eq!(licence["notice"]["service_last_day"], "2027-03-04");
    assert_eq!(licence["status"], "active");
    // PROOF-1: recorded with its author.
    let actions = fixtures::logged_actions(&app.state.db, company).await;
    assert_eq!(actions.last().map(String::as_str), Some("licence.notice"));
}

/// NOTICE-1: one day after the deadline, the next period runs to its end too.
async fn late_notice_runs_one_more_period(backend: Backend) {
    let (app, mut client, company, manager) = start(backend).await;
    let yearly = fixtures::licence(&app.state.db, company, manager, 12, date("2026-03-05")).await;
    let monthly = fixtures::licence(&app.state.db, company, manager, 1, date("2026-03-05")).await;
    // 5 December: one day after the yearly Licence's deadline (4 December).
    shift_days(&app, &mut client, 15).await;
    let late = client
        .post_json(
            &format!("/api/console/licences/{yearly}/notice"),
            &json!({}),
        )
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(late["received_on"], "2026-12-05");
    assert_eq!(late["on_time"], false);
    assert_eq!(late["notice_last_day"], "2026-12-04");
    assert_eq!(late["service_last_day"], "2028-03-04");
    // The monthly Licence's period 5 Dec to 4 Jan: 10 days before the end is still ahead.
    let monthly_notice = client
        .post_json(
            &format!("/api/console/licences/{monthly}/notice"),
            &json!({}),
        )
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(monthly_notice["on_time"], true);
    assert_eq!(monthly_notice["notice_last_day"], "2026-12-25");
    assert_eq!(monthly_notice["service_last_day"], "2027-01-04");
}

async fn second_notice_on_a_licence_is_refused(backend: Backend) {
    let (app, mut client, company, manager) = start(backend).await;
    let yearly = fixtures::licence(&app.state.db, company, manager, 12, date("2026-03-05")).await;
    let path = format!("/api/console/licences/{yearly}/notice");
    let first = client
        .post_json(&path, &json!({}))
        .await
        .expect_json(StatusCode::OK);
    let entries = fixtures::logged_actions(&app.state.db, company).await.len();
    shift_days(&app, &mut client, 30).await;
    let again = client.post_json(&path, &json!({})).await;
    assert_api_error(&again, StatusCode::CONFLICT, "notice_already_given", None);
    assert!(again.text().contains(TODAY), "{}", again.text());
    // Nothing changed: the first notice stands, the log has no new entry.
    let licence = client
        .get(&format!("/api/console/licences/{yearly}"))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(licence["notice"]["received_at"], first["received_at"]);
    assert_eq!(licence["notice"]["on_time"], true);
    assert_eq!(
        fixtures::logged_actions(&app.state.db, company).await.len(),
        entries
    );
}

// Numbers ------------------------------------------------------------------------------------------

/// NUM-1, NUM-2: assign, refuse with the reason, reassign, unassign.
async fn number_assignment_follows_the_territory_rule(backend: Backend) {
    let (app, mut client, company, manager) = start(backend).await;
    let db = &app.state.db;
    let licence = fixtures::licence(db, company, manager, 12, date("2026-03-05")).await;
    let plan = fixtures::call_plan(db, "Europe Unlimited").await;
    let spanish = fixtures::number(db, company, licence, plan, "+34612345678", "ES").await;
    let luc = fixtures::user(db, company, "Luc", "Petit", Some("FR"), &["BE"]).await;
    let marta = fixtures::user(db, company, "Marta", "Ruiz", Some("FR"), &["ES"]).await;
    let pablo = fixtures::user(db, company, "Pablo", "Gomez", Some("ES"), &[]).await;
    let path = format!("/api/console/numbers/{spanish}/user");

    let refused = client.put_json(&path, &json!({"user_id": luc})).await;
    assert_api_error(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_in_territory",
        Some("user_id"),
    );
    assert_eq!(
        refused.json()["error"]["message"],
        "This Number is in Spain: Luc Petit neither resides in Spain nor has stable links there."
    );
    let numbers = client
        .get("/api/console/numbers")
        .await
        .expect_json(StatusCode::OK);
    assert!(numbers[0]["user"].is_null(), "{numbers}");

    // A stable link with Spain is enough.
    let assigned = client
        .put_json(&path, &json!({"user_id": marta}))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(assigned["user"], json!({"id": marta, "name": "Marta Ruiz"}));
    // Reassigning replaces the holder: one User at a time.
    let reassigned = client
        .put_json(&path, &json!({"user_id": pablo}))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(reassigned["user"]["id"], pablo);
    let numbers = client
        .get("/api/console/numbers")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(
        numbers,
        json!([{
            "id": spanish, "e164": "+34612345678", "country": "ES", "plan": "Europe Unlimited",
            "licence_id": licence, "user": {"id": pablo, "name": "Pablo Gomez"}
        }])
    );
    let unassigned = client.delete(&path).await.expect_json(StatusCode::OK);
    assert!(unassigned["user"].is_null());

    let actions = fixtures::logged_actions(db, company).await;
    assert_eq!(
        actions[actions.len() - 3..],
        ["number.assign", "number.assign", "number.unassign"]
    );
    // What the browser needs to check NUM-2 before sending.
    let candidates = client
        .get("/api/console/numbers/assignable-users")
        .await
        .expect_json(StatusCode::OK);
    let luc_entry = candidates
        .as_array()
        .unwrap()
        .iter()
        .find(|user| user["id"] == luc)
        .expect("Luc is listed");
    assert_eq!(luc_entry["residence"], "FR");
    assert_eq!(luc_entry["stable_links"], json!(["BE"]));
    assert_eq!(candidates.as_array().unwrap().len(), 4, "{candidates}");
}

async fn deactivated_users_cannot_be_given_a_number(backend: Backend) {
    let (app, mut client, company, manager) = start(backend).await;
    let db = &app.state.db;
    let licence = fixtures::licence(db, company, manager, 1, date("2026-11-01")).await;
    let plan = fixtures::call_plan(db, "France Start").await;
    let number = fixtures::number(db, company, licence, plan, "+33698765432", "FR").await;
    let rosa = fixtures::user(db, company, "Rosa", "Blanc", Some("FR"), &[]).await;
    fixtures::deactivate(db, rosa).await;
    let reply = client
        .put_json(
            &format!("/api/console/numbers/{number}/user"),
            &json!({"user_id": rosa}),
        )
        .await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "user_deactivated",
        Some("user_id"),
    );
    let candidates = client
        .get("/api/console/numbers/assignable-users")
        .await
        .expect_json(StatusCode::OK);
    assert!(
        candidates
            .as_array()
            .unwrap()
            .iter()
            .all(|user| user["id"] != rosa),
        "{candidates}"
    );
    let malformed = client
        .put_json(
            &format!("/api/console/numbers/{number}/user"),
            &json!({"user": rosa}),
        )
        .await;
    assert_api_error(&malformed, StatusCode::BAD_REQUEST, "malformed_body", None);
}

/// NUM-4: a Number follows its Licence's term; it leaves only once the Licence has ended.
async fn release_waits_for_the_end_of_the_licence(backend: Backend) {
    let (app, mut client, company, manager) = start(backend).await;
    let db = &app.state.db;
    let licence = fixtures::licence(db, company, manager, 12, date("2026-03-05")).await;
    let plan = fixtures::call_plan(db, "Europe Unlimited").await;
    let number = fixtures::number(db, company, licence, plan, "+33611112222", "FR").await;
    let path = format!("/api/console/numbers/{number}");

    let refused = client.delete(&path).await;
    assert_api_error(&refused, StatusCode::CONFLICT, "release_too_early", None);
    let message = refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("give notice of non-renewal first"),
        "{message}"
    );
    assert!(message.contains("2027-03-05"), "{message}");

    client
        .post_json(
            &format!("/api/console/licences/{licence}/notice"),
            &json!({}),
        )
        .await;
    let refused = client.delete(&path).await;
    assert_api_error(&refused, StatusCode::CONFLICT, "release_too_early", None);
    let message = refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("released from 2027-03-05"), "{message}");
    assert!(!message.contains("give notice"), "{message}");

    // The last day of service, 4 March 2027: still refused.
    shift_days(&app, &mut client, 104).await;
    assert_eq!(app.state.clock.today(), date("2027-03-04"));
    assert_eq!(client.delete(&path).await.status, StatusCode::CONFLICT);
    shift_days(&app, &mut client, 1).await;
    let released = client.delete(&path).await;
    assert_eq!(
        released.status,
        StatusCode::NO_CONTENT,
        "{}",
        released.text()
    );
    assert_eq!(
        client
            .get("/api/console/numbers")
            .await
            .expect_json(StatusCode::OK),
        json!([])
    );
    let owner: Option<i64> = sqlx::query_scalar("SELECT company_id FROM numbers WHERE id = $1")
        .bind(number)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(owner, None, "back in the pool");
    let ended = client
        .get(&format!("/api/console/licences/{licence}"))
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(ended["status"], "ended");
    assert_eq!(ended["numbers"], 0);
    let actions = fixtures::logged_actions(db, company).await;
    assert_eq!(actions.last().map(String::as_str), Some("number.release"));
    // Gone from the Company: a second release finds nothing.
    assert_api_error(
        &client.delete(&path).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
}

// Dashboard ----------------------------------------------------------------------------------------

async fn dashboard_shows_figures_deadlines_and_attention_items(backend: Backend) {
    let (app, mut client, company, manager) = start(backend).await;
    let db = &app.state.db;
    let yearly = fixtures::licence(db, company, manager, 12, date("2026-03-05")).await;
    let monthly = fixtures::licence(db, company, manager, 1, date("2026-01-31")).await;
    let noticed = fixtures::licence(db, company, manager, 1, date("2026-11-01")).await;
    let plan = fixtures::call_plan(db, "Europe Unlimited").await;
    let first = fixtures::number(db, company, yearly, plan, "+33600000001", "FR").await;
    fixtures::number(db, company, yearly, plan, "+33600000002", "FR").await;
    fixtures::number(db, company, monthly, plan, "+33600000003", "FR").await;
    let lea = fixtures::user(db, company, "Léa", "Roux", Some("FR"), &[]).await;
    let old = fixtures::user(db, company, "Paul", "Vieux", Some("FR"), &[]).await;
    fixtures::deactivate(db, old).await;
    client
        .put_json(
            &format!("/api/console/numbers/{first}/user"),
            &json!({"user_id": lea}),
        )
        .await
        .expect_json(StatusCode::OK);
    // A Licence with a notice no longer renews: it is not among the deadlines.
    client
        .post_json(
            &format!("/api/console/licences/{noticed}/notice"),
            &json!({}),
        )
        .await
        .expect_json(StatusCode::OK);

    let dashboard = client
        .get("/api/console/dashboard")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(dashboard["users"], 3);
    assert_eq!(dashboard["active_users"], 2);
    assert_eq!(dashboard["numbers"], 3);
    assert_eq!(dashboard["assigned_numbers"], 1);
    assert_eq!(dashboard["licences"], 3);
    assert_eq!(
        dashboard["next_renewal"],
        json!({"licence_id": monthly, "date": "2026-11-30", "days_left": 10})
    );
    assert_eq!(
        dashboard["next_notice_deadline"],
        json!({"licence_id": yearly, "date": "2026-12-04", "days_left": 14})
    );
    let kinds: Vec<&str> = dashboard["attention"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["notice_deadline", "unassigned_numbers", "no_payment_method"]
    );
    assert!(
        dashboard["attention"][1]["message"]
            .as_str()
            .unwrap()
            .starts_with("2 Numbers have no User"),
        "{dashboard}"
    );

    // With a valid payment method on file and the deadline far away, fewer items.
    sqlx::query(
        "INSERT INTO payment_methods (company_id, kind, label, last4, valid_until, created_at)
         VALUES ($1, 'card', 'Visa', '4242', '2030-12-31', '2026-01-01T00:00:00.000000Z')",
    )
    .bind(company)
    .execute(&db.pool)
    .await
    .unwrap();
    shift_days(&app, &mut client, 15).await; // 5 December: the yearly deadline has passed; the next is a year on.
    let later = client
        .get("/api/console/dashboard")
        .await
        .expect_json(StatusCode::OK);
    let kinds: Vec<&str> = later["attention"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["kind"].as_str().unwrap())
        .collect();
    // The monthly Licence's next deadline (20 Dec) is within 30 days.
    assert_eq!(
        later["next_notice_deadline"],
        json!({"licence_id": monthly, "date": "2026-12-20", "days_left": 15})
    );
    assert_eq!(kinds, ["notice_deadline", "unassigned_numbers"]);
}

async fn dashboard_without_licences_or_numbers_has_no_deadlines(backend: Backend) {
    let (_app, mut client, _, _) = start(backend).await;
    let dashboard = client
        .get("/api/console/dashboard")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(dashboard["users"], 1);
    assert_eq!(dashboard["numbers"], 0);
    assert_eq!(dashboard["licences"], 0);
    assert!(dashboard["next_renewal"].is_null());
    assert!(dashboard["next_notice_deadline"].is_null());
    assert_eq!(dashboard["attention"].as_array().unwrap().len(), 1);
    assert_eq!(dashboard["attention"][0]["kind"], "no_payment_method");
}

// Isolation and roles ------------------------------------------------------------------------------

fn other_company() -> SignupForm {
    SignupForm {
        legal_name: "Dupont SARL".into(),
        registration_number: "552 100 554".into(),
        email: "bob@dupont.fr".into(),
        first_name: "Bob".into(),
        last_name: "Dupont".into(),
        ..signup_form()
    }
}

/// Every route of this area, with a body where it takes one.
fn routes(licence: i64, number: i64, user: i64) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, "/api/console/licences".into(), None),
        (
            Method::GET,
            format!("/api/console/licences/{licence}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/console/licences/{licence}/notice"),
            Some(json!({})),
        ),
        (Method::GET, "/api/console/numbers".into(), None),
        (
            Method::GET,
            "/api/console/numbers/assignable-users".into(),
            None,
        ),
        (
            Method::PUT,
            format!("/api/console/numbers/{number}/user"),
            Some(json!({"user_id": user})),
        ),
        (
            Method::DELETE,
            format!("/api/console/numbers/{number}/user"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/console/numbers/{number}"),
            None,
        ),
        (Method::GET, "/api/console/dashboard".into(), None),
    ]
}

async fn send(client: &mut Client, method: &Method, path: &str, body: &Option<Value>) -> Reply {
    match body {
        Some(body) => {
            client
                .send(
                    method.clone(),
                    path,
                    &[("content-type", "application/json")],
                    Body::from(body.to_string()),
                )
                .await
        }
        None => client.send(method.clone(), path, &[], Body::empty()).await,
    }
}

async fn another_companys_licences_numbers_and_users_answer_404(backend: Backend) {
    let (app, mut anne, company, manager) = start(backend).await;
    let db = &app.state.db;
    let plan = fixtures::call_plan(db, "Europe Unlimited").await;
    let own_licence = fixtures::licence(db, company, manager, 12, date("2026-03-05")).await;
    let own_number = fixtures::number(db, company, own_licence, plan, "+33600000009", "FR").await;
    let (_bob, _) = app.signed_up(&other_company()).await;
    let (other, other_manager) = fixtures::company_of(db, "bob@dupont.fr").await;
    let licence = fixtures::licence(db, other, other_manager, 1, date("2026-01-31")).await;
    let number = fixtures::number(db, other, licence, plan, "+33600000010", "FR").await;
    let stranger = fixtures::user(db, other, "Carl", "Autre", Some("FR"), &[]).await;
    let log_before = fixtures::logged_actions(db, other).await;

    for (method, path, body) in routes(licence, number, stranger) {
        if !path.contains(&licence.to_string()) && !path.contains(&number.to_string()) {
            continue;
        }
        let reply = send(&mut anne, &method, &path, &body).await;
        assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    }
    // Anne's own Number cannot go to Bob's User either.
    let reply = anne
        .put_json(
            &format!("/api/console/numbers/{own_number}/user"),
            &json!({"user_id": stranger}),
        )
        .await;
    assert_api_error(&reply, StatusCode::NOT_FOUND, "not_found", None);
    // Lists hold only Anne's.
    let licences = anne
        .get("/api/console/licences")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(licences.as_array().unwrap().len(), 1);
    assert_eq!(licences[0]["id"], own_licence);
    let numbers = anne
        .get("/api/console/numbers")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(numbers.as_array().unwrap().len(), 1);
    let candidates = anne
        .get("/api/console/numbers/assignable-users")
        .await
        .expect_json(StatusCode::OK);
    assert!(
        candidates
            .as_array()
            .unwrap()
            .iter()
            .all(|user| user["id"] != stranger)
    );
    let dashboard = anne
        .get("/api/console/dashboard")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(
        (dashboard["numbers"].clone(), dashboard["licences"].clone()),
        (json!(1), json!(1))
    );
    // Bob's Company is untouched.
    assert_eq!(fixtures::logged_actions(db, other).await, log_before);
    let notice: Option<String> =
        sqlx::query_scalar("SELECT notice_received_at FROM licences WHERE id = $1")
            .bind(licence)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(notice, None);
}

async fn users_who_are_not_managers_get_403_and_strangers_401(backend: Backend) {
    let (app, _anne, company, manager) = start(backend).await;
    let db = &app.state.db;
    let plan = fixtures::call_plan(db, "Europe Unlimited").await;
    let licence = fixtures::licence(db, company, manager, 12, date("2026-03-05")).await;
    let number = fixtures::number(db, company, licence, plan, "+33600000011", "FR").await;
    let user = fixtures::user(db, company, "Eva", "Simple", Some("FR"), &[]).await;
    let token = server::store::sessions::open(db, user, app.state.clock.now())
        .await
        .unwrap();
    let mut eva = app.client_with_session(&token);
    let mut nobody = app.client();
    for (method, path, body) in routes(licence, number, user) {
        let reply = send(&mut eva, &method, &path, &body).await;
        assert_api_error(&reply, StatusCode::FORBIDDEN, "forbidden", None);
        let reply = send(&mut nobody, &method, &path, &body).await;
        assert_api_error(&reply, StatusCode::UNAUTHORIZED, "unauthenticated", None);
    }
    let untouched: (Option<String>, Option<i64>) =
        sqlx::query_as("SELECT l.notice_received_at, n.user_id FROM licences l JOIN numbers n ON n.licence_id = l.id WHERE l.id = $1")
            .bind(licence)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(untouched, (None, None));
}
