//! The discontinuation of a Service (NOTICE-3, GTCS 6.2.1), on SQLite and PostgreSQL: an
//! administrator announces it two weeks ahead at least (sooner is refused, as is a second one
//! for the same Service or another role's attempt); the Managers of every Company with a Licence
//! in force are emailed and each Company's proof log names the operator; the dashboard and the
//! WebApp say it; from its day the server refuses the Service, and only it.

use crate::support::{
    ADMIN_TOKEN, Backend, Client, Reply, TestApp, admin, admin_post, assert_api_error, count_where,
    refused_to_role,
};
use axum::http::{Method, StatusCode};
use protocol::backoffice::OperatorRole;
use serde_json::json;

on_both_databases!(a_service_is_discontinued_after_its_notice_and_only_it);

/// Alice calls a number in the United Kingdom from her Number.
async fn abroad(client: &mut Client, number_id: i64) -> Reply {
    let path = format!("/api/app/numbers/{number_id}/calls");
    client
        .post_json(&path, &json!({"to": "+44 20 7946 0000"}))
        .await
}

async fn a_service_is_discontinued_after_its_notice_and_only_it(backend: Backend) {
    let app = TestApp::options(backend).start().await;
    let mut team = app.employees("BUSINESS").await;
    let today = app.state.clock.today();
    let day = |days: i64| (today + chrono::TimeDelta::days(days)).to_string();
    let path = "/api/admin/service-discontinuations";
    let form = |effective: String, reason: &str| json!({"service": "calls_with_credits", "effective": effective, "reason": reason});

    // Two weeks' notice at least (rule T): 14 days ahead is too soon, 15 is the earliest.
    let reply = admin_post(&app, path, form(day(14), "Carrier contract ends.")).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "discontinuation_too_soon",
        Some("effective"),
    );
    let reply = admin_post(&app, path, form(day(15), "  ")).await;
    assert_api_error(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("reason"),
    );
    // Announcing is the administrators' business.
    refused_to_role(
        &app,
        OperatorRole::Support,
        Method::POST,
        path,
        Some(form(day(15), "Carrier contract ends.")),
    )
    .await;
    // Before any announcement, calling abroad is not refused for this reason.
    let reply = abroad(&mut team.alice, team.alice_number.0).await;
    assert_ne!(
        reply.json()["error"]["code"],
        "service_discontinued",
        "{}",
        reply.text()
    );

    let reply = admin_post(&app, path, form(day(15), "Carrier contract ends.")).await;
    let announced = reply.expect_json(StatusCode::CREATED);
    assert_eq!(announced["effective"], day(15));
    assert_eq!(announced["notified_on"], today.to_string());
    assert_eq!(
        announced["label"],
        "Calls to special and international numbers"
    );
    let reply = admin_post(&app, path, form(day(30), "Again.")).await;
    assert_api_error(
        &reply,
        StatusCode::CONFLICT,
        "service_already_discontinued",
        Some("service"),
    );
    let listed = admin(&app, Method::GET, path, None, ADMIN_TOKEN)
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(listed["announced"].as_array().unwrap().len(), 1);

    // The Managers are emailed, the proof log names the operator.
    let emailed = "SELECT COUNT(*) FROM outbox o JOIN users u ON u.email = o.recipient \
         WHERE u.role = 'manager' AND o.subject LIKE 'Calls to special and international numbers: discontinued from %' \
         AND o.body LIKE '%Carrier contract ends.%'";
    assert_eq!(count_where(&app, emailed).await, 1);
    assert_eq!(
        count_where(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'service.discontinuation' \
             AND actor_operator_id IS NOT NULL"
        )
        .await,
        1
    );

    // The dashboard and the WebApp say it; until its day the Service is offered.
    let dashboard = team
        .manager
        .get("/api/console/dashboard")
        .await
        .expect_json(StatusCode::OK);
    let said = dashboard["attention"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["kind"] == "service_discontinued")
        .unwrap_or_else(|| panic!("{dashboard}"))
        .clone();
    assert!(
        said["message"]
            .as_str()
            .unwrap()
            .contains("it can be used until the day before"),
        "{said}"
    );
    let home = team
        .alice
        .get("/api/app/home")
        .await
        .expect_json(StatusCode::OK);
    assert_eq!(home["discontinued"].as_array().unwrap().len(), 1, "{home}");
    // Sessions end after 14 days: Alice signs in again after each move of the clock.
    app.state.clock.advance_days(14);
    team.alice = app.client_signed_in_as(team.alice_id).await;
    let reply = abroad(&mut team.alice, team.alice_number.0).await;
    assert_ne!(
        reply.json()["error"]["code"],
        "service_discontinued",
        "{}",
        reply.text()
    );

    // From its day, calling abroad is refused with a sentence; national calls go on.
    app.state.clock.advance_days(1);
    team.alice = app.client_signed_in_as(team.alice_id).await;
    let reply = abroad(&mut team.alice, team.alice_number.0).await;
    assert_api_error(&reply, StatusCode::CONFLICT, "service_discontinued", None);
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no longer offered since"),
        "{}",
        reply.text()
    );
    let reply = team
        .alice
        .post_json(
            &format!("/api/app/numbers/{}/calls", team.alice_number.0),
            &json!({"to": team.bob_number.1}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
}
